/* Outbound HTTP: the gateway's calls to the platforms (token exchange,
 * userinfo, refresh, revoke, discovery, JWKS). The only module that knows
 * libcurl.
 *
 * Every call uses its own curl handle, so threads never share one. TLS peer
 * and host verification are always on; plain http:// is allowed only to a
 * loopback host (127.0.0.0/8, ::1, localhost), for local providers and the
 * tests; any other scheme or host is refused before a connection is made.
 * Redirects are never followed (an answer 3xx is a non-2xx answer). Answers
 * are read into the caller's arena up to a size cap; anything bigger is an
 * error, as is a connect or total timeout. Nothing sent or received is
 * logged. */
#ifndef GH_HTTPC_HTTPC_H
#define GH_HTTPC_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/status.h"

typedef enum { HTTPC_GET, HTTPC_POST, HTTPC_DELETE } httpc_method_t;

/* Why a call did not end in a 2xx answer. */
typedef enum {
    HTTPC_OK,             /* a 2xx answer */
    HTTPC_FAIL_STATUS,    /* a complete answer with another status (kept in the response) */
    HTTPC_FAIL_TIMEOUT,   /* no connection, or no complete answer, within the time limits */
    HTTPC_FAIL_CONNECT,   /* name resolution, connection or TLS (certificate) failure */
    HTTPC_FAIL_TOO_LARGE, /* the answer is bigger than max_response */
    HTTPC_FAIL_URL,       /* malformed, not http(s), or http:// to a non-loopback host */
    HTTPC_FAIL_INTERNAL,  /* out of memory or a library failure */
} httpc_outcome_t;

typedef struct {
    const char *name, *value; /* borrowed; no CR or LF */
} httpc_header_t;

#define HTTPC_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define HTTPC_DEFAULT_TIMEOUT_MS 10000
#define HTTPC_DEFAULT_MAX_RESPONSE (1u << 20)

typedef struct {
    httpc_method_t method;
    const char *url;
    const httpc_header_t *headers; /* extra request headers (Accept, Authorization, …) */
    size_t header_count;
    const char *body; /* POST/DELETE body, or NULL */
    size_t body_len;
    const char *content_type;   /* of the body, e.g. "application/x-www-form-urlencoded" */
    const char *basic_user;     /* HTTP Basic credentials, sent as given; or NULL */
    const char *basic_password; /* with basic_user */
    long connect_timeout_ms;    /* 0: HTTPC_DEFAULT_CONNECT_TIMEOUT_MS */
    long timeout_ms;            /* the whole call; 0: HTTPC_DEFAULT_TIMEOUT_MS */
    size_t max_response;        /* body cap in bytes; 0: HTTPC_DEFAULT_MAX_RESPONSE */
    /* connect only to public addresses (httpc_address_public), checked on the
     * address actually connected to: a URL a third party chose (a client's
     * jwks_uri) cannot reach this host's or its network's services (SSRF);
     * a refused address is HTTPC_FAIL_CONNECT */
    bool public_only;
    const char *ca_file; /* PEM CA certificates trusted instead of the system's; NULL: those */
} httpc_request_t;

typedef struct {
    httpc_outcome_t outcome;
    long status;               /* HTTP status, 0 when no answer came */
    const char *body;          /* NUL-terminated, in the arena ("" when empty) */
    size_t body_len;           /* excluding the NUL */
    const char *content_type;  /* as sent, in the arena; NULL when absent */
    const char *cache_control; /* the Cache-Control header, in the arena; NULL when absent */
} httpc_response_t;

/* Opens libcurl and initializes it, once per process (later calls return
 * the first result). GH_OK; GH_ERR_UNAVAILABLE when libcurl cannot be
 * loaded (logged, naming the library and its Debian package), or
 * GH_ERR_INTERNAL when it fails to initialize. Call it before starting
 * threads; httpc_url_allowed and httpc_send call it too, and fail (false, or
 * HTTPC_FAIL_INTERNAL) when it did. */
gh_status_t httpc_init(void);

/* True when url may be called: https://, or http:// to a loopback host. */
bool httpc_url_allowed(const char *url);

/* Performs the request. GH_OK for a 2xx answer. Otherwise *res->outcome says
 * why, and the status is GH_ERR_UNAVAILABLE (non-2xx, timeout, connect),
 * GH_ERR_TOO_LARGE, GH_ERR_INVALID (URL refused) or GH_ERR_NOMEM /
 * GH_ERR_INTERNAL. For HTTPC_FAIL_STATUS the status, body and content type
 * are filled too, so the caller can read an error answer. *res is always
 * written. */
gh_status_t httpc_send(arena_t *a, const httpc_request_t *req, httpc_response_t *res);

struct sockaddr;

/* True when sa (IPv4 or IPv6) is a public address: not loopback, private
 * (RFC 1918, fc00::/7), shared (RFC 6598), link-local, unspecified,
 * multicast or reserved; an IPv4-mapped IPv6 address as its IPv4 one. */
bool httpc_address_public(const struct sockaddr *sa);
/* ---- mail (smtp.c): one message to one recipient over SMTP ---- */

typedef struct {
    const char *url;      /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
    const char *user;     /* SMTP AUTH; NULL: none */
    const char *password; /* with user */
    const char *from;     /* envelope sender (MAIL FROM) */
    const char *to;       /* envelope recipient (RCPT TO) */
    const char *message;  /* the whole message, CRLF line ends */
    size_t message_len;
    long timeout_ms; /* the whole delivery; 0: HTTPC_DEFAULT_TIMEOUT_MS */
} httpc_mail_t;

/* Sends m. smtps:// speaks TLS from the start; smtp:// must upgrade with
 * STARTTLS (a server that does not offer it is an error), except to a
 * loopback host, where the connection stays plain. Certificates are always
 * verified. GH_OK when the server accepted the message; GH_ERR_UNAVAILABLE
 * when it did not, *permanent then telling a refusal for good (a 5xx
 * answer: unknown mailbox, authentication refused) from a failure worth
 * retrying (no connection, timeout, 4xx); GH_ERR_INVALID for a URL that is
 * not smtp(s). why gets a short English reason (no secret) on failure. */
gh_status_t httpc_mail_send(const httpc_mail_t *m, bool *permanent, char *why, size_t why_len);

/* A short English description of an outcome ("timed out"); never NULL. */
const char *httpc_outcome_str(httpc_outcome_t o);

#endif
