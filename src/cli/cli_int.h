/* Private to cli/: the command table, the per-run state and the helpers every
 * command uses (option parsing with the global options, error lines, the
 * configuration and the store opened on demand).
 *
 * Conventions: a command's run function starts with optind == 0 and argv[0]
 * naming the command; it returns the process exit status. Helpers that may
 * end the command return CLI_CONTINUE when it goes on, otherwise the exit
 * status, having printed the one line that says why. */
#ifndef GH_CLI_CLI_INT_H
#define GH_CLI_CLI_INT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "admin/admin.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "core/config.h"
#include "store/store.h"

#define CLI_CONTINUE (-1)

typedef struct cli cli_t;
typedef struct cli_cmd cli_cmd_t;

struct cli_cmd {
    const char *name;    /* as typed: "add" */
    const char *path;    /* for messages and help: "gatehouse client add" */
    const char *summary; /* one line in the parent's help */
    const char *usage;   /* a leaf's --help text; a group's is built from subs */
    int (*run)(cli_t *c, const cli_cmd_t *self, int argc, char **argv);
    const cli_cmd_t *subs; /* a group's commands, ended by a NULL name; NULL for a leaf */
};

struct cli {
    config_t cfg;
    bool cfg_loaded;
    const char *db_flag;     /* --db */
    const char *config_flag; /* --config */
    bool create;             /* --create: a missing SQLite database may be made */
    arena_t *arena;          /* everything of this run */
    store_t *store;          /* opened by cli_store() */
};

/* Values of the global options; a command's own options use CLI_OPT_OWN and up. */
enum { CLI_OPT_DB = 0x100, CLI_OPT_CONFIG, CLI_OPT_CREATE, CLI_OPT_OWN = 0x110 };

/* The options every command accepts, first in each command's option table. */
// clang-format off
#define CLI_COMMON_OPTIONS                                                                         \
    {"help", no_argument, NULL, 'h'},                                                              \
    {"db", required_argument, NULL, CLI_OPT_DB},                                                   \
    {"config", required_argument, NULL, CLI_OPT_CONFIG},                                           \
    {"create", no_argument, NULL, CLI_OPT_CREATE}
// clang-format on

/* cli_next_option() results besides an option's value. */
enum { CLI_OPT_END = -1, CLI_OPT_STOP = -2 };

/* The commands of each group, each table in its own file. */
extern const cli_cmd_t CLI_GROUP_COMMANDS[];
extern const cli_cmd_t CLI_CLIENT_COMMANDS[], CLI_USER_COMMANDS[], CLI_KEYS_COMMANDS[],
    CLI_CONFIG_COMMANDS[], CLI_DB_COMMANDS[];

/* `gatehouse user mfa U [--add-totp | --reset]` (user_mfa.c). */
int cli_user_mfa(cli_t *c, const cli_cmd_t *self, int argc, char **argv);

/* `gatehouse backup FILE` (db.c). */
int cli_run_backup(cli_t *c, const cli_cmd_t *self, int argc, char **argv);

/* Runs a group: its global options, then the command named next. */
int cli_run_group(cli_t *c, const cli_cmd_t *self, int argc, char **argv);

/* The next option of cmd's command line (opts ends with a zero entry). Handles
 * --help, --db, --config and usage errors itself: then it returns CLI_OPT_STOP
 * with the exit status in *code. Returns CLI_OPT_END when the options are over
 * (operands start at optind), else the value of one of the command's options
 * with its argument in optarg. */
int cli_next_option(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv,
                    const struct option *opts, int *code);

/* Parses a command that has only the global options and exactly `want`
 * operands; operand[0..want) gets them. */
int cli_parse_operands(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, int want,
                       const char **operand);

/* Checks that exactly `want` operands follow the options. */
int cli_operands(const cli_cmd_t *cmd, int argc, char **argv, int want, const char **operand);

/* Prints "<path>: <message> (try '<path> --help')" on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_cmd_t *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "gatehouse: <message>" on stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads the configuration once: file (--config), environment, --db. */
gh_status_t cli_config_load(cli_t *c);

/* The store named by the configuration, opened on first use (and the
 * configuration loaded) and migrated; prints why on failure. A SQLite
 * database that does not exist is an error naming its path, unless --create
 * was given: an administrative command never makes a database by accident. */
gh_status_t cli_store(cli_t *c, store_t **out);

/* As cli_store, with store_open_with's flags (STORE_OPEN_*) for the db
 * commands; --create adds STORE_OPEN_CREATE. */
gh_status_t cli_store_with(cli_t *c, unsigned flags, store_t **out);

/* The database URL as messages may show it: a SQLite path in full, a server
 * URL by its scheme only (it may carry a password). */
const char *cli_shown_url(cli_t *c);

/* A list command: the global options and --json (*json), no operands, then
 * the store. CLI_CONTINUE with *s open, else the exit status. Text lists
 * print a header line, then one tab-separated line per record; --json prints
 * an array of objects. */
int cli_list_begin(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, bool *json, store_t **s);

/* Prints v (taking it) as indented JSON on stdout: CLI_EXIT_OK, or the
 * failure when v is NULL (out of memory). */
int cli_print_json(json_t *v);

/* cli_parse_operands, then cli_store: the shape of every list/show/remove
 * command. CLI_CONTINUE with *s open, else the exit status. */
int cli_operands_and_store(cli_t *c, const cli_cmd_t *cmd, int argc, char **argv, int want,
                           const char **operand, store_t **s);

/* The admin operations' context for this run (admin/admin.h): the store
 * (opened by cli_store), the configuration, actor "cli". CLI_CONTINUE, or
 * the exit status. */
int cli_admin(cli_t *c, admin_ctx_t *ctx);

/* ---- a member's attributes and groups (user_claims.c) ---- */

/* The groups --group (add) and --remove-group (drop) name: JSON arrays, NULL
 * while none is given. */
typedef struct {
    json_t *add, *drop;
} cli_groups_t;

/* --attribute KEY=VALUE (remove false) or --remove-attribute KEY into
 * body's "attributes" object (a merge patch). */
int cli_attribute_option(const cli_cmd_t *self, json_t *body, const char *arg, bool remove);
/* --group G (drop false) or --remove-group G into g. */
int cli_group_option(cli_groups_t *g, const char *name, bool drop);
void cli_groups_free(cli_groups_t *g);

/* An admin operation's failure: a 400 (the value given is refused) is a
 * usage error, anything else a failure; the message is the operation's. */
int cli_admin_error(const cli_cmd_t *cmd, const admin_error_t *err);

/* Has the NUL-terminated secret s wiped when the run ends; CLI_CONTINUE, or
 * CLI_EXIT_FAIL when out of memory (s is then wiped at once). */
int cli_wipe_later(cli_t *c, char *s);

#endif
