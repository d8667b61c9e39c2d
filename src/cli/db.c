/* `gatehouse db status|migrate` and `gatehouse backup`: the operator's view of
 * the schema (which numbered migrations a database has, applying the rest,
 * never one twice) and a consistent copy of a live SQLite database. Neither
 * status nor a dry run writes anything; only `db migrate` (and --create)
 * makes a database that does not exist. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

static const char *migration_name(const store_migration_t *m)
{
    return m->name ? m->name : "(unknown to this version of gatehouse)";
}

static int print_status(const store_migration_t *list, size_t n, bool json)
{
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, json_pack("{s:I, s:s?, s:b}", "version",
                                                 (json_int_t)list[i].version, "name", list[i].name,
                                                 "applied", list[i].applied));
        return cli_print_json(arr);
    }
    puts("VERSION\tNAME\tSTATE");
    for (size_t i = 0; i < n; i++)
        printf("%03ld\t%s\t%s\n", list[i].version, migration_name(&list[i]),
               list[i].applied ? "applied" : "pending");
    return CLI_EXIT_OK;
}

static int run_status(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_JSON = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"json", no_argument, NULL, OPT_JSON}, {NULL, 0, NULL, 0}};
    bool json = false;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        json = true;
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    store_t *s = NULL;
    store_migration_t *list = NULL;
    size_t n = 0;
    if (cli_store_with(c, 0, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    gh_status_t st = store_migrations(s, c->arena, &list, &n);
    if (st != GH_OK)
        return cli_fail("cannot read the migrations of %s: %s", cli_shown_url(c),
                        gh_status_str(st));
    return print_status(list, n, json);
}

/* Prints "<verb> NNN_name" for each migration pending in before and applied in
 * after (dry run: every pending one); returns how many. */
static size_t print_changes(const char *verb, const store_migration_t *before,
                            const store_migration_t *after, size_t n)
{
    size_t changed = 0;
    for (size_t i = 0; i < n; i++) {
        if (before[i].applied || (after && !after[i].applied))
            continue;
        printf("%s %03ld_%s\n", verb, before[i].version, migration_name(&before[i]));
        changed++;
    }
    return changed;
}

static int run_migrate(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_DRY_RUN = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"dry-run", no_argument, NULL, OPT_DRY_RUN}, {NULL, 0, NULL, 0}};
    bool dry_run = false;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        dry_run = true;
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    store_t *s = NULL;
    store_migration_t *before = NULL, *after = NULL;
    size_t n = 0, n_after = 0;
    /* a dry run creates nothing: a missing database is reported, not made */
    if (cli_store_with(c, dry_run ? 0 : STORE_OPEN_CREATE, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    gh_status_t st = store_migrations(s, c->arena, &before, &n);
    if (st == GH_OK && !dry_run)
        st = store_migrate(s);
    if (st == GH_OK && !dry_run)
        st = store_migrations(s, c->arena, &after, &n_after);
    if (st != GH_OK)
        return cli_fail("cannot migrate %s: %s", cli_shown_url(c), gh_status_str(st));
    /* both lists hold the same files in the same order */
    size_t changed = print_changes(dry_run ? "would apply" : "applied", before, after,
                                   after && n_after < n ? n_after : n);
    if (changed == 0)
        printf("up to date: %zu migrations applied\n", n);
    return CLI_EXIT_OK;
}

int cli_run_backup(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *path = NULL;
    store_t *s = NULL;
    int code = cli_parse_operands(c, self, argc, argv, 1, &path);
    if (code != CLI_CONTINUE)
        return code;
    if (cli_config_load(c) != GH_OK)
        return CLI_EXIT_FAIL;
    /* refused before connecting: PostgreSQL has its own tools */
    if (strncmp(c->cfg.server.db, "sqlite:", 7) != 0)
        return cli_fail("backup copies SQLite databases; back up PostgreSQL with pg_dump "
                        "(docs/operations.md)");
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    gh_status_t st = store_backup(s, path);
    if (st == GH_ERR_CONFLICT)
        return cli_fail("%s already exists; give a new file name", path);
    if (st != GH_OK)
        return cli_fail("cannot back up %s to %s: %s", cli_shown_url(c), path, gh_status_str(st));
    printf("backed up %s to %s\n", cli_shown_url(c), path);
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_DB_COMMANDS[] = {
    {"status", "gatehouse db status", "list applied and pending migrations",
     "usage: gatehouse db status [--json]\n\n"
     "One line per migration after a header, tab-separated: number, name, 'applied'\n"
     "or 'pending'. Changes nothing.\n\n"
     "  --json   an array of {\"version\", \"name\", \"applied\"} objects\n",
     run_status, NULL},
    {"migrate", "gatehouse db migrate", "apply the pending migrations",
     "usage: gatehouse db migrate [--dry-run]\n\n"
     "Creates a SQLite database that does not exist, then applies each pending\n"
     "migration once, printing 'applied NNN_name' for each. serve and gateway do\n"
     "the same when they start.\n\n"
     "  --dry-run   print 'would apply NNN_name' for each pending one; change nothing\n",
     run_migrate, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
