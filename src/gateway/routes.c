/* The gateway's route table: the seed 002 API, and room for the web page
 * (GET /, GET /oauth2/callback, static files), which lives in its own file
 * and adds its lines here. Order matters: the first route matching the path
 * and the method wins, so the fixed /login/put and /login/auto paths come
 * before the /login/{platform} prefix. */
#include "gateway/gateway_int.h"
#include "ui/ui.h"

const http_route_t GW_ROUTES[] = {
    {HTTP_PUT, "/oauth2/api/login/put", gw_reconsent_handler, "reconsent", NULL, HTTP_CORS_NONE},
    {HTTP_POST, "/oauth2/api/login/auto", gw_auto_login_handler, "auto_login", NULL,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, GW_LOGIN_PREFIX "*", gw_login_handler, "login", NULL, HTTP_CORS_NONE},
    {HTTP_POST, "/oauth2/api/logout", gw_logout_handler, "logout", NULL, HTTP_CORS_NONE},
    {HTTP_DELETE, "/oauth2/api/revoke", gw_revoke_handler, "revoke", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/oauth2/api/userinfo", gw_userinfo_handler, "userinfo", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/healthz", http_health_handler, "healthz", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/metrics", http_metrics_handler, "metrics", NULL, HTTP_CORS_NONE},
    /* the web page (web.c) */
    {HTTP_GET, "/oauth2/api/platforms", gw_platforms_handler, "platforms", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/", gw_page_handler, "page", NULL, HTTP_CORS_NONE},
    {HTTP_GET, GW_CALLBACK_PATH, gw_page_handler, "callback", GW_CALLBACK_PARAMS, HTTP_CORS_NONE},
    {HTTP_GET, "/gateway/app.js", gw_asset_handler, "asset", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/gateway/marks.js", gw_asset_handler, "asset", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/gateway/app.css", gw_asset_handler, "asset", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/static/*", ui_static_handler, "static", NULL, HTTP_CORS_NONE},
};

const size_t GW_ROUTE_COUNT = sizeof GW_ROUTES / sizeof GW_ROUTES[0];
