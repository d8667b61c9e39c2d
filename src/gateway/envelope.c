/* The seed 002 envelope {"flag","title","message","body"} that every gateway
 * answer uses, and the one place a typed gateway error becomes an HTTP
 * status and a failure envelope. A failure's body names its code, which the
 * page turns into words in the person's language; the message is English for
 * developers and never shown on the page. */
#include "gateway/gateway_int.h"

#include "core/log.h"

static const int STATUS[] = {
    [GW_ERR_BAD_REQUEST] = 400, [GW_ERR_UNSUPPORTED] = 400,      [GW_ERR_UNAUTHORIZED] = 401,
    [GW_ERR_FORBIDDEN] = 403,   [GW_ERR_NOT_FOUND] = 404,        [GW_ERR_TOO_LARGE] = 413,
    [GW_ERR_TOO_MANY] = 429,    [GW_ERR_INTERNAL] = 500,         [GW_ERR_UPSTREAM] = 502,
    [GW_ERR_UNAVAILABLE] = 503, [GW_ERR_UPSTREAM_TIMEOUT] = 504,
};

/* Each kind's code, when the error names no more precise one. */
static const char *const CODE[] = {
    [GW_ERR_BAD_REQUEST] = "bad_request",
    [GW_ERR_UNSUPPORTED] = "unsupported",
    [GW_ERR_UNAUTHORIZED] = "unauthorized",
    [GW_ERR_FORBIDDEN] = "forbidden",
    [GW_ERR_NOT_FOUND] = "not_found",
    [GW_ERR_TOO_LARGE] = "too_large",
    [GW_ERR_TOO_MANY] = "too_many_requests",
    [GW_ERR_INTERNAL] = "internal",
    [GW_ERR_UPSTREAM] = "upstream",
    [GW_ERR_UNAVAILABLE] = "unavailable",
    [GW_ERR_UPSTREAM_TIMEOUT] = "upstream_timeout",
};

gh_status_t gw_fail(gw_error_t *err, gh_status_t st, gw_error_kind_t kind, const char *message)
{
    *err = (gw_error_t){kind, message, NULL};
    return st;
}

gh_status_t gw_fail_code(gw_error_t *err, gh_status_t st, gw_error_kind_t kind, const char *code,
                         const char *message)
{
    *err = (gw_error_t){kind, message, code};
    return st;
}

gh_status_t gw_fail_platform(gw_error_t *err, gh_status_t st, const platform_error_t *pe)
{
    static const gw_error_kind_t KIND[] = {
        [PLATFORM_ERR_BAD_REQUEST] = GW_ERR_BAD_REQUEST,
        [PLATFORM_ERR_INTERNAL] = GW_ERR_INTERNAL,
        [PLATFORM_ERR_UPSTREAM] = GW_ERR_UPSTREAM,
        [PLATFORM_ERR_TIMEOUT] = GW_ERR_UPSTREAM_TIMEOUT,
    };
    return gw_fail(err, st, KIND[pe->kind], pe->message);
}

gh_status_t gw_fail_store(gw_error_t *err, gh_status_t st)
{
    if (st == GH_ERR_UNAVAILABLE)
        return gw_fail(err, st, GW_ERR_UNAVAILABLE, "the database is unavailable; try again");
    return gw_fail(err, st, GW_ERR_INTERNAL, "internal error");
}

static void envelope(const http_request_t *req, http_response_t *res, int status, bool flag,
                     const char *title, const char *message, json_t *body)
{
    json_t *j = json_pack("{sb ss ss so}", "flag", flag, "title", title, "message", message, "body",
                          body ? body : json_null());
    if (!j) {
        static const char oom[] = "{\"flag\":false,\"title\":\"error\",\"message\":\"internal "
                                  "error\",\"body\":null}";
        http_response_json_raw(res, 500, oom, sizeof oom - 1);
        return;
    }
    http_response_json(req, res, status, j);
    json_decref(j);
}

void gw_respond(const http_request_t *req, http_response_t *res, const char *title,
                const char *message, json_t *body)
{
    envelope(req, res, 200, true, title, message, body);
}

void gw_respond_error(const http_request_t *req, http_response_t *res, const char *title,
                      const gw_error_t *err)
{
    bool known = (unsigned)err->kind < sizeof STATUS / sizeof STATUS[0];
    int status = known ? STATUS[err->kind] : 500;
    const char *code = err->code ? err->code : known ? CODE[err->kind] : CODE[GW_ERR_INTERNAL];
    if (status >= 500)
        log_event(LOG_WARN, "gateway_error", "path", req->path, "message", err->message, NULL);
    envelope(req, res, status, false, title, err->message ? err->message : "error",
             json_pack("{ss}", "code", code));
}
