/*
 * reboot: sync, then restart the machine at once with reboot(RB_AUTOBOOT); -f is accepted
 * and ignored. On nest the kernel resets or stops QEMU.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

/* Accept only -f, then sync and call reboot(RB_AUTOBOOT). */
int main(int argc, char **argv)
{
    int option;

    while ((option = getopt(argc, argv, "+:f")) != -1) {
        if (option != 'f') {
            fprintf(stderr, "reboot: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: reboot [-f]\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "reboot: extra operand '%s'\n", argv[optind]);
        fprintf(stderr, "Usage: reboot [-f]\n");
        return 2;
    }
    sync();
    if (reboot(RB_AUTOBOOT) < 0) {
        fprintf(stderr, "reboot: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
