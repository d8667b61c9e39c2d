/* The program's version (CMakeLists.txt's project VERSION) and the git commit
 * it was built from, "unknown" outside a checkout and "-dirty" after
 * uncommitted changes. Generated at build time by cmake/version.cmake. */
#ifndef GH_CORE_VERSION_H
#define GH_CORE_VERSION_H

extern const char GH_VERSION[];
extern const char GH_GIT_COMMIT[];

#endif
