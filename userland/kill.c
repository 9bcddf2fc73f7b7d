/*
 * kill: send a signal to processes (negative PIDs: process groups; -1: all), like procps kill;
 * kill -l lists or converts signal names. Parsed by hand: "-9 -1" is a signal, then a PID.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIGNAL_COUNT 31

/* Linux x86-64 signal names, indexed by number (index 0 unused). */
static const char *const signal_names[SIGNAL_COUNT + 1] = {
    "0",    "HUP",  "INT",    "QUIT", "ILL",  "TRAP", "ABRT", "BUS",
    "FPE",  "KILL", "USR1",   "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
};

/* Print the usage and exit with status 2. */
static void usage(void)
{
    fprintf(stderr, "Usage: kill [-s SIGNAL | -SIGNAL] PID...\n"
                    "       kill -l [SIGNAL]...\n");
    exit(2);
}

/* Parse TEXT as a whole decimal number into *VALUE. Returns 0 on success. */
static int parse_number(const char *text, long *value)
{
    char *end;

    if (*text == '\0' || isspace((unsigned char)*text))
        return -1;
    errno = 0;
    *value = strtol(text, &end, 10);
    return (*end != '\0' || errno != 0) ? -1 : 0;
}

/* Return the number of signal TEXT ("9", "KILL", "sigkill"), or -1. */
static int parse_signal(const char *text)
{
    long number;

    if (parse_number(text, &number) == 0)
        return (number >= 0 && number <= 64) ? (int)number : -1;
    if (strncasecmp(text, "SIG", 3) == 0)
        text += 3;
    for (int i = 1; i <= SIGNAL_COUNT; i++) {
        if (strcasecmp(text, signal_names[i]) == 0)
            return i;
    }
    return -1;
}

/* Print every signal name on lines of at most about 80 columns, as procps does. */
static void list_all_signals(void)
{
    int column = 0;

    for (int i = 1; i <= SIGNAL_COUNT; i++) {
        if (i > 1) {
            if (column > 73) {
                putchar('\n');
                column = 0;
            } else {
                putchar(' ');
                column++;
            }
        }
        column += printf("%s", signal_names[i]);
    }
    putchar('\n');
}

/* For kill -l ARG: print the name of a signal number (an exit status
 * 128+N counts as N) or the number of a signal name. Returns 0 or 1. */
static int convert_signal(const char *arg)
{
    long number;
    int found;

    if (parse_number(arg, &number) == 0) {
        if (number > 128)
            number -= 128;
        if (number >= 1 && number <= SIGNAL_COUNT) {
            printf("%s\n", signal_names[number]);
            return 0;
        }
    } else if ((found = parse_signal(arg)) > 0) {
        printf("%d\n", found);
        return 0;
    }
    fprintf(stderr, "kill: unknown signal name %s\n", arg);
    return 1;
}

/* kill -l [ARG...]: list the names, or convert each argument. */
static int list_signals(int argc, char **argv)
{
    int status = 0;

    if (argc == 0)
        list_all_signals();
    for (int i = 0; i < argc; i++)
        status |= convert_signal(argv[i]);
    return status;
}

/* Send SIGNAL to each PID argument; returns 1 if any failed. */
static int send_signal(int signal, int argc, char **argv)
{
    int status = 0;
    long pid;

    for (int i = 0; i < argc; i++) {
        if (parse_number(argv[i], &pid) != 0) {
            fprintf(stderr, "kill: failed to parse argument: '%s'\n", argv[i]);
            status = 1;
        } else if (kill((pid_t)pid, signal) < 0) {
            fprintf(stderr, "kill: (%ld) - %s\n", pid, strerror(errno));
            status = 1;
        }
    }
    return status;
}

/* Return the signal chosen by "-s SIGNAL" or "-SIGNAL" at ARGV[*INDEX]
 * (advancing *INDEX past it), or SIGTERM if there is none. */
static int read_signal_option(int argc, char **argv, int *index)
{
    const char *text = NULL;
    int signal;

    if (*index < argc && strcmp(argv[*index], "-s") == 0) {
        if (*index + 1 >= argc)
            usage();
        text = argv[*index + 1];
        *index += 2;
    } else if (*index < argc && argv[*index][0] == '-' && argv[*index][1] != '\0' &&
               argv[*index][1] != '-') {
        text = argv[*index] + 1;
        *index += 1;
    }
    if (text == NULL)
        return SIGTERM;
    signal = parse_signal(text);
    if (signal < 0) {
        fprintf(stderr, "kill: unknown signal name %s\n", text);
        exit(1);
    }
    return signal;
}

/* Dispatch between listing signals and sending one. */
int main(int argc, char **argv)
{
    int index = 1;
    int signal;

    if (argc > 1 && strcmp(argv[1], "-l") == 0)
        return list_signals(argc - 2, argv + 2);
    signal = read_signal_option(argc, argv, &index);
    if (index < argc && strcmp(argv[index], "--") == 0)
        index++;
    if (index == argc)
        usage();
    return send_signal(signal, argc - index, argv + index);
}
