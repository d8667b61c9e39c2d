/* gatehouse: subcommand dispatch. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "usage: gatehouse COMMAND\n");
    return 2;
}
