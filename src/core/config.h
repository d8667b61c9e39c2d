/* Configuration: defaults, then an INI file, then GATEHOUSE_* environment
 * variables, then command-line flags (each later source overrides).
 *
 * Every key is declared once, in the table of config_keys.c (name, type,
 * default, bounds, environment name, help line); parsing, validation, the
 * environment, `gatehouse config show` and docs/settings.md all read it. The
 * [server] and [gateway] sections are typed here; every entry of every
 * section is also kept as raw text, so the [platform.NAME] sections are read
 * with config_get(). Strings are owned by the config and live until
 * config_free(). */
#ifndef GH_CORE_CONFIG_H
#define GH_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

typedef enum { ERROR_STYLE_SEED, ERROR_STYLE_RFC6749 } error_style_t;

/* Whose grants a replayed authorization code revokes (RFC 6749 §4.1.2). */
typedef enum { CODE_REPLAY_REVOKES_PUBLIC, CODE_REPLAY_REVOKES_ALL } code_replay_revokes_t;

typedef struct {
    char *listen;       /* HOST:PORT, default 127.0.0.1:8080 */
    char *admin_listen; /* HOST:PORT of the admin API alone; NULL: on listen */
    char *issuer;       /* default "http://" + listen */
    char *db;           /* sqlite:PATH or postgres://… */
    int db_cache;       /* 1 (default): store_cache_start on PostgreSQL */
    error_style_t error_style;
    code_replay_revokes_t code_replay_revokes; /* default: every client's grants */
    long access_token_ttl;                     /* seconds, default 3599 (seed 004 expires_in) */
    long refresh_token_ttl;                    /* seconds, default 30 days */
    long refresh_grace;     /* seconds a rotated refresh token may come again, default 0 (off) */
    long code_ttl;          /* seconds, default 60 */
    long session_ttl;       /* login session, seconds, default 8 hours */
    char *signing_alg;      /* RS256 (default), PS256, ES256 or EdDSA: id tokens */
    char *access_token_alg; /* as signing_alg; NULL: signing_alg */
    long threads;           /* HTTP worker threads, 0 = one per core */
    long max_body;          /* request body cap in bytes, default 64 KiB */
    /* sign-in throttling (docs/security.md); a limit of 0 turns its counter off */
    long login_max_failures;         /* per (account, address), default 5 */
    long login_max_failures_address; /* per client address, default 20 */
    long login_max_failures_account; /* per account from anywhere, default 100 */
    long login_failure_window;       /* seconds a counting window lasts, default 900 */
    long login_lockout;              /* first lock in seconds, default 30; doubles */
    long login_lockout_max;          /* longest lock in seconds, default 300 */

    /* the device authorization grant (RFC 8628) */
    long device_code_ttl;         /* seconds a device code lives, default 600 */
    long device_code_interval;    /* seconds a device leaves between polls, default 5 */
    long device_code_rate;        /* new device codes per address and window, default 60; 0 off */
    long device_code_rate_window; /* seconds, default 60 */

    char *mfa_secret_key; /* seals TOTP secrets; NULL: generated once and kept in the store */
    char *mfa_secret_key_previous; /* opens secrets sealed before a rotation; NULL: none */

    long connection_timeout; /* seconds an idle or stalled connection is kept, default 30 */
    long events_retention;   /* seconds audit events are kept, default 90 days; 0 for ever */

    /* back-channel logout delivery (oauth/backchannel.c) */
    long backchannel_logout_timeout;  /* seconds per attempt, default 5 */
    long backchannel_logout_attempts; /* tries before giving up, default 8 */
    long backchannel_logout_backoff;  /* seconds before the first retry, default 10; doubles */

    /* passkeys (WebAuthn; docs/mfa.md) */
    int passkeys;                  /* 0 off, 1 on (default) */
    char *passkey_rp_id;           /* NULL: the issuer's host */
    int passkey_user_verification; /* 0 preferred (default), 1 required */

    /* modern clients (docs/clients.md) */
    int require_par;          /* 1: every client must use PAR (RFC 9126 §6), default 0 */
    long jwks_uri_timeout;    /* seconds a client's jwks_uri fetch may take, default 3 */
    long platform_timeout;    /* seconds each call to a [platform.NAME] may take, default 10 */
    long jwks_uri_max_bytes;  /* largest jwks_uri document, default 64 KiB */
    long jwks_uri_cache;      /* seconds a fetched client JWKS is kept, default 300 */
    int jwks_uri_private;     /* 1: a jwks_uri may be on a loopback or private address */
    long dpop_proof_lifetime; /* seconds a DPoP proof's iat may lie in the past, default 60 */
    int dpop_nonce;           /* 1 (default): DPoP proofs carry a server nonce (RFC 9449 §8) */
    /* Client ID Metadata Documents (docs/clients.md): an https URL as client_id */
    int client_documents;           /* 1: such client_ids are fetched and used, default 0 */
    long client_document_timeout;   /* seconds a document fetch may take, default 3 */
    long client_document_max_bytes; /* largest document, default 5 KiB */
    long client_document_cache_min; /* seconds a document is kept at least, default 60 */
    long client_document_cache_max; /* and at most, default 3600 */
    int client_document_private;    /* 1: documents may be on loopback or private addresses */
    long client_document_fetches;   /* documents fetched at once per instance, default 1 */
    char *outside_ca_file;   /* PEM CAs trusted for jwks_uri and documents; NULL: the system's */
    int registration_policy; /* config_registration_policy_t, default off (RFC 7591) */
    long registration_rate;  /* dynamic registrations per address and hour */
    long registration_unused_ttl; /* seconds an unused dynamic client lives */

    /* who may read /metrics: a core/cidr.h list, or "any"; default loopback
     * (CONFIG_METRICS_ALLOW). The gateway's [gateway] metrics_allow overrides. */
    char *metrics_allow;

    int log_format; /* core/log.h's log_format_t: json (default) | text */
    int log_level;  /* core/log.h's log_level_t: debug | info (default) | warn | error */

    /* self-service (docs/account.md) */
    long password_min_length; /* characters, default 10 (core/password_policy.h) */
    int registration;         /* config_registration_t, default off */
    long self_service_rate;   /* reset and registration requests per address and hour */
    long mail_rate_account;   /* mails about one account per hour */
} config_server_t;

/* Who may register a client at /oauth2/v1/register (RFC 7591). */
typedef enum {
    REGISTRATION_POLICY_OFF,
    REGISTRATION_POLICY_INITIAL_TOKEN,
    REGISTRATION_POLICY_OPEN
} config_registration_policy_t;

/* Who may create an account at /auth/register. */
typedef enum { REGISTRATION_OFF, REGISTRATION_OPEN, REGISTRATION_INVITE } config_registration_t;

/* The [smtp] section: mail of the authorization server (docs/account.md).
 * No url: no mail, and what needs it (password reset, e-mail verification,
 * invitations by mail) says so. */
typedef struct {
    char *url;         /* smtp://HOST[:PORT] or smtps://…; NULL: no mail */
    char *from;        /* the From address */
    char *user;        /* SMTP AUTH user; NULL: none */
    char *password;    /* with user */
    long retry_min;    /* seconds before the first retry, default 30; doubles */
    long retry_max;    /* the longest wait between retries, default 3600 */
    long max_attempts; /* attempts before a message is given up, default 12 */
    long timeout;      /* seconds one delivery may take, default 30 */
} config_smtp_t;

#define CONFIG_METRICS_ALLOW "127.0.0.0/8 ::1"

/* The social-login gateway's [gateway] section (docs/gateway.md). */
typedef struct {
    char *listen;           /* HOST:PORT, default 127.0.0.1:8081 */
    char *public_url;       /* default "http://" + listen */
    char *jwt_secret;       /* NULL: generated once and kept in the store */
    long access_ttl;        /* seconds, the access cookie, default 900 */
    long refresh_ttl;       /* seconds, the refresh cookie, default 14 days */
    long state_ttl;         /* seconds a login URL's state stays usable, default 600 */
    long upstream_timeout;  /* seconds for each call to a platform, default 10 */
    long login_rate;        /* login URLs per address and window, default 60; 0 off */
    long login_rate_window; /* seconds, default 60 */
    long refresh_grace;     /* seconds a just-rotated refresh cookie still rotates, default 5 */
    char *metrics_allow;    /* who may read /metrics; NULL: [server] metrics_allow */
} config_gateway_t;

typedef struct config_entry config_entry_t;

/* Where a value came from, for `config show`. */
typedef enum {
    CONFIG_FROM_DEFAULT,
    CONFIG_FROM_FILE,
    CONFIG_FROM_ENV,
    CONFIG_FROM_FLAG
} config_from_t;

typedef struct {
    config_server_t server;
    config_gateway_t gateway;
    config_smtp_t smtp;
    config_entry_t *entries; /* every section.key = value seen, later ones first */
    char *file;              /* the file loaded, if any */
} config_t;

/* ---- the table of keys ---- */

typedef enum {
    CONFIG_TEXT,   /* char *: any text (check may refuse some) */
    CONFIG_NUMBER, /* long: a whole number in [min, max] */
    CONFIG_CHOICE, /* int: the index of one of choices */
    CONFIG_WORD,   /* char *: one of choices, kept as text */
} config_type_t;

#define CONFIG_SECRET 0x1u  /* masked by `config show` */
#define CONFIG_NO_ENV 0x2u  /* no GATEHOUSE_* variable */
#define CONFIG_NO_SLOT 0x4u /* raw only: read with config_get() */
#define CONFIG_URL 0x8u     /* a URL whose password `config show` masks */

typedef struct {
    const char *section; /* "server", "gateway", or "platform.*" for every [platform.NAME] */
    const char *key;
    config_type_t type;
    const char *def;            /* the default as text; NULL: none, or derived (see def_note) */
    const char *note;           /* how a missing value is derived, for the docs; may be NULL */
    long min, max;              /* CONFIG_NUMBER */
    const char *unit;           /* CONFIG_NUMBER: "seconds", "bytes", "count" */
    const char *const *choices; /* CONFIG_CHOICE, CONFIG_WORD: NULL-terminated */
    size_t offset;              /* of the slot in config_t (unless CONFIG_NO_SLOT) */
    unsigned flags;
    /* Further validation of a text: writes why into a short buffer and
     * returns false to refuse. NULL: none. */
    bool (*check)(const char *value, char *why, size_t why_len);
    const char *help; /* one line */
} config_key_t;

/* Every key, in the order of the docs; *count gets their number. */
const config_key_t *config_keys(size_t *count);

/* The key section.key ("platform.x" finds the "platform.*" keys), or NULL. */
const config_key_t *config_key_find(const char *section, const char *key);

/* The environment variable of a key into buf ("GATEHOUSE_DB",
 * "GATEHOUSE_GATEWAY_LISTEN"), or false when it has none. */
bool config_key_env(const config_key_t *k, char *buf, size_t len);

/* ---- loading ---- */

/* Fills in the defaults. */
void config_init(config_t *c);

/* Releases everything the config owns; the struct may be initialised again. */
void config_free(config_t *c);

/* Reads an INI file. On failure writes a one-line reason into err. */
gh_status_t config_load_file(config_t *c, const char *path, char *err, size_t err_len);

/* Applies the GATEHOUSE_* variable of every key that has one. */
gh_status_t config_load_env(config_t *c, char *err, size_t err_len);

/* Sets section.key = value from a command-line flag, validating it against
 * the table: an unknown key of a known section, or a value out of bounds,
 * is GH_ERR_INVALID with a one-line reason naming the key in err. */
gh_status_t config_set(config_t *c, const char *section, const char *key, const char *value,
                       char *err, size_t err_len);

/* The raw value of section.key, or NULL. Borrowed. */
const char *config_get(const config_t *c, const char *section, const char *key);

/* Where the value of section.key came from; *what gets the file or variable
 * name (borrowed), or NULL. */
config_from_t config_source(const config_t *c, const char *section, const char *key,
                            const char **what);

/* Calls fn for each distinct section name that starts with prefix (e.g.
 * "platform."), in the order first seen. */
void config_each_section(const config_t *c, const char *prefix,
                         void (*fn)(const char *section, void *ctx), void *ctx);

/* Fills in what derives from other keys (issuer from listen, the gateway's
 * public_url from its listen). Call after all sources. */
void config_finish(config_t *c);

#endif
