/* Names for gh_status_t values, for logs and CLI messages. */
#include "core/status.h"

const char *gh_status_str(gh_status_t st)
{
    switch (st) {
    case GH_OK:
        return "ok";
    case GH_ERR_NOMEM:
        return "out of memory";
    case GH_ERR_INVALID:
        return "invalid input";
    case GH_ERR_NOT_FOUND:
        return "not found";
    case GH_ERR_CONFLICT:
        return "conflict";
    case GH_ERR_TOO_LARGE:
        return "too large";
    case GH_ERR_UNAVAILABLE:
        return "unavailable";
    case GH_ERR_IO:
        return "i/o error";
    case GH_ERR_CRYPTO:
        return "crypto error";
    case GH_ERR_INTERNAL:
        return "internal error";
    case GH_ERR_THROTTLED:
        return "too many attempts";
    }
    return "unknown status";
}
