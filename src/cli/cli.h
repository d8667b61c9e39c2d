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

#include "core/status.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Runs the program on its arguments; returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
