/* Status codes shared by every module.
 *
 * Fallible functions return a gh_status_t and write their results through
 * out-parameters only when they return GH_OK. */
#ifndef GH_CORE_STATUS_H
#define GH_CORE_STATUS_H

typedef enum {
    GH_OK = 0,
    GH_ERR_NOMEM,       /* an arena or malloc ran out */
    GH_ERR_INVALID,     /* malformed or out-of-range input */
    GH_ERR_NOT_FOUND,   /* no such record, or it expired */
    GH_ERR_CONFLICT,    /* already exists, or already used */
    GH_ERR_TOO_LARGE,   /* input over its limit */
    GH_ERR_UNAVAILABLE, /* the database or an upstream cannot be reached */
    GH_ERR_IO,          /* a file or socket operation failed */
    GH_ERR_CRYPTO,      /* a signature, key or digest operation failed */
    GH_ERR_INTERNAL,    /* a bug or an unexpected library failure */
    GH_ERR_THROTTLED,   /* refused for now: too many attempts; try again later */
} gh_status_t;

/* A short English name for the status ("not found"); never NULL. */
const char *gh_status_str(gh_status_t st);

#endif
