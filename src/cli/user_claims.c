/* A member's custom attributes and groups on the command line: `user
 * add|update --attribute/--remove-attribute/--group/--remove-group`, and
 * `gatehouse group list|add|remove`, on the admin operations the API shares
 * (admin/admin.h), so the checks and messages are the same. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

int cli_attribute_option(const cli_cmd_t *self, json_t *body, const char *arg, bool remove)
{
    json_t *attrs = json_object_get(body, "attributes");
    if (!attrs) {
        attrs = json_object();
        json_object_set_new(body, "attributes", attrs);
    }
    if (remove) {
        json_object_set_new(attrs, arg, json_null());
        return CLI_CONTINUE;
    }
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return cli_usage_error(self, "--attribute wants KEY=VALUE, not '%s'", arg);
    /* a number, true, false, an array or a "quoted string" as JSON; else text */
    json_t *v = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
    if (!v || json_is_object(v) || json_is_null(v)) {
        json_decref(v);
        v = json_string(eq + 1);
    }
    json_object_setn_new(attrs, arg, (size_t)(eq - arg), v);
    return CLI_CONTINUE;
}

int cli_group_option(cli_groups_t *g, const char *name, bool drop)
{
    json_t **list = drop ? &g->drop : &g->add;
    if (!*list)
        *list = json_array();
    json_array_append_new(*list, json_string(name));
    return *list ? CLI_CONTINUE : cli_fail("out of memory");
}

void cli_groups_free(cli_groups_t *g)
{
    json_decref(g->add);
    json_decref(g->drop);
    g->add = g->drop = NULL;
}

static int run_list(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    admin_ctx_t ctx;
    admin_error_t err;
    json_t *out = NULL;
    int code = cli_parse_operands(c, self, argc, argv, 0, NULL);
    if (code == CLI_CONTINUE)
        code = cli_admin(c, &ctx);
    if (code != CLI_CONTINUE)
        return code;
    if (!admin_groups_list(&ctx, &out, &err))
        return cli_admin_error(self, &err);
    puts("GROUP\tMEMBERS");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(out, "items"), i, item)
        printf("%s\t%lld\n", json_string_value(json_object_get(item, "name")),
               (long long)json_integer_value(json_object_get(item, "members")));
    json_decref(out);
    return CLI_EXIT_OK;
}

/* group add|remove GROUP USERNAME... */
static int run_edit(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int code = CLI_CONTINUE;
    while (code == CLI_CONTINUE && cli_next_option(c, self, argc, argv, opts, &code) >= 0)
        ;
    if (code != CLI_CONTINUE)
        return code;
    if (argc - optind < 2)
        return cli_usage_error(self, "name a group and at least one user");
    bool drop = !strcmp(self->name, "remove");
    admin_ctx_t ctx;
    if ((code = cli_admin(c, &ctx)) != CLI_CONTINUE)
        return code;
    json_t *names = json_array();
    json_array_append_new(names, json_string(argv[optind]));
    for (int i = optind + 1; i < argc && code == CLI_CONTINUE; i++) {
        const char *sub = NULL;
        json_t *out = NULL;
        admin_error_t err;
        if (!admin_user_sub(&ctx, argv[i], &sub, &err) ||
            !admin_user_groups_edit(&ctx, sub, drop ? NULL : names, drop ? names : NULL, &out,
                                    &err))
            code = cli_admin_error(self, &err);
        json_decref(out);
    }
    json_decref(names);
    return code == CLI_CONTINUE ? CLI_EXIT_OK : code;
}

const cli_cmd_t CLI_GROUP_COMMANDS[] = {
    {"list", "gatehouse group list", "list the groups and how many users each has",
     "usage: gatehouse group list\n\n"
     "A header line, then one line per group some user is in, tab-separated: the\n"
     "group's name and its number of users. A group exists while a user is in it.\n",
     run_list, NULL},
    {"add", "gatehouse group add", "put users in a group",
     "usage: gatehouse group add GROUP USERNAME...\n\n"
     "Puts each user in GROUP (1-64 of A-Z a-z 0-9 _ . : @ / -), as\n"
     "'user update USERNAME --group GROUP' does. The groups scope releases a\n"
     "user's groups as the groups claim (docs/claims.md).\n",
     run_edit, NULL},
    {"remove", "gatehouse group remove", "take users out of a group",
     "usage: gatehouse group remove GROUP USERNAME...\n\n"
     "Takes each user out of GROUP; a user not in it is left as it is.\n",
     run_edit, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
