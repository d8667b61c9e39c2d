/* The social-login gateway (`gatehouse gateway`): seed 002's API in front of
 * naver, kakao, google, github and any OpenID Connect provider, keeping
 * people signed in with its own `access` and `refresh` cookies. */
#ifndef GH_GATEWAY_GATEWAY_H
#define GH_GATEWAY_GATEWAY_H

#include "core/config.h"

/* Reads [gateway] and [platform.*] from cfg, opens the store, serves until
 * SIGINT or SIGTERM, then finishes the requests in flight. Returns the
 * process exit status (0, or 1 with one line on stderr saying why it could
 * not start). */
int gateway_serve(const config_t *cfg);

/* Checks the [platform.*] sections as gateway_serve would, without calling
 * any platform: GH_OK when there are none or all are usable, else
 * GH_ERR_INVALID with a one-line reason naming the section in err. */
gh_status_t gateway_check_platforms(const config_t *cfg, char *err, size_t err_len);

#endif
