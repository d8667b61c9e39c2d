/* Reading rows, for every feature store: the column getters over the
 * engine's cursor (store_row_t), so the SQLite and PostgreSQL engines supply
 * only their two getters and each feature's reader reads its columns the
 * same way on both; and the readers of one plain value. Strings are copied
 * into the caller's arena; a record is written only when its whole row was
 * read. */
#include <string.h>

#include "store/store_int.h"

char *store_row_text(store_row_t *r, arena_t *a)
{
    return r->ops->text(r, a);
}

int64_t store_row_int(store_row_t *r)
{
    return r->ops->integer(r);
}

void store_row_authn(store_row_t *r, arena_t *a, store_authn_t *out)
{
    out->amr = store_row_text(r, a);
    out->acr = store_row_text(r, a);
    out->idp = store_row_text(r, a);
    out->sid = store_row_text(r, a);
}

gh_status_t store_row_done(const store_row_t *r, const void *rec, size_t size, void *row)
{
    if (r->oom)
        return GH_ERR_NOMEM;
    memcpy(row, rec, size);
    return GH_OK;
}

gh_status_t store_read_text(store_row_t *r, arena_t *a, void *row)
{
    const char *v = store_row_text(r, a);
    return store_row_done(r, &v, sizeof v, row);
}

gh_status_t store_read_int(store_row_t *r, arena_t *a, void *row)
{
    (void)a;
    *(int64_t *)row = store_row_int(r);
    return GH_OK;
}

gh_status_t store_read_bool(store_row_t *r, arena_t *a, void *row)
{
    (void)a;
    *(bool *)row = store_row_int(r) != 0;
    return GH_OK;
}
