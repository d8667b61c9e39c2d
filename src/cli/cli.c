/* The program's command tree, global options (--db, --config, --help) and the
 * helpers shared by the commands: option parsing with one-line usage errors,
 * the configuration in its precedence order (flags > environment > file >
 * defaults) and the store opened on demand. Also `gatehouse serve`, which only
 * hands the configuration to the server. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/stop.h"
#include "core/version.h"
#include "gateway/gateway.h"
#include "oauth/server.h"

#define CLI_ARENA_CAP (16u << 20)

static const char COMMON_HELP[] =
    "\nGlobal options (also accepted before the command):\n"
    "  --db URL        database: sqlite:PATH or postgres://... (env GATEHOUSE_DB,\n"
    "                  default sqlite:var/gatehouse.db)\n"
    "  --config FILE   INI configuration file; flags override the environment,\n"
    "                  which overrides the file\n"
    "  --create        create the SQLite database if it does not exist (otherwise\n"
    "                  only serve, gateway and db migrate create one)\n"
    "  -h, --help      show this help\n";

static int run_serve(cli_t *c, const cli_cmd_t *self, int argc, char **argv);
static int run_gateway(cli_t *c, const cli_cmd_t *self, int argc, char **argv);

static const cli_cmd_t ROOT_SUBS[] = {
    {"serve", "gatehouse serve", "run the authorization server",
     "usage: gatehouse serve [--listen HOST:PORT] [--issuer URL]\n\n"
     "Runs the authorization server until SIGINT or SIGTERM.\n\n"
     "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080)\n"
     "  --issuer URL         issuer identifier (default http:// + listen address)\n\n"
     "Settings come from the [server] section of --config and GATEHOUSE_<KEY>\n"
     "variables (README lists them all), among them:\n"
     "  code_replay_revokes  whose grant a replayed code revokes: all (default) | public\n"
     "  refresh_grace        seconds a rotated refresh token may come again (default 0: off)\n",
     run_serve, NULL},
    {"gateway", "gatehouse gateway", "run the social-login gateway",
     "usage: gatehouse gateway [--listen HOST:PORT]\n\n"
     "Runs the social-login gateway (seed 002) until SIGINT or SIGTERM, with the\n"
     "[gateway] and [platform.NAME] sections of --config.\n\n"
     "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8081)\n",
     run_gateway, NULL},
    {"client", "gatehouse client", "register and manage clients", NULL, cli_run_group,
     CLI_CLIENT_COMMANDS},
    {"user", "gatehouse user", "create and manage users", NULL, cli_run_group, CLI_USER_COMMANDS},
    {"group", "gatehouse group", "put users in groups (the groups claim)", NULL, cli_run_group,
     CLI_GROUP_COMMANDS},
    {"keys", "gatehouse keys", "list and rotate the signing keys", NULL, cli_run_group,
     CLI_KEYS_COMMANDS},
    {"config", "gatehouse config", "show, check and document the settings", NULL, cli_run_group,
     CLI_CONFIG_COMMANDS},
    {"db", "gatehouse db", "show and apply the database migrations", NULL, cli_run_group,
     CLI_DB_COMMANDS},
    {"backup", "gatehouse backup", "copy a live SQLite database to a file",
     "usage: gatehouse backup FILE\n\n"
     "Copies the SQLite database, consistent as of one moment, to FILE (a new file,\n"
     "readable by its owner only) while servers go on using it (SQLite's online\n"
     "backup API). Restore: stop the servers, put the copy in the database's place\n"
     "(and remove its -wal and -shm files), start them. PostgreSQL: use pg_dump.\n",
     cli_run_backup, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

static int run_root(cli_t *c, const cli_cmd_t *self, int argc, char **argv);

static const cli_cmd_t ROOT = {"gatehouse", "gatehouse", "an OAuth 2.0 / OpenID Connect server",
                               NULL,        run_root,    ROOT_SUBS};

int cli_usage_error(const cli_cmd_t *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd->path);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try '%s --help')\n", cmd->path);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gatehouse: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_FAIL;
}

static void print_help(const cli_cmd_t *cmd)
{
    if (cmd->subs) {
        printf("usage: %s [OPTIONS] COMMAND [ARGS]\n\n%s.\n\nCommands:\n", cmd->path, cmd->summary);
        for (const cli_cmd_t *sub = cmd->subs; sub->name; sub++)
            printf("  %-8s %s\n", sub->name, sub->summary);
        printf("\nRun '%s COMMAND --help' for the options of a command.\n", cmd->path);
        if (cmd == &ROOT)
            fputs("\n  --version       print the version and the git commit it was built from\n",
                  stdout);
    } else {
        fputs(cmd->usage, stdout);
    }
    fputs(COMMON_HELP, stdout);
}

int cli_next_option(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv,
                    const struct option *opts, int *code)
{
    /* A group stops at its first operand (the command name); '+' as in POSIX. */
    const char *optstring = cmd->subs ? "+:h" : ":h";
    opterr = 0;
    for (;;) {
        int ch = getopt_long(argc, argv, optstring, opts, NULL);
        if (ch == CLI_OPT_DB) {
            c->db_flag = optarg;
        } else if (ch == CLI_OPT_CONFIG) {
            c->config_flag = optarg;
        } else if (ch == CLI_OPT_CREATE) {
            c->create = true;
        } else if (ch == 'h') {
            print_help(cmd);
            *code = CLI_EXIT_OK;
            return CLI_OPT_STOP;
        } else if (ch == '?' || ch == ':') {
            const char *what = ch == '?' ? "unknown option" : "missing value for option";
            *code = cli_usage_error(cmd, "%s '%s'", what, argv[optind - 1]);
            return CLI_OPT_STOP;
        } else {
            return ch;
        }
    }
}

int cli_operands(const cli_cmd_t *cmd, int argc, char **argv, int want, const char **operand)
{
    int have = argc - optind;
    if (have > want)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + want]);
    if (have < want)
        return cli_usage_error(cmd, "missing argument");
    for (int i = 0; i < want; i++)
        operand[i] = argv[optind + i];
    return CLI_CONTINUE;
}

int cli_parse_operands(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, int want,
                       const char **operand)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int code = CLI_CONTINUE;
    if (cli_next_option(c, cmd, argc, argv, opts, &code) == CLI_OPT_STOP)
        return code;
    return cli_operands(cmd, argc, argv, want, operand);
}

/* Runs the command named by the group's first operand. */
static int run_sub(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    if (optind >= argc)
        return cli_usage_error(self, "missing command");
    const char *name = argv[optind];
    for (const cli_cmd_t *sub = self->subs; sub->name; sub++) {
        if (!strcmp(sub->name, name)) {
            int first = optind;
            optind = 0; /* a full restart of getopt for the command's own arguments */
            return sub->run(c, sub, argc - first, argv + first);
        }
    }
    return cli_usage_error(self, "unknown command '%s'", name);
}

int cli_run_group(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int code = CLI_CONTINUE;
    if (cli_next_option(c, self, argc, argv, opts, &code) == CLI_OPT_STOP)
        return code;
    return run_sub(c, self, argc, argv);
}

/* The top level: a group that also answers --version. */
static int run_root(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_VERSION = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
    int code = CLI_CONTINUE;
    int ch = cli_next_option(c, self, argc, argv, opts, &code);
    if (ch == CLI_OPT_STOP)
        return code;
    if (ch == OPT_VERSION) {
        printf("gatehouse %s (commit %s)\n", GH_VERSION, GH_GIT_COMMIT);
        return CLI_EXIT_OK;
    }
    return run_sub(c, self, argc, argv);
}

gh_status_t cli_config_load(cli_t *c)
{
    char err[256] = "";
    gh_status_t st = GH_OK;
    if (c->cfg_loaded)
        return GH_OK;
    if (c->config_flag)
        st = config_load_file(&c->cfg, c->config_flag, err, sizeof err);
    if (st == GH_OK)
        st = config_load_env(&c->cfg, err, sizeof err);
    if (st == GH_OK && c->db_flag)
        st = config_set(&c->cfg, "server", "db", c->db_flag, err, sizeof err);
    if (st != GH_OK) {
        cli_fail("%s", err[0] ? err : gh_status_str(st));
        return st;
    }
    c->cfg_loaded = true;
    return GH_OK;
}

const char *cli_shown_url(cli_t *c)
{
    const char *url = c->cfg.server.db;
    const char *scheme_end = strstr(url, "://");
    if (!strncmp(url, "sqlite:", 7) || !scheme_end)
        return url;
    const char *shown = arena_printf(c->arena, "%.*s://...", (int)(scheme_end - url), url);
    return shown ? shown : "(database)";
}

gh_status_t cli_store_with(cli_t *c, unsigned flags, store_t **out)
{
    gh_status_t st = c->store ? GH_OK : cli_config_load(c);
    if (st == GH_OK && !c->store) {
        st = store_open_with(c->cfg.server.db, flags | (c->create ? STORE_OPEN_CREATE : 0),
                             &c->store);
        if (st == GH_ERR_NOT_FOUND)
            cli_fail("no database at %s (create it with 'gatehouse db migrate', or add --create)",
                     cli_shown_url(c));
        else if (st != GH_OK)
            cli_fail("cannot open the database %s: %s", cli_shown_url(c), gh_status_str(st));
    }
    if (st == GH_OK)
        *out = c->store;
    return st;
}

gh_status_t cli_store(cli_t *c, store_t **out)
{
    return cli_store_with(c, STORE_OPEN_MIGRATE, out);
}

int cli_list_begin(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, bool *json, store_t **s)
{
    enum { OPT_JSON = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"json", no_argument, NULL, OPT_JSON}, {NULL, 0, NULL, 0}};
    int ch, code = CLI_CONTINUE;
    *json = false;
    while ((ch = cli_next_option(c, cmd, argc, argv, opts, &code)) >= 0)
        *json = true;
    if (ch == CLI_OPT_STOP || (code = cli_operands(cmd, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    return cli_store(c, s) == GH_OK ? CLI_CONTINUE : CLI_EXIT_FAIL;
}

int cli_print_json(json_t *v)
{
    char *text = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    if (!text)
        return cli_fail("out of memory");
    puts(text);
    free(text);
    return CLI_EXIT_OK;
}

int cli_operands_and_store(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, int want,
                           const char **operand, store_t **s)
{
    int code = cli_parse_operands(c, cmd, argc, argv, want, operand);
    if (code != CLI_CONTINUE)
        return code;
    return cli_store(c, s) == GH_OK ? CLI_CONTINUE : CLI_EXIT_FAIL;
}

int cli_admin(cli_t *c, admin_ctx_t *ctx)
{
    store_t *s = NULL;
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    *ctx = (admin_ctx_t){
        .store = s, .cfg = &c->cfg.server, .config = &c->cfg, .arena = c->arena, .actor = "cli"};
    log_set_level(LOG_WARN); /* the audit rows are written; stderr is for the operator */
    return CLI_CONTINUE;
}

int cli_admin_error(const cli_cmd_t *cmd, const admin_error_t *err)
{
    if (err->status == 400)
        return cli_usage_error(cmd, "%s", err->detail);
    return cli_fail("%s", err->detail);
}

static void wipe_string(void *s)
{
    secret_wipe(s, strlen(s));
}

int cli_wipe_later(cli_t *c, char *s)
{
    if (arena_defer(c->arena, wipe_string, s) != 0)
        return cli_fail("out of memory");
    return CLI_CONTINUE;
}

static void apply_logging(const config_server_t *server)
{
    log_set_format((log_format_t)server->log_format);
    log_set_level((log_level_t)server->log_level);
}

/* SIGHUP's part for both servers: log_format and log_level, read again from
 * the configuration file and the environment; a configuration that no
 * longer loads changes nothing. */
static const char *reload_logging(void *ctx)
{
    cli_t *c = ctx;
    config_t fresh;
    char err[256] = "";
    config_init(&fresh);
    gh_status_t st = GH_OK;
    if (c->config_flag)
        st = config_load_file(&fresh, c->config_flag, err, sizeof err);
    if (st == GH_OK)
        st = config_load_env(&fresh, err, sizeof err);
    if (st == GH_OK)
        apply_logging(&fresh.server);
    else
        log_event(LOG_ERROR, "reload_failed", "error", err[0] ? err : gh_status_str(st), NULL);
    config_free(&fresh);
    return st == GH_OK ? "log settings" : NULL;
}

/* What both servers do before serving: the log settings, and their reload. */
static void prepare_server(cli_t *c)
{
    config_finish(&c->cfg);
    apply_logging(&c->cfg.server);
    stop_signals_on_reload(reload_logging, c);
}

static int run_serve(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_LISTEN = CLI_OPT_OWN, OPT_ISSUER };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"listen", required_argument, NULL, OPT_LISTEN},
                                         {"issuer", required_argument, NULL, OPT_ISSUER},
                                         {NULL, 0, NULL, 0}};
    const char *listen = NULL, *issuer = NULL;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0) {
        if (ch == OPT_LISTEN)
            listen = optarg;
        else
            issuer = optarg;
    }
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    if (cli_config_load(c) != GH_OK)
        return CLI_EXIT_FAIL;
    char err[256] = "";
    gh_status_t st = GH_OK;
    if (listen)
        st = config_set(&c->cfg, "server", "listen", listen, err, sizeof err);
    if (st == GH_OK && issuer)
        st = config_set(&c->cfg, "server", "issuer", issuer, err, sizeof err);
    if (st != GH_OK)
        return cli_fail("%s", err[0] ? err : gh_status_str(st));
    prepare_server(c);
    const oauth_extra_routes_t admin = {ADMIN_ROUTES,
                                        ADMIN_ROUTE_COUNT,
                                        admin_api_refused,
                                        admin_console_register,
                                        admin_client_document_check,
                                        REGISTRATION_ROUTES,
                                        REGISTRATION_ROUTE_COUNT,
                                        admin_chore};
    return oauth_serve_with(&c->cfg, &admin);
}

static int run_gateway(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_LISTEN = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"listen", required_argument, NULL, OPT_LISTEN}, {NULL, 0, NULL, 0}};
    const char *listen = NULL;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        listen = optarg;
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    if (cli_config_load(c) != GH_OK)
        return CLI_EXIT_FAIL;
    char err[256] = "";
    if (listen && config_set(&c->cfg, "gateway", "listen", listen, err, sizeof err) != GH_OK)
        return cli_fail("%s", err[0] ? err : "out of memory");
    prepare_server(c);
    return gateway_serve(&c->cfg);
}

int cli_main(int argc, char **argv)
{
    cli_t c;
    memset(&c, 0, sizeof c);
    config_init(&c.cfg);
    c.arena = arena_new(CLI_ARENA_CAP);
    int code = CLI_EXIT_FAIL;
    if (!c.arena) {
        cli_fail("out of memory");
        goto out;
    }
    optind = 0;
    code = ROOT.run(&c, &ROOT, argc, argv);
out:
    store_close(c.store);
    arena_free(c.arena);
    config_free(&c.cfg);
    return code;
}
