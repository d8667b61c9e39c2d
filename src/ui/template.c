/* The template engine: {{name}} (escaped) and {{{name}}} (trusted HTML).
 *
 * One pass over the text, no allocation besides the output buffer, no
 * recursion: a substituted value is never scanned for tags again, so nothing a
 * user typed can become a tag. Tag names are at most TPL_NAME_MAX bytes. */
#include "ui/ui_int.h"

#include <string.h>

#include "core/assets.h"
#include "core/log.h"

void ui_html_escape(buf_t *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        buf_append(b, run, (size_t)(s - run));
        buf_puts(b, rep);
        run = s + 1;
    }
    buf_append(b, run, (size_t)(s - run));
}

typedef struct {
    const char *name;
    size_t name_len;
    size_t tag_len; /* bytes from the first '{' to after the last '}' */
    bool triple;
} tag_t;

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Parses the tag starting at p (which begins with "{{"), end = the end of text. */
static bool parse_tag(const char *p, const char *end, tag_t *t)
{
    size_t braces = (end - p > 2 && p[2] == '{') ? 3 : 2;
    const char *name = p + braces, *q = name;
    while (q < end && q - name <= TPL_NAME_MAX && is_name_char(*q))
        q++;
    size_t n = (size_t)(q - name);
    if (n == 0 || n > TPL_NAME_MAX || (size_t)(end - q) < braces)
        return false;
    for (size_t i = 0; i < braces; i++)
        if (q[i] != '}')
            return false;
    t->name = name;
    t->name_len = n;
    t->tag_len = braces * 2 + n;
    t->triple = braces == 3;
    return true;
}

static const tpl_var_t *find_var(const tag_t *t, const tpl_var_t *vars, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(vars[i].name) == t->name_len && !memcmp(vars[i].name, t->name, t->name_len))
            return &vars[i];
    char name[TPL_NAME_MAX + 1];
    memcpy(name, t->name, t->name_len);
    name[t->name_len] = '\0';
    log_event(LOG_DEBUG, "ui_template_unknown_name", "name", name, NULL);
    return NULL;
}

static void substitute(buf_t *b, const tag_t *t, const tpl_var_t *v)
{
    if (!v || !v->value)
        return;
    if (t->triple && v->html) {
        buf_puts(b, v->value);
        return;
    }
    if (t->triple)
        log_event(LOG_DEBUG, "ui_template_untrusted_html", "name", v->name, NULL);
    ui_html_escape(b, v->value);
}

void tpl_expand(buf_t *b, const char *src, size_t len, const tpl_var_t *vars, size_t count)
{
    const char *p = src, *end = src + len;
    while (p < end) {
        const char *open = memmem(p, (size_t)(end - p), "{{", 2);
        if (!open) {
            buf_append(b, p, (size_t)(end - p));
            return;
        }
        buf_append(b, p, (size_t)(open - p));
        tag_t t;
        if (!parse_tag(open, end, &t)) {
            buf_append(b, open, 2);
            p = open + 2;
            continue;
        }
        substitute(b, &t, find_var(&t, vars, count));
        p = open + t.tag_len;
    }
}

gh_status_t tpl_render(buf_t *b, const char *path, const tpl_var_t *vars, size_t count)
{
    const asset_t *tpl = asset_find(ASSETS, path);
    if (!tpl) {
        log_event(LOG_ERROR, "ui_template_missing", "path", path, NULL);
        return GH_ERR_NOT_FOUND;
    }
    tpl_expand(b, tpl->data, tpl->len, vars, count);
    return GH_OK;
}
