/* The one fetcher of documents whose address a third party chose: a
 * client's jwks_uri (client_keys.c) and its Client ID Metadata Document
 * (client_document.c). Over httpc: no redirects (a 3xx is a failure), TLS
 * verified (against outside_ca_file when set), a size cap and a time limit,
 * and only public addresses unless the caller's setting allows private
 * ones, checked on the address actually connected to. Also the reading of
 * the answer's Cache-Control for the callers' caches. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "oauth/oauth_int.h"

gh_status_t outside_fetch(const http_request_t *req, const outside_fetch_t *f,
                          httpc_response_t *res)
{
    const config_server_t *cfg = app_of(req)->cfg;
    httpc_header_t accept = {"Accept", f->accept};
    httpc_request_t r = {.method = HTTPC_GET,
                         .url = f->url,
                         .headers = &accept,
                         .header_count = 1,
                         .connect_timeout_ms = f->timeout_s * 1000,
                         .timeout_ms = f->timeout_s * 1000,
                         .max_response = f->max_bytes,
                         .public_only = !f->private_ok,
                         .ca_file = cfg->outside_ca_file};
    return httpc_send(req->arena, &r, res);
}

/* The value of directive name (its length n) at p, a comma-separated list. */
static bool directive_is(const char *p, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len >= n && !strncasecmp(p, name, n) && (len == n || p[n] == '=');
}

outside_cache_t outside_cache_control(const char *value, long *max_age)
{
    outside_cache_t kind = OUTSIDE_CACHE_DEFAULT;
    *max_age = 0;
    for (const char *p = value; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (directive_is(p, len, "no-store") || directive_is(p, len, "no-cache"))
            return OUTSIDE_CACHE_NONE;
        if (directive_is(p, len, "max-age") && len > 8) {
            long v = 0;
            size_t i = 8;
            while (i < len && isdigit((unsigned char)p[i]) && v < OUTSIDE_MAX_AGE_CAP)
                v = v * 10 + (p[i++] - '0');
            if (i == len || v >= OUTSIDE_MAX_AGE_CAP) {
                *max_age = v < OUTSIDE_MAX_AGE_CAP ? v : OUTSIDE_MAX_AGE_CAP;
                kind = OUTSIDE_CACHE_MAX_AGE;
            }
        }
        p += strcspn(p, ",");
    }
    return kind;
}
