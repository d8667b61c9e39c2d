/* `gatehouse user mfa U [--add-totp | --reset]`: a member's second factors
 * (docs/mfa.md). Without an option it lists them (TOTP, recovery codes,
 * passkeys); --reset removes them all (passkeys too) and ends the member's
 * sessions and grants (a member who lost the authenticator and the recovery
 * codes signs in with the password again and enrols anew); --add-totp puts
 * a confirmed TOTP secret in place (replacing any) for provisioning and
 * prints its otpauth:// URI once: only its sealed form is kept.
 * `gatehouse user mfa --reseal`: after a change of mfa_secret_key, every
 * member's TOTP secret re-sealed under it. Both seal only under the key the
 * servers use (the one the database records). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"
#include "core/clock.h"
#include "core/secret.h"
#include "mfa/mfa.h"
#include "oauth/audit.h"
#include "oauth/server.h"

enum { OPT_ADD_TOTP = CLI_OPT_OWN, OPT_RESET, OPT_KEY_STDIN, OPT_RESEAL };

/* Said when this command's mfa_secret_key is not the one the servers use:
 * what it sealed would open nowhere (docs/mfa.md "Changing the key"). */
#define NOT_THE_SERVERS_KEY                                                                        \
    "mfa_secret_key here is not the key the servers use (the database records another): give "     \
    "this command the servers' [server] mfa_secret_key (--config or GATEHOUSE_MFA_SECRET_KEY)"

/* t as 2006-01-02T15:04:05Z into when. */
static const char *utc(char when[32], int64_t t)
{
    time_t at = (time_t)t;
    struct tm tm;
    strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&at, &tm));
    return when;
}

static int list_factors(cli_t *c, store_t *s, const store_user_t *u)
{
    store_mfa_totp_t t;
    store_passkey_t *keys = NULL;
    size_t n = 0;
    int64_t left = 0;
    char when[32], used[32];
    gh_status_t st = store_mfa_totp_get(s, c->arena, u->sub, &t);
    gh_status_t st2 = store_mfa_recovery_count(s, u->sub, &left);
    if (st2 == GH_OK)
        st2 = store_passkey_list(s, c->arena, u->sub, &keys, &n);
    if ((st != GH_OK && st != GH_ERR_NOT_FOUND) || st2 != GH_OK)
        return cli_fail("cannot read the factors of '%s': %s", u->username,
                        gh_status_str(st2 != GH_OK ? st2 : st));
    puts("FACTOR\tSTATE\tDETAIL");
    if (st == GH_OK)
        printf("totp\t%s\tsince %s\n", t.confirmed ? "confirmed" : "unconfirmed",
               utc(when, t.created_at));
    if (left > 0)
        printf("recovery\tconfirmed\t%lld left\n", (long long)left);
    for (size_t i = 0; i < n; i++) /* the name is the member's: printed as it is */
        printf("passkey\tconfirmed\t%s, since %s, last used %s\n", keys[i].name,
               utc(when, keys[i].created_at),
               keys[i].last_used_at ? utc(used, keys[i].last_used_at) : "never");
    return CLI_EXIT_OK;
}

/* The key of an authenticator set up elsewhere: the first line of stdin. */
static int read_key(cli_t *c, unsigned char **raw, size_t *n, char **base32)
{
    char line[256];
    if (!fgets(line, sizeof line, stdin))
        return cli_fail("no key on standard input");
    line[strcspn(line, "\r\n")] = '\0';
    gh_status_t st = mfa_totp_from_base32(c->arena, line, raw, n);
    secret_wipe(line, sizeof line);
    if (st != GH_OK)
        return cli_fail("the key is not base32 of 16 to 64 bytes");
    *base32 = mfa_totp_base32(c->arena, *raw, *n);
    return *base32 ? CLI_CONTINUE : cli_fail("out of memory");
}

static int add_totp(cli_t *c, store_t *s, const store_user_t *u, bool key_stdin)
{
    unsigned char *raw = NULL;
    char *base32 = NULL, *sealed = NULL;
    size_t n = MFA_TOTP_SECRET_BYTES;
    int code = key_stdin ? read_key(c, &raw, &n, &base32) : CLI_CONTINUE;
    if (code != CLI_CONTINUE)
        return code;
    mfa_keys_t keys;
    gh_status_t st = mfa_keys_load(s, c->arena, c->cfg.server.mfa_secret_key,
                                   c->cfg.server.mfa_secret_key_previous, false, &keys);
    if (st == GH_OK && !keys.recorded && !keys.none_recorded) {
        secret_wipe(&keys, sizeof keys);
        return cli_fail(NOT_THE_SERVERS_KEY);
    }
    if (st == GH_OK && !raw)
        st = mfa_totp_new(c->arena, &raw, &base32);
    if (st == GH_OK)
        st = mfa_totp_seal(c->arena, keys.current, u->sub, raw, n, &sealed);
    secret_wipe(&keys, sizeof keys);
    if (st == GH_OK)
        st = store_mfa_totp_set(
            s, &(store_mfa_totp_t){
                   .sub = u->sub, .secret = sealed, .confirmed = true, .created_at = clock_now()});
    /* the issuer names the server in the app; serve's default when none is set */
    const char *issuer =
        c->cfg.server.issuer
            ? c->cfg.server.issuer
            : arena_printf(c->arena, "http://%s",
                           c->cfg.server.listen ? c->cfg.server.listen : "127.0.0.1:8080");
    const char *uri =
        st == GH_OK && issuer ? mfa_totp_uri(c->arena, issuer, u->username, base32) : NULL;
    if (st == GH_OK && !uri)
        st = GH_ERR_NOMEM;
    if (st != GH_OK)
        return cli_fail("cannot add TOTP for '%s': %s", u->username, gh_status_str(st));
    puts(uri);
    cli_wipe_later(c, base32);
    audit_record(s, "cli", NULL, "mfa.enroll", u->sub,
                 audit_details(c->arena, "method", "totp", NULL));
    return CLI_EXIT_OK;
}

#define RESEAL_PAGE 256 /* secrets read at once */

/* Re-seals every member's TOTP secret sealed under an older key under the
 * current one (mfa_secret_key), counted in *done; *current counts those
 * already under it, *unreadable those no key opens. */
static gh_status_t reseal_each(cli_t *c, store_t *s, const mfa_keys_t *keys, size_t *done,
                               size_t *current, size_t *unreadable)
{
    const char *after = "";
    for (;;) {
        arena_t *a = arena_new(1u << 20);
        store_mfa_totp_t *rows = NULL;
        size_t n = 0;
        gh_status_t st =
            a ? store_mfa_totp_page(s, a, after, RESEAL_PAGE, &rows, &n) : GH_ERR_NOMEM;
        for (size_t i = 0; st == GH_OK && i < n; i++) {
            unsigned char *raw = NULL;
            size_t len = 0;
            char *resealed = NULL;
            if (mfa_totp_open_any(a, keys, rows[i].sub, rows[i].secret, &raw, &len, &resealed) !=
                GH_OK) {
                ++*unreadable;
                continue;
            }
            secret_wipe(raw, len);
            if (!resealed) {
                ++*current;
                continue;
            }
            st = store_mfa_totp_reseal(s, rows[i].sub, rows[i].secret, resealed);
            if (st == GH_OK)
                ++*done;
            else if (st == GH_ERR_NOT_FOUND) /* replaced meanwhile, under the current key */
                st = GH_OK, ++*current;
        }
        if (st == GH_OK && n > 0 && !(after = arena_strdup(c->arena, rows[n - 1].sub)))
            st = GH_ERR_NOMEM;
        arena_free(a);
        if (st != GH_OK || n < RESEAL_PAGE)
            return st;
    }
}

/* `--reseal`: every secret under the current key; then, when mfa_secret_key
 * is set and no secret needs it any more, the generated key is deleted
 * from the database. */
static int reseal(cli_t *c, store_t *s)
{
    mfa_keys_t keys;
    size_t done = 0, current = 0, unreadable = 0;
    gh_status_t st = mfa_keys_load(s, c->arena, c->cfg.server.mfa_secret_key,
                                   c->cfg.server.mfa_secret_key_previous, false, &keys);
    if (st == GH_OK && !keys.recorded) {
        secret_wipe(&keys, sizeof keys);
        return cli_fail(keys.none_recorded ? "no server has started on this database yet: start "
                                             "them with mfa_secret_key first"
                                           : NOT_THE_SERVERS_KEY);
    }
    if (st == GH_OK)
        st = reseal_each(c, s, &keys, &done, &current, &unreadable);
    bool forget = st == GH_OK && keys.stored_older && unreadable == 0;
    secret_wipe(&keys, sizeof keys);
    if (forget)
        st = mfa_keys_forget_stored(s);
    if (st != GH_OK)
        return cli_fail("cannot re-seal the TOTP secrets: %s (%zu re-sealed so far)",
                        gh_status_str(st), done);
    printf("re-sealed %zu, already under mfa_secret_key %zu, unreadable %zu\n", done, current,
           unreadable);
    if (forget)
        puts("the generated key is deleted from the database: only mfa_secret_key opens the "
             "secrets now");
    audit_record(s, "cli", NULL, "mfa.reseal", NULL,
                 audit_details(c->arena, "resealed", arena_printf(c->arena, "%zu", done), NULL));
    if (unreadable)
        return cli_fail("%zu secrets open under no configured key (sealed under a key no longer "
                        "given): those members enrol again (gatehouse user mfa USER --reset)",
                        unreadable);
    return CLI_EXIT_OK;
}

/* The admin API's reset (DELETE /admin/v1/users/SUB/mfa): the factors go,
 * then every session and grant of the member. */
static int reset(cli_t *c, const cli_cmd_t *self, const store_user_t *u)
{
    admin_ctx_t ctx;
    admin_error_t err;
    int code = cli_admin(c, &ctx);
    if (code != CLI_CONTINUE)
        return code;
    return admin_user_reset_mfa(&ctx, u->sub, &err) ? CLI_EXIT_OK : cli_admin_error(self, &err);
}

int cli_user_mfa(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"add-totp", no_argument, NULL, OPT_ADD_TOTP},
        {"reset", no_argument, NULL, OPT_RESET},
        {"key-stdin", no_argument, NULL, OPT_KEY_STDIN},
        {"reseal", no_argument, NULL, OPT_RESEAL},
        {NULL, 0, NULL, 0},
    };
    int ch, code = CLI_CONTINUE, what = 0;
    bool key_stdin = false;
    const char *username = NULL;
    while (code == CLI_CONTINUE && (ch = cli_next_option(c, self, argc, argv, opts, &code)) >= 0) {
        if (ch == OPT_KEY_STDIN) {
            key_stdin = true;
            continue;
        }
        if (what && what != ch)
            return cli_usage_error(self, "give one of --add-totp, --reset, --reseal");
        what = ch;
    }
    if (code == CLI_CONTINUE && key_stdin && what != OPT_ADD_TOTP)
        return cli_usage_error(self, "--key-stdin goes with --add-totp");
    if (code == CLI_CONTINUE)
        code = cli_operands(self, argc, argv, what == OPT_RESEAL ? 0 : 1, &username);
    if (code != CLI_CONTINUE)
        return code;
    store_t *s = NULL;
    store_user_t u;
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    if (what == OPT_RESEAL)
        return reseal(c, s);
    gh_status_t st = store_user_find(s, c->arena, username, &u);
    if (st == GH_ERR_NOT_FOUND)
        return cli_fail("no user '%s'", username);
    if (st != GH_OK)
        return cli_fail("cannot read user '%s': %s", username, gh_status_str(st));
    if (what == OPT_ADD_TOTP)
        return add_totp(c, s, &u, key_stdin);
    if (what == OPT_RESET)
        return reset(c, self, &u);
    return list_factors(c, s, &u);
}
