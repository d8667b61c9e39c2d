/* Lookup in the table of embedded web/ files. */
#include "core/assets.h"

#include <string.h>

const asset_t *asset_find(const asset_t *table, const char *path)
{
    for (const asset_t *a = table; a->path; a++)
        if (!strcmp(a->path, path))
            return a;
    return NULL;
}
