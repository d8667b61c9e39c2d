/* What a client learns of a member (docs/claims.md): the sub it sees, public
 * or pairwise (OpenID Connect Core §8.1), the member sealed in a pairwise
 * client's access tokens, and the claims its id_token carries beyond the
 * protocol's (the client's id_token_claims). */
#include <string.h>

#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

const char *oauth_subject(const app_t *app, arena_t *a, const store_client_t *client,
                          const char *sub)
{
    if (!client || !client->pairwise || !sub)
        return sub;
    char sector[OIDC_SECTOR_MAX];
    const char *const *uris = (const char *const *)client->redirect_uris;
    if (oidc_sector_of(uris, client->redirect_uri_count, sector, sizeof sector) != OIDC_SECTOR_OK)
        return NULL; /* registration refuses such a client; never the public sub */
    char *out = arena_alloc(a, OIDC_PAIRWISE_SUB_LEN + 1);
    if (out)
        oidc_pairwise_sub(app->pairwise_key, sector, sub, out);
    return out;
}

const char *oauth_subject_of(const app_t *app, arena_t *a, const char *client_id, const char *sub)
{
    store_client_t client;
    if (!client_id || store_client_get(app->store, a, client_id, &client) != GH_OK)
        return client_id ? NULL : sub;
    return oauth_subject(app, a, &client, sub);
}

const char *oauth_member_seal(const app_t *app, arena_t *a, const char *jti, const char *sub)
{
    char *out = NULL;
    return secret_seal(a, app->member_seal_key, jti, sub, strlen(sub), &out) == GH_OK ? out : NULL;
}

const char *oauth_member_open(const app_t *app, arena_t *a, const char *jti, const char *sealed)
{
    char *sub = NULL;
    size_t n = 0;
    if (secret_open(a, app->member_seal_key, jti, sealed, &sub, &n) != GH_OK || n == 0 ||
        strlen(sub) != n)
        return NULL;
    return sub;
}

/* Whether name is among the space-separated names of list. */
static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, name, n))
            return true;
        p += k + (p[k] == ' ');
    }
    return false;
}

gh_status_t oauth_id_token_claims_add(const app_t *app, arena_t *a, const store_client_t *client,
                                      const char *sub, const char *scope, json_t *claims)
{
    if (!client->id_token_claims || !*client->id_token_claims || !sub)
        return GH_OK;
    scope_list_t granted;
    store_user_t user;
    gh_status_t st = scope_parse(a, scope ? scope : "", &granted);
    if (st == GH_OK)
        st = store_user_get(app->store, a, sub, &user);
    if (st != GH_OK)
        return st;
    oidc_release_t release = oidc_release_of(&app->scopes, granted.items, granted.count);
    json_t *all = oidc_user_claims(&user, NULL, &release);
    const char *name;
    json_t *value;
    /* only what the granted scopes release; never one the protocol set */
    json_object_foreach(all, name, value)
    {
        if (listed(client->id_token_claims, name) && !json_object_get(claims, name))
            json_object_set(claims, name, value);
    }
    json_decref(all);
    return GH_OK;
}
