/* Expired rows of every feature, deleted at most once a minute of `now` in
 * each process by the operations that are given the time. Used codes and
 * refresh tokens (and the gateway's states and refresh records) stay an hour
 * past expiry, so a late replay is still recognised as one; failure counters
 * idle for 30 days are forgotten; audit events once older than their
 * retention (store_events_retention; 0 keeps them). */
#include <stdint.h>

#include "core/log.h"
#include "store/db.h"

#define PURGE_EVERY 60         /* seconds between two deletions of expired rows */
#define KEEP_AFTER_EXPIRY 3600 /* used codes / tokens stay this long for reuse detection */
#define KEEP_ATTEMPTS (30 * 86400)
#define KEEP_LINKS 86400 /* mail links: "expired" rather than "unknown" for a day */

static store_sql_t SQL_SESSIONS = STORE_SQL("DELETE FROM sessions WHERE expires_at <= ?");
static store_sql_t SQL_SESSION_CLIENTS =
    STORE_SQL("DELETE FROM session_clients WHERE expires_at <= ?");
static store_sql_t SQL_CODES = STORE_SQL("DELETE FROM codes WHERE expires_at < ?");
static store_sql_t SQL_REFRESH = STORE_SQL("DELETE FROM refresh_tokens WHERE expires_at < ?");
static store_sql_t SQL_JTI = STORE_SQL("DELETE FROM revoked_tokens WHERE expires_at <= ?");
static store_sql_t SQL_ATTEMPTS =
    STORE_SQL("DELETE FROM attempts WHERE last_failure < ?1 AND last_success < ?1");
static store_sql_t SQL_DEVICE = STORE_SQL("DELETE FROM device_codes WHERE expires_at < ?");
static store_sql_t SQL_GW_STATES = STORE_SQL("DELETE FROM gateway_states WHERE expires_at < ?");
static store_sql_t SQL_LINKS = STORE_SQL("DELETE FROM mail_links WHERE expires_at < ?");
static store_sql_t SQL_MFA_PENDING = STORE_SQL("DELETE FROM mfa_pending WHERE expires_at <= ?");
static store_sql_t SQL_FED_STATES = STORE_SQL("DELETE FROM federation_states WHERE expires_at < ?");
static store_sql_t SQL_GW_REFRESH = STORE_SQL("DELETE FROM gateway_refresh WHERE expires_at < ?");
static store_sql_t SQL_EVENTS = STORE_SQL("DELETE FROM events WHERE time < ?");
static store_sql_t SQL_PASSKEY_CHALLENGES =
    STORE_SQL("DELETE FROM passkey_challenges WHERE expires_at <= ?");

void store_purge(store_t *s, int64_t now)
{
    int64_t due = atomic_load(&s->next_purge);
    if (now < due || !atomic_compare_exchange_strong(&s->next_purge, &due, now + PURGE_EVERY))
        return;
    int64_t retention = atomic_load(&s->events_retention);
    const struct {
        store_sql_t *sql;
        int64_t before;
    } steps[] = {
        {&SQL_SESSIONS, now},
        {&SQL_SESSION_CLIENTS, now},
        {&SQL_CODES, now - KEEP_AFTER_EXPIRY},
        {&SQL_REFRESH, now - KEEP_AFTER_EXPIRY},
        {&SQL_JTI, now},
        {&SQL_ATTEMPTS, now - KEEP_ATTEMPTS},
        {&SQL_DEVICE, now - KEEP_AFTER_EXPIRY},
        {&SQL_GW_STATES, now - KEEP_AFTER_EXPIRY},
        {&SQL_GW_REFRESH, now - KEEP_AFTER_EXPIRY},
        {&SQL_EVENTS, retention > 0 ? now - retention : INT64_MIN},
        {&SQL_LINKS, now - KEEP_LINKS},
        {&SQL_MFA_PENDING, now},
        {&SQL_PASSKEY_CHALLENGES, now},
        {&SQL_FED_STATES, now - KEEP_AFTER_EXPIRY},
    };
    if (db_begin(s, "purge") != GH_OK)
        return;
    gh_status_t st = GH_OK;
    for (size_t i = 0; st == GH_OK && i < sizeof steps / sizeof steps[0]; i++)
        st = db_exec(s, steps[i].sql, "purge", "i", steps[i].before);
    db_finish(s, "purge", st == GH_OK);
}
