/* Checks of the values an administrator gives (admin API and command line
 * alike). Pure functions over NUL-terminated strings; nothing is allocated. */
#include <string.h>

#include "admin/admin.h"

static const struct {
    const char *name;
    unsigned bit;
} GRANTS[] = {
    {"authorization_code", STORE_GRANT_AUTHORIZATION_CODE},
    {"refresh_token", STORE_GRANT_REFRESH_TOKEN},
    {"client_credentials", STORE_GRANT_CLIENT_CREDENTIALS},
    {"urn:ietf:params:oauth:grant-type:device_code", STORE_GRANT_DEVICE_CODE},
    {"urn:ietf:params:oauth:grant-type:token-exchange", STORE_GRANT_TOKEN_EXCHANGE},
};

#define GRANT_COUNT (sizeof GRANTS / sizeof GRANTS[0])

/* True when s is 1..max bytes, each one of [A-Za-z0-9] or in extra. */
static bool word_valid(const char *s, size_t max, const char *extra)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !strchr(extra, c))
            return false;
    }
    return true;
}

bool admin_client_id_valid(const char *id)
{
    return word_valid(id, 64, "._-");
}

bool admin_username_valid(const char *username)
{
    return word_valid(username, 64, "._-@");
}

bool admin_password_valid(const char *password)
{
    size_t chars = 0, bytes = password ? strlen(password) : 0;
    for (size_t i = 0; i < bytes; i++)
        chars += ((unsigned char)password[i] & 0xC0) != 0x80; /* UTF-8 continuation bytes */
    return chars >= 8 && chars <= 1024;
}

bool admin_client_secret_valid(const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 8 || n > 512)
        return false;
    for (size_t i = 0; i < n; i++)
        if (secret[i] < 0x20 || secret[i] > 0x7E)
            return false;
    return true;
}

bool admin_scope_valid(const char *scope)
{
    size_t n = scope ? strlen(scope) : 0;
    if (n == 0 || n > 1024 || scope[0] == ' ' || scope[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)scope[i];
        if (c == ' ' ? scope[i + 1] == ' ' : (c < 0x21 || c > 0x7E || c == '"' || c == '\\'))
            return false;
    }
    return true;
}

bool admin_email_valid(const char *email)
{
    size_t n = email ? strlen(email) : 0;
    const char *at = n ? strchr(email, '@') : NULL;
    if (n > 254 || !at || at == email || at[1] == '\0' || strchr(at + 1, '@'))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)email[i] <= 0x20 || email[i] == 0x7F)
            return false;
    return true;
}

gh_status_t admin_grant_parse(const char *name, unsigned *bit)
{
    for (size_t i = 0; i < GRANT_COUNT; i++) {
        if (!strcmp(name, GRANTS[i].name)) {
            *bit = GRANTS[i].bit;
            return GH_OK;
        }
    }
    return GH_ERR_INVALID;
}

const char *admin_grant_name(unsigned bit)
{
    for (size_t i = 0; i < GRANT_COUNT; i++)
        if (GRANTS[i].bit == bit)
            return GRANTS[i].name;
    return NULL;
}
