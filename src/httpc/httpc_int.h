/* Private to the httpc module: the libcurl table that httpc.c opens and
 * fills (httpc_init), shared with the SMTP client (smtp.c). */
#ifndef GH_HTTPC_HTTPC_INT_H
#define GH_HTTPC_HTTPC_INT_H

#include <curl/curl.h>
#include <stdbool.h>

#include "core/dynlib.h"

/* The libcurl functions called here, (prefix, name) for curl_name. */
#define LIBCURL_FUNCTIONS(X)                                                                       \
    X(curl_, easy_cleanup)                                                                         \
    X(curl_, easy_getinfo)                                                                         \
    X(curl_, easy_header)                                                                          \
    X(curl_, easy_init)                                                                            \
    X(curl_, easy_perform)                                                                         \
    X(curl_, easy_setopt)                                                                          \
    X(curl_, easy_strerror)                                                                        \
    X(curl_, free)                                                                                 \
    X(curl_, global_init)                                                                          \
    X(curl_, slist_append)                                                                         \
    X(curl_, slist_free_all)                                                                       \
    X(curl_, url)                                                                                  \
    X(curl_, url_cleanup)                                                                          \
    X(curl_, url_get)                                                                              \
    X(curl_, url_set)

typedef struct {
    LIBCURL_FUNCTIONS(DYNLIB_FIELD)
} libcurl_t;

/* Filled by httpc_init; call through it only after httpc_init returned GH_OK. */
extern libcurl_t libcurl;

/* 127.0.0.0/8, ::1 or localhost (the host as curl's URL parser gives it). */
bool httpc_host_is_loopback(const char *host);

#endif
