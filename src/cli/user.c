/* `gatehouse user add|list|remove|passwd|links|unlink`: local accounts and
 * their platform links. Passwords come
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
#include "oauth/server.h"

#define PROFILE_MAX_LEN 200

enum {
    OPT_USERNAME = CLI_OPT_OWN,
    OPT_PASSWORD,
    OPT_PASSWORD_STDIN,
    OPT_EMAIL,
    OPT_NICKNAME,
    OPT_NAME,
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
    if (code == CLI_CONTINUE && !cli_password_valid(*out))
        return cli_usage_error(self, "the password must be 8-1024 characters");
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

static gh_status_t hash_password(cli_t *c, const char *password, char **hash)
{
    gh_status_t st = secret_password_hash(c->arena, password, &SECRET_ARGON2_DEFAULT, hash);
    if (st != GH_OK)
        cli_fail("cannot hash the password: %s", gh_status_str(st));
    return st;
}

static int parse_add(cli_t *c, const cli_cmd_t *self, int argc, char **argv, store_user_t *u,
                     pw_source_t *src)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"username", required_argument, NULL, OPT_USERNAME},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
        {"email", required_argument, NULL, OPT_EMAIL},
        {"nickname", required_argument, NULL, OPT_NICKNAME},
        {"name", required_argument, NULL, OPT_NAME},
        {NULL, 0, NULL, 0},
    };
    int ch, code = CLI_CONTINUE;
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0) {
        switch (ch) {
        case OPT_USERNAME:
            u->username = optarg;
            break;
        case OPT_EMAIL:
            u->email = optarg;
            break;
        case OPT_NICKNAME:
            u->nickname = optarg;
            break;
        case OPT_NAME:
            u->name = optarg;
            break;
        default:
            password_option(c, src, ch, optarg, &code);
            break;
        }
    }
    return code == CLI_CONTINUE ? cli_operands(self, argc, argv, 0, NULL) : code;
}

static bool profile_ok(const char *s)
{
    return !s || (s[0] && strlen(s) <= PROFILE_MAX_LEN);
}

static int check_add(const cli_cmd_t *self, const store_user_t *u)
{
    if (!u->username)
        return cli_usage_error(self, "--username is required");
    if (!cli_username_valid(u->username))
        return cli_usage_error(self, "the username must be 1-64 characters of A-Z a-z 0-9 . _ - @");
    if (u->email && !cli_email_valid(u->email))
        return cli_usage_error(self, "'%s' is not an e-mail address", u->email);
    if (!profile_ok(u->nickname) || !profile_ok(u->name))
        return cli_usage_error(self, "--nickname and --name must be 1-%d bytes", PROFILE_MAX_LEN);
    return CLI_CONTINUE;
}

static int run_add(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    store_user_t u = {0};
    pw_source_t src = {0};
    char *password = NULL, *hash = NULL;
    store_t *s = NULL;
    int code = parse_add(c, self, argc, argv, &u, &src);
    if (code == CLI_CONTINUE)
        code = check_add(self, &u);
    if (code == CLI_CONTINUE)
        code = get_password(c, self, &src, false, &password);
    if (code != CLI_CONTINUE)
        return code;
    u.sub = secret_hex_id(c->arena, 16);
    if (!u.sub)
        return cli_fail("cannot generate a user id");
    if (hash_password(c, password, &hash) != GH_OK || cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    u.password_hash = hash;
    u.created_at = clock_now();
    gh_status_t st = store_user_add(s, &u);
    if (st == GH_ERR_CONFLICT)
        return cli_fail("user '%s' already exists", u.username);
    if (st != GH_OK)
        return cli_fail("cannot add user '%s': %s", u.username, gh_status_str(st));
    printf("%s\n", u.sub);
    return CLI_EXIT_OK;
}

static const char *or_dash(const char *s)
{
    return s ? s : "-";
}

static json_t *user_json(const store_user_t *u)
{
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "username", u->username, "sub", u->sub,
                     "email", u->email, "nickname", u->nickname, "name", u->name);
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
    const char *username = NULL;
    store_t *s = NULL;
    store_user_t u;
    int code = cli_operands_and_store(c, self, argc, argv, 1, &username, &s);
    if (code != CLI_CONTINUE)
        return code;
    store_link_t *links = NULL;
    size_t n = 0;
    gh_status_t st = store_user_find(s, c->arena, username, &u);
    if (st == GH_OK) /* read first: removing the member removes its links */
        st = oauth_member_links(s, c->arena, u.sub, &links, &n);
    if (st == GH_OK)
        st = oauth_user_end_all(s, &c->cfg.server, u.sub);
    if (st == GH_OK)
        st = store_user_remove(s, username);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no user '%s'", username);
    if (st != GH_OK)
        return cli_fail("cannot remove user '%s': %s", username, gh_status_str(st));
    oauth_member_unlink_all(links, n, s, &c->cfg, c->arena); /* best effort, never blocking */
    return CLI_EXIT_OK;
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
    const char *username = NULL;
    char *password = NULL, *hash = NULL;
    store_t *s = NULL;
    store_user_t u;
    int code = parse_passwd(c, self, argc, argv, &src, &username);
    if (code != CLI_CONTINUE)
        return code;
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    gh_status_t st = store_user_find(s, c->arena, username, &u);
    if (st == GH_OK && (code = get_password(c, self, &src, true, &password)) != CLI_CONTINUE)
        return code;
    if (st == GH_OK)
        st = hash_password(c, password, &hash);
    if (st == GH_OK)
        st = store_user_set_password(s, username, hash);
    if (st == GH_OK) /* a credential change ends every session and grant (issue 17) */
        st = oauth_user_end_all(s, &c->cfg.server, u.sub);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no user '%s'", username);
    if (st != GH_OK)
        return cli_fail("cannot change the password of '%s': %s", username, gh_status_str(st));
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_USER_COMMANDS[] = {
    {"add", "gatehouse user add", "create a user and print its sub",
     "usage: gatehouse user add --username U (--password P | --password-stdin)\n"
     "                          [--email E] [--nickname N] [--name NAME]\n\n"
     "Creates a user and prints its sub (its unique id).\n\n"
     "  --username U       1-64 characters of A-Z a-z 0-9 . _ - @\n"
     "  --password P       the password, 8-1024 characters\n"
     "  --password-stdin   read the password from the first line of stdin\n"
     "  --email E          e-mail address\n"
     "  --nickname N       nickname (the seed 004 'nickname' claim)\n"
     "  --name NAME        full name\n",
     run_add, NULL},
    {"list", "gatehouse user list", "list users",
     "usage: gatehouse user list [--json]\n\n"
     "A header line, then one line per user, tab-separated: username, sub, email,\n"
     "nickname, name ('-' where there is none).\n\n"
     "  --json   an array of {\"username\", \"sub\", \"email\", \"nickname\", \"name\"}\n"
     "           objects (null where there is none)\n",
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
     "  --password P       the new password, 8-1024 characters\n"
     "  --password-stdin   read it from the first line of stdin\n",
     run_passwd, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
