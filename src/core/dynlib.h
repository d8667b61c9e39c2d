/* Libraries opened when first needed rather than at start-up. libpq and
 * libcurl bring Kerberos, LDAP, SASL, ssh2, libssl and more: about 2 MiB
 * resident in every process that links them, also in a server on SQLite that
 * never calls a platform (docs/performance.md). The PostgreSQL engine and the
 * HTTP client therefore reach them through a table of function pointers that
 * dynlib_load fills on first use.
 *
 * A module names the functions it uses once, as an X-macro of
 * (prefix, name) pairs, and builds from it both its table type
 * (DYNLIB_FIELD: `__typeof__(PQstatus) *status;`, so every call is type
 * checked against the library's own header) and the symbol list
 * (DYNLIB_SYMBOL). A loaded library stays loaded until the process exits. */
#ifndef GH_CORE_DYNLIB_H
#define GH_CORE_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* A member of a module's table: a pointer to prefix##name, named name. */
#define DYNLIB_FIELD(prefix, name) __typeof__(prefix##name) *name;

/* An entry of a module's symbol list for its table type T. */
#define DYNLIB_SYMBOL(T, prefix, name) {#prefix #name, offsetof(T, name)},

typedef struct {
    const char *name; /* as exported by the library, e.g. "PQstatus" */
    size_t offset;    /* of its pointer in the table */
} dynlib_symbol_t;

typedef struct {
    const char *soname;  /* e.g. "libpq.so.5": the ABI the headers describe */
    const char *package; /* the Debian package that provides it, for the error */
    const dynlib_symbol_t *symbols;
    size_t count;
    void *table; /* the module's struct of function pointers */
    bool loaded; /* under the loader's lock */
} dynlib_t;

/* Opens lib->soname and fills lib->table, once; later calls return the first
 * call's result at once. GH_OK, or GH_ERR_UNAVAILABLE when the library or one
 * of its symbols is missing: then an error line naming the library, its
 * package and the loader's message is logged, the table may be partly
 * filled (nothing may call through it), and a later call tries again. Thread-safe; a table filled
 * here may be read by any thread that called dynlib_load, or that learnt of the load through other
 * synchronization (a thread started after it). */
gh_status_t dynlib_load(dynlib_t *lib);

#endif
