/*
 * poweroff: sync, then power the machine off at once with reboot(RB_POWER_OFF); -f is accepted
 * and ignored. On nest this ends the session: the kernel stops QEMU.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

/* Accept only -f, then sync and call reboot(RB_POWER_OFF). */
int main(int argc, char **argv)
{
    int option;

    while ((option = getopt(argc, argv, "+:f")) != -1) {
        if (option != 'f') {
            fprintf(stderr, "poweroff: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: poweroff [-f]\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "poweroff: extra operand '%s'\n", argv[optind]);
        fprintf(stderr, "Usage: poweroff [-f]\n");
        return 2;
    }
    sync();
    if (reboot(RB_POWER_OFF) < 0) {
        fprintf(stderr, "poweroff: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
