/* The SMTP client (httpc_mail_send in httpc.h) over libcurl's smtp and smtps
 * protocols, one easy handle per message. The message is handed to curl as
 * it is (the caller built it, CRLF line ends and all); curl does the SMTP
 * dialogue, the dot-stuffing and the TLS. Only smtp and smtps are allowed as
 * protocols, so a URL cannot send the handle anywhere else. */
#include <stdio.h>
#include <string.h>

#include "httpc/httpc.h"
#include "httpc/httpc_int.h"

typedef struct {
    const char *data;
    size_t left;
} reader_t;

static size_t on_read(char *out, size_t size, size_t n, void *ctx)
{
    reader_t *r = ctx;
    size_t len = size * n < r->left ? size * n : r->left;
    memcpy(out, r->data, len);
    r->data += len;
    r->left -= len;
    return len;
}

/* Whether url is smtps:// (*tls_from_start) or smtp:// to a loopback host
 * (*loopback); false when it is neither smtp nor smtps. */
static bool url_kind(const char *url, bool *tls_from_start, bool *loopback)
{
    CURLU *u = libcurl.url();
    char *scheme = NULL, *host = NULL;
    bool ok = u && libcurl.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              libcurl.url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              libcurl.url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              (!strcmp(scheme, "smtp") || !strcmp(scheme, "smtps"));
    if (ok) {
        *tls_from_start = !strcmp(scheme, "smtps");
        *loopback = httpc_host_is_loopback(host);
    }
    libcurl.free(scheme);
    libcurl.free(host);
    libcurl.url_cleanup(u);
    return ok;
}

static bool set_options(CURL *h, const httpc_mail_t *m, struct curl_slist *rcpt, reader_t *r,
                        long use_ssl, char *from)
{
    long total_ms = m->timeout_ms > 0 ? m->timeout_ms : HTTPC_DEFAULT_TIMEOUT_MS;
    bool ok = libcurl.easy_setopt(h, CURLOPT_URL, m->url) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_USE_SSL, use_ssl) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                                  (long)HTTPC_DEFAULT_CONNECT_TIMEOUT_MS) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_MAIL_FROM, from) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_READFUNCTION, on_read) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_READDATA, r) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
              libcurl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->left) == CURLE_OK;
    if (ok && m->user)
        ok = libcurl.easy_setopt(h, CURLOPT_USERNAME, m->user) == CURLE_OK &&
             libcurl.easy_setopt(h, CURLOPT_PASSWORD, m->password ? m->password : "") == CURLE_OK;
    return ok;
}

gh_status_t httpc_mail_send(const httpc_mail_t *m, bool *permanent, char *why, size_t why_len)
{
    bool tls_from_start = false, loopback = false;
    *permanent = false;
    snprintf(why, why_len, "internal failure");
    if (httpc_init() != GH_OK)
        return GH_ERR_UNAVAILABLE;
    if (!url_kind(m->url, &tls_from_start, &loopback)) {
        *permanent = true;
        snprintf(why, why_len, "not an smtp:// or smtps:// URL");
        return GH_ERR_INVALID;
    }
    /* STARTTLS required, but for loopback; smtps is TLS already */
    long use_ssl = tls_from_start ? (long)CURLUSESSL_ALL
                   : loopback     ? (long)CURLUSESSL_NONE
                                  : (long)CURLUSESSL_ALL;
    char from[320], to[320];
    snprintf(from, sizeof from, "<%s>", m->from);
    snprintf(to, sizeof to, "<%s>", m->to);
    reader_t r = {m->message, m->message_len};
    CURL *h = libcurl.easy_init();
    struct curl_slist *rcpt = h ? libcurl.slist_append(NULL, to) : NULL;
    gh_status_t st = GH_ERR_UNAVAILABLE;
    if (!rcpt || !set_options(h, m, rcpt, &r, use_ssl, from))
        goto out;
    CURLcode rc = libcurl.easy_perform(h);
    if (rc == CURLE_OK) {
        st = GH_OK;
        goto out;
    }
    long code = 0;
    libcurl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    *permanent = code >= 500 && code <= 599;
    if (code > 0)
        snprintf(why, why_len, "%s (the server answered %ld)", libcurl.easy_strerror(rc), code);
    else
        snprintf(why, why_len, "%s", libcurl.easy_strerror(rc));
out:
    libcurl.slist_free_all(rcpt);
    libcurl.easy_cleanup(h);
    return st;
}
