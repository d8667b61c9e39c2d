/* Fuzzes the admin API's parsers of untrusted input (admin/admin.h): a JSON
 * body checked as a client registration and as a new member, and the query
 * parameters limit and cursor. The first line of the input is
 * "LIMIT CURSOR" for admin_page_parse, the rest the body. Checks: a body
 * accepted holds only what the rules allow; a body refused is a 400 whose
 * one line starts with the field it names; nothing crashes or leaks. */
#include <jansson.h>

#include "admin/admin.h"
#include "fuzz.h"

static void check_refusal(const admin_error_t *err)
{
    FUZZ_CHECK(err->status == 400 && err->detail);
    if (err->field)
        FUZZ_CHECK(strncmp(err->detail, err->field, strlen(err->field)) == 0);
}

static void check_client(arena_t *a, const json_t *body)
{
    admin_client_in_t in;
    admin_error_t err = {0};
    if (!admin_client_check(a, body, &in, &err)) {
        check_refusal(&err);
        return;
    }
    const store_client_t *cl = &in.client;
    FUZZ_CHECK(admin_client_id_valid(cl->id) && admin_scope_valid(cl->scope));
    FUZZ_CHECK(!(cl->is_public && in.secret));
    FUZZ_CHECK(!(cl->is_public && (cl->grants & STORE_GRANT_CLIENT_CREDENTIALS)));
    FUZZ_CHECK(!(cl->grants & STORE_GRANT_AUTHORIZATION_CODE) || cl->redirect_uri_count > 0);
    FUZZ_CHECK(cl->redirect_uri_count <= 32 && cl->post_logout_redirect_uri_count <= 32);
    FUZZ_CHECK(!in.secret || admin_client_secret_valid(in.secret));
}

static void check_user(arena_t *a, const json_t *body)
{
    admin_user_in_t in;
    admin_error_t err = {0};
    if (!admin_user_check(a, body, &in, &err)) {
        check_refusal(&err);
        return;
    }
    FUZZ_CHECK(admin_username_valid(in.user.username) && admin_password_valid(in.password));
    FUZZ_CHECK(!in.user.email || admin_email_valid(in.user.email));
}

static void check_page(arena_t *a, const char *line)
{
    char *limit = arena_strdup(a, line), *cursor = limit ? strchr(limit, ' ') : NULL;
    admin_page_t page;
    admin_error_t err = {0};
    if (!limit)
        return;
    if (cursor)
        *cursor++ = '\0';
    if (admin_page_parse(limit, cursor, &page, &err))
        FUZZ_CHECK(page.limit >= 1 && page.limit <= ADMIN_PAGE_MAX);
    else
        check_refusal(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *s = a ? fuzz_cstr(a, data, size) : NULL;
    if (s) {
        char *nl = strchr(s, '\n');
        const char *body = nl ? nl + 1 : "";
        if (nl)
            *nl = '\0';
        check_page(a, s);
        json_t *v = json_loadb(body, strlen(body), JSON_REJECT_DUPLICATES, NULL);
        if (v) {
            check_client(a, v);
            check_user(a, v);
        }
        json_decref(v);
    }
    arena_free(a);
    return 0;
}
