/* gatehouse: the program's entry point. Everything it does, from option
 * parsing to the subcommands, is in cli/ so that it is part of ghlib. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
