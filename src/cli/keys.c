/* `gatehouse keys list|rotate`: the signing keys. Listing shows which key
 * signs and until when the rotated-out ones stay in the JWKS; rotation is
 * oauth/signing_keys.h's, with the retirement delay this configuration's
 * token lifetimes need. No private key material is ever printed. */
#include <stdio.h>
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
    char created[21], until[21];
    format_time(k->created_at, created);
    format_time(k->retire_at, until);
    printf("%s\t%s\t%s\t", k->kid, k->alg, created);
    if (signs)
        puts("signing");
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
    size_t signer = signing_keys_signer(keys, n);
    int64_t now = clock_now();
    for (size_t i = 0; i < n; i++)
        print_key(&keys[i], i == signer, now);
    return CLI_EXIT_OK;
}

static int run_rotate(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    enum { OPT_ALG = CLI_OPT_OWN };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"alg", required_argument, NULL, OPT_ALG}, {NULL, 0, NULL, 0}};
    const char *alg_name = NULL, *kid = NULL;
    jose_alg_t alg = JOSE_RS256;
    store_t *s = NULL;
    int ch, code = CLI_CONTINUE;
    while ((ch = cli_next_option(c, self, argc, argv, opts, &code)) == OPT_ALG)
        alg_name = optarg;
    if (ch == CLI_OPT_STOP || (code = cli_operands(self, argc, argv, 0, NULL)) != CLI_CONTINUE)
        return code;
    if (alg_name && jose_alg_parse(alg_name, &alg) != GH_OK)
        return cli_usage_error(self, "--alg must be RS256 or ES256");
    if (cli_store(c, &s) != GH_OK)
        return CLI_EXIT_FAIL;
    if (!alg_name && jose_alg_parse(c->cfg.server.signing_alg, &alg) != GH_OK)
        return cli_fail("signing_alg '%s' is not RS256 or ES256", c->cfg.server.signing_alg);
    gh_status_t st = signing_keys_rotate(s, alg, clock_now(),
                                         signing_keys_retire_after(&c->cfg.server), &kid, c->arena);
    if (st != GH_OK)
        return cli_fail("cannot rotate the signing key: %s", gh_status_str(st));
    printf("%s\n", kid);
    return CLI_EXIT_OK;
}

const cli_cmd_t CLI_KEYS_COMMANDS[] = {
    {"list", "gatehouse keys list", "list the signing keys",
     "usage: gatehouse keys list\n\n"
     "One line per key, tab-separated: kid, alg, created (UTC), status: 'signing',\n"
     "'retiring until TIME' (still in the JWKS for the tokens it signed) or 'expired'.\n",
     run_list, NULL},
    {"rotate", "gatehouse keys rotate", "make a new key sign from now on",
     "usage: gatehouse keys rotate [--alg RS256|ES256]\n\n"
     "Adds a new signing key and prints its kid. The previous keys stay in the JWKS\n"
     "until the tokens they signed have expired (access_token_ttl + 60 s).\n"
     "Servers already running sign with it once they load the keys again.\n\n"
     "  --alg ALG   RS256 or ES256 (default: the signing_alg setting)\n",
     run_rotate, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
