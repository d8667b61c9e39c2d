/* The gateway's platforms: the [platform.*] sections loaded by the platform
 * library with the gateway's callback (public_url + /oauth2/callback
 * ?platform=NAME), at least one of them, and the one a request names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"
#include "gateway/gateway_int.h"

platform_site_t gw_platform_site(const char *public_url, long timeout_ms, char *buf, size_t len)
{
    snprintf(buf, len, "%s" GW_CALLBACK_PATH "?platform=", public_url ? public_url : "");
    return (platform_site_t){buf, NULL, timeout_ms, true};
}

platform_t *gw_platform_find(const http_request_t *req, const char *name)
{
    return platform_set_find(atomic_load(&gw_app_of(req)->platforms), name);
}

/* Whether any [platform.*] section exists. */
static void on_any(const char *section, void *ctx)
{
    *(bool *)ctx = true;
}

gh_status_t gateway_check_platforms(const config_t *cfg, char *err, size_t err_len)
{
    bool any = false;
    config_each_section(cfg, "platform.", on_any, &any);
    if (!any)
        return GH_OK;
    char prefix[1024];
    platform_site_t site = gw_platform_site(cfg->gateway.public_url, 0, prefix, sizeof prefix);
    platform_set_t *set = NULL;
    gh_status_t st = platform_set_new(cfg, NULL, &site, &set, err, err_len);
    platform_set_free(set);
    return st;
}
