/* Which embedded web/static file a /static/<name> path names.
 *
 * The path is untrusted. Only flat names made of [A-Za-z0-9._-], not starting
 * with '.', without "..", and with an extension in the table below are looked
 * up; everything else (traversal, sub-directories, encoded tricks that survived
 * decoding, dot files, unknown types) is simply not found. Kept apart from
 * ui_static_handler so it can be tested without the HTTP layer. */
#include "ui/ui.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define STATIC_PREFIX "/static/"
#define NAME_MAX_LEN 64

typedef struct {
    const char *ext, *content_type;
} mime_t;

static const mime_t MIME_TYPES[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
};

static bool name_ok(const char *name, size_t n)
{
    if (n == 0 || n > NAME_MAX_LEN || name[0] == '.' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

static const char *mime_of(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof MIME_TYPES / sizeof MIME_TYPES[0]; i++) {
        size_t e = strlen(MIME_TYPES[i].ext);
        if (n > e && !strcmp(name + n - e, MIME_TYPES[i].ext))
            return MIME_TYPES[i].content_type;
    }
    return NULL;
}

const asset_t *ui_static_find(const char *path, const char **content_type)
{
    if (!path || strncmp(path, STATIC_PREFIX, strlen(STATIC_PREFIX)))
        return NULL;
    const char *name = path + strlen(STATIC_PREFIX);
    size_t n = strlen(name);
    const char *type = name_ok(name, n) ? mime_of(name, n) : NULL;
    if (!type)
        return NULL;
    char rel[sizeof "static/" + NAME_MAX_LEN];
    snprintf(rel, sizeof rel, "static/%s", name);
    const asset_t *file = asset_find(ASSETS, rel);
    if (file)
        *content_type = type;
    return file;
}
