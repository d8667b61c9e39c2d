/* Address lists: which clients may reach an endpoint by their address, as
 * an operator writes them ("127.0.0.0/8 ::1 10.0.0.0/8", or "any").
 *
 * A list is parsed once (at start) into a fixed array and matched per request
 * without allocating. Entries are separated by spaces or commas; an entry is
 * an IPv4 or IPv6 address with an optional prefix length (a bare address is
 * that one address). An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches as
 * the IPv4 address. */
#ifndef GH_CORE_CIDR_H
#define GH_CORE_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#define CIDR_MAX 32 /* entries in one list */

typedef struct {
    unsigned char addr[16]; /* IPv4 in the first 4 bytes */
    unsigned char bits;     /* prefix length */
    bool v6;
} cidr_t;

typedef struct {
    cidr_t items[CIDR_MAX];
    size_t count;
    bool any; /* "any": every address */
} cidr_list_t;

/* Parses text into *out. GH_ERR_INVALID (with the offending entry in err) for
 * a malformed entry, a prefix longer than the address, "any" beside other
 * entries, an empty list or more than CIDR_MAX entries. */
gh_status_t cidr_list_parse(const char *text, cidr_list_t *out, char *err, size_t err_len);

/* True when the address in text (as inet_ntop writes it) is in the list;
 * false for anything that is not an address. */
bool cidr_list_allows(const cidr_list_t *list, const char *addr);

#endif
