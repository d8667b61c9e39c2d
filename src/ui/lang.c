/* Choosing the page language from ui_locales and Accept-Language.
 *
 * Both inputs come from the user agent and are untrusted: they are read once,
 * left to right, as (pointer, length) slices, with no allocation and no limit
 * on their length other than the caller's. Anything unparseable is skipped. */
#include "ui/ui.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *p;
    size_t n;
} slice_t;

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static slice_t trim(const char *p, size_t n)
{
    while (n && is_ows(*p)) {
        p++;
        n--;
    }
    while (n && is_ows(p[n - 1]))
        n--;
    return (slice_t){p, n};
}

/* Whether tag is lang or lang-…, case-insensitively (RFC 4647 §3.3.1 basic filtering). */
static bool tag_is(slice_t tag, const char *lang)
{
    size_t n = strlen(lang);
    if (tag.n < n || strncasecmp(tag.p, lang, n))
        return false;
    return tag.n == n || tag.p[n] == '-';
}

/* Which language of ours the tag names; false when none. */
static bool tag_lang(slice_t tag, ui_lang_t *out)
{
    if (tag_is(tag, "ko")) {
        *out = UI_LANG_KO;
        return true;
    }
    if (tag_is(tag, "en")) {
        *out = UI_LANG_EN;
        return true;
    }
    return false;
}

/* Splits s at the next sep: *item gets the piece, the result is the rest (NULL at the end). */
static const char *next_item(const char *s, char sep, slice_t *item)
{
    const char *e = strchr(s, sep);
    size_t n = e ? (size_t)(e - s) : strlen(s);
    *item = (slice_t){s, n};
    return e ? e + 1 : NULL;
}

static bool pick_ui_locales(const char *s, ui_lang_t *out)
{
    while (s) {
        slice_t tag;
        s = next_item(s, ' ', &tag);
        if (tag_lang(trim(tag.p, tag.n), out))
            return true;
    }
    return false;
}

/* Parses an RFC 9110 §12.4.2 qvalue ("0", "0.5", "1.000") into thousandths; -1 when malformed. */
static int parse_qvalue(slice_t v)
{
    if (v.n == 0 || v.n > 5 || (v.p[0] != '0' && v.p[0] != '1'))
        return -1;
    int q = (v.p[0] - '0') * 1000;
    if (v.n == 1)
        return q;
    if (v.p[1] != '.')
        return -1;
    int scale = 100;
    for (size_t i = 2; i < v.n; i++, scale /= 10) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return -1;
        q += (v.p[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* The weight of one Accept-Language member "tag;q=…" in thousandths; -1 when malformed. */
static int member_weight(slice_t m, slice_t *tag)
{
    const char *semi = memchr(m.p, ';', m.n);
    *tag = trim(m.p, semi ? (size_t)(semi - m.p) : m.n);
    if (!semi)
        return 1000;
    slice_t param = trim(semi + 1, m.n - (size_t)(semi + 1 - m.p));
    if (param.n < 2 || (param.p[0] != 'q' && param.p[0] != 'Q') || param.p[1] != '=')
        return -1;
    return parse_qvalue(trim(param.p + 2, param.n - 2));
}

static bool pick_accept_language(const char *s, ui_lang_t *out)
{
    int best = 0;
    while (s) {
        slice_t m, tag;
        ui_lang_t lang;
        s = next_item(s, ',', &m);
        int q = member_weight(m, &tag);
        if (q > best && tag_lang(tag, &lang)) { /* strictly greater: ties keep the first */
            best = q;
            *out = lang;
        }
    }
    return best > 0;
}

ui_lang_t ui_lang_pick(const char *ui_locales, const char *accept_language)
{
    ui_lang_t lang = UI_LANG_EN;
    if (ui_locales && pick_ui_locales(ui_locales, &lang))
        return lang;
    if (accept_language && pick_accept_language(accept_language, &lang))
        return lang;
    return UI_LANG_EN;
}

const char *ui_lang_tag(ui_lang_t lang)
{
    return lang == UI_LANG_KO ? "ko" : "en";
}
