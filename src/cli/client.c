/* `gatehouse client add|update|list|show|remove`: client registration (seed
 * 001 step 1) on the admin operations (admin/admin.h), which the admin API
 * shares: the options become RFC 7591 metadata, checked and stored there. A
 * confidential client's secret is stored only as a digest; a generated one
 * is printed once on stdout, and no command ever shows a secret again. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/buf.h"
#include "oidc/oidc.h"
#include "ui/ui.h"

enum {
    OPT_ID = CLI_OPT_OWN,
    OPT_SECRET,
    OPT_REDIRECT,
    OPT_LOGOUT,
    OPT_SCOPE,
    OPT_GRANT,
    OPT_PUBLIC,
    OPT_CONFIDENTIAL,
    OPT_NAME,
    OPT_BACKCHANNEL,
    OPT_BACKCHANNEL_SID,
    OPT_FRONTCHANNEL,
    OPT_FRONTCHANNEL_SID,
    OPT_REQUIRE_MFA,
    OPT_ID_TOKEN_CLAIM,
    OPT_SUBJECT_TYPE,
    OPT_JWKS,
    OPT_JWKS_URI,
    OPT_RESOURCE,
    OPT_REQUIRE_PAR,
    OPT_DPOP_BOUND,
    OPT_SECURITY_PROFILE,
};

/* Appends value to the array member name of body (made on first use). */
static void append(json_t *body, const char *name, const char *value)
{
    json_t *arr = json_object_get(body, name);
    if (!arr)
        json_object_set_new(body, name, arr = json_array());
    json_array_append_new(arr, json_string(value));
}

/* --jwks FILE: the file's JSON as the member jwks (checked by the admin
 * operations like any other member). */
static int jwks_option(json_t *body, const char *file)
{
    json_error_t error;
    json_t *jwks = json_load_file(file, JSON_REJECT_DUPLICATES, &error);
    if (!jwks && error.line == -1)
        return cli_fail("cannot read --jwks file '%s'", file);
    if (!jwks)
        return cli_fail("--jwks file '%s' is not JSON: %s (line %d)", file, error.text, error.line);
    json_object_set_new(body, "jwks", jwks);
    return CLI_CONTINUE;
}

/* One option of add or update into the metadata body. */
static int metadata_option(cli_t *c, json_t *body, int ch, char *arg)
{
    static const char *const MEMBERS[] = {
        [OPT_ID - CLI_OPT_OWN] = "client_id",
        [OPT_SECRET - CLI_OPT_OWN] = "client_secret",
        [OPT_REDIRECT - CLI_OPT_OWN] = "redirect_uris",
        [OPT_LOGOUT - CLI_OPT_OWN] = "post_logout_redirect_uris",
        [OPT_SCOPE - CLI_OPT_OWN] = "scope",
        [OPT_GRANT - CLI_OPT_OWN] = "grant_types",
        [OPT_NAME - CLI_OPT_OWN] = "client_name",
        [OPT_BACKCHANNEL - CLI_OPT_OWN] = "backchannel_logout_uri",
        [OPT_BACKCHANNEL_SID - CLI_OPT_OWN] = "backchannel_logout_session_required",
        [OPT_FRONTCHANNEL - CLI_OPT_OWN] = "frontchannel_logout_uri",
        [OPT_FRONTCHANNEL_SID - CLI_OPT_OWN] = "frontchannel_logout_session_required",
        [OPT_REQUIRE_MFA - CLI_OPT_OWN] = "require_mfa",
        [OPT_ID_TOKEN_CLAIM - CLI_OPT_OWN] = "id_token_claims",
        [OPT_SUBJECT_TYPE - CLI_OPT_OWN] = "subject_type",
        [OPT_JWKS_URI - CLI_OPT_OWN] = "jwks_uri",
        [OPT_RESOURCE - CLI_OPT_OWN] = "resources",
        [OPT_REQUIRE_PAR - CLI_OPT_OWN] = "require_pushed_authorization_requests",
        [OPT_DPOP_BOUND - CLI_OPT_OWN] = "dpop_bound_access_tokens",
        [OPT_SECURITY_PROFILE - CLI_OPT_OWN] = "security_profile",
    };
    const char *member = ch - CLI_OPT_OWN < (int)(sizeof MEMBERS / sizeof MEMBERS[0])
                             ? MEMBERS[ch - CLI_OPT_OWN]
                             : NULL;
    if (ch == OPT_PUBLIC || ch == OPT_CONFIDENTIAL)
        json_object_set_new(body, "token_endpoint_auth_method",
                            json_string(ch == OPT_PUBLIC ? "none" : "client_secret_basic"));
    else if (ch == OPT_REDIRECT || ch == OPT_LOGOUT || ch == OPT_GRANT ||
             ch == OPT_ID_TOKEN_CLAIM || ch == OPT_RESOURCE)
        append(body, member, arg);
    else if (ch == OPT_BACKCHANNEL_SID || ch == OPT_FRONTCHANNEL_SID || ch == OPT_REQUIRE_MFA ||
             ch == OPT_REQUIRE_PAR || ch == OPT_DPOP_BOUND)
        json_object_set_new(body, member, json_true());
    else if (ch == OPT_JWKS)
        return jwks_option(body, arg);
    else if (member)
        json_object_set_new(body, member, json_string(arg));
    return ch == OPT_SECRET ? cli_wipe_later(c, arg) : CLI_CONTINUE;
}

/* The options of add (update false) or update into *body (the run's). */
static int parse_metadata(cli_t *c, const cli_cmd_t *self, int argc, char **argv, bool update,
                          json_t **body)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"id", required_argument, NULL, OPT_ID},
        {"secret", required_argument, NULL, OPT_SECRET},
        {"redirect-uri", required_argument, NULL, OPT_REDIRECT},
        {"post-logout-redirect-uri", required_argument, NULL, OPT_LOGOUT},
        {"scope", required_argument, NULL, OPT_SCOPE},
        {"grant", required_argument, NULL, OPT_GRANT},
        {"public", no_argument, NULL, OPT_PUBLIC},
        {"confidential", no_argument, NULL, OPT_CONFIDENTIAL},
        {"name", required_argument, NULL, OPT_NAME},
        {"backchannel-logout-uri", required_argument, NULL, OPT_BACKCHANNEL},
        {"backchannel-logout-session-required", no_argument, NULL, OPT_BACKCHANNEL_SID},
        {"frontchannel-logout-uri", required_argument, NULL, OPT_FRONTCHANNEL},
        {"frontchannel-logout-session-required", no_argument, NULL, OPT_FRONTCHANNEL_SID},
        {"require-mfa", no_argument, NULL, OPT_REQUIRE_MFA},
        {"id-token-claim", required_argument, NULL, OPT_ID_TOKEN_CLAIM},
        {"subject-type", required_argument, NULL, OPT_SUBJECT_TYPE},
        {"jwks", required_argument, NULL, OPT_JWKS},
        {"jwks-uri", required_argument, NULL, OPT_JWKS_URI},
        {"resource", required_argument, NULL, OPT_RESOURCE},
        {"require-par", no_argument, NULL, OPT_REQUIRE_PAR},
        {"dpop-bound", no_argument, NULL, OPT_DPOP_BOUND},
        {"security-profile", required_argument, NULL, OPT_SECURITY_PROFILE},
        {NULL, 0, NULL, 0},
    };
    int ch, code = CLI_CONTINUE;
    *body = json_object();
    if (!*body || arena_defer(c->arena, (void (*)(void *))json_decref, *body) != 0)
        return cli_fail("out of memory");
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0) {
        if (update && (ch == OPT_ID || ch == OPT_SECRET))
            return cli_usage_error(self, "the client is the operand ID, and its secret is "
                                         "rotated by the admin API");
        if (!update && ch == OPT_CONFIDENTIAL)
            return cli_usage_error(self, "a client is confidential unless --public");
        code = metadata_option(c, *body, ch, optarg);
    }
    /* keys given: private_key_jwt, unless a method was given too (then the
     * check says which does not fit) */
    if ((json_object_get(*body, "jwks") || json_object_get(*body, "jwks_uri")) &&
        !json_object_get(*body, "token_endpoint_auth_method"))
        json_object_set_new(*body, "token_endpoint_auth_method", json_string("private_key_jwt"));
    return code;
}

/* A warning on stderr for each scope the consent page has no words for: not
 * a standard one and no [scope.NAME] label in the configuration. The page
 * would show its bare name; the client is added all the same. */
static void warn_unlabelled_scopes(const cli_t *c, const char *scope)
{
    for (const char *p = scope; p && *p;) {
        size_t n = strcspn(p, " ");
        char name[129];
        if (n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            if (!oidc_scope_standard(name) && !ui_scope_label(&c->cfg, UI_LANG_EN, name))
                fprintf(stderr,
                        "gatehouse: warning: scope '%s' has no words for the consent page, which "
                        "will show its name; give it label_en and label_ko in a [scope.%s] "
                        "section of the configuration\n",
                        name, name);
        }
        p += n + (p[n] == ' ');
    }
}

static int run_add(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    json_t *body = NULL, *out = NULL;
    admin_client_in_t in;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = parse_metadata(c, self, argc, argv, false, &body);
    if (code == CLI_CONTINUE)
        code = cli_operands(self, argc, argv, 0, NULL);
    if (code != CLI_CONTINUE)
        return code;
    if (!json_object_get(body, "client_id"))
        return cli_usage_error(self, "--id is required");
    if (!admin_client_check(c->arena, body, &in, &err))
        return cli_admin_error(self, &err);
    if ((code = cli_admin(c, &ctx)) != CLI_CONTINUE)
        return code;
    if (!admin_client_create(&ctx, &in, &out, &err))
        return cli_admin_error(self, &err);
    const char *secret = json_string_value(json_object_get(out, "client_secret"));
    printf("client_id: %s\n", in.client.id);
    if (secret)
        printf("client_secret: %s\n", secret);
    json_decref(out);
    warn_unlabelled_scopes(c, in.client.scope);
    return CLI_EXIT_OK;
}

static int run_update(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    json_t *patch = NULL, *out = NULL;
    const char *id = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = parse_metadata(c, self, argc, argv, true, &patch);
    if (code == CLI_CONTINUE)
        code = cli_operands(self, argc, argv, 1, &id);
    if (code != CLI_CONTINUE)
        return code;
    if (json_object_size(patch) == 0)
        return cli_usage_error(self, "nothing to change");
    if ((code = cli_admin(c, &ctx)) != CLI_CONTINUE)
        return code;
    if (!admin_client_update(&ctx, id, patch, &out, &err))
        return cli_admin_error(self, &err);
    const char *secret = json_string_value(json_object_get(out, "client_secret"));
    if (secret) /* made confidential: its first secret, printed once */
        printf("client_secret: %s\n", secret);
    json_decref(out);
    return CLI_EXIT_OK;
}

/* The strings of a JSON array, separated by sep; '-' for none. */
static void put_json_list(buf_t *b, const json_t *arr, char sep)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i)
            buf_putc(b, sep);
        buf_puts(b, json_string_value(v));
    }
    if (json_array_size(arr) == 0)
        buf_putc(b, '-');
}

static int run_list(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    store_t *s = NULL;
    store_client_t *list = NULL;
    size_t n = 0;
    bool json = false;
    int code = cli_list_begin(c, self, argc, argv, &json, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_client_list(s, c->arena, &list, &n);
    if (st != GH_OK)
        return cli_fail("cannot list clients: %s", gh_status_str(st));
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, admin_client_json(&list[i]));
        return cli_print_json(arr);
    }
    puts("CLIENT_ID\tNAME\tGRANT_TYPES\tREDIRECT_URIS\tREGISTERED_BY");
    for (size_t i = 0; i < n; i++) {
        json_t *o = admin_client_json(&list[i]);
        buf_t b;
        buf_init(&b, c->arena);
        buf_printf(&b, "%s\t%s\t", list[i].id, list[i].name ? list[i].name : "-");
        put_json_list(&b, json_object_get(o, "grant_types"), ',');
        buf_putc(&b, '\t');
        put_json_list(&b, json_object_get(o, "redirect_uris"), ' ');
        buf_printf(&b, "\t%s", json_string_value(json_object_get(o, "registered_by")));
        json_decref(o);
        if (!buf_cstr(&b))
            return cli_fail("out of memory");
        puts(buf_cstr(&b));
    }
    return CLI_EXIT_OK;
}

static int run_show(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *id = NULL;
    json_t *out = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = cli_parse_operands(c, self, argc, argv, 1, &id);
    if (code == CLI_CONTINUE)
        code = cli_admin(c, &ctx);
    if (code != CLI_CONTINUE)
        return code;
    if (!admin_client_get(&ctx, id, &out, &err))
        return cli_admin_error(self, &err);
    return cli_print_json(out);
}

static int run_remove(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *id = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = cli_parse_operands(c, self, argc, argv, 1, &id);
    if (code == CLI_CONTINUE)
        code = cli_admin(c, &ctx);
    if (code != CLI_CONTINUE)
        return code;
    return admin_client_delete(&ctx, id, &err) ? CLI_EXIT_OK : cli_admin_error(self, &err);
}

/* --ttl and --uses: whole numbers from 1 to max. */
static bool parse_count(const char *text, long max, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

/* `client initial-token`: a token for registration_policy
 * initial_access_token (RFC 7591 §3), printed once. */
static int run_initial_token(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_TTL = CLI_OPT_OWN, OPT_USES };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"ttl", required_argument, NULL, OPT_TTL},
                                         {"uses", required_argument, NULL, OPT_USES},
                                         {NULL, 0, NULL, 0}};
    long ttl = 86400, uses = 1;
    const char *token = NULL;
    int64_t expires_at = 0;
    admin_error_t err;
    admin_ctx_t ctx;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= OPT_TTL)
        if (!parse_count(optarg, ch == OPT_TTL ? 365 * 86400L : 1000000L,
                         ch == OPT_TTL ? &ttl : &uses))
            return cli_usage_error(self, "%s must be a whole number from 1 to %ld",
                                   ch == OPT_TTL ? "--ttl" : "--uses",
                                   ch == OPT_TTL ? 365 * 86400L : 1000000L);
    if (ch == CLI_OPT_STOP)
        return code;
    if ((code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE ||
        (code = cli_admin(c, &ctx)) != CLI_CONTINUE)
        return code;
    if (!admin_initial_token_new(&ctx, ttl, uses, &token, &expires_at, &err))
        return cli_admin_error(self, &err);
    printf("initial_access_token: %s\nexpires_at: %lld\nuses: %ld\n", token, (long long)expires_at,
           uses);
    return CLI_EXIT_OK;
}

/* The help of the options add and update share beyond the basic ones. */
#define METADATA_OPTIONS_HELP                                                                      \
    "  --backchannel-logout-uri URI   where a logout token is posted when a session\n"             \
    "                          that got tokens for the client ends (https, or http on\n"           \
    "                          loopback; no fragment)\n"                                           \
    "  --backchannel-logout-session-required  the client needs sid in it\n"                        \
    "  --frontchannel-logout-uri URI  loaded in an iframe of the signed-out page\n"                \
    "  --frontchannel-logout-session-required  with iss and sid query parameters\n"                \
    "  --require-mfa           every member signing in to it is asked for a second\n"              \
    "                          factor (docs/mfa.md)\n"                                             \
    "  --id-token-claim CLAIM  a claim put into its id_token as well as userinfo,\n"               \
    "                          when the granted scopes release it (repeatable;\n"                  \
    "                          docs/claims.md)\n"                                                  \
    "  --subject-type T        public (default): every client sees the member's sub;\n"            \
    "                          pairwise: a sub of its own, shared only with clients\n"             \
    "                          on the same host (its redirect URIs must share one)\n"              \
    "  --jwks FILE             private_key_jwt: the client's public keys (a JWKS file);\n"         \
    "                          such a client has no secret\n"                                      \
    "  --jwks-uri URL          private_key_jwt: where its public keys are published\n"             \
    "                          (https; http only on loopback)\n"                                   \
    "  --resource URI          a resource (RFC 8707) it may ask tokens for (repeatable)\n"         \
    "  --require-par           it must push its authorization requests (RFC 9126)\n"               \
    "  --dpop-bound            its tokens must all be DPoP-bound (RFC 9449)\n"                     \
    "  --security-profile P    fapi2: the FAPI 2.0 Security Profile (PAR, PKCE,\n"                 \
    "                          private_key_jwt with PS256, ES256 or EdDSA, and DPoP,\n"            \
    "                          all required;\n"                                                    \
    "                          docs/clients.md); none: no profile (default)\n"

const cli_cmd_t CLI_CLIENT_COMMANDS[] = {
    {"add", "gatehouse client add", "register a client",
     "usage: gatehouse client add --id ID [--secret S] --redirect-uri URI...\n"
     "                            [--post-logout-redirect-uri URI...] [--scope SCOPES]\n"
     "                            [--grant G]... [--public] [--name NAME]\n"
     "                            [--backchannel-logout-uri URI "
     "[--backchannel-logout-session-required]]\n"
     "                            [--frontchannel-logout-uri URI "
     "[--frontchannel-logout-session-required]]\n"
     "                            [--require-mfa] [--id-token-claim CLAIM]...\n"
     "                            [--subject-type public|pairwise]\n"
     "                            [--jwks FILE | --jwks-uri URL] [--resource URI]...\n"
     "                            [--require-par] [--dpop-bound]\n"
     "                            [--security-profile fapi2|none]\n\n"
     "Registers a client. A confidential client without --secret gets a generated\n"
     "secret, printed once as 'client_secret: ...'; only its digest is stored.\n"
     "A client with keys (--jwks, --jwks-uri) has no secret: it authenticates with\n"
     "private_key_jwt (docs/clients.md).\n\n"
     "  --id ID                 1-64 characters of A-Z a-z 0-9 . _ -\n"
     "  --secret S              client secret, 8-512 printable ASCII characters\n"
     "  --redirect-uri URI      absolute https URI, no fragment (repeatable;\n"
     "                          required with authorization_code); http only for\n"
     "                          127.0.0.1, [::1] and localhost; a private-use scheme\n"
     "                          such as com.example.app:/cb only with --public\n"
     "  --post-logout-redirect-uri URI  where logout may return (repeatable)\n"
     "  --scope SCOPES          scopes it may ask for (default \"openid profile email\")\n"
     "  --grant G               authorization_code, refresh_token, client_credentials,\n"
     "                          urn:ietf:params:oauth:grant-type:device_code or\n"
     "                          urn:ietf:params:oauth:grant-type:token-exchange\n"
     "                          (repeatable; default authorization_code and refresh_token)\n"
     "  --public                a public client: no secret, must use PKCE\n"
     "  --name NAME             display name for the consent page\n" METADATA_OPTIONS_HELP,
     run_add, NULL},
    {"update", "gatehouse client update", "change a client's registration",
     "usage: gatehouse client update ID [--redirect-uri URI]...\n"
     "                               [--post-logout-redirect-uri URI]... [--scope SCOPES]\n"
     "                               [--grant G]... [--public | --confidential] [--name NAME]\n"
     "                               [--backchannel-logout-uri URI "
     "[--backchannel-logout-session-required]]\n"
     "                               [--frontchannel-logout-uri URI "
     "[--frontchannel-logout-session-required]]\n"
     "                               [--require-mfa] [--id-token-claim CLAIM]...\n"
     "                               [--subject-type public|pairwise]\n"
     "                               [--jwks FILE | --jwks-uri URL]\n"
     "                               [--resource URI]... [--require-par] [--dpop-bound]\n"
     "                               [--security-profile fapi2|none]\n\n"
     "Changes the registration as the admin API's PATCH /admin/v1/clients/ID does,\n"
     "with the same checks: the options given replace those fields (a repeated\n"
     "option gives the whole new list), the rest stays. A change that would leave\n"
     "the client unusable is refused and nothing changes. A client made\n"
     "--confidential gets a generated secret, printed once as 'client_secret: ...'.\n"
     "The secret itself is not changed here (the API rotates it).\n\n"
     "  --redirect-uri URI      the redirect URIs (repeatable), as for 'client add'\n"
     "  --post-logout-redirect-uri URI  where logout may return (repeatable)\n"
     "  --scope SCOPES          scopes it may ask for\n"
     "  --grant G               its grant types (repeatable)\n"
     "  --public                a public client from now on: no secret, PKCE\n"
     "  --confidential          a confidential client from now on\n"
     "  --name NAME             display name for the consent page\n" METADATA_OPTIONS_HELP,
     run_update, NULL},
    {"list", "gatehouse client list", "list clients",
     "usage: gatehouse client list [--json]\n\n"
     "A header line, then one line per client, tab-separated: id, name, grant types,\n"
     "redirect URIs, and who registered it (operator, or dynamic: RFC 7591).\n\n"
     "  --json   an array of the clients as 'client show' prints each\n",
     run_list, NULL},
    {"show", "gatehouse client show", "show one client as JSON",
     "usage: gatehouse client show ID\n\n"
     "Prints the client's registration as JSON (RFC 7591 names), never its secret.\n",
     run_show, NULL},
    {"remove", "gatehouse client remove", "remove a client and its grants",
     "usage: gatehouse client remove ID\n\n"
     "Removes the client with its consents, codes and tokens.\n",
     run_remove, NULL},
    {"initial-token", "gatehouse client initial-token",
     "make an initial access token for dynamic registration",
     "usage: gatehouse client initial-token [--ttl SECONDS] [--uses N]\n\n"
     "With registration_policy = initial_access_token, a client registers itself at\n"
     "/oauth2/v1/register (RFC 7591) with 'Authorization: Bearer TOKEN'. Prints a new\n"
     "token once as 'initial_access_token: ...'; only its digest is stored.\n\n"
     "  --ttl SECONDS   how long it is good for (default 86400, at most a year)\n"
     "  --uses N        how many registrations it makes (default 1)\n",
     run_initial_token, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
