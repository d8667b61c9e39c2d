/* `gatehouse keys list|rotate`: the signing keys. Listing shows which key
 * signs each algorithm's tokens, which is next and from when, and until when
 * the rotated-out ones stay in the JWKS; rotation is oauth/signing_keys.h's,
 * for the algorithms and with the delays this configuration needs. No private
 * key material is ever printed. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli_int.h"
#include "core/clock.h"
#include "oauth/signing_keys.h"

/* t as ISO 8601 UTC ("2024-05-01T12:00:00Z") into out[21]. */
static void format_time(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 21, "%lld", (long long)t);
}

static void print_key(const store_key_t *k, bool signs, int64_t now)
{
    char created[21], until[21], from[21];
    format_time(k->created_at, created);
    format_time(k->retire_at, until);
    format_time(k->activate_at, from);
    printf("%s\t%s\t%s\t", k->kid, k->alg, created);
    if (signs)
        puts("signing");
    else if (k->retire_at == 0 && k->activate_at > now)
        printf("next, signing from %s\n", from);
    else if (k->retire_at == 0)
        puts("verifying"); /* briefly, while two processes create the first key */
    else if (k->retire_at > now)
        printf("retiring until %s\n", until);
    else
        puts("expired");
}

static int run_list(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    store_t *s = NULL;
    store_key_t *keys = NULL;
    size_t n = 0;
    int code = cli_operands_and_store(c, self, argc, argv, 0, NULL, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_key_list(s, c->arena, &keys, &n);
    if (st != GH_OK)
        return cli_fail("cannot list the signing keys: %s", gh_status_str(st));
    int64_t now = clock_now();
    for (size_t i = 0; i < n; i++) {
        jose_alg_t alg;
        bool signs = jose_alg_parse(keys[i].alg, &alg) == GH_OK &&
                     signing_keys_signer(keys, n, alg, now) == i;
        print_key(&keys[i], signs, now);
    }
    return CLI_EXIT_OK;
}

/* --activate-in's value: whole seconds, 0 to a day. */
static bool parse_delay(const char *text, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 0 || v > 86400)
        return false;
    *out = v;
    return true;
}

static int run_rotate(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_ALG = CLI_OPT_OWN, OPT_NOW, OPT_ACTIVATE_IN };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"alg", required_argument, NULL, OPT_ALG},
                                         {"now", no_argument, NULL, OPT_NOW},
                                         {"activate-in", required_argument, NULL, OPT_ACTIVATE_IN},
                                         {NULL, 0, NULL, 0}};
    const char *alg_name = NULL, *kids[JOSE_ALG_COUNT] = {NULL};
    jose_alg_t algs[JOSE_ALG_COUNT];
    size_t n = 1;
    long delay = SIGNING_KEYS_ACTIVATE_AFTER;
    bool bad_delay = false;
    store_t *s = NULL;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) >= OPT_ALG) {
        if (ch == OPT_ALG)
            alg_name = optarg;
        else if (ch == OPT_NOW)
            delay = 0;
        else
            bad_delay = !parse_delay(optarg, &delay);
    }
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    if (alg_name && jose_alg_parse(alg_name, &algs[0]) != GH_OK)
        return cli_usage_error(self, "--alg must be RS256 or ES256");
    if (bad_delay)
        return cli_usage_error(self, "--activate-in must be whole seconds, 0 to 86400");
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    if (!alg_name && signing_keys_algs(&c->cfg.server, algs, &n) != GH_OK)
        return cli_fail("signing_alg and access_token_alg must be RS256 or ES256");
    int64_t now = clock_now();
    gh_status_t st = signing_keys_rotate(s, algs, n, now, delay ? now + delay : 0,
                                         signing_keys_retire_after(&c->cfg.server), kids, c->arena);
    if (st != GH_OK)
        return cli_fail("cannot rotate the signing keys: %s", gh_status_str(st));
    for (size_t i = 0; i < n; i++)
        printf("%s\n", kids[i]);
    char from[21];
    format_time(now + delay, from);
    if (delay)
        fprintf(stderr,
                "gatehouse: published in the JWKS within %d s; signing from %s (in %ld s)\n",
                SIGNING_KEYS_RELOAD_SECONDS, from, delay);
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_KEYS_COMMANDS[] = {
    {"list", "gatehouse keys list", "list the signing keys",
     "usage: gatehouse keys list\n\n"
     "One line per key, tab-separated: kid, alg, created (UTC), status: 'signing'\n"
     "(the newest key of its algorithm), 'retiring until TIME' (still in the JWKS\n"
     "for the tokens it signed) or 'expired'.\n",
     run_list, NULL},
    {"rotate", "gatehouse keys rotate", "add new signing keys, published first, signing later",
     "usage: gatehouse keys rotate [--alg RS256|ES256] [--now | --activate-in SECONDS]\n\n"
     "Adds a new signing key for each algorithm the configuration signs with\n"
     "(signing_alg, then access_token_alg when it differs) and prints their kids.\n"
     "Running servers publish the new keys in their JWKS within 2 s, and sign with\n"
     "them only 90 s later (the JWKS max-age of 60 s, plus a margin): a client that\n"
     "caches the JWKS as told never sees a token signed by a key it does not know.\n"
     "Every previous key keeps signing until then, and stays in the JWKS until the\n"
     "tokens it signed have expired (access_token_ttl + 60 s). A server that signs\n"
     "with an algorithm left out makes a new key for it at once.\n\n"
     "  --alg ALG            a new key of ALG only (RS256 or ES256). Servers sign\n"
     "                       with the algorithms of their own configuration\n"
     "                       (signing_alg, access_token_alg): to change algorithm,\n"
     "                       change those, then rotate, which retires the previous\n"
     "                       algorithm's key.\n"
     "  --now                the new keys sign at once (a compromised key): clients\n"
     "                       holding a cached JWKS meet their kid before they fetch\n"
     "                       it again.\n"
     "  --activate-in SECS   sign after SECS seconds instead of 90.\n",
     run_rotate, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
