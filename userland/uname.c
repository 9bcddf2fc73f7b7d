/*
 * uname: print uname(2)'s fields in coreutils' format and order. -o prints "GNU/Linux" for a
 * "Linux" kernel, as coreutils does, else the kernel name; -p, -i print "unknown", -a omits them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

enum {
    SHOW_SYSNAME = 1 << 0,
    SHOW_NODENAME = 1 << 1,
    SHOW_RELEASE = 1 << 2,
    SHOW_VERSION = 1 << 3,
    SHOW_MACHINE = 1 << 4,
    SHOW_PROCESSOR = 1 << 5,
    SHOW_PLATFORM = 1 << 6,
    SHOW_OS = 1 << 7,
    SHOW_ALL = 0xff,
};

/* Print a usage error and exit with status 1, as coreutils uname does. */
static void usage_error(const char *message, const char *argument)
{
    fprintf(stderr, "uname: %s '%s'\n", message, argument);
    fprintf(stderr, "Usage: uname [-asnrvmpio]\n");
    _exit(1);
}

/* Print FIELD, preceded by a space unless it is the first one printed. */
static void print_field(const char *field, int *printed)
{
    if (*printed)
        putchar(' ');
    fputs(field, stdout);
    *printed = 1;
}

/* Return the operating system name that -o prints for kernel SYSNAME. */
static const char *os_name(const char *sysname)
{
    return strcmp(sysname, "Linux") == 0 ? "GNU/Linux" : sysname;
}

/* Turn the option letters into a SHOW_ mask. */
static int parse_options(int argc, char **argv)
{
    static const char letters[] = "snrvmpio";
    char option_text[2] = "";
    int show = 0;
    int option;

    while ((option = getopt(argc, argv, "+:asnrvmpio")) != -1) {
        if (option == 'a') {
            show |= SHOW_ALL;
        } else if (option != '?' && option != ':') {
            show |= 1 << (strchr(letters, option) - letters);
        } else {
            option_text[0] = (char)optopt;
            usage_error("invalid option --", option_text);
        }
    }
    if (optind < argc)
        usage_error("extra operand", argv[optind]);
    return show != 0 ? show : SHOW_SYSNAME;
}

/* Print the selected fields in coreutils' fixed order. */
int main(int argc, char **argv)
{
    struct utsname names;
    int show = parse_options(argc, argv);
    int printed = 0;

    if (uname(&names) < 0) {
        perror("uname: cannot get system name");
        return 1;
    }
    if (show & SHOW_SYSNAME)
        print_field(names.sysname, &printed);
    if (show & SHOW_NODENAME)
        print_field(names.nodename, &printed);
    if (show & SHOW_RELEASE)
        print_field(names.release, &printed);
    if (show & SHOW_VERSION)
        print_field(names.version, &printed);
    if (show & SHOW_MACHINE)
        print_field(names.machine, &printed);
    if ((show & SHOW_PROCESSOR) && show != SHOW_ALL)
        print_field("unknown", &printed);
    if ((show & SHOW_PLATFORM) && show != SHOW_ALL)
        print_field("unknown", &printed);
    if (show & SHOW_OS)
        print_field(os_name(names.sysname), &printed);
    putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
