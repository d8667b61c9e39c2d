/* The password policy over libpwquality (password_policy.h). Settings are
 * pwquality's defaults (its configuration file is not read) with our minimum
 * length; pwquality counts bytes, so the length is checked here first in
 * characters, for Korean passwords as for English ones. cracklib keeps static
 * state while it reads its dictionary: one check at a time. A dictionary that
 * cannot be opened (a broken installation) is logged and skips that check
 * only, rather than refusing every password. */
#include "core/password_policy.h"

#include <pthread.h>
#include <pwquality.h>
#include <stdbool.h>
#include <string.h>

#include "core/log.h"

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const SENTENCES[PASSWORD_PROBLEM_COUNT] = {
    [PASSWORD_OK] = "the password is acceptable",
    [PASSWORD_TOO_SHORT] = "the password is too short",
    [PASSWORD_TOO_LONG] = "the password is longer than 1024 bytes",
    [PASSWORD_COMMON] = "the password is in a list of common passwords or is based on a "
                        "dictionary word",
    [PASSWORD_HAS_USERNAME] = "the password contains the username",
    [PASSWORD_TOO_SIMPLE] = "the password is too simple (a repeated, reversed or systematic "
                            "pattern)",
};

const char *password_problem_str(password_problem_t p)
{
    return p < PASSWORD_PROBLEM_COUNT ? SENTENCES[p] : SENTENCES[PASSWORD_TOO_SIMPLE];
}

/* Characters of UTF-8 text: bytes that do not continue a sequence. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A cracklib answer (pwquality's auxiliary error) that means its dictionary
 * could not be read, not that the password is in it. */
static bool dictionary_missing(const char *aux)
{
    return aux && strstr(aux, "error loading dictionary") != NULL;
}

static password_problem_t from_pwquality(int rc, const char *aux)
{
    switch (rc) {
    case PWQ_ERROR_MIN_LENGTH:
    case PWQ_ERROR_EMPTY_PASSWORD:
        return PASSWORD_TOO_SHORT;
    case PWQ_ERROR_CRACKLIB_CHECK:
        if (dictionary_missing(aux)) {
            log_event(LOG_WARN, "password_policy", "error",
                      "cracklib's dictionary cannot be read (Debian package cracklib-runtime)",
                      NULL);
            return PASSWORD_OK;
        }
        return aux && strstr(aux, "dictionary") ? PASSWORD_COMMON : PASSWORD_TOO_SIMPLE;
    case PWQ_ERROR_USER_CHECK:
    case PWQ_ERROR_BAD_WORDS:
    case PWQ_ERROR_GECOS_CHECK:
        return PASSWORD_HAS_USERNAME;
    default:
        return rc < 0 ? PASSWORD_TOO_SIMPLE : PASSWORD_OK;
    }
}

/* pwquality's verdict on password with min_length; the lock is held. */
static password_problem_t pwquality_locked(const char *password, const char *username,
                                           long min_length)
{
    password_problem_t p = PASSWORD_TOO_SIMPLE;
    void *aux = NULL;
    pwquality_settings_t *s = pwquality_default_settings();
    if (s && pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, (int)min_length) == 0) {
        int rc = pwquality_check(s, password, NULL, username, &aux);
        p = from_pwquality(rc, rc == PWQ_ERROR_CRACKLIB_CHECK ? aux : NULL);
    }
    pwquality_free_settings(s);
    return p;
}

static bool decoration(char c)
{
    return (c >= '0' && c <= '9') || strchr("!@#$%^&*()-_=+.,?~ ", c);
}

/* The password without the digits and symbols around it ("password1234" →
 * "password"), in out (cap bytes); false when nothing was taken off or what
 * is left is shorter than cracklib looks at. Common passwords are very often
 * a word with a number or a mark added, which cracklib alone lets through. */
static bool core_of(const char *password, char *out, size_t cap)
{
    size_t n = strlen(password), from = 0;
    while (from < n && decoration(password[from]))
        from++;
    while (n > from && decoration(password[n - 1]))
        n--;
    if ((from == 0 && n == strlen(password)) || n - from < 6 || n - from >= cap)
        return false;
    memcpy(out, password + from, n - from);
    out[n - from] = '\0';
    return true;
}

/* pwquality's verdict, under the lock, then the same dictionary check of the
 * password's core; settings are made per call (cheap, and nothing is shared
 * between threads but cracklib). */
static password_problem_t pwquality_verdict(const char *password, const char *username,
                                            long min_length)
{
    char core[PASSWORD_POLICY_MAX_BYTES + 1];
    pthread_mutex_lock(&check_lock);
    password_problem_t p = pwquality_locked(password, username, min_length);
    if (p == PASSWORD_OK && core_of(password, core, sizeof core) &&
        pwquality_locked(core, NULL, 6) == PASSWORD_COMMON)
        p = PASSWORD_COMMON;
    pthread_mutex_unlock(&check_lock);
    return p;
}

password_problem_t password_policy_check(const char *password, const char *username,
                                         long min_length, const char **why)
{
    password_problem_t p = PASSWORD_OK;
    if (!password || strlen(password) > PASSWORD_POLICY_MAX_BYTES)
        p = PASSWORD_TOO_LONG;
    else if ((long)utf8_chars(password) < min_length)
        p = PASSWORD_TOO_SHORT;
    else if (username && *username && strstr(password, username))
        p = PASSWORD_HAS_USERNAME;
    else
        p = pwquality_verdict(password, username && *username ? username : NULL, min_length);
    if (p != PASSWORD_OK && why)
        *why = password_problem_str(p);
    return p;
}
