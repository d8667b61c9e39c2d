/* Pages the person sees at the authorization server: sign-in, consent,
 * sign-out confirmation, error and information.
 *
 * Rendering only: the callers (oauth/) decide what to show; this module turns
 * it into HTML from the templates in web/templates (embedded in the binary),
 * escaping every value. Korean and English. The look comes from
 * /static/gatehouse.css, served by ui_static_handler; pages carry no inline
 * script or style, so the CSP can forbid them. */
#ifndef GH_UI_UI_H
#define GH_UI_UI_H

#include <stddef.h>

#include "core/arena.h"
#include "core/assets.h"
#include "core/buf.h"
#include "core/config.h"
#include "http/http.h"

typedef enum { UI_LANG_EN, UI_LANG_KO } ui_lang_t;

/* The language to use: the first of ui_locales (OpenID Connect, space-separated
 * BCP 47 tags) we speak, else the best of Accept-Language (RFC 9110 §12.5.4
 * q-values), else English. Either may be NULL. */
ui_lang_t ui_lang_pick(const char *ui_locales, const char *accept_language);

/* "en" or "ko". */
const char *ui_lang_tag(ui_lang_t lang);

/* Messages a page may show; each has an English and a Korean text. */
typedef enum {
    UI_MSG_NONE,
    UI_MSG_BAD_CREDENTIALS,   /* wrong username or password */
    UI_MSG_TOO_MANY_ATTEMPTS, /* throttled; try again later */
    UI_MSG_FORM_EXPIRED,      /* CSRF check failed or the form is too old: please try again */
    UI_MSG_UNKNOWN_CLIENT,    /* the application is not registered */
    UI_MSG_BAD_REDIRECT_URI,  /* the return address is not registered for the application */
    UI_MSG_BAD_REQUEST,       /* the sign-in request is malformed */
    UI_MSG_SERVER_ERROR,      /* something went wrong on our side */
    UI_MSG_NOT_FOUND,         /* no such page */
    UI_MSG_SIGNED_OUT,        /* you are signed out */
    UI_MSG_USER_CODE_INVALID, /* device flow: that code is not valid or has expired */
    UI_MSG_USER_CODE_USED,    /* device flow: that code was used already */
    UI_MSG_TOO_MANY_CODES,    /* device flow: too many wrong codes; wait */
    UI_MSG_DEVICE_APPROVED,   /* device flow: the device is signed in (information) */
    UI_MSG_DEVICE_DENIED,     /* device flow: access was denied (information) */
    UI_MSG_FIELD_TOO_LONG,    /* sign-in: the username or password is over its limit */
    UI_MSG_FED_DENIED,        /* federated sign-in: not allowed at the platform */
    UI_MSG_FED_UNAVAILABLE,   /* federated sign-in: the platform is down, slow or garbled */
    UI_MSG_FED_EXPIRED,       /* federated sign-in: unknown, used or another browser's */
    UI_MSG_PROFILE_INVALID,   /* profile page: a nickname and a valid e-mail are needed */
} ui_msg_t;

/* Details an error page may add under its message, each in English and
 * Korean: an error names one of these, never a sentence of its own, so that
 * every word on the page exists in the person's language. */
typedef enum {
    UI_DETAIL_NONE,
    UI_DETAIL_CLIENT_ID_MISSING,       /* the request names no application */
    UI_DETAIL_PARAM_REPEATED,          /* a parameter appears twice (RFC 6749 §3.1) */
    UI_DETAIL_PARAM_TOO_LONG,          /* a parameter is longer than allowed */
    UI_DETAIL_PARAMS_MALFORMED,        /* the query or form could not be read */
    UI_DETAIL_TOO_LARGE,               /* the request is larger than allowed */
    UI_DETAIL_METHOD_NOT_ALLOWED,      /* the page does not take this method */
    UI_DETAIL_UNKNOWN_STEP,            /* a form posted a step we do not know */
    UI_DETAIL_HINT_NOT_OURS,           /* logout: id_token_hint is not an ID token of ours */
    UI_DETAIL_HINT_AUDIENCE,           /* logout: client_id is not the hint's audience */
    UI_DETAIL_LOGOUT_URI_NEEDS_CLIENT, /* logout: a return address without a client */
    UI_DETAIL_COUNT
} ui_detail_t;

/* A hidden form field, posted back unchanged. */
typedef struct {
    const char *name, *value;
} ui_hidden_t;

/* A sign-in platform as a button: "Continue with {label}", in its kind's
 * colours (class fed-KIND), targeting GET /auth/federate/{name}. */
typedef struct {
    const char *name, *label, *kind;
} ui_platform_t;

typedef struct {
    ui_lang_t lang;
    const char *action;        /* form action (path and query), e.g. "/auth/authorize?…" */
    const ui_hidden_t *hidden; /* includes the CSRF token */
    size_t hidden_count;
    const ui_platform_t *platforms; /* federated sign-in: one form each, after the password's */
    size_t platform_count;
    const ui_hidden_t *request; /* the authorization request the platform forms carry */
    size_t request_count;
    const char *client_name; /* the application asking; may be NULL */
    const char *username;    /* pre-filled (login_hint or the last attempt); may be NULL */
    ui_msg_t message;        /* an error to show above the form, or UI_MSG_NONE */
    size_t username_max;     /* the inputs' maxlength: the endpoint's declared limits */
    size_t password_max;     /* (0: no maxlength) */
    long retry_after;        /* UI_MSG_TOO_MANY_ATTEMPTS: seconds the lock has left (0: unknown) */
} ui_login_t;

/* The sign-in page: one <form method="post"> with inputs username, password
 * (each with maxlength when its limit is set), the hidden fields, and a
 * submit button. The message, if any, is an alert (id "form-error"); wrong
 * credentials mark both inputs aria-invalid and described by it. A lock's
 * message says the time left ("30 seconds"). NULL when the arena is full. */
const char *ui_render_login(arena_t *a, const ui_login_t *page);

typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden;
    size_t hidden_count;
    const char *client_name;   /* shown as the application asking */
    const char *username;      /* who is signed in */
    const char *const *claims; /* every claim the grant releases ("sub", "email", …) */
    size_t claim_count;
    const char *const *scopes; /* requested scopes that release no claim ("offline_access") */
    size_t scope_count;
    const config_t *config; /* the [scope.NAME] labels (ui_scope_label); may be NULL */
} ui_consent_t;

/* The consent page: one <form method="post"> with the hidden fields and two
 * submit buttons name="decision" value="allow" / value="deny". It lists each
 * claim in words, <li class="scope claim" data-claim="NAME">, then each scope
 * in words (ui_scope_label; its name when it has none), <li class="scope">. */
const char *ui_render_consent(arena_t *a, const ui_consent_t *page);

typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden; /* includes the CSRF token */
    size_t hidden_count;
    const char *client_name; /* the application asking to sign out; may be NULL */
} ui_logout_t;

/* The sign-out confirmation page (RP-initiated logout without a valid
 * id_token_hint): one <form method="post"> with the hidden fields and one
 * submit button name="confirm" value="yes". */
const char *ui_render_logout(arena_t *a, const ui_logout_t *page);

typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden; /* includes the CSRF token */
    size_t hidden_count;
    const char *user_code; /* pre-filled (verification_uri_complete); may be NULL */
    ui_msg_t message;      /* an error to show above the form, or UI_MSG_NONE */
    long retry_after;      /* UI_MSG_TOO_MANY_CODES: seconds until codes are taken again */
} ui_device_t;

/* The device page (RFC 8628 §3.3), where a person types the code their TV or
 * console shows: one <form method="post"> with an input user_code, the
 * hidden fields and a submit button; a wrong or used code marks the input
 * aria-invalid and described by the alert. NULL when the arena is full. */
const char *ui_render_device(arena_t *a, const ui_device_t *page);

/* The "check your profile" page of a first federated sign-in: one
 * <form method="post"> with inputs nickname and email and a submit button
 * name="action" value="create"; a second <form method="post"> to link the
 * platform to an existing member with inputs username and password (value
 * "link"), both carrying the hidden fields (CSRF token, the pending sign-in's
 * token); and a cancel form that gives up as the fault page's does. */
typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden;
    size_t hidden_count;
    const ui_hidden_t *give_up; /* the cancel form's (ui_fed_fault_t) */
    size_t give_up_count;
    const char *platform_label;
    const char *nickname, *email; /* pre-filled from the platform */
    const char *signed_in_as;     /* a member this browser signed in as just now, offered to
                                     link without a password; NULL: link with a password */
    ui_msg_t message;             /* UI_MSG_PROFILE_INVALID, UI_MSG_BAD_CREDENTIALS, … */
    size_t username_max, password_max;
    long retry_after;
} ui_profile_t;

const char *ui_render_fed_profile(arena_t *a, const ui_profile_t *page);

/* A federated sign-in that did not succeed: the message naming the platform,
 * then (when the authorization request is known) a way back to the sign-in
 * page (<form method="get" action="/auth/authorize"> with the request) and a
 * way to give up (<form method="post" action="/auth/authorize"> with the
 * request, the CSRF token, step=give_up and the reason), which sends the
 * application its error. */
typedef struct {
    ui_lang_t lang;
    ui_msg_t message;
    const ui_hidden_t *request; /* may be empty: no way back */
    size_t request_count;
    const ui_hidden_t *give_up; /* request + csrf + step + reason */
    size_t give_up_count;
} ui_fed_fault_t;

const char *ui_render_fed_fault(arena_t *a, const ui_fed_fault_t *page);

/* A page that explains an error and offers no way onward but back (never a
 * redirect to an unverified place), with a detail (UI_DETAIL_NONE: none). */
const char *ui_render_error(arena_t *a, ui_lang_t lang, ui_msg_t message, ui_detail_t detail);

/* The page a browser sees at the authorization server's own address: what
 * the server is, and a link to its discovery document. */
const char *ui_render_home(arena_t *a, ui_lang_t lang);

/* For a path no route serves: when the request comes from a browser (its
 * Accept names text/html, http_request_wants_html), writes the 404 page in
 * the visitor's language, or the home page (ui_render_home) for GET or HEAD
 * "/" when home is true, and returns true; otherwise writes nothing and
 * returns false (the caller answers as to an API client). */
bool ui_browser_not_found(http_request_t *req, http_response_t *res, bool home);

/* A plain information page (e.g. after logout). */
const char *ui_render_info(arena_t *a, ui_lang_t lang, ui_msg_t message);

/* An embedded web/ page that is whole in itself (e.g. "gateway/index.html",
 * whose texts come from its script), with {{lang}} set to lang's tag and
 * {{needs_script}} to the sentence shown without JavaScript. NULL
 * when no such file is embedded or the arena is full. */
const char *ui_render_app_page(arena_t *a, const char *path, ui_lang_t lang);

/* The words for a scope that releases no claim in a language
 * ("offline_access" → "Stay connected …"); unknown scopes give NULL (the page
 * then shows the scope name). */
const char *ui_scope_text(ui_lang_t lang, const char *scope);

/* The words for a scope that releases no claim in lang: the label of its
 * [scope.NAME] section in cfg (label_ko on Korean pages, else label_en),
 * else ui_scope_text; NULL when it has none. cfg may be NULL. */
const char *ui_scope_label(const config_t *cfg, ui_lang_t lang, const char *scope);

/* The words for a userinfo claim in a language ("email" → "Your email
 * address"); unknown claims give NULL (the page then shows the claim name). */
const char *ui_claim_text(ui_lang_t lang, const char *claim);

/* GET /static/<file>: serves embedded web/static files with a long cache life. */
void ui_static_handler(http_request_t *req, http_response_t *res);

/* The embedded web/static file that path ("/static/<name>") names, with its
 * Content-Type in *content_type. NULL for any other path, for a name that is
 * empty, holds anything but [A-Za-z0-9._-], starts with '.' or contains "..",
 * and for a file type we do not serve. Used by ui_static_handler. */
const asset_t *ui_static_find(const char *path, const char **content_type);

/* Appends s HTML-escaped (&, <, >, ", ') to b. */
void ui_html_escape(buf_t *b, const char *s);

#endif
