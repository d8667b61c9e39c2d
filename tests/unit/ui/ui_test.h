/* Helpers shared by the ui unit tests: counting and finding text in a page. */
#ifndef GH_TESTS_UI_TEST_H
#define GH_TESTS_UI_TEST_H

#include <stddef.h>
#include <string.h>

/* How many times needle occurs in hay (non-overlapping). */
static inline size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static inline int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

#endif
