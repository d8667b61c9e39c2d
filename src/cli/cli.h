/* The command line of the `gatehouse` program: global options, subcommand
 * dispatch and the administration commands (client, user, keys), plus the
 * checks it applies to what an administrator types.
 *
 * Exit status: 0 on success, 2 on a usage error (unknown option or command,
 * missing or malformed value), 1 on any other error; every failure prints one
 * line on stderr. Secrets given on the command line are wiped from argv once
 * used; generated client secrets are printed once and never logged. */
#ifndef GH_CLI_CLI_H
#define GH_CLI_CLI_H

#include <stdbool.h>

#include "core/status.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Runs the program on its arguments; returns the process exit status. */
int cli_main(int argc, char **argv);

/* A client id: 1–64 characters of [A-Za-z0-9._-]. */
bool cli_client_id_valid(const char *id);

/* A username: 1–64 characters of letters, digits and ._-@ */
bool cli_username_valid(const char *username);

/* A password: 8 to 1024 characters (UTF-8 code points), no NUL. */
bool cli_password_valid(const char *password);

/* A client secret: 8 to 512 characters of %x20-7E (RFC 6749 Appendix A.2). */
bool cli_client_secret_valid(const char *secret);

/* A scope: scope-tokens of %x21 / %x23-5B / %x5D-7E separated by single
 * spaces (RFC 6749 §3.3), at most 1024 bytes. */
bool cli_scope_valid(const char *scope);

/* An e-mail address as far as an administrator can mistype one: one '@' with
 * text on both sides, no spaces or control bytes, at most 254 bytes. */
bool cli_email_valid(const char *email);

/* The STORE_GRANT_* bit of a grant_type name (authorization_code,
 * refresh_token, client_credentials,
 * urn:ietf:params:oauth:grant-type:device_code); GH_ERR_INVALID otherwise. */
gh_status_t cli_grant_parse(const char *name, unsigned *bit);

/* The grant_type name of one STORE_GRANT_* bit, or NULL. */
const char *cli_grant_name(unsigned bit);

#endif
