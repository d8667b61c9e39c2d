/* A client's own public keys, for what it signs: private_key_jwt assertions
 * (RFC 7523 §2.2) and request objects (RFC 9101). They come from its inline
 * `jwks` (parsed per use) or its `jwks_uri`, fetched safely (outside.c: https, or
 * http to loopback; no redirects; a size cap and a time limit from the
 * settings; only public addresses unless jwks_uri_private = yes) and kept
 * in a small process-wide cache for jwks_uri_cache
 * seconds. A token naming a kid the cached set lacks fetches the document
 * again, at most once per REFETCH_GAP seconds; a failed fetch is remembered
 * for FAILURE_GAP seconds, so a slow or broken jwks_uri costs one bounded
 * wait per gap, not one per request. Verification runs under the cache's
 * lock (a signature check is microseconds); fetches run outside it. */
#include <pthread.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "httpc/httpc.h"
#include "oauth/oauth_int.h"

#define CACHE_SLOTS 64
#define URI_MAX 2048
#define REFETCH_GAP 30 /* seconds between fetches a new kid may cause */
#define FAILURE_GAP 30 /* seconds a failed fetch is not tried again */

typedef struct {
    char uri[URI_MAX + 1];
    jose_keyset_t *keys; /* NULL after a failed fetch */
    int64_t fetched_at;
} slot_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot_t cache[CACHE_SLOTS];

/* The slot of uri, or the one to reuse for it (empty, else the oldest). */
static slot_t *slot_for(const char *uri)
{
    slot_t *oldest = &cache[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!strcmp(cache[i].uri, uri))
            return &cache[i];
        if (cache[i].fetched_at < oldest->fetched_at)
            oldest = &cache[i];
    }
    return oldest;
}

/* Fetches and parses the JWKS at uri; NULL when it cannot be had. */
static jose_keyset_t *fetch(const http_request_t *req, const char *uri)
{
    const config_server_t *cfg = app_of(req)->cfg;
    outside_fetch_t f = {.url = uri,
                         .accept = "application/jwk-set+json, application/json",
                         .timeout_s = cfg->jwks_uri_timeout,
                         .max_bytes = (size_t)cfg->jwks_uri_max_bytes,
                         .private_ok = cfg->jwks_uri_private};
    httpc_response_t res;
    jose_keyset_t *ks = NULL;
    if (outside_fetch(req, &f, &res) == GH_OK &&
        jose_keyset_from_jwks(res.body, res.body_len, &ks) == GH_OK)
        return ks;
    log_event(LOG_WARN, "client_jwks_uri", "uri", uri, "error",
              res.outcome == HTTPC_OK ? "not a usable JWKS" : httpc_outcome_str(res.outcome), NULL);
    return NULL;
}

/* Verifies token with the cached keys of uri, fetching them first when the
 * cache has none fresh enough (or lacks the token's kid). */
static gh_status_t verify_uri(const http_request_t *req, const char *uri, const char *token,
                              json_t **claims, const char **typ)
{
    int64_t now = clock_now(), ttl = app_of(req)->cfg->jwks_uri_cache;
    if (strlen(uri) > URI_MAX)
        return GH_ERR_INVALID;
    for (int attempt = 0; attempt < 2; attempt++) {
        pthread_mutex_lock(&lock);
        slot_t *s = slot_for(uri);
        bool cached = !strcmp(s->uri, uri);
        bool fresh =
            cached && (s->keys ? now - s->fetched_at < ttl : now - s->fetched_at < FAILURE_GAP);
        if (fresh && s->keys && attempt == 0 && now - s->fetched_at >= REFETCH_GAP &&
            jose_jwt_kid_unknown(s->keys, req->arena, token))
            fresh = false; /* a new key of the client's, perhaps */
        gh_status_t st = GH_ERR_UNAVAILABLE;
        if (fresh && s->keys)
            st = jose_jwt_verify(s->keys, req->arena, token, claims, typ);
        pthread_mutex_unlock(&lock);
        if (fresh || attempt == 1)
            return st;
        jose_keyset_t *ks = fetch(req, uri);
        pthread_mutex_lock(&lock);
        s = slot_for(uri);
        jose_keyset_free(s->keys);
        memcpy(s->uri, uri, strlen(uri) + 1);
        s->keys = ks;
        s->fetched_at = now;
        pthread_mutex_unlock(&lock);
    }
    return GH_ERR_UNAVAILABLE;
}

static void free_keyset(void *ks)
{
    jose_keyset_free(ks);
}

gh_status_t client_keys_verify(const http_request_t *req, const store_client_t *client,
                               const char *token, json_t **claims, const char **typ)
{
    if (client->jwks_uri)
        return verify_uri(req, client->jwks_uri, token, claims, typ);
    if (!client->jwks)
        return GH_ERR_NOT_FOUND;
    jose_keyset_t *ks = NULL;
    gh_status_t st = jose_keyset_from_jwks(client->jwks, strlen(client->jwks), &ks);
    if (st != GH_OK)
        return st == GH_ERR_NOMEM ? st : GH_ERR_INTERNAL; /* checked when it was registered */
    if (arena_defer(req->arena, free_keyset, ks) != 0)
        return GH_ERR_NOMEM; /* freed by arena_defer */
    return jose_jwt_verify(ks, req->arena, token, claims, typ);
}
