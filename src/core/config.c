/* Configuration sources merged into one config_t. INI parsing is inih's. */
#include "core/config.h"

#include "core/cidr.h"

#include <errno.h>
#include <stddef.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct config_entry {
    config_entry_t *next;
    char *section, *key, *value;
};

void config_init(config_t *c)
{
    memset(c, 0, sizeof *c);
    c->server.listen = strdup("127.0.0.1:8080");
    c->server.db = strdup("sqlite:var/gatehouse.db");
    c->server.signing_alg = strdup("RS256");
    c->server.error_style = ERROR_STYLE_SEED;
    c->server.access_token_ttl = 3599;
    c->server.refresh_token_ttl = 30L * 24 * 3600;
    c->server.code_ttl = 60;
    c->server.session_ttl = 8L * 3600;
    c->server.threads = 0;
    c->server.max_body = 64 * 1024;
    c->server.login_max_failures = 5;
    c->server.login_max_failures_address = 20;
    c->server.login_max_failures_account = 100;
    c->server.login_failure_window = 900;
    c->server.login_lockout = 30;
    c->server.login_lockout_max = 300;
    c->server.device_code_ttl = 600;
    c->server.device_code_interval = 5;
    c->server.connection_timeout = 30;
    c->server.metrics_allow = strdup(CONFIG_METRICS_ALLOW);
}

void config_free(config_t *c)
{
    free(c->server.listen);
    free(c->server.issuer);
    free(c->server.db);
    free(c->server.signing_alg);
    free(c->server.access_token_alg);
    free(c->server.metrics_allow);
    config_entry_t *e = c->entries;
    while (e) {
        config_entry_t *next = e->next;
        free(e->section);
        free(e->key);
        free(e->value);
        free(e);
        e = next;
    }
    memset(c, 0, sizeof *c);
}

static gh_status_t fail(char *err, size_t err_len, const char *fmt, const char *a, const char *b)
{
    snprintf(err, err_len, fmt, a, b);
    return GH_ERR_INVALID;
}

static gh_status_t set_string(char **slot, const char *value)
{
    char *copy = strdup(value);
    if (!copy)
        return GH_ERR_NOMEM;
    free(*slot);
    *slot = copy;
    return GH_OK;
}

/* A signature algorithm's name: one the server signs with. */
static gh_status_t set_alg(char **slot, const char *key, const char *value, char *err,
                           size_t err_len)
{
    if (strcmp(value, "RS256") && strcmp(value, "ES256"))
        return fail(err, err_len, "%s: expected RS256 or ES256, got '%s'", key, value);
    return set_string(slot, value);
}

static gh_status_t set_seconds(long *slot, const char *key, const char *value, long max, char *err,
                               size_t err_len)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end != '\0' || v < 0 || v > max)
        return fail(err, err_len, "%s: expected a whole number in range, got '%s'", key, value);
    *slot = v;
    return GH_OK;
}

/* The sign-in throttling keys (counts, then seconds: a lock is never longer
 * than a day, so it always ends). */
static gh_status_t set_login(config_server_t *s, const char *key, const char *value, char *err,
                             size_t err_len)
{
    static const struct {
        const char *key;
        size_t offset;
        long max;
    } KEYS[] = {
        {"login_max_failures", offsetof(config_server_t, login_max_failures), 100000},
        {"login_max_failures_address", offsetof(config_server_t, login_max_failures_address),
         100000},
        {"login_max_failures_account", offsetof(config_server_t, login_max_failures_account),
         100000},
        {"login_failure_window", offsetof(config_server_t, login_failure_window), 86400},
        {"login_lockout", offsetof(config_server_t, login_lockout), 86400},
        {"login_lockout_max", offsetof(config_server_t, login_lockout_max), 86400},
    };
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (!strcmp(key, KEYS[i].key))
            return set_seconds((long *)((char *)s + KEYS[i].offset), key, value, KEYS[i].max, err,
                               err_len);
    return fail(err, err_len, "unknown key '%s' in [server]%s", key, "");
}

/* An address list (core/cidr.h), kept as text and parsed again where used. */
static gh_status_t set_addresses(char **slot, const char *key, const char *value, char *err,
                                 size_t err_len)
{
    cidr_list_t list;
    char why[160];
    if (cidr_list_parse(value, &list, why, sizeof why) != GH_OK)
        return fail(err, err_len, "%s: %s", key, why);
    return set_string(slot, value);
}

/* A key with two values: *out gets 0 for first, 1 for second. */
static gh_status_t set_choice(int *out, const char *key, const char *value, const char *first,
                              const char *second, char *err, size_t err_len)
{
    if (strcmp(value, first) && strcmp(value, second)) {
        snprintf(err, err_len, "%s: expected %s or %s, got '%s'", key, first, second, value);
        return GH_ERR_INVALID;
    }
    *out = strcmp(value, first) ? 1 : 0;
    return GH_OK;
}

static gh_status_t set_server(config_server_t *s, const char *key, const char *value, char *err,
                              size_t err_len)
{
    if (!strcmp(key, "listen"))
        return set_string(&s->listen, value);
    if (!strcmp(key, "issuer"))
        return set_string(&s->issuer, value);
    if (!strcmp(key, "db"))
        return set_string(&s->db, value);
    if (!strcmp(key, "error_style"))
        return set_choice((int *)&s->error_style, key, value, "seed", "rfc6749", err, err_len);
    if (!strcmp(key, "code_replay_revokes"))
        return set_choice((int *)&s->code_replay_revokes, key, value, "public", "all", err,
                          err_len);
    if (!strcmp(key, "signing_alg"))
        return set_alg(&s->signing_alg, key, value, err, err_len);
    if (!strcmp(key, "access_token_alg"))
        return set_alg(&s->access_token_alg, key, value, err, err_len);
    if (!strcmp(key, "access_token_ttl"))
        return set_seconds(&s->access_token_ttl, key, value, 86400 * 7, err, err_len);
    if (!strcmp(key, "refresh_token_ttl"))
        return set_seconds(&s->refresh_token_ttl, key, value, 86400L * 3650, err, err_len);
    if (!strcmp(key, "code_ttl"))
        return set_seconds(&s->code_ttl, key, value, 600, err, err_len);
    if (!strcmp(key, "session_ttl"))
        return set_seconds(&s->session_ttl, key, value, 86400L * 365, err, err_len);
    if (!strcmp(key, "threads"))
        return set_seconds(&s->threads, key, value, 256, err, err_len);
    if (!strcmp(key, "max_body"))
        return set_seconds(&s->max_body, key, value, 16L << 20, err, err_len);
    if (!strcmp(key, "device_code_ttl"))
        return set_seconds(&s->device_code_ttl, key, value, 3600, err, err_len);
    if (!strcmp(key, "device_code_interval"))
        return set_seconds(&s->device_code_interval, key, value, 60, err, err_len);
    if (!strcmp(key, "connection_timeout"))
        return set_seconds(&s->connection_timeout, key, value, 3600, err, err_len);
    if (!strcmp(key, "metrics_allow"))
        return set_addresses(&s->metrics_allow, key, value, err, err_len);
    return set_login(s, key, value, err, err_len);
}

gh_status_t config_set(config_t *c, const char *section, const char *key, const char *value,
                       char *err, size_t err_len)
{
    if (!strcmp(section, "server")) {
        gh_status_t st = set_server(&c->server, key, value, err, err_len);
        if (st != GH_OK)
            return st;
    }
    config_entry_t *e = calloc(1, sizeof *e);
    if (!e)
        return GH_ERR_NOMEM;
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->next = c->entries;
    c->entries = e;
    if (!e->section || !e->key || !e->value)
        return GH_ERR_NOMEM;
    return GH_OK;
}

typedef struct {
    config_t *c;
    char *err;
    size_t err_len;
    gh_status_t st;
} ini_ctx_t;

static int on_ini_entry(void *user, const char *section, const char *key, const char *value)
{
    ini_ctx_t *ctx = user;
    if (ctx->st != GH_OK)
        return 0;
    if (!section[0])
        section = "server";
    ctx->st = config_set(ctx->c, section, key, value, ctx->err, ctx->err_len);
    return ctx->st == GH_OK;
}

gh_status_t config_load_file(config_t *c, const char *path, char *err, size_t err_len)
{
    ini_ctx_t ctx = {c, err, err_len, GH_OK};
    int rc = ini_parse(path, on_ini_entry, &ctx);
    if (rc == -1) {
        snprintf(err, err_len, "cannot read config file '%s'", path);
        return GH_ERR_IO;
    }
    if (ctx.st != GH_OK)
        return ctx.st;
    if (rc != 0) {
        snprintf(err, err_len, "config file '%s': syntax error on line %d", path, rc);
        return GH_ERR_INVALID;
    }
    return GH_OK;
}

gh_status_t config_load_env(config_t *c, char *err, size_t err_len)
{
    static const char *const keys[] = {"listen",
                                       "issuer",
                                       "db",
                                       "error_style",
                                       "code_replay_revokes",
                                       "access_token_ttl",
                                       "refresh_token_ttl",
                                       "code_ttl",
                                       "session_ttl",
                                       "signing_alg",
                                       "access_token_alg",
                                       "threads",
                                       "max_body",
                                       "login_max_failures",
                                       "login_max_failures_address",
                                       "login_max_failures_account",
                                       "login_failure_window",
                                       "login_lockout",
                                       "login_lockout_max",
                                       "device_code_ttl",
                                       "device_code_interval",
                                       "connection_timeout",
                                       "metrics_allow"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char name[64] = "GATEHOUSE_";
        size_t n = strlen(name);
        for (const char *k = keys[i]; *k && n < sizeof name - 1; k++)
            name[n++] = (char)(*k >= 'a' && *k <= 'z' ? *k - 32 : *k);
        name[n] = '\0';
        const char *v = getenv(name);
        if (v && *v) {
            gh_status_t st = config_set(c, "server", keys[i], v, err, err_len);
            if (st != GH_OK)
                return st;
        }
    }
    return GH_OK;
}

const char *config_get(const config_t *c, const char *section, const char *key)
{
    for (const config_entry_t *e = c->entries; e; e = e->next)
        if (!strcmp(e->section, section) && !strcmp(e->key, key))
            return e->value;
    return NULL;
}

void config_each_section(const config_t *c, const char *prefix,
                         void (*fn)(const char *section, void *ctx), void *ctx)
{
    /* entries are newest first; walk oldest first by collecting into an array */
    size_t n = 0;
    for (const config_entry_t *e = c->entries; e; e = e->next)
        n++;
    const config_entry_t **all = calloc(n ? n : 1, sizeof *all);
    if (!all)
        return;
    size_t i = n;
    for (const config_entry_t *e = c->entries; e; e = e->next)
        all[--i] = e;
    for (i = 0; i < n; i++) {
        const char *s = all[i]->section;
        if (strncmp(s, prefix, strlen(prefix)) != 0)
            continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = !strcmp(all[j]->section, s);
        if (!dup)
            fn(s, ctx);
    }
    free(all);
}

void config_finish(config_t *c)
{
    if (!c->server.issuer || !c->server.issuer[0]) {
        char buf[512];
        snprintf(buf, sizeof buf, "http://%s", c->server.listen);
        set_string(&c->server.issuer, buf);
    }
    size_t n = strlen(c->server.issuer);
    while (n > 0 && c->server.issuer[n - 1] == '/')
        c->server.issuer[--n] = '\0';
}
