/* The second-factor store (mfa.h), written once over both engines. The
 * replay rule of TOTP codes is one conditional UPDATE (last_step < the new
 * step), and a recovery code or a pending sign-in is used up by one DELETE
 * that must touch its row: the database decides every race. */
#include "store/db.h"

#define TOTP_COLS "sub, secret, confirmed, last_step, created_at"

static store_sql_t SQL_TOTP_GET = STORE_SQL("SELECT " TOTP_COLS " FROM mfa_totp WHERE sub = ?");
static store_sql_t SQL_TOTP_BEGIN =
    STORE_SQL("INSERT INTO mfa_totp (" TOTP_COLS ") VALUES (?, ?, 0, 0, ?) "
              "ON CONFLICT (sub) DO UPDATE SET secret = excluded.secret, "
              "created_at = excluded.created_at, last_step = 0 WHERE mfa_totp.confirmed = 0");
static store_sql_t SQL_TOTP_SET =
    STORE_SQL("INSERT INTO mfa_totp (" TOTP_COLS ") VALUES (?, ?, 1, ?, ?) "
              "ON CONFLICT (sub) DO UPDATE SET secret = excluded.secret, confirmed = 1, "
              "last_step = excluded.last_step, created_at = excluded.created_at");
static store_sql_t SQL_TOTP_CONFIRM =
    STORE_SQL("UPDATE mfa_totp SET confirmed = 1, last_step = ? WHERE sub = ? AND confirmed = 0");
static store_sql_t SQL_TOTP_USE = STORE_SQL(
    "UPDATE mfa_totp SET last_step = ?1 WHERE sub = ?2 AND confirmed = 1 AND last_step < ?1");
static store_sql_t SQL_TOTP_PAGE =
    STORE_SQL("SELECT " TOTP_COLS " FROM mfa_totp WHERE sub > ? ORDER BY sub LIMIT ?");
static store_sql_t SQL_TOTP_RESEAL =
    STORE_SQL("UPDATE mfa_totp SET secret = ? WHERE sub = ? AND secret = ?");
static store_sql_t SQL_RECOVERY_CLEAR = STORE_SQL("DELETE FROM mfa_recovery WHERE sub = ?");
static store_sql_t SQL_RECOVERY_ADD =
    STORE_SQL("INSERT INTO mfa_recovery (sub, digest, created_at) VALUES (?, ?, ?)");
static store_sql_t SQL_RECOVERY_USE =
    STORE_SQL("DELETE FROM mfa_recovery WHERE sub = ? AND digest = ?");
static store_sql_t SQL_RECOVERY_COUNT =
    STORE_SQL("SELECT COUNT(*) FROM mfa_recovery WHERE sub = ?");
static store_sql_t SQL_RESET_TOTP = STORE_SQL("DELETE FROM mfa_totp WHERE sub = ?");
static store_sql_t SQL_RESET_PENDING = STORE_SQL("DELETE FROM mfa_pending WHERE sub = ?");
static store_sql_t SQL_PENDING_PUT =
    STORE_SQL("INSERT INTO mfa_pending (digest, sub, amr, expires_at) VALUES (?, ?, ?, ?)");
static store_sql_t SQL_PENDING_GET = STORE_SQL(
    "SELECT digest, sub, amr, expires_at FROM mfa_pending WHERE digest = ? AND expires_at > ?");
static store_sql_t SQL_PENDING_TAKE = STORE_SQL("DELETE FROM mfa_pending WHERE digest = ?");

static gh_status_t read_totp(store_row_t *r, arena_t *a, void *row)
{
    store_mfa_totp_t t = {0};
    t.sub = store_row_text(r, a);
    t.secret = store_row_text(r, a);
    t.confirmed = store_row_int(r) != 0;
    t.last_step = store_row_int(r);
    t.created_at = store_row_int(r);
    return store_row_done(r, &t, sizeof t, row);
}

static gh_status_t read_pending(store_row_t *r, arena_t *a, void *row)
{
    store_mfa_pending_t p = {0};
    p.digest = store_row_text(r, a);
    p.sub = store_row_text(r, a);
    p.amr = store_row_text(r, a);
    p.expires_at = store_row_int(r);
    return store_row_done(r, &p, sizeof p, row);
}

gh_status_t store_mfa_totp_get(store_t *s, arena_t *a, const char *sub, store_mfa_totp_t *out)
{
    return db_get(s, &SQL_TOTP_GET, "mfa_totp_get", read_totp, a, out, "s", sub);
}

gh_status_t store_mfa_totp_begin(store_t *s, const store_mfa_totp_t *t)
{
    int changes = 0;
    gh_status_t st = db_exec_count(s, &SQL_TOTP_BEGIN, "mfa_totp_begin", &changes, "ssi", t->sub,
                                   t->secret, t->created_at);
    return st == GH_OK && changes == 0 ? GH_ERR_CONFLICT : st;
}

gh_status_t store_mfa_totp_set(store_t *s, const store_mfa_totp_t *t)
{
    return db_exec(s, &SQL_TOTP_SET, "mfa_totp_set", "ssii", t->sub, t->secret, t->last_step,
                   t->created_at);
}

gh_status_t store_mfa_totp_page(store_t *s, arena_t *a, const char *after, int64_t limit,
                                store_mfa_totp_t **rows, size_t *count)
{
    return db_list(s, &SQL_TOTP_PAGE, "mfa_totp_page", read_totp, a, sizeof **rows, (void **)rows,
                   count, "si", after, limit);
}

gh_status_t store_mfa_totp_reseal(store_t *s, const char *sub, const char *old, const char *sealed)
{
    return db_exec_one(s, &SQL_TOTP_RESEAL, "mfa_totp_reseal", "sss", sealed, sub, old);
}

gh_status_t store_mfa_totp_confirm(store_t *s, const char *sub, int64_t step)
{
    return db_exec_one(s, &SQL_TOTP_CONFIRM, "mfa_totp_confirm", "is", step, sub);
}

gh_status_t store_mfa_totp_use(store_t *s, const char *sub, int64_t step)
{
    gh_status_t st = db_exec_one(s, &SQL_TOTP_USE, "mfa_totp_use", "is", step, sub);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

gh_status_t store_mfa_recovery_replace(store_t *s, const char *sub, char *const *digests,
                                       size_t count, int64_t now)
{
    gh_status_t st = db_begin(s, "mfa_recovery_replace");
    if (st != GH_OK)
        return st;
    st = db_exec(s, &SQL_RECOVERY_CLEAR, "mfa_recovery_replace", "s", sub);
    for (size_t i = 0; st == GH_OK && i < count; i++)
        st = db_exec(s, &SQL_RECOVERY_ADD, "mfa_recovery_replace", "ssi", sub, digests[i], now);
    gh_status_t done = db_finish(s, "mfa_recovery_replace", st == GH_OK);
    return st == GH_OK ? done : st;
}

gh_status_t store_mfa_recovery_count(store_t *s, const char *sub, int64_t *count)
{
    return db_get(s, &SQL_RECOVERY_COUNT, "mfa_recovery_count", store_read_int, NULL, count, "s",
                  sub);
}

gh_status_t store_mfa_recovery_use(store_t *s, const char *sub, const char *digest, int64_t *left)
{
    gh_status_t st = db_exec_one(s, &SQL_RECOVERY_USE, "mfa_recovery_use", "ss", sub, digest);
    return st == GH_OK ? store_mfa_recovery_count(s, sub, left) : st;
}

/* Removes the member's TOTP secret and recovery codes (and pending sign-ins
 * waiting for a code), with the passkeys too when all_factors, in one
 * transaction named what. */
static gh_status_t remove_factors(store_t *s, const char *sub, bool all_factors, const char *what)
{
    gh_status_t st = db_begin(s, what);
    if (st != GH_OK)
        return st;
    store_sql_t *steps[] = {&SQL_RESET_TOTP, &SQL_RECOVERY_CLEAR, &SQL_RESET_PENDING};
    for (size_t i = 0; st == GH_OK && i < sizeof steps / sizeof steps[0]; i++)
        st = db_exec(s, steps[i], what, "s", sub);
    if (st == GH_OK && all_factors) /* passkeys are second factors too */
        st = store_passkey_remove_all(s, sub);
    gh_status_t done = db_finish(s, what, st == GH_OK);
    return st == GH_OK ? done : st;
}

gh_status_t store_mfa_reset(store_t *s, const char *sub)
{
    return remove_factors(s, sub, true, "mfa_reset");
}

gh_status_t store_mfa_totp_remove(store_t *s, const char *sub)
{
    return remove_factors(s, sub, false, "mfa_totp_remove");
}

gh_status_t store_mfa_pending_put(store_t *s, const store_mfa_pending_t *p)
{
    return db_exec(s, &SQL_PENDING_PUT, "mfa_pending_put", "sssi", p->digest, p->sub, p->amr,
                   p->expires_at);
}

gh_status_t store_mfa_pending_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                                  store_mfa_pending_t *out)
{
    return db_get(s, &SQL_PENDING_GET, "mfa_pending_get", read_pending, a, out, "si", digest, now);
}

gh_status_t store_mfa_pending_take(store_t *s, const char *digest)
{
    return db_exec_one(s, &SQL_PENDING_TAKE, "mfa_pending_take", "s", digest);
}
