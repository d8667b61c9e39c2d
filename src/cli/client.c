/* `gatehouse client add|list|show|remove`: client registration (seed 001
 * step 1). A confidential client's secret is stored only as
 * secret_client_digest(); a generated one is printed once on stdout, and no
 * command ever shows a secret or its digest again. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/secret.h"
#include "core/uri.h"
#include "oidc/oidc.h"
#include "ui/ui.h"

#define DEFAULT_SCOPE "openid profile email"
#define DEFAULT_GRANTS (STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN)
#define NAME_MAX_LEN 200

enum {
    OPT_ID = CLI_OPT_OWN,
    OPT_SECRET,
    OPT_REDIRECT,
    OPT_LOGOUT,
    OPT_SCOPE,
    OPT_GRANT,
    OPT_PUBLIC,
    OPT_NAME,
    OPT_REQUIRE_MFA,
};

typedef struct {
    store_client_t client;
    char *secret; /* --secret (in argv), or NULL */
} add_args_t;

static int add_option(cli_t *c, const cli_cmd_t *self, add_args_t *o, int ch, char *arg)
{
    store_client_t *cl = &o->client;
    unsigned bit = 0;
    switch (ch) {
    case OPT_ID:
        cl->id = arg;
        break;
    case OPT_SECRET:
        o->secret = arg;
        return cli_wipe_later(c, arg);
    case OPT_REDIRECT:
        cl->redirect_uris[cl->redirect_uri_count++] = arg;
        break;
    case OPT_LOGOUT:
        cl->post_logout_redirect_uris[cl->post_logout_redirect_uri_count++] = arg;
        break;
    case OPT_SCOPE:
        cl->scope = arg;
        break;
    case OPT_PUBLIC:
        cl->is_public = true;
        break;
    case OPT_NAME:
        cl->name = arg;
        break;
    case OPT_REQUIRE_MFA:
        cl->require_mfa = true;
        break;
    case OPT_GRANT:
        if (cli_grant_parse(arg, &bit) != GH_OK)
            return cli_usage_error(self, "unknown grant type '%s'", arg);
        cl->grants |= bit;
        break;
    }
    return CLI_CONTINUE;
}

static int parse_add(cli_t *c, const cli_cmd_t *self, int argc, char **argv, add_args_t *o)
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
        {"name", required_argument, NULL, OPT_NAME},
        {"require-mfa", no_argument, NULL, OPT_REQUIRE_MFA},
        {NULL, 0, NULL, 0},
    };
    int ch, code = CLI_CONTINUE;
    memset(o, 0, sizeof *o);
    o->client.scope = DEFAULT_SCOPE;
    o->client.redirect_uris = arena_alloc(c->arena, (size_t)argc * sizeof(char *));
    o->client.post_logout_redirect_uris = arena_alloc(c->arena, (size_t)argc * sizeof(char *));
    if (!o->client.redirect_uris || !o->client.post_logout_redirect_uris)
        return cli_fail("out of memory");
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        code = add_option(c, self, o, ch, optarg);
    if (code != CLI_CONTINUE)
        return code;
    return cli_operands(self, argc, argv, 0, NULL);
}

/* RFC 6749 §3.1.2: absolute URIs without a fragment; https, or http on the
 * loopback interface only (RFC 8252 §7.3, OAuth 2.1 §2.3.1); a private-use
 * scheme (RFC 8252 §7.1) only for a public client, a native app. */
static int check_uris(const cli_cmd_t *self, const char *const *uris, size_t count,
                      const char *option, bool is_public)
{
    for (size_t i = 0; i < count; i++) {
        uri_redirect_kind_t kind = uri_redirect_kind(uris[i]);
        if (kind == URI_REDIRECT_INVALID)
            return cli_usage_error(self,
                                   "%s '%s' is not an absolute https URI (http only on loopback, "
                                   "or a native app's com.example.app:/path) without fragment",
                                   option, uris[i]);
        if (kind == URI_REDIRECT_HTTP)
            return cli_usage_error(self,
                                   "%s '%s': http is allowed only for 127.0.0.1, [::1] and "
                                   "localhost; use https",
                                   option, uris[i]);
        if (kind == URI_REDIRECT_PRIVATE_USE && !is_public)
            return cli_usage_error(self,
                                   "%s '%s': a private-use scheme is for native apps, which are "
                                   "--public clients",
                                   option, uris[i]);
    }
    return CLI_CONTINUE;
}

static int check_add(const cli_cmd_t *self, add_args_t *o)
{
    store_client_t *cl = &o->client;
    if (!cl->id)
        return cli_usage_error(self, "--id is required");
    if (!cli_client_id_valid(cl->id))
        return cli_usage_error(self, "client id must be 1-64 characters of A-Z a-z 0-9 . _ -");
    if (!cl->grants)
        cl->grants = DEFAULT_GRANTS;
    if ((cl->grants & STORE_GRANT_AUTHORIZATION_CODE) && cl->redirect_uri_count == 0)
        return cli_usage_error(self, "--redirect-uri is required for authorization_code");
    if (!cli_scope_valid(cl->scope))
        return cli_usage_error(self, "--scope must be scope names separated by single spaces");
    if (cl->name && (!cl->name[0] || strlen(cl->name) > NAME_MAX_LEN))
        return cli_usage_error(self, "--name must be 1-%d bytes", NAME_MAX_LEN);
    if (cl->is_public && o->secret)
        return cli_usage_error(self, "a --public client has no --secret");
    if (cl->is_public && (cl->grants & STORE_GRANT_CLIENT_CREDENTIALS))
        return cli_usage_error(self, "a --public client cannot use client_credentials");
    if (o->secret && !cli_client_secret_valid(o->secret))
        return cli_usage_error(self, "--secret must be 8-512 printable ASCII characters");
    int code = check_uris(self, cl->redirect_uris, cl->redirect_uri_count, "--redirect-uri",
                          cl->is_public);
    if (code != CLI_CONTINUE)
        return code;
    return check_uris(self, cl->post_logout_redirect_uris, cl->post_logout_redirect_uri_count,
                      "--post-logout-redirect-uri", cl->is_public);
}

/* Digests the given secret, or generates one into *generated (wiped at exit). */
static int make_secret(cli_t *c, add_args_t *o, char **generated)
{
    if (o->client.is_public)
        return CLI_CONTINUE;
    if (!o->secret) {
        o->secret = *generated = secret_token(c->arena);
        if (!o->secret || cli_wipe_later(c, o->secret) != CLI_CONTINUE)
            return cli_fail("cannot generate a client secret");
    }
    o->client.secret_digest = secret_client_digest(c->arena, o->secret);
    return o->client.secret_digest ? CLI_CONTINUE : cli_fail("cannot digest the client secret");
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
            if (!oidc_scope_releases(name) && !ui_scope_label(&c->cfg, UI_LANG_EN, name))
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
    add_args_t o;
    store_t *s = NULL;
    char *generated = NULL;
    int code = parse_add(c, self, argc, argv, &o);
    if (code == CLI_CONTINUE)
        code = check_add(self, &o);
    if (code == CLI_CONTINUE)
        code = make_secret(c, &o, &generated);
    if (code != CLI_CONTINUE)
        return code;
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    o.client.created_at = clock_now();
    gh_status_t st = store_client_add(s, &o.client);
    if (st == GH_ERR_CONFLICT)
        return cli_fail("client '%s' already exists", o.client.id);
    if (st != GH_OK)
        return cli_fail("cannot add client '%s': %s", o.client.id, gh_status_str(st));
    printf("client_id: %s\n", o.client.id);
    if (generated)
        printf("client_secret: %s\n", generated);
    warn_unlabelled_scopes(c, o.client.scope);
    return CLI_EXIT_OK;
}

static void put_list(buf_t *b, const char *const *items, size_t count, char sep)
{
    for (size_t i = 0; i < count; i++) {
        if (i)
            buf_putc(b, sep);
        buf_puts(b, items[i]);
    }
    if (count == 0)
        buf_putc(b, '-');
}

/* The grant type names of a STORE_GRANT_* set, in bit order, into names[]. */
static size_t grant_names(unsigned grants, const char *names[32])
{
    size_t n = 0;
    for (unsigned bit = 1; bit != 0 && bit <= grants; bit <<= 1)
        if ((grants & bit) && cli_grant_name(bit))
            names[n++] = cli_grant_name(bit);
    return n;
}

static json_t *string_array(const char *const *items, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++)
        json_array_append_new(arr, json_string(items[i]));
    return arr;
}

/* The client as RFC 7591 client metadata, without any secret material. */
static json_t *client_json(const store_client_t *cl)
{
    const char *grants[32];
    size_t ngrants = grant_names(cl->grants, grants);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "client_id", json_string(cl->id));
    if (cl->name)
        json_object_set_new(o, "client_name", json_string(cl->name));
    json_object_set_new(o, "redirect_uris",
                        string_array(cl->redirect_uris, cl->redirect_uri_count));
    json_object_set_new(
        o, "post_logout_redirect_uris",
        string_array(cl->post_logout_redirect_uris, cl->post_logout_redirect_uri_count));
    json_object_set_new(o, "grant_types", string_array(grants, ngrants));
    json_object_set_new(o, "scope", json_string(cl->scope ? cl->scope : ""));
    json_object_set_new(o, "token_endpoint_auth_method",
                        json_string(cl->is_public ? "none" : "client_secret_basic"));
    json_object_set_new(o, "client_id_issued_at", json_integer(cl->created_at));
    json_object_set_new(o, "require_mfa", json_boolean(cl->require_mfa)); /* docs/mfa.md */
    return o;
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
            json_array_append_new(arr, client_json(&list[i]));
        return cli_print_json(arr);
    }
    puts("CLIENT_ID\tNAME\tGRANT_TYPES\tREDIRECT_URIS");
    for (size_t i = 0; i < n; i++) {
        const char *grants[32];
        buf_t b;
        buf_init(&b, c->arena);
        buf_printf(&b, "%s\t%s\t", list[i].id, list[i].name ? list[i].name : "-");
        put_list(&b, grants, grant_names(list[i].grants, grants), ',');
        buf_putc(&b, '\t');
        put_list(&b, list[i].redirect_uris, list[i].redirect_uri_count, ' ');
        if (!buf_cstr(&b))
            return cli_fail("out of memory");
        puts(buf_cstr(&b));
    }
    return CLI_EXIT_OK;
}

static int run_show(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *id = NULL;
    store_t *s = NULL;
    store_client_t cl;
    int code = cli_operands_and_store(c, self, argc, argv, 1, &id, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_client_get(s, c->arena, id, &cl);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no client '%s'", id);
    if (st != GH_OK)
        return cli_fail("cannot read client '%s': %s", id, gh_status_str(st));
    return cli_print_json(client_json(&cl));
}

static int run_remove(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    return cli_remove(c, self, argc, argv, "client", store_client_remove);
}

const cli_cmd_t CLI_CLIENT_COMMANDS[] = {
    {"add", "gatehouse client add", "register a client",
     "usage: gatehouse client add --id ID [--secret S] --redirect-uri URI...\n"
     "                            [--post-logout-redirect-uri URI...] [--scope SCOPES]\n"
     "                            [--grant G]... [--public] [--name NAME] [--require-mfa]\n\n"
     "Registers a client. A confidential client without --secret gets a generated\n"
     "secret, printed once as 'client_secret: ...'; only its digest is stored.\n\n"
     "  --id ID                 1-64 characters of A-Z a-z 0-9 . _ -\n"
     "  --secret S              client secret, 8-512 printable ASCII characters\n"
     "  --redirect-uri URI      absolute https URI, no fragment (repeatable;\n"
     "                          required with authorization_code); http only for\n"
     "                          127.0.0.1, [::1] and localhost; a private-use scheme\n"
     "                          such as com.example.app:/cb only with --public\n"
     "  --post-logout-redirect-uri URI  where logout may return (repeatable)\n"
     "  --scope SCOPES          scopes it may ask for (default \"" DEFAULT_SCOPE "\")\n"
     "  --grant G               authorization_code, refresh_token, client_credentials or\n"
     "                          urn:ietf:params:oauth:grant-type:device_code (repeatable;\n"
     "                          default authorization_code and refresh_token)\n"
     "  --public                a public client: no secret, must use PKCE\n"
     "  --name NAME             display name for the consent page\n"
     "  --require-mfa           every member signs in with a second factor (docs/mfa.md)\n",
     run_add, NULL},
    {"list", "gatehouse client list", "list clients",
     "usage: gatehouse client list [--json]\n\n"
     "A header line, then one line per client, tab-separated: id, name, grant types,\n"
     "redirect URIs.\n\n"
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
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
