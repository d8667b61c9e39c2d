/* Fuzzes tpl_expand, the page template engine, with arbitrary values and an
 * arbitrary template. The input is split at NUL bytes: the template, then
 * the values of the variables a, b and client (b marked as trusted HTML).
 *
 * Checks the escaping promise: a value that is not trusted HTML, put in a
 * double or a triple tag, never brings a raw < > " ' into the page; and a
 * value is never scanned for tags (a value "{{b}}" stays text). */
#include "fuzz.h"
#include "ui/ui_int.h"

#define NVARS 3

/* Splits the input at NUL bytes into n strings (absent ones NULL). */
static void split_nul(arena_t *a, const uint8_t *data, size_t size, char **out, size_t n)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NULL;
        if (off > size)
            continue;
        size_t len = strnlen((const char *)data + off, size - off);
        out[i] = arena_strndup(a, (const char *)data + off, len);
        off += len + 1;
    }
}

static size_t count_of(const char *s, char c)
{
    size_t n = 0;
    for (; (s = strchr(s, c)); s++)
        n++;
    return n;
}

/* Expanding an untrusted value in both kinds of tag adds no markup and
 * finds no tag inside the value. */
static void check_escaped(arena_t *a, const char *value)
{
    static const char TPL[] = "<p>{{a}}</p><p>{{{a}}}</p>";
    tpl_var_t v = {"a", value, false};
    buf_t b;
    buf_init(&b, a);
    tpl_expand(&b, TPL, sizeof TPL - 1, &v, 1);
    const char *out = buf_cstr(&b);
    if (!out)
        return;
    FUZZ_CHECK(count_of(out, '<') == 4 && count_of(out, '>') == 4);
    FUZZ_CHECK(!strchr(out, '"') && !strchr(out, '\''));
    FUZZ_CHECK(!strstr(value, "{{") || strstr(out, "{{"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *parts[NVARS + 1];
    if (!a)
        return 0;
    split_nul(a, data, size, parts, NVARS + 1);
    tpl_var_t vars[NVARS] = {
        {"a", parts[1], false}, {"b", parts[2], true}, {"client", parts[3], false}};
    buf_t b;
    buf_init(&b, a);
    if (parts[0])
        tpl_expand(&b, parts[0], strlen(parts[0]), vars, NVARS);
    if (parts[1])
        check_escaped(a, parts[1]);
    arena_free(a);
    return 0;
}
