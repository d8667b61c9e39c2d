/* Files compiled into the binary (see cmake/embed.cmake): the web/ pages and
 * the SQL migrations. */
#ifndef GH_CORE_ASSETS_H
#define GH_CORE_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path; /* relative to web/, e.g. "templates/login.html" */
    const char *data; /* NUL-terminated (the NUL is not counted in len) */
    size_t len;
} asset_t;

/* The files of web/, ended by an entry whose path is NULL. */
extern const asset_t ASSETS[];

/* The SQL migrations of src/store/schema ("sqlite/001_init.sql", …), sorted by
 * path, ended by an entry whose path is NULL. */
extern const asset_t SCHEMA_FILES[];

/* The entry of table at path, or NULL. */
const asset_t *asset_find(const asset_t *table, const char *path);

#endif
