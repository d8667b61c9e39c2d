/* `gatehouse user add|update|disable|enable|list|remove|passwd|links|unlink`: local
 * accounts, on the admin operations (admin/admin.h) the admin API shares,
 * so the checks and messages are the same; and their platform links. Passwords come
 * from --password, the first line of stdin (--password-stdin) or, for passwd,
 * a prompt without echo on a terminal; they are stored only as argon2id
 * hashes and every copy the program held is wiped before it exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "core/clock.h"
#include "core/secret.h"
#include "mail/mail.h"
#include "oauth/audit.h"
#include "oauth/server.h"

enum {
    OPT_USERNAME = CLI_OPT_OWN,
    OPT_PASSWORD,
    OPT_PASSWORD_STDIN,
    OPT_EMAIL,
    OPT_NICKNAME,
    OPT_NAME,
    OPT_EMAIL_VERIFIED,
    OPT_ADMIN,
    OPT_NO_ADMIN,
    OPT_LANG,
    OPT_ATTRIBUTE,
    OPT_REMOVE_ATTRIBUTE,
    OPT_GROUP,
    OPT_REMOVE_GROUP,
};

/* Where the password comes from. */
typedef struct {
    char *given;     /* --password (in argv) */
    bool from_stdin; /* --password-stdin */
} pw_source_t;

/* Reads one line from stdin without its line end into *out (wiped at exit). */
static int read_line(cli_t *c, const char *what, char **out)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    int code = n < 0 ? cli_fail("no %s on standard input", what) : CLI_CONTINUE;
    if (code == CLI_CONTINUE) {
        *out = arena_strndup(c->arena, line, (size_t)n);
        code = *out ? cli_wipe_later(c, *out) : cli_fail("out of memory");
    }
    secret_wipe(line, cap);
    free(line);
    return code;
}

/* Prompts on stderr and reads a line from the terminal with echo off. */
static int prompt_hidden(cli_t *c, const char *prompt, char **out)
{
    struct termios saved, quiet;
    if (tcgetattr(STDIN_FILENO, &saved) != 0)
        return cli_fail("cannot read the terminal settings");
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fputs(prompt, stderr);
    fflush(stderr);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    int code = read_line(c, "password", out);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fputc('\n', stderr);
    return code;
}

static int prompt_twice(cli_t *c, char **out)
{
    char *again = NULL;
    int code = prompt_hidden(c, "New password: ", out);
    if (code == CLI_CONTINUE)
        code = prompt_hidden(c, "Retype new password: ", &again);
    if (code == CLI_CONTINUE && !secret_equal_str(*out, again))
        code = cli_fail("the passwords do not match");
    return code;
}

/* The password from src, a prompt when may_prompt and stdin is a terminal;
 * checked against the password rules. */
static int get_password(cli_t *c, const cli_cmd_t *self, const pw_source_t *src, bool may_prompt,
                        char **out)
{
    int code = CLI_CONTINUE;
    if (src->given && src->from_stdin)
        return cli_usage_error(self, "give either --password or --password-stdin");
    if (src->given)
        *out = src->given;
    else if (src->from_stdin)
        code = read_line(c, "password", out);
    else if (may_prompt && isatty(STDIN_FILENO))
        code = prompt_twice(c, out);
    else
        return cli_usage_error(self, "--password or --password-stdin is required");
    admin_error_t err;
    if (code == CLI_CONTINUE && !admin_password_check(*out, "password", &err))
        return cli_admin_error(self, &err);
    return code;
}

/* Handles --password and --password-stdin (ch is one of them). */
static void password_option(cli_t *c, pw_source_t *src, int ch, char *arg, int *code)
{
    if (ch == OPT_PASSWORD_STDIN) {
        src->from_stdin = true;
    } else if (ch == OPT_PASSWORD) {
        src->given = arg;
        *code = cli_wipe_later(c, arg);
    }
}

/* The profile options of add and update (username only with add) into
 * body, the password's source into src, --group and --remove-group into
 * groups (cli_claims.c). */
static int parse_profile(cli_t *c, const cli_cmd_t *self, int argc, char **argv, bool add,
                         json_t *body, pw_source_t *src, const char **username,
                         cli_groups_t *groups)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"username", required_argument, NULL, OPT_USERNAME},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"email", required_argument, NULL, OPT_EMAIL},
        {"nickname", required_argument, NULL, OPT_NICKNAME},
        {"name", required_argument, NULL, OPT_NAME},
        {"email-verified", no_argument, NULL, OPT_EMAIL_VERIFIED},
        {"admin", no_argument, NULL, OPT_ADMIN},
        {"no-admin", no_argument, NULL, OPT_NO_ADMIN},
        {"attribute", required_argument, NULL, OPT_ATTRIBUTE},
        {"remove-attribute", required_argument, NULL, OPT_REMOVE_ATTRIBUTE},
        {"group", required_argument, NULL, OPT_GROUP},
        {"remove-group", required_argument, NULL, OPT_REMOVE_GROUP},
        {NULL, 0, NULL, 0},
    };
    static const char *const MEMBERS[] = {[OPT_USERNAME - CLI_OPT_OWN] = "username",
                                          [OPT_EMAIL - CLI_OPT_OWN] = "email",
                                          [OPT_NICKNAME - CLI_OPT_OWN] = "nickname",
                                          [OPT_NAME - CLI_OPT_OWN] = "name"};
    int ch, code = CLI_CONTINUE;
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0) {
        if (ch == OPT_PASSWORD || ch == OPT_PASSWORD_STDIN) {
            if (!add)
                return cli_usage_error(self, "change a password with 'gatehouse user passwd'");
            password_option(c, src, ch, optarg, &code);
        } else if (ch == OPT_EMAIL_VERIFIED) {
            json_object_set_new(body, "email_verified", json_true());
        } else if (ch == OPT_ADMIN || ch == OPT_NO_ADMIN) {
            json_object_set_new(body, "admin", json_boolean(ch == OPT_ADMIN));
        } else if (ch == OPT_ATTRIBUTE || ch == OPT_REMOVE_ATTRIBUTE) {
            code = cli_attribute_option(self, body, optarg, ch == OPT_REMOVE_ATTRIBUTE);
        } else if (ch == OPT_GROUP || ch == OPT_REMOVE_GROUP) {
            code = cli_group_option(groups, optarg, ch == OPT_REMOVE_GROUP);
        } else {
            json_object_set_new(body, MEMBERS[ch - CLI_OPT_OWN], json_string(optarg));
        }
    }
    return code == CLI_CONTINUE ? cli_operands(self, argc, argv, add ? 0 : 1, username) : code;
}

/* A JSON object freed when the run ends, in *out. */
static int run_object(cli_t *c, json_t **out)
{
    *out = json_object();
    if (!*out || arena_defer(c->arena, (void (*)(void *))json_decref, *out) != 0)
        return cli_fail("out of memory");
    return CLI_CONTINUE;
}

static int run_add(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    json_t *body = NULL, *out = NULL;
    pw_source_t src = {0};
    cli_groups_t groups = {NULL, NULL};
    char *password = NULL;
    admin_user_in_t in;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = run_object(c, &body);
    if (code == CLI_CONTINUE)
        code = parse_profile(c, self, argc, argv, true, body, &src, NULL, &groups);
    if (code == CLI_CONTINUE && groups.drop)
        code = cli_usage_error(self, "--remove-group is for 'user update'");
    if (code == CLI_CONTINUE && groups.add)
        json_object_set(body, "groups", groups.add);
    cli_groups_free(&groups);
    if (code != CLI_CONTINUE)
        return code;
    if (!json_object_get(body, "username"))
        return cli_usage_error(self, "--username is required");
    if ((code = get_password(c, self, &src, false, &password)) != CLI_CONTINUE)
        return code;
    json_object_set_new(body, "password", json_string(password));
    if (!admin_user_check(c->arena, body, &in, &err))
        return cli_admin_error(self, &err);
    in.password = password; /* the body's copy is wiped below */
    if ((code = cli_admin(c, &ctx)) == CLI_CONTINUE && !admin_user_create(&ctx, &in, &out, &err))
        code = cli_admin_error(self, &err);
    json_t *copy = json_object_get(body, "password");
    secret_wipe((char *)json_string_value(copy), json_string_length(copy));
    if (code != CLI_CONTINUE)
        return code;
    printf("%s\n", json_string_value(json_object_get(out, "sub")));
    json_decref(out);
    return CLI_EXIT_OK;
}

/* The admin context and the sub of the member named by the operand. */
static int member(cli_t *c, const cli_cmd_t *self, const char *username, admin_ctx_t *ctx,
                  const char **sub)
{
    admin_error_t err;
    int code = cli_admin(c, ctx);
    if (code == CLI_CONTINUE && !admin_user_sub(ctx, username, sub, &err))
        code = cli_admin_error(self, &err);
    return code;
}

/* member() for the one operand USERNAME of a command without options. */
static int member_operand(cli_t *c, const cli_cmd_t *self, int argc, char **argv, admin_ctx_t *ctx,
                          const char **sub)
{
    const char *username = NULL;
    int code = cli_parse_operands(c, self, argc, argv, 1, &username);
    return code == CLI_CONTINUE ? member(c, self, username, ctx, sub) : code;
}

static int run_update(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    json_t *patch = NULL, *out = NULL;
    pw_source_t src = {0};
    cli_groups_t groups = {NULL, NULL};
    const char *sub = NULL, *username = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = run_object(c, &patch);
    if (code == CLI_CONTINUE)
        code = parse_profile(c, self, argc, argv, false, patch, &src, &username, &groups);
    if (code == CLI_CONTINUE && json_object_size(patch) == 0 && !groups.add && !groups.drop)
        code = cli_usage_error(self, "nothing to change");
    if (code == CLI_CONTINUE)
        code = member(c, self, username, &ctx, &sub);
    /* the profile first (one check of all its fields), then the groups */
    if (code == CLI_CONTINUE && json_object_size(patch) &&
        !admin_user_update(&ctx, sub, patch, &out, &err))
        code = cli_admin_error(self, &err);
    json_decref(out);
    out = NULL;
    if (code == CLI_CONTINUE && (groups.add || groups.drop) &&
        !admin_user_groups_edit(&ctx, sub, groups.add, groups.drop, &out, &err))
        code = cli_admin_error(self, &err);
    json_decref(out);
    cli_groups_free(&groups);
    return code == CLI_CONTINUE ? CLI_EXIT_OK : code;
}

/* `user disable U` and `user enable U`. */
static int run_disable(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *sub = NULL;
    json_t *out = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = member_operand(c, self, argc, argv, &ctx, &sub);
    if (code != CLI_CONTINUE)
        return code;
    if (!admin_user_set_disabled(&ctx, sub, !strcmp(self->name, "disable"), &out, &err))
        return cli_admin_error(self, &err);
    json_decref(out);
    return CLI_EXIT_OK;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static json_t *user_json(const store_user_t *u)
{
    return json_pack("{s:s, s:s, s:s?, s:b, s:s?, s:s?, s:b, s:b}", "username", u->username, "sub",
                     u->sub, "email", u->email, "email_verified", u->email_verified, "nickname",
                     u->nickname, "name", u->name, "disabled", u->disabled_at != 0, "admin",
                     u->is_admin);
}

static int run_list(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    store_t *s = NULL;
    store_user_t *list = NULL;
    size_t n = 0;
    bool json = false;
    int code = cli_list_begin(c, self, argc, argv, &json, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_user_list(s, c->arena, &list, &n);
    if (st != GH_OK)
        return cli_fail("cannot list users: %s", gh_status_str(st));
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, user_json(&list[i]));
        return cli_print_json(arr);
    }
    puts("USERNAME\tSUB\tEMAIL\tNICKNAME\tNAME");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s\t%s\n", list[i].username, list[i].sub, or_dash(list[i].email),
               or_dash(list[i].nickname), or_dash(list[i].name));
    return CLI_EXIT_OK;
}

/* Removes a user after ending everything it holds: its access tokens are
 * refused from now on, not only once its row is gone. */
static int run_remove(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *sub = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = member_operand(c, self, argc, argv, &ctx, &sub);
    if (code != CLI_CONTINUE)
        return code;
    return admin_user_delete(&ctx, sub, &err) ? CLI_EXIT_OK : cli_admin_error(self, &err);
}

/* The member's linked platform identities: platform, subject, e-mail, when. */
static int run_links(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *username = NULL;
    store_t *s = NULL;
    store_user_t u;
    store_link_t *links = NULL;
    size_t n = 0;
    int code = cli_operands_and_store(c, self, argc, argv, 1, &username, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_user_find(s, c->arena, username, &u);
    if (st == GH_OK)
        st = oauth_member_links(s, c->arena, u.sub, &links, &n);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no user '%s'", username);
    if (st != GH_OK)
        return cli_fail("cannot list the links of '%s': %s", username, gh_status_str(st));
    puts("PLATFORM\tSUBJECT\tEMAIL\tLINKED_AT");
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%lld\n", links[i].platform, links[i].subject, or_dash(links[i].email),
               (long long)links[i].created_at);
    return CLI_EXIT_OK;
}

static int run_unlink(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    const char *operands[2] = {NULL, NULL};
    store_t *s = NULL;
    store_user_t u;
    int code = cli_operands_and_store(c, self, argc, argv, 2, operands, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_user_find(s, c->arena, operands[0], &u);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no user '%s'", operands[0]);
    if (st == GH_OK)
        st = oauth_member_unlink(s, &c->cfg, c->arena, &u, operands[1]);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("'%s' has no link to '%s'", operands[0], operands[1]);
    if (st == GH_ERR_CONFLICT)
        return cli_fail("'%s' would have no way to sign in: set a password first (user passwd)",
                        operands[0]);
    if (st != GH_OK)
        return cli_fail("cannot unlink '%s': %s", operands[0], gh_status_str(st));
    audit_record(s, "cli", NULL, "link.remove", u.sub,
                 audit_details(c->arena, "platform", operands[1], NULL));
    return CLI_EXIT_OK;
}

static int parse_passwd(cli_t *c, const cli_cmd_t *self, int argc, char **argv, pw_source_t *src,
                        const char **username)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {NULL, 0, NULL, 0},
    };
    int ch, code = CLI_CONTINUE;
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        password_option(c, src, ch, optarg, &code);
    return code == CLI_CONTINUE ? cli_operands(self, argc, argv, 1, username) : code;
}

static int run_passwd(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    pw_source_t src = {0};
    const char *username = NULL, *sub = NULL;
    char *password = NULL;
    admin_error_t err;
    admin_ctx_t ctx;
    int code = parse_passwd(c, self, argc, argv, &src, &username);
    if (code == CLI_CONTINUE)
        code = member(c, self, username, &ctx, &sub);
    if (code == CLI_CONTINUE)
        code = get_password(c, self, &src, true, &password);
    if (code != CLI_CONTINUE)
        return code;
    if (!admin_user_set_password(&ctx, sub, password, &err))
        return cli_admin_error(self, &err);
    return CLI_EXIT_OK;
}

/* `user invite EMAIL`: a single-use registration link for EMAIL (a week),
 * printed, and mailed when [smtp] is set (the outbox: a running server's
 * worker sends it). */
static int run_invite(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"lang", required_argument, NULL, OPT_LANG},
        {NULL, 0, NULL, 0},
    };
    const char *email = NULL, *lang = "en", *url = NULL;
    store_t *s = NULL;
    int ch, code = CLI_CONTINUE;
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0)
        if (ch == OPT_LANG)
            lang = optarg;
    if (code == CLI_CONTINUE)
        code = cli_operands(self, argc, argv, 1, &email);
    if (code != CLI_CONTINUE)
        return code;
    if (strcmp(lang, "en") && strcmp(lang, "ko"))
        return cli_usage_error(self, "--lang is en or ko");
    if (!mail_address_valid(email))
        return cli_usage_error(self, "'%s' is not an e-mail address", email);
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    config_finish(&c->cfg);
    if (c->cfg.server.registration != REGISTRATION_INVITE)
        fprintf(stderr, "gatehouse: warning: [server] registration is not invite: the link "
                        "works only once it is\n");
    int64_t now = clock_now();
    gh_status_t st = oauth_link_new(s, c->cfg.server.issuer, c->arena, STORE_LINK_INVITE, NULL,
                                    email, now, &url);
    mail_request_t m = {.kind = MAIL_INVITE,
                        .lang = strcmp(lang, "ko") ? UI_LANG_EN : UI_LANG_KO,
                        .to = email,
                        .link = url};
    if (st == GH_OK && mail_configured(&c->cfg.smtp))
        st = mail_queue(s, &c->cfg.smtp, c->arena, &m, now);
    if (st != GH_OK)
        return cli_fail("cannot invite %s: %s", email, gh_status_str(st));
    printf("%s\n", url);
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_USER_COMMANDS[] = {
    {"add", "gatehouse user add", "create a user and print its sub",
     "usage: gatehouse user add --username U (--password P | --password-stdin)\n"
     "                          [--email E [--email-verified]] [--nickname N] [--name NAME]\n"
     "                          [--attribute KEY=VALUE]... [--group G]... [--admin]\n\n"
     "Creates a user and prints its sub (its unique id).\n\n"
     "  --username U       1-64 characters of A-Z a-z 0-9 . _ - @\n"
     "  --password P       the password: [server] password_min_length characters or\n"
     "                     more (10 by default), not a common password\n"
     "  --password-stdin   read the password from the first line of stdin\n"
     "  --email E          e-mail address\n"
     "  --email-verified   the address is known to be the user's (the email_verified\n"
     "                     claim is true); otherwise it is false until the user\n"
     "                     follows a verification link\n"
     "  --nickname N       nickname (the seed 004 'nickname' claim)\n"
     "  --name NAME        full name\n"
     "  --attribute KEY=VALUE\n"
     "                     a custom attribute, as with 'user update'\n"
     "  --group G          puts the user in group G\n"
     "  --admin            give the user the admin role (the admin console)\n",
     run_add, NULL},
    {"update", "gatehouse user update", "change a user's profile",
     "usage: gatehouse user update USERNAME [--username U] [--email E] [--nickname N]\n"
     "                             [--name NAME] [--attribute KEY=VALUE]...\n"
     "                             [--remove-attribute KEY]... [--group G]...\n"
     "                             [--remove-group G]... [--admin | --no-admin]\n\n"
     "Changes the fields given, as the admin API's PATCH /admin/v1/users/SUB does,\n"
     "with the same checks; the rest stays. 'user passwd' changes the password.\n\n"
     "  --username U       a new username, 1-64 characters of A-Z a-z 0-9 . _ - @\n"
     "  --email E          e-mail address\n"
     "  --nickname N       nickname\n"
     "  --name NAME        full name\n"
     "  --attribute KEY=VALUE\n"
     "                     sets a custom attribute (docs/claims.md); VALUE is taken\n"
     "                     as JSON when it is a number, true, false, an array or a\n"
     "                     \"quoted string\", else as the text itself\n"
     "  --remove-attribute KEY\n"
     "                     removes a custom attribute\n"
     "  --group G          adds the user to group G (the groups claim)\n"
     "  --remove-group G   takes the user out of group G\n"
     "  --admin            give the user the admin role: signing in to the admin\n"
     "                     console (/admin/) and using the admin API through it\n"
     "  --no-admin         remove it; the user's console tokens stop working at once\n",
     run_update, NULL},
    {"disable", "gatehouse user disable", "stop a user from signing in",
     "usage: gatehouse user disable USERNAME\n\n"
     "The user can no longer sign in; every sign-in session ends and every grant\n"
     "(refresh and access tokens) is revoked at once. 'user enable' lets the user\n"
     "sign in again (the ended sessions and grants stay ended).\n",
     run_disable, NULL},
    {"enable", "gatehouse user enable", "let a disabled user sign in again",
     "usage: gatehouse user enable USERNAME\n\n"
     "Lets a user disabled by 'user disable' sign in again.\n",
     run_disable, NULL},
    {"list", "gatehouse user list", "list users",
     "usage: gatehouse user list [--json]\n\n"
     "A header line, then one line per user, tab-separated: username, sub, email,\n"
     "nickname, name ('-' where there is none).\n\n"
     "  --json   an array of {\"username\", \"sub\", \"email\", \"email_verified\",\n"
     "           \"nickname\", \"name\", \"disabled\", \"admin\"} objects (null where there\n"
     "           is none)\n",
     run_list, NULL},
    {"remove", "gatehouse user remove", "remove a user and its sessions and tokens",
     "usage: gatehouse user remove USERNAME\n\n"
     "Removes the user with its sessions, consents and tokens; its access tokens\n"
     "are refused at once. Its platform links go too, and the member is unlinked at\n"
     "each platform (best effort, logged; never blocking the removal).\n",
     run_remove, NULL},
    {"links", "gatehouse user links", "list a member's linked platforms",
     "usage: gatehouse user links USERNAME\n\n"
     "A header line, then one line per platform identity linked to the member\n"
     "(federated sign-in), tab-separated: platform, the platform's user id,\n"
     "e-mail as the platform gave it ('-' when none), when it was linked (unix time).\n",
     run_links, NULL},
    {"unlink", "gatehouse user unlink", "remove a member's link to a platform",
     "usage: gatehouse user unlink USERNAME PLATFORM\n\n"
     "Removes the link, then unlinks the member at the platform as the gateway's\n"
     "revoke does (best effort: a failure there is logged). Refused when it would\n"
     "leave the member no way to sign in (no password and no other platform).\n",
     run_unlink, NULL},
    {"passwd", "gatehouse user passwd", "change a user's password",
     "usage: gatehouse user passwd USERNAME [--password P | --password-stdin]\n\n"
     "Sets a new password; without an option it is asked twice on the terminal.\n"
     "Ends every sign-in session of the user and revokes every grant (refresh and\n"
     "access tokens), so every application must sign the user in again.\n\n"
     "  --password P       the new password, under the same policy as user add\n"
     "  --password-stdin   read it from the first line of stdin\n",
     run_passwd, NULL},
    {"invite", "gatehouse user invite", "invite someone to register (registration = invite)",
     "usage: gatehouse user invite EMAIL [--lang en|ko]\n\n"
     "Makes a single-use registration link for EMAIL, valid for 7 days, prints it,\n"
     "and mails it when [smtp] is set (a running server sends it). The link leads\n"
     "to /auth/register with the address filled in and taken as verified. The link\n"
     "starts with [server] issuer.\n\n"
     "  --lang L   the mail's language: en (default) or ko\n",
     run_invite, NULL},
    {"mfa", "gatehouse user mfa", "list, add or reset a user's second factors",
     "usage: gatehouse user mfa USERNAME [--add-totp [--key-stdin] | --reset]\n"
     "       gatehouse user mfa --reseal\n\n"
     "Without an option, lists the user's second factors, tab-separated: factor\n"
     "(totp, recovery, passkey), state, detail (docs/mfa.md).\n\n"
     "  --add-totp   enrol a confirmed TOTP authenticator (replacing any) and print\n"
     "               its otpauth:// URI once; only its sealed secret is kept\n"
     "  --key-stdin  with --add-totp: the key of an authenticator set up elsewhere\n"
     "               (base32, 128-512 bits) from the first line of stdin\n"
     "  --reset      remove every second factor (TOTP, recovery codes, passkeys),\n"
     "               and end the user's sessions and grants\n"
     "  --reseal     after a change of mfa_secret_key: re-seal every user's TOTP\n"
     "               secret sealed under mfa_secret_key_previous (or the generated\n"
     "               key) under mfa_secret_key; prints the counts\n",
     cli_user_mfa, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
