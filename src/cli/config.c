/* `gatehouse config show|check|doc`: the settings as the table of keys
 * (core/config_keys.c) describes them. `show` prints the effective value of
 * every key and where it came from, secrets masked; `check` validates the
 * file and the environment (the [platform.*] sections included) and says
 * which key is wrong; `doc` prints the reference docs/settings.md is. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/buf.h"
#include "gateway/gateway.h"
#include "oidc/oidc.h"

#define MASK "********"

/* A connection URL with its password (user:PASSWORD@, password=PASSWORD)
 * masked; anything else as it is. */
static const char *masked_url(arena_t *a, const char *url)
{
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end)
        return url;
    buf_t b;
    buf_init(&b, a);
    const char *auth = scheme_end + 3;
    const char *at = strchr(auth, '@');
    const char *slash = strchr(auth, '/');
    const char *colon = strchr(auth, ':');
    const char *rest = url;
    if (at && (!slash || at < slash) && colon && colon < at) {
        buf_append(&b, url, (size_t)(colon + 1 - url));
        buf_puts(&b, MASK);
        rest = at;
    }
    for (const char *p; (p = strstr(rest, "password="));) {
        buf_append(&b, rest, (size_t)(p + 9 - rest));
        buf_puts(&b, MASK);
        rest = p + 9 + strcspn(p + 9, "&");
    }
    buf_puts(&b, rest);
    return buf_cstr(&b) ? buf_cstr(&b) : MASK;
}

/* The effective value of a key with a slot, as text; NULL when unset. */
static const char *value_of(cli_t *c, const config_key_t *k)
{
    const void *slot = (const char *)&c->cfg + k->offset;
    switch (k->type) {
    case CONFIG_NUMBER:
        return arena_printf(c->arena, "%ld", *(const long *)slot);
    case CONFIG_CHOICE:
        return k->choices[*(const int *)slot];
    case CONFIG_TEXT:
    case CONFIG_WORD:
        return *(char *const *)slot;
    }
    return NULL;
}

static const char *shown(cli_t *c, const config_key_t *k, const char *v)
{
    if (v && k->flags & CONFIG_URL)
        return masked_url(c->arena, v);
    return v && k->flags & CONFIG_SECRET ? MASK : v;
}

/* "; file gatehouse.ini", "; env GATEHOUSE_DB", "; default", … */
static void print_source(const cli_t *c, const config_key_t *k, const char *section, bool set)
{
    const char *what = NULL;
    char env[64];
    switch (config_source(&c->cfg, section, k->key, &what)) {
    case CONFIG_FROM_FILE:
        printf("; file %s\n", what ? what : "");
        return;
    case CONFIG_FROM_ENV:
        printf("; env %s\n", config_key_env(k, env, sizeof env) ? env : "");
        return;
    case CONFIG_FROM_FLAG:
        puts("; flag");
        return;
    case CONFIG_FROM_DEFAULT:
        if (k->note)
            printf("; default: %s\n", k->note);
        else
            puts(set ? "; default" : "; unset");
        return;
    }
}

typedef struct {
    cli_t *c;
} show_ctx_t;

static void show_section(cli_t *c, const char *section, const char *table_section)
{
    size_t n;
    const config_key_t *keys = config_keys(&n);
    printf("[%s]\n", section);
    for (size_t i = 0; i < n; i++) {
        const config_key_t *k = &keys[i];
        if (strcmp(k->section, table_section))
            continue;
        const char *v =
            k->flags & CONFIG_NO_SLOT ? config_get(&c->cfg, section, k->key) : value_of(c, k);
        if (k->flags & CONFIG_NO_SLOT && !v)
            continue; /* a platform key left to its kind's default */
        printf("%s = %s  ", k->key, v ? shown(c, k, v) : "");
        print_source(c, k, section, v != NULL);
    }
}

static void on_platform(const char *section, void *ctx)
{
    putchar('\n');
    show_section(((show_ctx_t *)ctx)->c, section, "platform.*");
}

static int run_show(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    int code = cli_parse_operands(c, self, argc, argv, 0, NULL);
    if (code != CLI_CONTINUE)
        return code;
    if (cli_config_load(c) != GH_OK)
        return CLI_EXIT_FAIL;
    config_finish(&c->cfg);
    show_section(c, "server", "server");
    putchar('\n');
    show_section(c, "gateway", "gateway");
    putchar('\n');
    show_section(c, "smtp", "smtp");
    show_ctx_t ctx = {c};
    config_each_section(&c->cfg, "platform.", on_platform, &ctx);
    return CLI_EXIT_OK;
}

static int run_check(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    int code = cli_parse_operands(c, self, argc, argv, 0, NULL);
    if (code != CLI_CONTINUE)
        return code;
    if (cli_config_load(c) != GH_OK) /* says which key, and why */
        return CLI_EXIT_FAIL;
    config_finish(&c->cfg);
    char err[256] = "";
    if (c->cfg.smtp.url && !c->cfg.smtp.from)
        return cli_fail("[smtp] from is required with url");
    gh_status_t st = gateway_check_platforms(&c->cfg, err, sizeof err);
    if (st != GH_OK)
        return cli_fail("%s", err[0] ? err : gh_status_str(st));
    arena_t *a = arena_new(1 << 16);
    oidc_scopes_t scopes;
    st = a ? oidc_scopes_load(&c->cfg, a, &scopes, err, sizeof err) : GH_ERR_NOMEM;
    arena_free(a);
    if (st != GH_OK)
        return cli_fail("%s", err[0] ? err : gh_status_str(st));
    printf("configuration OK%s%s\n", c->config_flag ? ": " : "",
           c->config_flag ? c->config_flag : "");
    return CLI_EXIT_OK;
}

/* A key's range or values for the docs' table. */
static const char *accepted(arena_t *a, const config_key_t *k)
{
    if (k->type == CONFIG_NUMBER)
        return arena_printf(a, "%ld .. %ld %s", k->min, k->max, k->unit);
    if (k->type == CONFIG_TEXT)
        return "text";
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; k->choices[i]; i++)
        buf_printf(&b, "%s`%s`", i ? " \\| " : "", k->choices[i]);
    return buf_cstr(&b);
}

static int run_doc(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    int code = cli_parse_operands(c, self, argc, argv, 0, NULL);
    if (code != CLI_CONTINUE)
        return code;
    static const struct {
        const char *section, *title, *intro;
    } SECTIONS[] = {
        {"server", "[server]",
         "The authorization server, and the database every command uses. Also in the file's "
         "first lines before any section."},
        {"gateway", "[gateway]", "The social-login gateway (docs/gateway.md)."},
        {"smtp", "[smtp]",
         "The authorization server's mail: password reset, e-mail verification, invitations "
         "(docs/account.md). Without `url` there is no mail, and the pages that need it say "
         "so."},
        {"platform.*", "[platform.NAME]",
         "One per platform of the gateway; NAME is 1-32 of a-z 0-9 _ - (not auto, put)."},
        {"scope.*", "[scope.NAME]",
         "A scope of your own, NAME: the words the consent page shows for it (standard scopes "
         "have theirs; `client add` warns about a scope that has none) and the claims it "
         "releases (docs/claims.md)."},
    };
    puts("# Settings\n\n"
         "<!-- Generated by `gatehouse config doc` from the table of keys in\n"
         "     src/core/config_keys.c; the cli test fails when they differ. -->\n\n"
         "Each key is read from the INI file given with `--config`, then from its\n"
         "environment variable, then from a command-line flag where one exists; each\n"
         "later source wins. `gatehouse config show` prints the effective values and\n"
         "where each came from (secrets masked); `gatehouse config check` validates\n"
         "the file and the environment and names the key that is wrong.");
    size_t n;
    const config_key_t *keys = config_keys(&n);
    for (size_t s = 0; s < sizeof SECTIONS / sizeof SECTIONS[0]; s++) {
        printf("\n## %s\n\n%s\n\n| key | default | accepts | environment | |\n"
               "|---|---|---|---|---|\n",
               SECTIONS[s].title, SECTIONS[s].intro);
        for (size_t i = 0; i < n; i++) {
            const config_key_t *k = &keys[i];
            if (strcmp(k->section, SECTIONS[s].section))
                continue;
            char env[64];
            const char *def =
                k->def ? arena_printf(c->arena, "`%s`", k->def) : (k->note ? k->note : "");
            printf("| `%s` | %s | %s | %s | %s%s |\n", k->key, def ? def : "",
                   accepted(c->arena, k),
                   config_key_env(k, env, sizeof env) ? arena_printf(c->arena, "`%s`", env) : "",
                   k->help,
                   k->flags & (CONFIG_SECRET | CONFIG_URL) ? " (masked by `config show`)" : "");
        }
    }
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_CONFIG_COMMANDS[] = {
    {"show", "gatehouse config show", "print the effective settings and where each came from",
     "usage: gatehouse config show\n\n"
     "Prints every setting of [server], [gateway] and each [platform.NAME] with its\n"
     "effective value and where it came from (default, file, env, flag); secrets\n"
     "are masked.\n",
     run_show, NULL},
    {"check", "gatehouse config check", "validate the configuration file and environment",
     "usage: gatehouse config check\n\n"
     "Validates the --config file and the GATEHOUSE_* environment, the platform\n"
     "sections included, without starting anything. Exits 0 when the configuration\n"
     "is usable, else 1 with one line naming the key that is wrong.\n",
     run_check, NULL},
    {"doc", "gatehouse config doc", "print the reference of every setting (Markdown)",
     "usage: gatehouse config doc\n\n"
     "Prints docs/settings.md: every key with its default, accepted values,\n"
     "environment variable and meaning.\n",
     run_doc, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
