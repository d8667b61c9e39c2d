/* Configuration: defaults, then an INI file, then GATEHOUSE_* environment
 * variables, then command-line flags (each later source overrides).
 *
 * The [server] section is typed here. Every entry of every section is also
 * kept as raw text, so other parts (the gateway's [gateway] and [platform.*]
 * sections) read their own keys with config_get(). Strings are owned by the
 * config and live until config_free(). */
#ifndef GH_CORE_CONFIG_H
#define GH_CORE_CONFIG_H

#include <stddef.h>

#include "core/status.h"

typedef enum { ERROR_STYLE_SEED, ERROR_STYLE_RFC6749 } error_style_t;

/* Whose grants a replayed authorization code revokes (RFC 6749 §4.1.2). */
typedef enum { CODE_REPLAY_REVOKES_PUBLIC, CODE_REPLAY_REVOKES_ALL } code_replay_revokes_t;

typedef struct {
    char *listen; /* HOST:PORT, default 127.0.0.1:8080 */
    char *issuer; /* default "http://" + listen */
    char *db;     /* sqlite:PATH or postgres://… */
    error_style_t error_style;
    code_replay_revokes_t code_replay_revokes; /* default: public clients' grants */
    long access_token_ttl;                     /* seconds, default 3599 (seed 004 expires_in) */
    long refresh_token_ttl;                    /* seconds, default 30 days */
    long code_ttl;                             /* seconds, default 60 */
    long session_ttl;                          /* login session, seconds, default 8 hours */
    char *signing_alg;                         /* RS256 (default) or ES256: id tokens */
    char *access_token_alg;                    /* RS256 or ES256; NULL: signing_alg */
    long threads;                              /* HTTP worker threads, 0 = one per core */
    long max_body;                             /* request body cap in bytes, default 64 KiB */
    /* sign-in throttling (docs/security.md); a limit of 0 turns its counter off */
    long login_max_failures;         /* per (account, address), default 5 */
    long login_max_failures_address; /* per client address, default 20 */
    long login_max_failures_account; /* per account from anywhere, default 100 */
    long login_failure_window;       /* seconds a counting window lasts, default 900 */
    long login_lockout;              /* first lock in seconds, default 30; doubles */
    long login_lockout_max;          /* longest lock in seconds, default 300 */

    /* the device authorization grant (RFC 8628) */
    long device_code_ttl;      /* seconds a device code lives, default 600 */
    long device_code_interval; /* seconds a device leaves between polls, default 5 */

    long connection_timeout; /* seconds an idle or stalled connection is kept, default 30 */

    /* who may read /metrics: a core/cidr.h list, or "any"; default loopback
     * (CONFIG_METRICS_ALLOW). The gateway's [gateway] metrics_allow overrides. */
    char *metrics_allow;
} config_server_t;

#define CONFIG_METRICS_ALLOW "127.0.0.0/8 ::1"

typedef struct config_entry config_entry_t;

typedef struct {
    config_server_t server;
    config_entry_t *entries; /* every section.key = value seen, later ones first */
} config_t;

/* Fills in the defaults. */
void config_init(config_t *c);

/* Releases everything the config owns; the struct may be initialised again. */
void config_free(config_t *c);

/* Reads an INI file. On failure writes a one-line reason into err. */
gh_status_t config_load_file(config_t *c, const char *path, char *err, size_t err_len);

/* Applies GATEHOUSE_<KEY> variables for the [server] keys (GATEHOUSE_DB,
 * GATEHOUSE_LISTEN, GATEHOUSE_ERROR_STYLE, …). */
gh_status_t config_load_env(config_t *c, char *err, size_t err_len);

/* Sets section.key = value, validating [server] keys (a flag or a file line). */
gh_status_t config_set(config_t *c, const char *section, const char *key, const char *value,
                       char *err, size_t err_len);

/* The raw value of section.key, or NULL. Borrowed. */
const char *config_get(const config_t *c, const char *section, const char *key);

/* Calls fn for each distinct section name that starts with prefix (e.g.
 * "platform."), in the order first seen. */
void config_each_section(const config_t *c, const char *prefix,
                         void (*fn)(const char *section, void *ctx), void *ctx);

/* Fills issuer from listen when it was not set. Call after all sources. */
void config_finish(config_t *c);

#endif
