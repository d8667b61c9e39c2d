/* The authorization server (`gatehouse serve`): wires the store, the signing
 * keys, the pages and the OAuth/OIDC endpoints to one HTTP route table. */
#ifndef GH_OAUTH_SERVER_H
#define GH_OAUTH_SERVER_H

#include "core/config.h"

/* Opens the store, ensures a signing key, serves until SIGINT or SIGTERM, then
 * finishes the requests in flight. Returns the process exit status (0, or 1
 * with one line on stderr saying why it could not start). */
int oauth_serve(const config_t *cfg);

#endif
