/* The mail-links store (mail_links.h): one row per link sent, by its token's
 * digest. Taking a link is one UPDATE … RETURNING guarded by used_at and
 * expires_at, so on either engine exactly one of concurrent takers wins;
 * expired links are purged a day after they expire (purge.c), long enough to
 * tell a person that the link expired rather than that it is unknown. */
#include "store/db.h"

#define LINK_COLS "purpose, sub, email, expires_at, used_at"

static store_sql_t SQL_PUT = STORE_SQL("INSERT INTO mail_links (digest, " LINK_COLS ", created_at) "
                                       "VALUES (?, ?, ?, ?, ?, NULL, ?)");
static store_sql_t SQL_GET =
    STORE_SQL("SELECT " LINK_COLS " FROM mail_links WHERE digest = ? AND purpose = ?");
/* ?1 digest, ?2 purpose, ?3 now */
static store_sql_t SQL_TAKE =
    STORE_SQL("UPDATE mail_links SET used_at = ?3 WHERE digest = ?1 AND purpose = ?2 "
              "AND used_at IS NULL AND expires_at > ?3 RETURNING " LINK_COLS);
static store_sql_t SQL_END_ALL =
    STORE_SQL("UPDATE mail_links SET used_at = ?3 WHERE sub = ?1 AND purpose = ?2 "
              "AND used_at IS NULL");

static gh_status_t read_link(store_row_t *r, arena_t *a, void *row)
{
    store_mail_link_t l = {0};
    l.purpose = store_row_text(r, a);
    l.sub = store_row_text(r, a);
    l.email = store_row_text(r, a);
    l.expires_at = store_row_int(r);
    l.used_at = store_row_int(r);
    return store_row_done(r, &l, sizeof l, row);
}

gh_status_t store_mail_link_put(store_t *s, const char *digest, const store_mail_link_t *l,
                                int64_t now)
{
    store_purge(s, now);
    return db_exec(s, &SQL_PUT, "link_put", "ssssii", digest, l->purpose, l->sub, l->email,
                   l->expires_at, now);
}

gh_status_t store_mail_link_get(store_t *s, arena_t *a, const char *digest, const char *purpose,
                                store_mail_link_t *out)
{
    return db_get(s, &SQL_GET, "link_get", read_link, a, out, "ss", digest, purpose);
}

gh_status_t store_mail_link_take(store_t *s, arena_t *a, const char *digest, const char *purpose,
                                 int64_t now, store_mail_link_t *out)
{
    return db_get(s, &SQL_TAKE, "link_take", read_link, a, out, "ssi", digest, purpose, now);
}

gh_status_t store_mail_link_end_all(store_t *s, const char *sub, const char *purpose, int64_t now)
{
    return db_exec(s, &SQL_END_ALL, "link_end_all", "ssi", sub, purpose, now);
}
