/* Address lists (core/cidr.h): parsing an operator's text and matching a
 * client's address against it, prefix by prefix. */
#include "core/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATORS " \t,"

static const unsigned char V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* The address in text into out[16]; *v6 says which family. False when it is
 * none. A v4-mapped IPv6 address is taken as its IPv4 address. */
static bool parse_addr(const char *text, unsigned char out[16], bool *v6)
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET, text, out) == 1) {
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, text, out) != 1)
        return false;
    *v6 = memcmp(out, V4_MAPPED, sizeof V4_MAPPED) != 0;
    if (!*v6) {
        memmove(out, out + 12, 4);
        memset(out + 4, 0, 12);
    }
    return true;
}

/* One entry "ADDR" or "ADDR/BITS" (n bytes of s). */
static bool parse_entry(const char *s, size_t n, cidr_t *out)
{
    char text[64];
    if (n == 0 || n >= sizeof text)
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    char *slash = strchr(text, '/');
    long bits = -1;
    if (slash) {
        char *end = NULL;
        *slash = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || bits < 0)
            return false;
    }
    if (!parse_addr(text, out->addr, &out->v6))
        return false;
    long max = out->v6 ? 128 : 32;
    if (bits > max)
        return false;
    out->bits = (unsigned char)(bits < 0 ? max : bits);
    return true;
}

static gh_status_t bad(char *err, size_t err_len, const char *s, size_t n, const char *why)
{
    snprintf(err, err_len, "%s: '%.*s'", why, (int)(n > 64 ? 64 : n), s);
    return GH_ERR_INVALID;
}

gh_status_t cidr_list_parse(const char *text, cidr_list_t *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    for (const char *s = text + strspn(text, SEPARATORS); *s; s += strspn(s, SEPARATORS)) {
        size_t n = strcspn(s, SEPARATORS);
        if (n == 3 && strncmp(s, "any", 3) == 0)
            out->any = true;
        else if (out->count == CIDR_MAX)
            return bad(err, err_len, s, n, "too many addresses at");
        else if (!parse_entry(s, n, &out->items[out->count++]))
            return bad(err, err_len, s, n, "expected ADDRESS[/BITS] or any, got");
        s += n;
    }
    if (out->any && out->count > 0)
        return bad(err, err_len, text, strlen(text), "'any' stands alone, got");
    if (!out->any && out->count == 0)
        return bad(err, err_len, text, strlen(text), "expected addresses or any, got");
    return GH_OK;
}

static bool prefix_matches(const cidr_t *c, const unsigned char addr[16])
{
    size_t whole = c->bits / 8u;
    unsigned rest = c->bits % 8u;
    if (memcmp(c->addr, addr, whole) != 0)
        return false;
    unsigned char mask = (unsigned char)(0xffu << (8 - rest));
    return rest == 0 || ((c->addr[whole] ^ addr[whole]) & mask) == 0;
}

bool cidr_list_allows(const cidr_list_t *list, const char *text)
{
    unsigned char addr[16];
    bool v6 = false;
    if (!text || !parse_addr(text, addr, &v6))
        return false;
    if (list->any)
        return true;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].v6 == v6 && prefix_matches(&list->items[i], addr))
            return true;
    return false;
}
