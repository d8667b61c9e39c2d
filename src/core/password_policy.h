/* The password policy: what a new password must be, checked the same way by
 * `user add`, `user passwd`, a password reset, self-registration and the
 * account page. Built on Debian's libpwquality (its types stay in
 * password_policy.c): a minimum length, cracklib's dictionary of common and
 * dictionary-derived passwords, the username inside the password, and
 * pwquality's checks of too simple passwords (palindromes, one character
 * class rotated, …). pwquality's configuration file is not read: the policy
 * is this server's settings, the same on every host. */
#ifndef GH_CORE_PASSWORD_POLICY_H
#define GH_CORE_PASSWORD_POLICY_H

#include <stddef.h>

/* Why a password is refused. */
typedef enum {
    PASSWORD_OK,
    PASSWORD_TOO_SHORT,    /* fewer than the minimum length of characters */
    PASSWORD_TOO_LONG,     /* over PASSWORD_POLICY_MAX_BYTES */
    PASSWORD_COMMON,       /* a common password, or a dictionary word lightly changed */
    PASSWORD_HAS_USERNAME, /* holds the username (or the username reversed) */
    PASSWORD_TOO_SIMPLE,   /* too simple or too systematic in another way */
    PASSWORD_PROBLEM_COUNT
} password_problem_t;

#define PASSWORD_POLICY_MAX_BYTES 1024 /* the sign-in form's limit */
#define PASSWORD_POLICY_MIN_LENGTH 10  /* the default of [server] password_min_length */

/* Checks password (NUL-terminated UTF-8) for username (may be NULL) against
 * the policy with the given minimum length in characters. Returns
 * PASSWORD_OK, or the first problem found, and then *why (when why is not
 * NULL) gets an English sentence for a command's error line, e.g. "the
 * password is in a list of common passwords". Thread-safe (cracklib is
 * not: calls are serialized). */
password_problem_t password_policy_check(const char *password, const char *username,
                                         long min_length, const char **why);

/* The English sentence of a problem; never NULL. */
const char *password_problem_str(password_problem_t p);

#endif
