/* Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-
 * document, as the MCP authorization profile uses them): a client_id that is
 * an https URL names a JSON document of RFC 7591 client metadata, fetched
 * from it when the client shows up (outside.c: no redirects, verified TLS,
 * public addresses unless client_document_private, a size cap and a time
 * limit). The document's client_id must be the URL exactly; the rest is read
 * by the one client model (admin_client_document_check, through
 * oauth_extra_routes_t.client_document), which refuses shared secrets.
 *
 * A usable document is written into the clients table under its URL (no
 * registered client can have such an id: theirs are [A-Za-z0-9._-]), so
 * codes, consents, refresh tokens and pushed requests reference it as they
 * reference any client, and every later read of the client is the store's.
 * A process-wide cache remembers until when each URL's row is current: the
 * document's Cache-Control max-age, held within client_document_cache_min
 * and _max; no-store or no-cache is never kept; a refused or failed fetch
 * is remembered for FAILURE_GAP seconds, so a hostile document costs one
 * bounded fetch per gap. Until a row is current again it is not used. At
 * most client_document_fetches documents are fetched at once per instance
 * (each holds an HTTP worker); beyond that a client not cached is refused
 * for now (GH_ERR_UNAVAILABLE), so slow documents cannot hold every worker. */
#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

#define CACHE_SLOTS 256
#define FAILURE_GAP 30 /* seconds a refused document is not fetched again */
#define SCHEME "https://"

typedef struct {
    int64_t until; /* the row is current before this time */
    bool usable;   /* false: refused until `until` */
    char url[CLIENT_DOCUMENT_URL_MAX + 1];
} slot_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot_t cache[CACHE_SLOTS];
static long fetching; /* fetches under way, under lock */

bool client_document_id(const char *client_id)
{
    return client_id && !strncmp(client_id, SCHEME, strlen(SCHEME));
}

/* A dot segment ("." or "..") of path, which ends at '?' or its end. */
static bool has_dot_segment(const char *path)
{
    for (const char *p = path; *p == '/';) {
        size_t n = strcspn(p + 1, "/?");
        if ((n == 1 && p[1] == '.') || (n == 2 && p[1] == '.' && p[2] == '.'))
            return true;
        p += 1 + n;
    }
    return false;
}

/* Whether the n bytes at p are only digits, 1 to 5 of them (a port). */
static bool port_valid(const char *p, size_t n)
{
    return n >= 1 && n <= 5 && strspn(p, "0123456789") >= n;
}

/* host[:port] of n bytes: a name of letters, digits, '-' and '.', or an
 * IPv6 literal in brackets. */
static bool authority_valid(const char *a, size_t n)
{
    size_t host;
    if (n && a[0] == '[') {
        const char *end = memchr(a, ']', n);
        host = end ? (size_t)(end - a) + 1 : 0;
        if (host < 3 || strspn(a + 1, "0123456789abcdefABCDEF:.") != host - 2)
            return false;
    } else {
        host = strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
        if (host == 0 || host > n)
            return false;
    }
    if (host == n)
        return true;
    return a[host] == ':' && port_valid(a + host + 1, n - host - 1);
}

bool client_document_url_valid(const char *url)
{
    size_t len = url ? strlen(url) : 0;
    if (!client_document_id(url) || len > CLIENT_DOCUMENT_URL_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f || url[i] == '#' ||
            url[i] == '\\')
            return false;
    const char *host = url + strlen(SCHEME), *path = strchr(host, '/');
    size_t authority = path ? (size_t)(path - host) : 0;
    /* a host (no userinfo), a path with more than "/" (the draft) */
    return path && authority_valid(host, authority) && path[1] && path[1] != '?' &&
           !has_dot_segment(path);
}

const char *client_document_host(arena_t *a, const char *url)
{
    if (!client_document_id(url))
        return NULL;
    const char *host = url + strlen(SCHEME);
    size_t n = strcspn(host, "/?");
    if (host[0] == '[') { /* an IPv6 literal keeps its brackets, loses the port */
        const char *end = memchr(host, ']', n);
        n = end ? (size_t)(end - host) + 1 : n;
    } else {
        const char *colon = memchr(host, ':', n);
        n = colon ? (size_t)(colon - host) : n;
    }
    return arena_strndup(a, host, n);
}

bool client_document_parse(arena_t *a, const char *url, const char *body, size_t len,
                           client_document_check_fn check, store_client_t *out, const char **why)
{
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    const char *id = json_string_value(json_object_get(doc, "client_id"));
    bool ok = false;
    if (!json_is_object(doc))
        *why = "not a JSON object";
    else if (!id || strcmp(id, url) != 0)
        *why = "its client_id is not the URL it was fetched from";
    else if (!check)
        *why = "no client model to read it";
    else
        ok = check(a, doc, out, why);
    /* out's strings were read from doc: keep them for the request */
    if (ok && arena_defer(a, (void (*)(void *))json_decref, doc) != 0) {
        *why = "out of memory";
        return false; /* doc freed by arena_defer */
    }
    if (!ok)
        json_decref(doc);
    return ok;
}

/* The slot of url, or the one to reuse for it (empty, else the oldest). */
static slot_t *slot_for(const char *url)
{
    slot_t *oldest = &cache[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!strcmp(cache[i].url, url))
            return &cache[i];
        if (cache[i].until < oldest->until)
            oldest = &cache[i];
    }
    return oldest;
}

/* How long an answer with Cache-Control cc may be kept, in seconds. */
static int64_t keep_for(const config_server_t *cfg, const char *cc)
{
    long max_age = 0;
    switch (outside_cache_control(cc, &max_age)) {
    case OUTSIDE_CACHE_NONE:
        return 0;
    case OUTSIDE_CACHE_MAX_AGE:
        break;
    default:
        max_age = cfg->client_document_cache_min;
    }
    if (max_age < cfg->client_document_cache_min)
        max_age = cfg->client_document_cache_min;
    return max_age < cfg->client_document_cache_max ? max_age : cfg->client_document_cache_max;
}

/* Writes the client into the store: its row replaced, or added. */
static gh_status_t upsert(store_t *store, store_client_t *c)
{
    gh_status_t st = store_client_update(store, c);
    if (st == GH_ERR_NOT_FOUND) {
        c->created_at = clock_now();
        st = store_client_add(store, c);
        if (st == GH_ERR_CONFLICT) /* added meanwhile by another request */
            st = store_client_update(store, c);
    }
    return st;
}

/* Fetches and reads the document at url into the store; GH_OK with *keep
 * (seconds it stays current), GH_ERR_NOT_FOUND when it is refused (logged),
 * or the store's failure. */
static gh_status_t refresh(const http_request_t *req, const char *url, int64_t *keep)
{
    const app_t *app = app_of(req);
    const config_server_t *cfg = app->cfg;
    outside_fetch_t f = {.url = url,
                         .accept = "application/json",
                         .timeout_s = cfg->client_document_timeout,
                         .max_bytes = (size_t)cfg->client_document_max_bytes,
                         .private_ok = cfg->client_document_private};
    httpc_response_t res;
    store_client_t client;
    const char *why = NULL;
    if (outside_fetch(req, &f, &res) != GH_OK)
        why = res.outcome == HTTPC_FAIL_STATUS
                  ? arena_printf(req->arena, "answered with status %ld", res.status)
                  : httpc_outcome_str(res.outcome);
    else if (client_document_parse(req->arena, url, res.body, res.body_len,
                                   app->extra ? app->extra->client_document : NULL, &client, &why))
        *keep = keep_for(cfg, res.cache_control);
    if (why) {
        log_event(LOG_WARN, "client_document_refused", "client_id", url, "error", why, NULL);
        return GH_ERR_NOT_FOUND;
    }
    return upsert(app->store, &client);
}

gh_status_t client_document_prepare(const http_request_t *req, const char *client_id)
{
    if (!client_document_id(client_id))
        return GH_OK;
    if (!app_of(req)->cfg->client_documents || !client_document_url_valid(client_id))
        return GH_ERR_NOT_FOUND;
    int64_t now = clock_now(), keep = 0;
    pthread_mutex_lock(&lock);
    slot_t *s = slot_for(client_id);
    bool known = !strcmp(s->url, client_id) && now < s->until;
    bool usable = known && s->usable;
    bool busy = !known && fetching >= app_of(req)->cfg->client_document_fetches;
    fetching += !known && !busy;
    pthread_mutex_unlock(&lock);
    if (known)
        return usable ? GH_OK : GH_ERR_NOT_FOUND;
    if (busy) { /* slow documents may not hold every worker */
        log_event(LOG_WARN, "client_document_busy", "client_id", client_id, NULL);
        return GH_ERR_UNAVAILABLE;
    }
    gh_status_t st = refresh(req, client_id, &keep);
    pthread_mutex_lock(&lock);
    fetching--;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        pthread_mutex_unlock(&lock);
        return st; /* the store's: nothing to remember */
    }
    s = slot_for(client_id);
    memcpy(s->url, client_id, strlen(client_id) + 1);
    s->usable = st == GH_OK;
    s->until = now + (st == GH_OK ? keep : FAILURE_GAP);
    pthread_mutex_unlock(&lock);
    return st;
}
