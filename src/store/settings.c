/* The settings store: small named values (settings.h). A first value is
 * inserted unless one exists and then read back, so instances starting
 * together on one database agree on whichever insert won (also for the
 * secrets generated once, store_setting_secret). */
#include "core/encoding.h"
#include "core/secret.h"
#include "store/db.h"

static store_sql_t SQL_GET = STORE_SQL("SELECT value FROM settings WHERE name = ?");
static store_sql_t SQL_INIT = STORE_SQL("INSERT INTO settings (name, value) VALUES (?, ?) "
                                        "ON CONFLICT (name) DO NOTHING");
static store_sql_t SQL_DELETE = STORE_SQL("DELETE FROM settings WHERE name = ?");
static store_sql_t SQL_REPLACE =
    STORE_SQL("UPDATE settings SET value = ? WHERE name = ? AND value = ?");

gh_status_t store_setting_get(store_t *s, arena_t *a, const char *name, const char **value)
{
    return db_get(s, &SQL_GET, "setting_get", store_read_text, a, value, "s", name);
}

gh_status_t store_setting_init(store_t *s, arena_t *a, const char *name, const char *value,
                               const char **value_out)
{
    gh_status_t st = db_exec(s, &SQL_INIT, "setting_init", "ss", name, value);
    return st == GH_OK ? store_setting_get(s, a, name, value_out) : st;
}

gh_status_t store_setting_secret(store_t *s, arena_t *a, const char *name, const char **value)
{
    unsigned char raw[32];
    char hex[65];
    gh_status_t st = secret_random(raw, sizeof raw);
    hex_encode(raw, sizeof raw, hex);
    secret_wipe(raw, sizeof raw);
    if (st == GH_OK)
        st = store_setting_init(s, a, name, hex, value);
    secret_wipe(hex, sizeof hex);
    return st;
}

gh_status_t store_setting_delete(store_t *s, const char *name)
{
    return db_exec(s, &SQL_DELETE, "setting_delete", "s", name);
}

gh_status_t store_setting_replace(store_t *s, const char *name, const char *old, const char *value)
{
    return db_exec_one(s, &SQL_REPLACE, "setting_replace", "sss", value, name, old);
}
