/* Members (admin.h): the one check of a member's fields, creation, paging
 * and search, update, disable and enable, deletion and passwords. Passwords
 * are stored only as argon2id hashes; a password set here, a disable and a
 * deletion end every session and grant of the member first. */
#include <stddef.h>
#include <string.h>

#include "admin/admin_int.h"
#include "core/password_policy.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oauth/server.h"

static const char *const FIELDS[] = {"username", "password", "email",  "email_verified", "nickname",
                                     "name",     "admin",    "groups", "attributes",     NULL};
static const char *const PATCH_FIELDS[] = {"username", "email",      "email_verified",
                                           "nickname", "name",       "admin",
                                           "groups",   "attributes", NULL};

/* The password policy ([server] password_min_length, common passwords:
 * core/password_policy.h) for username's new password. */
static bool policy_ok(const admin_ctx_t *ctx, const char *username, const char *password,
                      admin_error_t *err)
{
    const char *why = NULL;
    long min = ctx->cfg->password_min_length;
    if (password_policy_check(password, username, min, &why) == PASSWORD_OK)
        return true;
    return admin_fail(err, ctx->arena, 400, "password",
                      "%s (at least %ld characters, not a common password)", why, min);
}

bool admin_password_check(const char *password, const char *field, admin_error_t *err)
{
    if (admin_password_valid(password))
        return true;
    *err = (admin_error_t){400, field, "password: must be 8-1024 characters"};
    return false;
}

/* username, email, nickname and name of u, each checked. */
static bool check_profile(arena_t *a, const store_user_t *u, admin_error_t *err)
{
    static const struct {
        const char *field;
        size_t offset;
    } TEXTS[] = {{"nickname", offsetof(store_user_t, nickname)},
                 {"name", offsetof(store_user_t, name)}};
    if (!u->username)
        return admin_fail(err, a, 400, "username", "is required");
    if (!admin_username_valid(u->username))
        return admin_fail(err, a, 400, "username",
                          "must be 1-64 characters of A-Z a-z 0-9 . _ - @");
    if (u->email && !admin_email_valid(u->email))
        return admin_fail(err, a, 400, "email", "'%s' is not an e-mail address", u->email);
    if (u->email_verified && !u->email)
        return admin_fail(err, a, 400, "email_verified", "needs an email");
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++) {
        const char *s = *(const char *const *)((const char *)u + TEXTS[i].offset);
        if (s && (!s[0] || strlen(s) > ADMIN_TEXT_MAX))
            return admin_fail(err, a, 400, TEXTS[i].field, "must be 1-%d bytes", ADMIN_TEXT_MAX);
    }
    return true;
}

/* The profile members of body (those among names) into u. */
static bool read_profile(arena_t *a, const json_t *body, const char *const *names, store_user_t *u,
                         admin_error_t *err)
{
    if (!json_is_object(body))
        return admin_fail(err, a, 400, NULL, "the body must be a JSON object");
    return admin_known_members(a, body, names, err) &&
           admin_get_string(a, body, "username", &u->username, err) &&
           admin_get_string(a, body, "email", &u->email, err) &&
           admin_get_bool(a, body, "email_verified", &u->email_verified, err) &&
           admin_get_string(a, body, "nickname", &u->nickname, err) &&
           admin_get_string(a, body, "name", &u->name, err) &&
           admin_get_bool(a, body, "admin", &u->is_admin, err) &&
           admin_read_groups(a, body, u->groups, &u->groups, err) &&
           admin_read_attributes(a, body, u->attributes, &u->attributes, err);
}

bool admin_user_check(arena_t *a, const json_t *body, admin_user_in_t *in, admin_error_t *err)
{
    memset(in, 0, sizeof *in);
    if (!read_profile(a, body, FIELDS, &in->user, err) ||
        !admin_get_string(a, body, "password", &in->password, err) ||
        !check_profile(a, &in->user, err))
        return false;
    if (!in->password)
        return admin_fail(err, a, 400, "password", "is required");
    return admin_password_check(in->password, "password", err);
}

json_t *admin_user_json(const store_user_t *u)
{
    return json_pack("{s:s, s:s, s:s*, s:b, s:s*, s:s*, s:I, s:b, s:I, s:b, s:o, s:o}", "sub",
                     u->sub, "username", u->username, "email", u->email, "email_verified",
                     u->email_verified, "nickname", u->nickname, "name", u->name, "created_at",
                     (json_int_t)u->created_at, "disabled", u->disabled_at != 0, "disabled_at",
                     (json_int_t)u->disabled_at, "admin", u->is_admin, "groups",
                     admin_json_text(u->groups, true), "attributes",
                     admin_json_text(u->attributes, false));
}

static bool user_answer(arena_t *a, const store_user_t *u, json_t **out, admin_error_t *err)
{
    *out = admin_user_json(u);
    return *out ? true : admin_fail(err, a, 500, NULL, "out of memory");
}

/* Member sub into *u: 404 naming it when there is none. */
static bool get_user(const admin_ctx_t *ctx, const char *sub, store_user_t *u, admin_error_t *err)
{
    gh_status_t st = store_user_get(ctx->store, ctx->arena, sub, u);
    return st == GH_OK ? true : admin_store_fail(err, ctx->arena, st, "member", sub);
}

bool admin_user_create(const admin_ctx_t *ctx, const admin_user_in_t *in, json_t **out,
                       admin_error_t *err)
{
    store_user_t u = in->user;
    char *hash = NULL;
    if (!policy_ok(ctx, u.username, in->password, err))
        return false;
    u.sub = secret_hex_id(ctx->arena, 16);
    if (!u.sub)
        return admin_fail(err, ctx->arena, 500, NULL, "cannot generate a member id");
    gh_status_t st = secret_password_hash(ctx->arena, in->password, &SECRET_ARGON2_DEFAULT, &hash);
    if (st != GH_OK)
        return admin_fail(err, ctx->arena, 500, NULL, "cannot hash the password: %s",
                          gh_status_str(st));
    u.password_hash = hash;
    u.created_at = clock_now();
    st = store_user_add(ctx->store, &u);
    if (st == GH_ERR_CONFLICT)
        return admin_fail(err, ctx->arena, 409, "username", "user '%s' already exists", u.username);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", u.username);
    admin_audit(ctx, "user.create", u.sub, audit_details(ctx->arena, "username", u.username, NULL));
    return user_answer(ctx->arena, &u, out, err);
}

/* q as a LIKE pattern matching a part of a lower-cased text: '%' around,
 * '%', '_' and the backslash escaped. */
static const char *like_pattern(arena_t *a, const char *q)
{
    buf_t b;
    buf_init(&b, a);
    buf_putc(&b, '%');
    for (const char *p = q; p && *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p);
    }
    buf_putc(&b, '%');
    return buf_cstr(&b);
}

bool admin_user_list(const admin_ctx_t *ctx, const admin_page_t *page, const char *q, json_t **out,
                     admin_error_t *err)
{
    store_user_t *list = NULL;
    size_t n = 0;
    if (q && strlen(q) > ADMIN_TEXT_MAX)
        return admin_fail(err, ctx->arena, 400, "q", "at most %d bytes", ADMIN_TEXT_MAX);
    const char *pattern = like_pattern(ctx->arena, q);
    if (!pattern)
        return admin_fail(err, ctx->arena, 500, NULL, "out of memory");
    gh_status_t st =
        store_user_page(ctx->store, ctx->arena, page->cursor, pattern, page->limit + 1, &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", "*");
    const char *next = n > page->limit ? list[page->limit - 1].username : NULL;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n && i < page->limit; i++)
        json_array_append_new(items, admin_user_json(&list[i]));
    *out = admin_page_json(items, next);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_user_get(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err)
{
    store_user_t u;
    return get_user(ctx, sub, &u, err) && user_answer(ctx->arena, &u, out, err);
}

bool admin_user_sub(const admin_ctx_t *ctx, const char *username, const char **sub,
                    admin_error_t *err)
{
    store_user_t u;
    gh_status_t st = store_user_find(ctx->store, ctx->arena, username, &u);
    if (st == GH_ERR_NOT_FOUND)
        return admin_fail(err, ctx->arena, 404, NULL, "no user '%s'", username);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", username);
    *sub = u.sub;
    return true;
}

bool admin_user_update(const admin_ctx_t *ctx, const char *sub, const json_t *patch, json_t **out,
                       admin_error_t *err)
{
    store_user_t u, p = {0};
    if (!get_user(ctx, sub, &u, err))
        return false;
    p.attributes = u.attributes; /* merged into (RFC 7396) */
    p.groups = u.groups;
    if (!read_profile(ctx->arena, patch, PATCH_FIELDS, &p, err))
        return false;
    u.attributes = p.attributes;
    u.groups = p.groups;
    /* RFC 7396: a member given replaces, null removes (username cannot go) */
    if (json_object_get(patch, "username"))
        u.username = p.username;
    if (json_object_get(patch, "email")) {
        bool same = u.email && p.email && !strcmp(u.email, p.email);
        u.email = p.email;
        u.email_verified = u.email_verified && same; /* a new address is not verified yet */
    }
    if (json_object_get(patch, "email_verified"))
        u.email_verified = p.email_verified;
    if (json_object_get(patch, "nickname"))
        u.nickname = p.nickname;
    if (json_object_get(patch, "name"))
        u.name = p.name;
    if (json_object_get(patch, "admin"))
        u.is_admin = p.is_admin;
    if (!check_profile(ctx->arena, &u, err))
        return false;
    gh_status_t st = store_user_update(ctx->store, &u);
    if (st == GH_ERR_CONFLICT)
        return admin_fail(err, ctx->arena, 409, "username", "user '%s' already exists", u.username);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    admin_audit(ctx, "user.update", sub,
                json_object_get(patch, "admin")
                    ? audit_details(ctx->arena, "admin", u.is_admin ? "true" : "false", NULL)
                    : NULL);
    return user_answer(ctx->arena, &u, out, err);
}

/* oauth_user_end_all as an error. */
static bool end_all(const admin_ctx_t *ctx, const char *sub, admin_error_t *err)
{
    gh_status_t st = oauth_user_end_all(ctx->store, ctx->cfg, sub, NULL);
    return st == GH_OK ? true : admin_store_fail(err, ctx->arena, st, "member", sub);
}

bool admin_user_set_disabled(const admin_ctx_t *ctx, const char *sub, bool disabled, json_t **out,
                             admin_error_t *err)
{
    store_user_t u;
    if (!get_user(ctx, sub, &u, err))
        return false;
    u.disabled_at = disabled ? (u.disabled_at ? u.disabled_at : clock_now()) : 0;
    /* disabled before the end, so that no new sign-in slips in between */
    gh_status_t st = store_user_set_disabled(ctx->store, sub, u.disabled_at);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    if (disabled && !end_all(ctx, sub, err))
        return false;
    admin_audit(ctx, disabled ? "user.disable" : "user.enable", sub, NULL);
    return user_answer(ctx->arena, &u, out, err);
}

bool admin_user_delete(const admin_ctx_t *ctx, const char *sub, admin_error_t *err)
{
    store_user_t u;
    store_link_t *links = NULL;
    size_t n = 0;
    if (!get_user(ctx, sub, &u, err))
        return false;
    /* read first: removing the member removes its platform links */
    gh_status_t st = oauth_member_links(ctx->store, ctx->arena, sub, &links, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    if (!end_all(ctx, sub, err))
        return false;
    st = store_user_remove(ctx->store, u.username);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    admin_audit(ctx, "user.delete", sub, audit_details(ctx->arena, "username", u.username, NULL));
    if (ctx->config) /* at each platform too, as the gateway's revoke does: best effort */
        oauth_member_unlink_all(links, n, ctx->store, ctx->config, ctx->arena);
    return true;
}

bool admin_user_set_password(const admin_ctx_t *ctx, const char *sub, const char *password,
                             admin_error_t *err)
{
    store_user_t u;
    char *hash = NULL;
    if (!admin_password_check(password, "password", err) || !get_user(ctx, sub, &u, err) ||
        !policy_ok(ctx, u.username, password, err))
        return false;
    gh_status_t st = secret_password_hash(ctx->arena, password, &SECRET_ARGON2_DEFAULT, &hash);
    if (st == GH_OK)
        st = store_user_set_password(ctx->store, u.username, hash);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    /* a credential change ends every session and grant (issue 17) */
    if (!end_all(ctx, sub, err))
        return false;
    admin_audit(ctx, "user.password", sub, NULL);
    return true;
}

bool admin_user_reset_mfa(const admin_ctx_t *ctx, const char *sub, admin_error_t *err)
{
    store_user_t u;
    if (!get_user(ctx, sub, &u, err))
        return false;
    gh_status_t st = store_mfa_reset(ctx->store, sub);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    if (!end_all(ctx, sub, err)) /* whoever signed in with the old factors is signed out */
        return false;
    admin_audit(ctx, "user.mfa_reset", sub, NULL);
    return true;
}
