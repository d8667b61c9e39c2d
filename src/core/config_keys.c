/* The table of settings: every key of every section declared once, with its
 * type, default, bounds, environment variable and help line (in the manner
 * of Redis's standardConfig). config.c parses and validates through it,
 * `gatehouse config show` prints it with the effective values, and
 * `gatehouse config doc` writes docs/settings.md from it. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/cidr.h"
#include "core/config.h"

#define SERVER(field) offsetof(config_t, server.field)
#define GATEWAY(field) offsetof(config_t, gateway.field)
#define SMTP(field) offsetof(config_t, smtp.field)
#define DAY 86400L

static const char *const ERROR_STYLES[] = {"seed", "rfc6749", NULL};
static const char *const REPLAY_SCOPES[] = {"public", "all", NULL};
static const char *const ALGS[] = {"RS256", "PS256", "ES256", "EdDSA", NULL};
static const char *const LOG_FORMATS[] = {"json", "text", NULL}; /* log_format_t's order */
static const char *const LOG_LEVELS[] = {"debug", "info", "warn", "error",
                                         NULL};                             /* log_level_t's */
static const char *const REGISTRATIONS[] = {"off", "open", "invite", NULL}; /* its order */
static const char *const OFF_ON[] = {"off", "on", NULL};
static const char *const REGISTRATION_POLICIES[] = {"off", "initial_access_token", "open",
                                                    NULL}; /* config_registration_policy_t */
static const char *const USER_VERIFICATION[] = {"preferred", "required", NULL};
static const char *const NO_YES[] = {"no", "yes", NULL};
static const char *const KINDS[] = {"oidc", "naver", "kakao", "google", "github", NULL};
static const char *const YES_NO[] = {"false", "true", NULL};

static bool http_url(const char *v, char *why, size_t len)
{
    size_t n = strlen(v);
    if ((!strncmp(v, "https://", 8) && n > 8) || (!strncmp(v, "http://", 7) && n > 7)) {
        if (v[n - 1] != '/')
            return true;
    }
    snprintf(why, len, "an http(s) URL without a trailing slash");
    return false;
}

static bool long_secret(const char *v, char *why, size_t len)
{
    if (strlen(v) >= 32)
        return true;
    snprintf(why, len, "at least 32 characters");
    return false;
}

static bool not_empty(const char *v, char *why, size_t len)
{
    if (*v)
        return true;
    snprintf(why, len, "must not be empty");
    return false;
}

static bool addresses(const char *v, char *why, size_t len)
{
    cidr_list_t list;
    return cidr_list_parse(v, &list, why, len) == GH_OK;
}

/* smtp:// or smtps:// with a host (libcurl checks the rest when it sends). */
static bool smtp_url(const char *v, char *why, size_t len)
{
    if ((!strncmp(v, "smtp://", 7) && v[7]) || (!strncmp(v, "smtps://", 8) && v[8]))
        return true;
    snprintf(why, len, "an smtp:// or smtps:// URL");
    return false;
}

/* One address, as a From header holds it: something@something, no line break. */
static bool mail_address(const char *v, char *why, size_t len)
{
    const char *at = strchr(v, '@');
    if (at && at != v && at[1] && !strpbrk(v, "\r\n<>\" ,;") && strlen(v) <= 254)
        return true;
    snprintf(why, len, "an e-mail address (name@example.org)");
    return false;
}

/* clang-format off */
static const config_key_t KEYS[] = {
    /* ---- [server]: the authorization server (and the store every command uses) ---- */
    {"server", "listen", CONFIG_TEXT, "127.0.0.1:8080", NULL, 0, 0, NULL, NULL, SERVER(listen), 0,
     not_empty, "address the authorization server listens on (HOST:PORT)"},
    {"server", "admin_listen", CONFIG_TEXT, NULL, "listen", 0, 0, NULL, NULL, SERVER(admin_listen),
     0, NULL,
     "address of a listener for the admin API alone (HOST:PORT), which then leaves `listen`"},
    {"server", "issuer", CONFIG_TEXT, NULL, "http:// + listen", 0, 0, NULL, NULL, SERVER(issuer), 0,
     NULL, "the `iss` of every token; https in production"},
    {"server", "db", CONFIG_TEXT, "sqlite:var/gatehouse.db", NULL, 0, 0, NULL, NULL, SERVER(db),
     CONFIG_URL, not_empty, "sqlite:PATH or postgres://... (also --db)"},
    {"server", "db_cache", CONFIG_CHOICE, "yes", NULL, 0, 0, NULL, NO_YES, SERVER(db_cache), 0,
     NULL,
     "PostgreSQL: answer resource requests (a token's member and client, the denylist) from "
     "memory kept exact across instances (docs/scaling.md)"},
    {"server", "error_style", CONFIG_CHOICE, "seed", NULL, 0, 0, NULL, ERROR_STYLES,
     SERVER(error_style), 0, NULL, "error answers in seed 004's envelope or RFC 6749's shape"},
    {"server", "code_replay_revokes", CONFIG_CHOICE, "all", NULL, 0, 0, NULL, REPLAY_SCOPES,
     SERVER(code_replay_revokes), 0, NULL,
     "whose grant a replayed code revokes: every client's (RFC 6749 §4.1.2), or only public "
     "clients'"},
    {"server", "access_token_ttl", CONFIG_NUMBER, "3599", NULL, 1, 7 * DAY, "seconds", NULL,
     SERVER(access_token_ttl), 0, NULL, "lifetime of access tokens and id_tokens"},
    {"server", "refresh_token_ttl", CONFIG_NUMBER, "2592000", NULL, 1, 3650 * DAY, "seconds", NULL,
     SERVER(refresh_token_ttl), 0, NULL, "lifetime of a refresh token (30 days)"},
    {"server", "events_retention", CONFIG_NUMBER, "7776000", NULL, 0, 3650 * DAY, "seconds", NULL,
     SERVER(events_retention), 0, NULL,
     "how long audit events (docs/admin.md) are kept (90 days); 0 = for ever"},
    {"server", "refresh_grace", CONFIG_NUMBER, "0", NULL, 0, 300, "seconds", NULL,
     SERVER(refresh_grace), 0, NULL,
     "time after its rotation in which a refresh token presented again gets a fresh pair "
     "instead of revoking its grant (two tabs refreshing at once); 0 = off"},
    {"server", "code_ttl", CONFIG_NUMBER, "60", NULL, 1, 600, "seconds", NULL, SERVER(code_ttl), 0,
     NULL, "lifetime of an authorization code"},
    {"server", "session_ttl", CONFIG_NUMBER, "28800", NULL, 1, 365 * DAY, "seconds", NULL,
     SERVER(session_ttl), 0, NULL, "lifetime of a sign-in session (8 hours)"},
    {"server", "signing_alg", CONFIG_WORD, "RS256", NULL, 0, 0, NULL, ALGS, SERVER(signing_alg), 0,
     NULL, "algorithm of id_tokens (and of access tokens unless access_token_alg says otherwise)"},
    {"server", "access_token_alg", CONFIG_WORD, NULL, "signing_alg", 0, 0, NULL, ALGS,
     SERVER(access_token_alg), 0, NULL,
     "algorithm of access tokens; each algorithm in use gets its own signing key"},
    {"server", "threads", CONFIG_NUMBER, "0", NULL, 0, 256, "count", NULL, SERVER(threads), 0, NULL,
     "HTTP worker threads; 0: one per core, four per core on PostgreSQL, where workers wait for "
     "the database (also read by gateway: one per core)"},
    {"server", "max_body", CONFIG_NUMBER, "65536", NULL, 0, 16L << 20, "bytes", NULL,
     SERVER(max_body), 0, NULL, "larger request bodies get 413 (also read by gateway)"},
    {"server", "connection_timeout", CONFIG_NUMBER, "30", NULL, 0, 3600, "seconds", NULL,
     SERVER(connection_timeout), 0, NULL,
     "time a client has to send its request headers, and an idle connection is kept (also read "
     "by gateway)"},
    {"server", "metrics_allow", CONFIG_TEXT, CONFIG_METRICS_ALLOW, NULL, 0, 0, NULL, NULL,
     SERVER(metrics_allow), 0, addresses,
     "client addresses (CIDR list, spaces or commas) that may read /metrics, or any; others get "
     "404 (also the gateway's unless [gateway] metrics_allow is set)"},
    {"server", "log_format", CONFIG_CHOICE, "json", NULL, 0, 0, NULL, LOG_FORMATS,
     SERVER(log_format), 0, NULL,
     "log lines on stderr: JSON objects, or text for people (also read by gateway; SIGHUP "
     "reloads it)"},
    {"server", "log_level", CONFIG_CHOICE, "info", NULL, 0, 0, NULL, LOG_LEVELS,
     SERVER(log_level), 0, NULL,
     "lines below this level are not logged (also read by gateway; SIGHUP reloads it)"},
    {"server", "login_max_failures", CONFIG_NUMBER, "5", NULL, 0, 100000, "count", NULL,
     SERVER(login_max_failures), 0, NULL,
     "wrong passwords per (account, address) before a lock; 0 turns the counter off"},
    {"server", "login_max_failures_address", CONFIG_NUMBER, "20", NULL, 0, 100000, "count", NULL,
     SERVER(login_max_failures_address), 0, NULL, "wrong passwords per address, across accounts"},
    {"server", "login_max_failures_account", CONFIG_NUMBER, "100", NULL, 0, 100000, "count", NULL,
     SERVER(login_max_failures_account), 0, NULL,
     "wrong passwords per account, from addresses it never signed in from"},
    {"server", "login_failure_window", CONFIG_NUMBER, "900", NULL, 0, DAY, "seconds", NULL,
     SERVER(login_failure_window), 0, NULL, "time over which failures are counted"},
    {"server", "login_lockout", CONFIG_NUMBER, "30", NULL, 0, DAY, "seconds", NULL,
     SERVER(login_lockout), 0, NULL, "first lock; doubles with each further failure"},
    {"server", "login_lockout_max", CONFIG_NUMBER, "300", NULL, 0, DAY, "seconds", NULL,
     SERVER(login_lockout_max), 0, NULL, "the longest lock; every lock ends"},
    {"server", "device_code_ttl", CONFIG_NUMBER, "600", NULL, 1, 3600, "seconds", NULL,
     SERVER(device_code_ttl), 0, NULL, "device flow: lifetime of a device and user code"},
    {"server", "device_code_interval", CONFIG_NUMBER, "5", NULL, 1, 60, "seconds", NULL,
     SERVER(device_code_interval), 0, NULL, "device flow: time a device must leave between polls"},
    {"server", "device_code_rate", CONFIG_NUMBER, "60", NULL, 0, 1000000, "count", NULL,
     SERVER(device_code_rate), 0, NULL,
     "device flow: new device codes per client address and window, then 429; 0 = no limit"},
    {"server", "device_code_rate_window", CONFIG_NUMBER, "60", NULL, 1, DAY, "seconds", NULL,
     SERVER(device_code_rate_window), 0, NULL, "device flow: the window of device_code_rate"},
    {"server", "require_pushed_authorization_requests", CONFIG_CHOICE, "no", NULL, 0, 0, NULL,
     NO_YES, SERVER(require_par), 0, NULL,
     "every client must push its authorization requests first (RFC 9126); per client: "
     "client add --require-par"},
    {"server", "platform_timeout", CONFIG_NUMBER, "10", NULL, 1, 120, "seconds", NULL,
     SERVER(platform_timeout), 0, NULL,
     "federated sign-in: time allowed for each call to a [platform.NAME] (the gateway has its "
     "own: [gateway] upstream_timeout)"},
    {"server", "jwks_uri_timeout", CONFIG_NUMBER, "3", NULL, 1, 30, "seconds", NULL,
     SERVER(jwks_uri_timeout), 0, NULL,
     "private_key_jwt: longest fetch of a client's jwks_uri (connection included)"},
    {"server", "jwks_uri_max_bytes", CONFIG_NUMBER, "65536", NULL, 1024, 1048576, "bytes", NULL,
     SERVER(jwks_uri_max_bytes), 0, NULL, "private_key_jwt: largest jwks_uri document read"},
    {"server", "jwks_uri_cache", CONFIG_NUMBER, "300", NULL, 0, DAY, "seconds", NULL,
     SERVER(jwks_uri_cache), 0, NULL,
     "private_key_jwt: how long a fetched jwks_uri document is used before it is fetched again"},
    {"server", "jwks_uri_private", CONFIG_CHOICE, "no", NULL, 0, 0, NULL, NO_YES,
     SERVER(jwks_uri_private), 0, NULL,
     "private_key_jwt: fetch a client's jwks_uri from loopback, private or link-local addresses "
     "too (no: public addresses only)"},
    {"server", "dpop_proof_lifetime", CONFIG_NUMBER, "60", NULL, 5, 600, "seconds", NULL,
     SERVER(dpop_proof_lifetime), 0, NULL,
     "DPoP (RFC 9449): how old a proof's iat may be (and 5 s ahead at most); its jti is kept as "
     "long"},
    {"server", "dpop_nonce", CONFIG_CHOICE, "yes", NULL, 0, 0, NULL, NO_YES, SERVER(dpop_nonce), 0,
     NULL,
     "DPoP: proofs must carry a nonce of this server (RFC 9449 §8; a DPoP-Nonce header gives it, "
     "valid 5 to 10 minutes on every instance)"},
    {"server", "client_id_metadata_documents", CONFIG_CHOICE, "no", NULL, 0, 0, NULL, NO_YES,
     SERVER(client_documents), 0, NULL,
     "accept an https URL as client_id and fetch the client's metadata from it (Client ID "
     "Metadata Documents, as MCP clients use; docs/clients.md)"},
    {"server", "client_document_timeout", CONFIG_NUMBER, "3", NULL, 1, 30, "seconds", NULL,
     SERVER(client_document_timeout), 0, NULL,
     "client metadata documents: longest fetch of one (connection included)"},
    {"server", "client_document_max_bytes", CONFIG_NUMBER, "5120", NULL, 1024, 65536, "bytes",
     NULL, SERVER(client_document_max_bytes), 0, NULL,
     "client metadata documents: largest document read"},
    {"server", "client_document_cache_min", CONFIG_NUMBER, "60", NULL, 0, DAY, "seconds", NULL,
     SERVER(client_document_cache_min), 0, NULL,
     "client metadata documents: shortest time a fetched document is used (its Cache-Control "
     "max-age is raised to it; no-store is never kept)"},
    {"server", "client_document_cache_max", CONFIG_NUMBER, "3600", NULL, 0, DAY, "seconds", NULL,
     SERVER(client_document_cache_max), 0, NULL,
     "client metadata documents: longest time a fetched document is used (max-age is lowered "
     "to it)"},
    {"server", "client_document_private", CONFIG_CHOICE, "no", NULL, 0, 0, NULL, NO_YES,
     SERVER(client_document_private), 0, NULL,
     "client metadata documents: fetch them from loopback, private or link-local addresses too "
     "(no: public addresses only)"},
    {"server", "client_document_fetches", CONFIG_NUMBER, "1", NULL, 1, 64, "count", NULL,
     SERVER(client_document_fetches), 0, NULL,
     "client metadata documents: fetches at once per instance (each holds an HTTP worker up to "
     "client_document_timeout); a client whose document is not cached is refused for now (503) "
     "beyond it"},
    {"server", "outside_ca_file", CONFIG_TEXT, NULL, "the system's CA certificates", 0, 0, NULL,
     NULL, SERVER(outside_ca_file), 0, NULL,
     "a PEM file of CA certificates trusted, instead of the system's, when fetching a client's "
     "jwks_uri or metadata document (a private CA; the tests)"},
    {"server", "registration_policy", CONFIG_CHOICE, "off", NULL, 0, 0, NULL,
     REGISTRATION_POLICIES, SERVER(registration_policy), 0, NULL,
     "dynamic client registration at /oauth2/v1/register (RFC 7591/7592, docs/clients.md): off, "
     "initial_access_token (a token from `gatehouse client initial-token` is required) or open "
     "(anyone may register a public client with PKCE and the scopes openid profile email "
     "offline_access)"},
    {"server", "registration_rate", CONFIG_NUMBER, "10", NULL, 0, 100000, "count", NULL,
     SERVER(registration_rate), 0, NULL,
     "dynamic client registrations per client address and hour; 0 = no limit"},
    {"server", "registration_unused_ttl", CONFIG_NUMBER, "2592000", NULL, 1, 3650 * DAY, "seconds",
     NULL, SERVER(registration_unused_ttl), 0, NULL,
     "a dynamically registered client that gets no token for this long is deleted (operators' "
     "clients never are)"},
    {"server", "backchannel_logout_timeout", CONFIG_NUMBER, "5", NULL, 1, 60, "seconds", NULL,
     SERVER(backchannel_logout_timeout), 0, NULL,
     "back-channel logout: time a client's backchannel_logout_uri has to answer each attempt"},
    {"server", "backchannel_logout_attempts", CONFIG_NUMBER, "8", NULL, 1, 100, "count", NULL,
     SERVER(backchannel_logout_attempts), 0, NULL,
     "back-channel logout: attempts (on timeouts and 5xx answers) before a logout token is "
     "given up (logged)"},
    {"server", "backchannel_logout_backoff", CONFIG_NUMBER, "10", NULL, 1, 3600, "seconds", NULL,
     SERVER(backchannel_logout_backoff), 0, NULL,
     "back-channel logout: wait before the first retry; doubles with each further one, at most "
     "an hour"},
    {"server", "password_min_length", CONFIG_NUMBER, "10", NULL, 8, 128, "count", NULL,
     SERVER(password_min_length), 0, NULL,
     "the fewest characters a new password may have (user add, user passwd, reset, "
     "registration); common passwords are refused at any length"},
    {"server", "registration", CONFIG_CHOICE, "off", NULL, 0, 0, NULL, REGISTRATIONS,
     SERVER(registration), 0, NULL,
     "self-registration at /auth/register: off, open to anyone, or invite (only with a link "
     "from `gatehouse user invite`)"},
    {"server", "self_service_rate", CONFIG_NUMBER, "10", NULL, 0, 100000, "count", NULL,
     SERVER(self_service_rate), 0, NULL,
     "password-reset and registration requests per client address and hour; 0 = no limit"},
    {"server", "mail_rate_account", CONFIG_NUMBER, "3", NULL, 0, 1000, "count", NULL,
     SERVER(mail_rate_account), 0, NULL,
     "reset and verification mails per account and hour (more are silently not sent); "
     "0 = no limit"},
    {"server", "mfa_secret_key", CONFIG_TEXT, NULL, "generated once, kept in the store", 0, 0,
     NULL, NULL, SERVER(mfa_secret_key), CONFIG_SECRET, long_secret,
     "key that seals TOTP secrets at rest (at least 32 characters; the same on every instance "
     "and for the CLI); kept outside the database, a copy of the database alone opens none "
     "(docs/mfa.md)"},
    {"server", "mfa_secret_key_previous", CONFIG_TEXT, NULL, "none", 0, 0, NULL, NULL,
     SERVER(mfa_secret_key_previous), CONFIG_SECRET, long_secret,
     "the mfa_secret_key before a rotation: secrets sealed under it still open and are "
     "re-sealed under mfa_secret_key as they are used or by `gatehouse user mfa --reseal` "
     "(docs/mfa.md)"},
    {"server", "passkeys", CONFIG_CHOICE, "on", NULL, 0, 0, NULL, OFF_ON, SERVER(passkeys), 0, NULL,
     "passkeys (WebAuthn): sign-in with a passkey, /account/passkeys (needs a domain name in the "
     "issuer or passkey_rp_id, not an IP address)"},
    {"server", "passkey_rp_id", CONFIG_TEXT, NULL, "the issuer's host", 0, 0, NULL, NULL,
     SERVER(passkey_rp_id), 0, NULL,
     "passkeys: the WebAuthn RP ID, the issuer's host or a parent domain of it; a passkey works "
     "only under its RP ID"},
    {"server", "passkey_user_verification", CONFIG_CHOICE, "preferred", NULL, 0, 0, NULL,
     USER_VERIFICATION, SERVER(passkey_user_verification), 0, NULL,
     "passkeys: whether the authenticator must verify the person (PIN, biometrics) or should"},

    /* ---- [gateway]: the social-login gateway ---- */
    {"gateway", "listen", CONFIG_TEXT, "127.0.0.1:8081", NULL, 0, 0, NULL, NULL, GATEWAY(listen), 0,
     not_empty, "address the gateway listens on (HOST:PORT)"},
    {"gateway", "public_url", CONFIG_TEXT, NULL, "http:// + listen", 0, 0, NULL, NULL,
     GATEWAY(public_url), 0, http_url,
     "the gateway's URL as browsers see it; callbacks are public_url + "
     "/oauth2/callback?platform=NAME"},
    {"gateway", "jwt_secret", CONFIG_TEXT, NULL, "generated once, kept in the store", 0, 0, NULL,
     NULL, GATEWAY(jwt_secret), CONFIG_SECRET, long_secret,
     "key of the access and refresh cookies (at least 32 characters); the same on every instance"},
    {"gateway", "access_ttl", CONFIG_NUMBER, "900", NULL, 60, DAY, "seconds", NULL,
     GATEWAY(access_ttl), 0, NULL, "lifetime of the access cookie"},
    {"gateway", "refresh_ttl", CONFIG_NUMBER, "1209600", NULL, 300, 365 * DAY, "seconds", NULL,
     GATEWAY(refresh_ttl), 0, NULL, "lifetime of the refresh cookie (14 days)"},
    {"gateway", "refresh_grace", CONFIG_NUMBER, "5", NULL, 0, 60, "seconds", NULL,
     GATEWAY(refresh_grace), 0, NULL,
     "time after its rotation in which a refresh cookie presented again (two tabs at once) "
     "still rotates instead of ending its family; 0 = off"},
    {"gateway", "state_ttl", CONFIG_NUMBER, "600", NULL, 1, 3600, "seconds", NULL,
     GATEWAY(state_ttl), 0, NULL, "time a login URL's state stays usable"},
    {"gateway", "upstream_timeout", CONFIG_NUMBER, "10", NULL, 1, 120, "seconds", NULL,
     GATEWAY(upstream_timeout), 0, NULL, "time allowed for each call to a platform"},
    {"gateway", "metrics_allow", CONFIG_TEXT, NULL, "[server] metrics_allow", 0, 0, NULL, NULL,
     GATEWAY(metrics_allow), 0, addresses,
     "client addresses that may read the gateway's /metrics, or any; others get 404"},
    {"gateway", "login_rate", CONFIG_NUMBER, "60", NULL, 0, 1000000, "count", NULL,
     GATEWAY(login_rate), 0, NULL,
     "login URLs (new states) per client address and window, then 429; 0 = no limit"},
    {"gateway", "login_rate_window", CONFIG_NUMBER, "60", NULL, 1, DAY, "seconds", NULL,
     GATEWAY(login_rate_window), 0, NULL, "the window of login_rate"},

    /* ---- [smtp]: the authorization server's mail ---- */
    {"smtp", "url", CONFIG_TEXT, NULL, "none: no mail", 0, 0, NULL, NULL, SMTP(url), CONFIG_URL,
     smtp_url,
     "the mail server: smtp://HOST[:PORT] (STARTTLS required unless HOST is loopback) or "
     "smtps://HOST[:PORT]"},
    {"smtp", "from", CONFIG_TEXT, NULL, "required with url", 0, 0, NULL, NULL, SMTP(from), 0,
     mail_address, "the sender's address"},
    {"smtp", "user", CONFIG_TEXT, NULL, "none: no SMTP AUTH", 0, 0, NULL, NULL, SMTP(user), 0,
     not_empty, "the user for SMTP AUTH"},
    {"smtp", "password", CONFIG_TEXT, NULL, "none", 0, 0, NULL, NULL, SMTP(password),
     CONFIG_SECRET, NULL, "the password for SMTP AUTH"},
    {"smtp", "retry_min", CONFIG_NUMBER, "30", NULL, 1, DAY, "seconds", NULL, SMTP(retry_min), 0,
     NULL, "the wait before a failed message is tried again; doubles with each failure"},
    {"smtp", "retry_max", CONFIG_NUMBER, "3600", NULL, 1, DAY, "seconds", NULL, SMTP(retry_max),
     0, NULL, "the longest wait between two tries"},
    {"smtp", "max_attempts", CONFIG_NUMBER, "12", NULL, 1, 1000, "count", NULL,
     SMTP(max_attempts), 0, NULL, "tries before a message is given up (logged)"},
    {"smtp", "timeout", CONFIG_NUMBER, "30", NULL, 1, 600, "seconds", NULL, SMTP(timeout), 0,
     NULL, "the time one delivery may take"},

    /* ---- [platform.NAME]: one per sign-in platform (gateway and server) ---- */
    {"platform.*", "kind", CONFIG_WORD, NULL, NULL, 0, 0, NULL, KINDS, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "what the platform is; decides the defaults (required)"},
    {"platform.*", "client_id", CONFIG_TEXT, NULL, NULL, 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "our client id at the platform (required)"},
    {"platform.*", "client_secret", CONFIG_TEXT, NULL, NULL, 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV | CONFIG_SECRET, NULL, "our client secret there"},
    {"platform.*", "issuer", CONFIG_TEXT, NULL, NULL, 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL,
     "kind = oidc: the provider's issuer; endpoints come from its discovery document"},
    {"platform.*", "scope", CONFIG_TEXT, NULL, "the kind's", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "scopes separated by spaces (joined the platform's way)"},
    {"platform.*", "label", CONFIG_TEXT, NULL, "the kind's name", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "the name on the sign-in button"},
    {"platform.*", "authorize_url", CONFIG_TEXT, NULL, "the kind's", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "overrides the authorization endpoint"},
    {"platform.*", "token_url", CONFIG_TEXT, NULL, "the kind's", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "overrides the token endpoint"},
    {"platform.*", "userinfo_url", CONFIG_TEXT, NULL, "the kind's", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "overrides the user-information endpoint"},
    {"platform.*", "revoke_url", CONFIG_TEXT, NULL, "the kind's", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "overrides the endpoint that unlinks an account"},
    {"platform.*", "jwks_url", CONFIG_TEXT, NULL, "discovered", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL,
     "kind = oidc: the provider's JWKS, when it is not on the issuer's origin"},

    {"platform.*", "single_sign_out", CONFIG_WORD, "false", NULL, 0, 0, NULL, YES_NO, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL,
     "gateway, kind = oidc: signing out also ends the person's session at the platform "
     "(RP-initiated logout; register public_url + / there as a post-logout redirect URI)"},
    {"platform.*", "link_by_verified_email", CONFIG_WORD, "false", NULL, 0, 0, NULL, YES_NO, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL,
     "server: a first sign-in whose e-mail the platform asserts verified joins the member with "
     "that e-mail (docs/federation.md)"},

    /* ---- [scope.NAME]: a scope of your own: its words on the consent page, its claims ---- */
    {"scope.*", "label_en", CONFIG_TEXT, NULL, "the scope's name", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "what the scope lets an application do, in English"},
    {"scope.*", "label_ko", CONFIG_TEXT, NULL, "label_en", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL, "the same in Korean"},
    {"scope.*", "claims", CONFIG_TEXT, NULL, "none", 0, 0, NULL, NULL, 0,
     CONFIG_NO_SLOT | CONFIG_NO_ENV, NULL,
     "the claims the scope releases (space-separated): standard claims, or member attributes "
     "of those names (docs/claims.md)"},
};
/* clang-format on */

const config_key_t *config_keys(size_t *count)
{
    *count = sizeof KEYS / sizeof KEYS[0];
    return KEYS;
}
