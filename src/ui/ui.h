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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    UI_MSG_PROFILE_SAVED,     /* account page: confirmations and errors of its forms */
    UI_MSG_PROFILE_INVALID,
    UI_MSG_PASSWORD_CHANGED,
    UI_MSG_PASSWORD_WRONG,
    UI_MSG_PASSWORDS_DIFFER,
    UI_MSG_PASSWORD_WEAK,
    UI_MSG_APP_REVOKED,
    UI_MSG_SESSION_ENDED,
    UI_MSG_SESSIONS_ENDED,
    /* self-service (docs/account.md) */
    UI_MSG_RESET_SENT,            /* the same answer whether or not an account matched */
    UI_MSG_PASSWORD_RESET_DONE,   /* information: reset done, signed out everywhere */
    UI_MSG_LINK_INVALID,          /* a mailed link that is not ours (forged, cut short) */
    UI_MSG_LINK_EXPIRED,          /* a mailed link past its time */
    UI_MSG_LINK_USED,             /* a mailed link used already */
    UI_MSG_MAIL_UNAVAILABLE,      /* the server sends no mail: reset and the like are off */
    UI_MSG_PASSWORD_TOO_SHORT,    /* the policy (core/password_policy.h), one per problem */
    UI_MSG_PASSWORD_COMMON,       /* */
    UI_MSG_PASSWORD_HAS_USERNAME, /* */
    UI_MSG_PASSWORD_TOO_SIMPLE,   /* */
    UI_MSG_EMAIL_INVALID,         /* not an e-mail address */
    UI_MSG_USERNAME_INVALID,      /* not 1-64 of A-Z a-z 0-9 . _ - @ */
    UI_MSG_USERNAME_TAKEN,        /* registration: the username is someone's */
    UI_MSG_REGISTERED,            /* information: the account exists, a link was mailed */
    UI_MSG_REGISTRATION_CLOSED,   /* registration is off, or needs an invitation */
    UI_MSG_EMAIL_VERIFIED,        /* information: the address is confirmed */
    UI_MSG_EMAIL_CHANGE_SENT,     /* information: a link went to the new address */
    UI_MSG_SIGN_IN_FIRST,         /* an account action without a session */
    UI_MSG_MFA_BAD_CODE,          /* second factor: wrong or already used code */
    UI_MSG_MFA_MALFORMED,         /* second factor: not six digits nor a recovery code */
    UI_MSG_MFA_ENABLED,           /* enrolment: the authenticator was confirmed (information) */
    UI_MSG_PASSKEY_REFUSED,       /* sign-in: the passkey did not sign the person in */
    UI_MSG_FED_DENIED,            /* federated sign-in: not allowed at the platform */
    UI_MSG_FED_UNAVAILABLE,       /* federated sign-in: the platform is down, slow or garbled */
    UI_MSG_FED_EXPIRED,           /* federated sign-in: unknown, used or another browser's */
    UI_MSG_FED_PROFILE_INVALID,   /* profile page: a nickname and a valid e-mail are needed */
    UI_MSG_PLATFORM_UNLINKED,     /* account: a platform was unlinked (information) */
    UI_MSG_PLATFORM_LAST_WAY,     /* account: unlinking would leave no way to sign in */
    UI_MSG_MFA_OFF,               /* account: the member turned the authenticator app off */
    UI_MSG_PLATFORM_LINKED,       /* account: another platform was linked (information) */
    UI_MSG_LINK_TAKEN,            /* linking: the identity belongs to another member */
    UI_MSG_LINK_HAS_ONE,          /* linking: the member is linked to the platform already */
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
    UI_DETAIL_REQUEST_URI_INVALID,     /* PAR: the request_uri is unknown, used or expired */
    UI_DETAIL_REQUEST_OBJECT_INVALID,  /* JAR: the request object does not verify */
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
    bool reset_link;         /* link to /auth/reset (mail is configured) */
    bool register_link;      /* link to /auth/register (registration = open) */
    const char *register_query; /* the pending request, carried by that link (may be NULL) */
    bool passkey;               /* offer "Sign in with a passkey" (passkeys are enabled) */
} ui_login_t;

/* The sign-in page: one <form method="post"> with inputs username, password
 * (each with maxlength when its limit is set), the hidden fields, and a
 * submit button. The message, if any, is an alert (id "form-error"); wrong
 * credentials mark both inputs aria-invalid and described by it. A lock's
 * message says the time left ("30 seconds"). Under the form, links to
 * /auth/reset and /auth/register when asked for (with ui_locales of the
 * page's language; the registration link with the pending request when
 * register_query is set, so registering continues it). NULL when the arena is full. */
const char *ui_render_login(arena_t *a, const ui_login_t *page);

/* One passkey on the passkeys page. */
typedef struct {
    const char *id;        /* credential id, base64url: the value of its remove button */
    const char *name;      /* the member's label */
    const char *created;   /* "2026-12-07" */
    const char *last_used; /* likewise; NULL when never used */
} ui_passkey_item_t;

typedef struct {
    ui_lang_t lang;
    const char *action; /* where the remove forms post */
    const char *csrf;   /* the session's CSRF token */
    const char *username;
    const ui_passkey_item_t *items;
    size_t count;
    size_t name_max; /* the name input's maxlength */
} ui_passkeys_t;

/* The passkeys page (/account/passkeys): the member's passkeys, each with a
 * <form method="post"> holding csrf and a button name="remove" value=ID; a
 * form id="passkey-add" with an input name="name" that /static/passkey.js
 * turns into a registration; a live region id="passkey-status" for its
 * outcome. NULL when the arena is full. */
const char *ui_render_passkeys(arena_t *a, const ui_passkeys_t *page);

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
    /* parallel to claims, may be NULL: the custom scope that releases a claim
     * with no words of its own (a member attribute), whose label names it */
    const char *const *claim_scopes;
    /* a client known only by its metadata document (docs/clients.md): the
     * host it came from, shown with a warning that it is unverified; NULL
     * for a registered client */
    const char *unverified_host;
} ui_consent_t;

/* The consent page: one <form method="post"> with the hidden fields and two
 * submit buttons name="decision" value="allow" / value="deny". It lists each
 * claim in words, <li class="scope claim" data-claim="NAME"> (an attribute
 * claim as "<its scope's label>: NAME"), then each scope
 * in words (ui_scope_label; its name when it has none), <li class="scope">. */
const char *ui_render_consent(arena_t *a, const ui_consent_t *page);

typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden; /* includes the CSRF token */
    size_t hidden_count;
    const char *client_name; /* the application asking to sign out; may be NULL */
} ui_logout_t;

typedef struct {
    ui_lang_t lang;
    const char *const *frames; /* front-channel logout URLs (Front-Channel Logout 1.0 §2) */
    size_t frame_count;
    const char *next; /* where the person goes on (post_logout_redirect_uri + state), or NULL */
} ui_signed_out_t;

/* The "signed out" page after a logout: an invisible <iframe
 * class="frontchannel-logout"> per frame URL, and, when next is set, a
 * "Continue" link there (the caller sends a Refresh header to it). */
const char *ui_render_signed_out(arena_t *a, const ui_signed_out_t *page);

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

/* The OAuth 2.0 Form Post Response Mode page: one <form method="post"
 * id="form-post"> to action (the client's verified redirect URI) holding the
 * answer's parameters as hidden fields, submitted at once by
 * /static/form_post.js (a script of our own origin, so the CSP needs no
 * inline script), with a Continue button inside <noscript>. NULL when the
 * arena is full. */
const char *ui_render_form_post(arena_t *a, ui_lang_t lang, const char *action,
                                const ui_hidden_t *hidden, size_t hidden_count);
/* ---- the account page (issue 21) ---- */

/* A client holding the member's consent. */
typedef struct {
    const char *client_id;     /* what its revoke form posts */
    const char *client_name;   /* may be NULL: the id is shown */
    const char *const *claims; /* named as the consent page names them (scope_consent_items) */
    size_t claim_count;
    const char *const *scopes;
    size_t scope_count;
    int64_t last_used_at;            /* 0: no use on record */
    const char *const *claim_scopes; /* as ui_consent_t's; may be NULL */
} ui_account_app_t;

/* A sign-in session of the member. */
typedef struct {
    const char *handle;     /* what its sign-out form posts (not the session's digest) */
    const char *user_agent; /* may be NULL */
    const char *ip;         /* may be NULL */
    int64_t created_at;     /* 0: not known */
    int64_t last_seen_at;
    bool current; /* the session showing the page */
} ui_account_session_t;

/* Inputs an error of the account page is about (marked aria-invalid). */
enum {
    UI_ACCOUNT_BAD_PROFILE = 1, /* nickname and name */
    UI_ACCOUNT_BAD_CURRENT = 2, /* current_password */
    UI_ACCOUNT_BAD_NEW = 4,     /* new_password, new_password_again */
};

typedef struct {
    ui_lang_t lang;
    const char *csrf; /* the session's CSRF token, in every form */
    const char *username;
    const char *nickname, *name, *email; /* may be NULL */
    ui_msg_t message; /* above the sections: an error, or a confirmation when notice */
    bool notice;
    long retry_after; /* UI_MSG_TOO_MANY_ATTEMPTS */
    int invalid;      /* UI_ACCOUNT_BAD_* */
    const ui_account_app_t *apps;
    size_t app_count;
    const ui_account_session_t *sessions;
    size_t session_count;
    /* Hooks where other features plug in their sections: trusted HTML built
     * by this module (escaped), or NULL for nothing. */
    const char *factors_html;                    /* second factors and passkeys */
    const char *platforms_html;                  /* linked platforms */
    size_t nickname_max, name_max, password_max; /* the inputs' maxlength */
    const config_t *config;                      /* the [scope.NAME] labels; may be NULL */
} ui_account_t;

/* What the account page's "Second factors and passkeys" section says. */
typedef struct {
    bool totp;          /* the authenticator app is on */
    long recovery_left; /* recovery codes left */
    long passkeys;      /* passkeys registered */
    bool passkeys_on;   /* passkeys are enabled (else no passkey line) */
} ui_account_factors_t;

/* The section (id "factors"): TOTP on or off with a link to /account/mfa,
 * the recovery codes left, the passkeys with a link to /account/passkeys.
 * For ui_account_t.factors_html; NULL when the arena is full. */
const char *ui_account_factors_html(arena_t *a, ui_lang_t lang, const ui_account_factors_t *f);

/* One platform the member is linked to. */
typedef struct {
    const char *platform; /* the [platform.NAME] name (posted back) */
    const char *label;    /* its label, or the name */
    const char *email;    /* as the platform gave it; may be NULL */
    int64_t since;
} ui_account_link_t;

/* The section (id "platforms"): each link as <li data-platform="NAME"> with
 * an Unlink button (POST /account/links/unlink: csrf, platform), or a line
 * saying there is none; then "Link another platform": for each of more (the
 * configured platforms not linked yet) a button "Link LABEL" (POST
 * /auth/federate/NAME: csrf, purpose=link; <li data-link="NAME">). For
 * ui_account_t.platforms_html; NULL when the arena is full. */
const char *ui_account_platforms_html(arena_t *a, ui_lang_t lang, const char *csrf,
                                      const ui_account_link_t *links, size_t count,
                                      const ui_platform_t *more, size_t more_count);

/* The account page: profile (POST /account/profile: nickname, name), the
 * e-mail address (POST /account/email: email), the password (POST
 * /account/password: current_password, new_password, new_password_again),
 * the hooks, the connected applications (each a POST /account/apps/revoke
 * with client_id; <li data-client="ID">) and the sessions (each a POST
 * /account/sessions/end with session; <li data-session="HANDLE">, the
 * current one marked; POST /account/sessions/end-others). Every form holds
 * the CSRF token as `csrf`. Times are shown in UTC. NULL when the arena is
 * full. */
const char *ui_render_account(arena_t *a, const ui_account_t *page);
/* The self-service forms (docs/account.md), one template for all. */
typedef enum {
    UI_FORM_RESET_REQUEST,  /* /auth/reset: input login (username or e-mail) */
    UI_FORM_RESET_PASSWORD, /* the reset link's page: input password (new) */
    UI_FORM_VERIFY,         /* a verification link's page: a confirm button */
    UI_FORM_REGISTER,       /* /auth/register: inputs username, email, password */
} ui_form_kind_t;

typedef struct {
    ui_form_kind_t kind;
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden; /* includes the CSRF token */
    size_t hidden_count;
    const char *login, *username, *email; /* pre-filled values; may be NULL */
    bool email_fixed;                     /* the email input is read-only (an invitation) */
    long min_length;                      /* the policy's, said in the lead */
    ui_msg_t message;                     /* an error above the form, or UI_MSG_NONE */
    const char *invalid;                  /* the input the message is about; may be NULL */
    long retry_after;                     /* UI_MSG_TOO_MANY_ATTEMPTS */
} ui_form_t;

/* A self-service form: <form method="post"> with the kind's inputs, the
 * hidden fields and one submit button; the message, if any, is an alert the
 * invalid input is described by. NULL when the arena is full. */
const char *ui_render_form(arena_t *a, const ui_form_t *page);
/* A link: where and its words. */
typedef struct {
    const char *href, *text;
} ui_link_t;

typedef struct {
    ui_lang_t lang;
    const char *action;        /* form action */
    const ui_hidden_t *hidden; /* the request's fields, the CSRF token and the step */
    size_t hidden_count;
    ui_msg_t message; /* UI_MSG_MFA_BAD_CODE, …, or UI_MSG_NONE */
    long retry_after; /* UI_MSG_TOO_MANY_CODES: seconds */
    bool passkey;     /* a "Use a passkey" button (the member has passkeys) */
    bool no_code;     /* no code form: passkeys are the member's only factor (said in the lead) */
    /* other ways to give a second factor: links under the form, in a list
     * labelled "Other ways to sign in"; none: no list */
    const ui_link_t *other_ways;
    size_t other_way_count;
} ui_mfa_t;

/* The second-factor page: one <form method="post"> with an input named otp
 * (inputmode numeric, autocomplete one-time-code, maxlength 64) for a TOTP
 * or a recovery code, the hidden fields and a submit button; a disclosure
 * "Use a recovery code" saying how; with passkey, a form id="passkey-form"
 * (the hidden fields and the assertion's, data-purpose="mfa") whose "Use a
 * passkey" button /static/passkey.js turns into a ceremony; without the code
 * form when no_code, the lead then saying the passkey is the way; the other
 * ways as links. A wrong code marks the input aria-invalid, described by
 * the alert. */
const char *ui_render_mfa(arena_t *a, const ui_mfa_t *page);

/* After a sign-in with a recovery code: how many are left (in
 * #recovery-left), a link on to continue_href and one to /account/mfa. */
const char *ui_render_recovery_used(arena_t *a, ui_lang_t lang, long left,
                                    const char *continue_href);

/* /account/mfa in its three states. */
typedef enum {
    UI_MFA_SETUP, /* not enrolled: the QR code, the key as text, a form for the first code */
    UI_MFA_CODES, /* just enrolled or renewed: the recovery codes, shown once */
    UI_MFA_ON,    /* enrolled: recovery codes left, a form for a new set */
} ui_mfa_state_t;

typedef struct {
    ui_lang_t lang;
    ui_mfa_state_t state;
    const char *action;
    const ui_hidden_t *hidden; /* the CSRF token and the form's action field */
    size_t hidden_count;
    ui_msg_t message;
    long retry_after;
    const char *uri;    /* SETUP: the otpauth:// URI, drawn as a QR code (ui_qr_svg) */
    const char *key;    /* SETUP: the secret in base32 (shown in #totp-key) */
    char *const *codes; /* CODES: the recovery codes, in <ol class="recovery-codes"> */
    size_t code_count;
    long left; /* ON: recovery codes left */
    /* ON: the hidden fields of the "Turn off" form (CSRF token, action=off) */
    const ui_hidden_t *off_hidden;
    size_t off_hidden_count;
} ui_mfa_account_t;

const char *ui_render_mfa_account(arena_t *a, const ui_mfa_account_t *page);
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
 * application its error; a link from the account page (to_account) leads
 * back to /account instead. */
typedef struct {
    ui_lang_t lang;
    ui_msg_t message;
    const ui_hidden_t *request; /* may be empty: no way back */
    size_t request_count;
    const ui_hidden_t *give_up; /* request + csrf + step + reason */
    size_t give_up_count;
    bool to_account; /* no request: a link back to /account */
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

/* What a page shows for claim in lang: its words (ui_claim_text), or for a
 * member attribute released by the custom scope scope (may be NULL) that
 * scope's label and the claim's name ("Your work details: department"),
 * else the name itself. In a when it has to be made. */
const char *ui_claim_label(arena_t *a, const config_t *cfg, ui_lang_t lang, const char *claim,
                           const char *scope);

/* GET /static/<file>: serves embedded web/static files with a long cache life. */
void ui_static_handler(http_request_t *req, http_response_t *res);

/* Answers with the embedded file as content_type, cacheable for max_age
 * seconds (the files change only with the binary). For every static route. */
void ui_respond_asset(http_response_t *res, const asset_t *file, const char *content_type,
                      int max_age);

/* Answers 404 with the not-found page in the visitor's language. */
void ui_respond_not_found(http_request_t *req, http_response_t *res);

/* The embedded web/static file that path ("/static/<name>") names, with its
 * Content-Type in *content_type. NULL for any other path, for a name that is
 * empty, holds anything but [A-Za-z0-9._-], starts with '.' or contains "..",
 * and for a file type we do not serve. Used by ui_static_handler. */
const asset_t *ui_static_find(const char *path, const char **content_type);

/* text (an otpauth:// URI) as a QR code (libqrencode, error correction M)
 * drawn as an inline <svg role="img"> with title_text as its accessible
 * name and one path of dark modules, in the arena; NULL when it cannot be
 * encoded or the arena is full (ui/qr.c). */
const char *ui_qr_svg(arena_t *a, const char *text, const char *title_text);

/* Appends s HTML-escaped (&, <, >, ", ') to b. */
void ui_html_escape(buf_t *b, const char *s);

#endif
