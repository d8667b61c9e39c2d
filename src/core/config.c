/* Configuration sources merged into one config_t, every key validated
 * against the table of config_keys.c. INI parsing is inih's. */
#include "core/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config_entry {
    config_entry_t *next;
    char *section, *key, *value;
    config_from_t from;
};

/* ---- the table ---- */

/* The table's name for a section: every [platform.NAME] is "platform.*",
 * every [scope.NAME] "scope.*". */
static bool section_is(const config_key_t *k, const char *section)
{
    size_t n = strlen(k->section);
    if (n >= 2 && !strcmp(k->section + n - 2, ".*"))
        return !strncmp(section, k->section, n - 1) && section[n - 1];
    return !strcmp(k->section, section);
}

/* Whether the table declares any key of this section (others are free). */
static bool section_known(const char *section)
{
    size_t n;
    const config_key_t *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++)
        if (section_is(&keys[i], section))
            return true;
    return false;
}

const config_key_t *config_key_find(const char *section, const char *key)
{
    size_t n;
    const config_key_t *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++)
        if (section_is(&keys[i], section) && !strcmp(keys[i].key, key))
            return &keys[i];
    return NULL;
}

bool config_key_env(const config_key_t *k, char *buf, size_t len)
{
    if (k->flags & CONFIG_NO_ENV)
        return false;
    /* GATEHOUSE_KEY for [server], GATEHOUSE_SECTION_KEY for the others */
    bool server = !strcmp(k->section, "server");
    int n =
        snprintf(buf, len, "GATEHOUSE_%s%s%s", server ? "" : k->section, server ? "" : "_", k->key);
    if (n < 0 || (size_t)n >= len)
        return false;
    for (char *p = buf; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return true;
}

static void *slot(config_t *c, const config_key_t *k)
{
    return (char *)c + k->offset;
}

/* ---- values ---- */

static gh_status_t set_text(char **slot_p, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return GH_ERR_NOMEM;
    free(*slot_p);
    *slot_p = copy;
    return GH_OK;
}

/* "a or b", "a, b or c" */
static void list_choices(const char *const *choices, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; choices[i] && used < len; i++) {
        const char *sep = i == 0 ? "" : choices[i + 1] ? ", " : " or ";
        int n = snprintf(out + used, len - used, "%s%s", sep, choices[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static int choice_index(const char *const *choices, const char *value)
{
    for (int i = 0; choices[i]; i++)
        if (!strcmp(choices[i], value))
            return i;
    return -1;
}

/* A whole number in [min, max], or false. */
static bool parse_number(const char *value, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Validates value for k and, when k has a slot, stores it there. */
static gh_status_t apply(config_t *c, const config_key_t *k, const char *value, char *err,
                         size_t err_len)
{
    char why[160] = "";
    long number = 0;
    int index = -1;
    switch (k->type) {
    case CONFIG_NUMBER:
        if (!parse_number(value, k->min, k->max, &number))
            snprintf(why, sizeof why, "expected a whole number of %s from %ld to %ld", k->unit,
                     k->min, k->max);
        break;
    case CONFIG_CHOICE:
    case CONFIG_WORD:
        if ((index = choice_index(k->choices, value)) < 0) {
            char list[120];
            list_choices(k->choices, list, sizeof list);
            snprintf(why, sizeof why, "expected %s", list);
        }
        break;
    case CONFIG_TEXT:
        if (k->check && !k->check(value, why, sizeof why) && !why[0])
            snprintf(why, sizeof why, "not a valid value");
        break;
    }
    if (why[0]) {
        if (k->flags & CONFIG_SECRET)
            snprintf(err, err_len, "%s: %s", k->key, why);
        else
            snprintf(err, err_len, "%s: %s, got '%s'", k->key, why, value);
        return GH_ERR_INVALID;
    }
    if (k->flags & CONFIG_NO_SLOT)
        return GH_OK;
    switch (k->type) {
    case CONFIG_NUMBER:
        *(long *)slot(c, k) = number;
        return GH_OK;
    case CONFIG_CHOICE:
        *(int *)slot(c, k) = index;
        return GH_OK;
    case CONFIG_WORD:
    case CONFIG_TEXT:
        return set_text(slot(c, k), value);
    }
    return GH_OK;
}

void config_init(config_t *c)
{
    memset(c, 0, sizeof *c);
    size_t n;
    const config_key_t *keys = config_keys(&n);
    char err[256];
    for (size_t i = 0; i < n; i++)
        if (keys[i].def && !(keys[i].flags & CONFIG_NO_SLOT))
            (void)apply(c, &keys[i], keys[i].def, err, sizeof err); /* the table's own defaults */
}

void config_free(config_t *c)
{
    size_t n;
    const config_key_t *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        const config_key_t *k = &keys[i];
        if (!(k->flags & CONFIG_NO_SLOT) && (k->type == CONFIG_TEXT || k->type == CONFIG_WORD))
            free(*(char **)slot(c, k));
    }
    config_entry_t *e = c->entries;
    while (e) {
        config_entry_t *next = e->next;
        free(e->section);
        free(e->key);
        free(e->value);
        free(e);
        e = next;
    }
    free(c->file);
    memset(c, 0, sizeof *c);
}

static gh_status_t set_from(config_t *c, config_from_t from, const char *section, const char *key,
                            const char *value, char *err, size_t err_len)
{
    const config_key_t *k = config_key_find(section, key);
    if (!k && section_known(section)) {
        snprintf(err, err_len, "unknown key '%s' in [%s]", key, section);
        return GH_ERR_INVALID;
    }
    if (k) {
        gh_status_t st = apply(c, k, value, err, err_len);
        if (st == GH_ERR_INVALID && strcmp(section, "server")) { /* name the section too */
            char reason[256];
            snprintf(reason, sizeof reason, "%s", err);
            snprintf(err, err_len, "[%s] %s", section, reason);
        }
        if (st != GH_OK)
            return st;
    }
    config_entry_t *e = calloc(1, sizeof *e);
    if (!e)
        return GH_ERR_NOMEM;
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->from = from;
    e->next = c->entries;
    c->entries = e;
    if (!e->section || !e->key || !e->value)
        return GH_ERR_NOMEM;
    return GH_OK;
}

gh_status_t config_set(config_t *c, const char *section, const char *key, const char *value,
                       char *err, size_t err_len)
{
    return set_from(c, CONFIG_FROM_FLAG, section, key, value, err, err_len);
}

/* ---- sources ---- */

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
    ctx->st = set_from(ctx->c, CONFIG_FROM_FILE, section, key, value, ctx->err, ctx->err_len);
    return ctx->st == GH_OK;
}

gh_status_t config_load_file(config_t *c, const char *path, char *err, size_t err_len)
{
    ini_ctx_t ctx = {c, err, err_len, GH_OK};
    if (set_text(&c->file, path) != GH_OK)
        return GH_ERR_NOMEM;
    int rc = ini_parse(path, on_ini_entry, &ctx);
    if (rc == -1) {
        snprintf(err, err_len, "cannot read config file '%s'", path);
        return GH_ERR_IO;
    }
    if (ctx.st != GH_OK) {
        if (ctx.st == GH_ERR_INVALID) {
            char reason[256];
            snprintf(reason, sizeof reason, "%s", err);
            snprintf(err, err_len, "config file '%s': %s", path, reason);
        }
        return ctx.st;
    }
    if (rc != 0) {
        snprintf(err, err_len, "config file '%s': syntax error on line %d", path, rc);
        return GH_ERR_INVALID;
    }
    return GH_OK;
}

gh_status_t config_load_env(config_t *c, char *err, size_t err_len)
{
    size_t n;
    const config_key_t *keys = config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        if (!config_key_env(&keys[i], name, sizeof name))
            continue;
        const char *v = getenv(name);
        if (!v || !*v)
            continue;
        gh_status_t st =
            set_from(c, CONFIG_FROM_ENV, keys[i].section, keys[i].key, v, err, err_len);
        if (st != GH_OK) {
            if (st == GH_ERR_INVALID) {
                char reason[256];
                snprintf(reason, sizeof reason, "%s", err);
                snprintf(err, err_len, "%s: %s", name, reason);
            }
            return st;
        }
    }
    return GH_OK;
}

/* ---- reading ---- */

static const config_entry_t *newest(const config_t *c, const char *section, const char *key)
{
    for (const config_entry_t *e = c->entries; e; e = e->next)
        if (!strcmp(e->section, section) && !strcmp(e->key, key))
            return e;
    return NULL;
}

const char *config_get(const config_t *c, const char *section, const char *key)
{
    const config_entry_t *e = newest(c, section, key);
    return e ? e->value : NULL;
}

config_from_t config_source(const config_t *c, const char *section, const char *key,
                            const char **what)
{
    const config_entry_t *e = newest(c, section, key);
    *what = NULL;
    if (!e)
        return CONFIG_FROM_DEFAULT;
    if (e->from == CONFIG_FROM_FILE)
        *what = c->file;
    return e->from;
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

/* *url = "http://" + listen when unset; trailing slashes dropped. */
static void derive_url(char **url, const char *listen)
{
    if (!*url || !**url) {
        char buf[512];
        snprintf(buf, sizeof buf, "http://%s", listen);
        set_text(url, buf);
    }
    size_t n = *url ? strlen(*url) : 0;
    while (n > 0 && (*url)[n - 1] == '/')
        (*url)[--n] = '\0';
}

void config_finish(config_t *c)
{
    derive_url(&c->server.issuer, c->server.listen);
    if (!c->gateway.public_url)
        derive_url(&c->gateway.public_url, c->gateway.listen);
}
