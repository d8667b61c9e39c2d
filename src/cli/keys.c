/* `gatehouse keys list|rotate`: the signing keys. Listing shows which key
 * signs each algorithm's tokens, which is next and from when, and until when
 * the rotated-out ones stay in the JWKS; rotation is oauth/signing_keys.h's,
 * for the algorithms and with the delays this configuration needs. No private
 * key material is ever printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void print_key(const store_key_t *k, const char *state, int64_t when)
{
    char created[21], at[21];
    format_time(k->created_at, created);
    format_time(when, at);
    printf("%s\t%s\t%s\t", k->kid, k->alg, created);
    if (!strcmp(state, "next"))
        printf("next, signing from %s\n", at);
    else if (!strcmp(state, "retiring"))
        printf("retiring until %s\n", at);
    else
        puts(state);
}

/* The key as JSON: times as ISO 8601 UTC, "until"/"from" only where they apply. */
static json_t *key_json(const store_key_t *k, const char *state, int64_t when)
{
    char created[21], at[21];
    format_time(k->created_at, created);
    format_time(when, at);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "kid", k->kid, "alg", k->alg, "created", created,
                          "state", state);
    if (o && when)
        json_object_set_new(o, !strcmp(state, "next") ? "signing_from" : "retiring_until",
                            json_string(at));
    return o;
}

static int run_list(cli_t *c, const cli_cmd_t *self, int argc, char **argv)
{
    store_t *s = NULL;
    store_key_t *keys = NULL;
    size_t n = 0;
    bool json = false;
    int code = cli_list_begin(c, self, argc, argv, &json, &s);
    if (code != CLI_CONTINUE)
        return code;
    gh_status_t st = store_key_list(s, c->arena, &keys, &n);
    if (st != GH_OK)
        return cli_fail("cannot list the signing keys: %s", gh_status_str(st));
    int64_t now = clock_now();
    json_t *arr = json ? json_array() : NULL;
    if (!json)
        puts("KID\tALG\tCREATED\tSTATE");
    for (size_t i = 0; i < n && (arr || !json); i++) {
        int64_t when = 0;
        const char *state = admin_key_state(keys, n, i, now, &when);
        if (json)
            json_array_append_new(arr, key_json(&keys[i], state, when));
        else
            print_key(&keys[i], state, when);
    }
    return json ? cli_print_json(arr) : CLI_EXIT_OK;
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
    size_t n = 0;
    admin_error_t err;
    admin_ctx_t ctx;
    long delay = SIGNING_KEYS_ACTIVATE_AFTER;
    bool bad_delay = false;
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
        return cli_usage_error(self, "--alg must be RS256, PS256, ES256 or EdDSA");
    if (bad_delay)
        return cli_usage_error(self, "--activate-in must be whole seconds, 0 to 86400");
    if ((code = cli_admin(c, &ctx)) != CLI_CONTINUE)
        return code;
    int64_t now = clock_now();
    if (!admin_keys_rotate(&ctx, algs, alg_name ? 1 : 0, delay, kids, &n, &err))
        return cli_admin_error(self, &err);
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
     "usage: gatehouse keys list [--json]\n\n"
     "A header line, then one line per key, tab-separated: kid, alg, created (UTC),\n"
     "state: 'signing' (the newest key of its algorithm), 'next, signing from TIME',\n"
     "'retiring until TIME' (still in the JWKS for the tokens it signed) or 'expired'.\n\n"
     "  --json   an array of {\"kid\", \"alg\", \"created\", \"state\"} objects, with\n"
     "           \"signing_from\" or \"retiring_until\" where they apply\n",
     run_list, NULL},
    {"rotate", "gatehouse keys rotate", "add new signing keys, published first, signing later",
     "usage: gatehouse keys rotate [--alg RS256|PS256|ES256|EdDSA] [--now | --activate-in "
     "SECONDS]\n\n"
     "Adds a new signing key for each algorithm the configuration signs with\n"
     "(signing_alg, then access_token_alg when it differs) and prints their kids.\n"
     "Running servers publish the new keys in their JWKS within 2 s, and sign with\n"
     "them only 90 s later (the JWKS max-age of 60 s, plus a margin): a client that\n"
     "caches the JWKS as told never sees a token signed by a key it does not know.\n"
     "Every previous key keeps signing until then, and stays in the JWKS until the\n"
     "tokens it signed have expired (access_token_ttl + 60 s). A server that signs\n"
     "with an algorithm left out makes a new key for it at once.\n\n"
     "  --alg ALG            a new key of ALG only (RS256, PS256, ES256, EdDSA).\n"
     "                       Servers sign with the algorithms of their own configuration\n"
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
