/*
 * taskset: show or set a process's CPU affinity, or run a program on chosen CPUs, as util-linux's
 * taskset does: "taskset -p PID", "taskset -p MASK PID", "taskset MASK PROGRAM [ARG...]"; with
 * -c, CPUs are read and shown as a list ("0,2-3") instead of a hex mask. The work is done by
 * sched_getaffinity(2) and sched_setaffinity(2); children inherit the mask and execve keeps it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: taskset [options] [mask | cpu-list] [pid | cmd [args...]]\n"
    "Show or change the CPU affinity of a process.\n"
    "  -p, --pid          work on the existing process PID (the last argument)\n"
    "  -c, --cpu-list     take and show CPUs as a list (0,2,4-7) instead of a hex mask\n"
    "  -a, --all-tasks    every thread of PID (a nest process has one)\n"
    "  -h, --help         show this help\n"
    "Examples: taskset -p 700 (show), taskset -p 03 700 (set), taskset -pc 0,3,7-11 700,\n"
    "taskset 1 sh (run sh on CPU 0); a range may have a stride: 0-31:2 is mask 55555555.\n";

struct settings {
    pid_t pid;      /* -p: the process to work on; 0 to run a program */
    int use_list;   /* -c: CPU lists instead of masks */
    int get_only;   /* -p with no mask: only show */
};

/* Print "taskset: MESSAGE" and the usage, and exit with status 1. */
static void usage_error(const char *message)
{
    if (message)
        fprintf(stderr, "taskset: %s\n", message);
    fputs(usage_text, stderr);
    exit(1);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A hex mask, bit i for CPU i ("3", "0x3", "ff,ffffffff" as /sys prints long ones) into set.
 * Returns -1 if it is not one. */
static int parse_mask(const char *text, cpu_set_t *set)
{
    CPU_ZERO(set);
    if (strncmp(text, "0x", 2) == 0 || strncmp(text, "0X", 2) == 0)
        text += 2;
    int cpu = 0, digits = 0;
    for (size_t i = strlen(text); i-- > 0;) {
        if (text[i] == ',')
            continue;
        int value = hex_value(text[i]);
        if (value < 0)
            return -1;
        for (int bit = 0; bit < 4; bit++) {
            if (!(value & (1 << bit)))
                continue;
            if (cpu + bit >= CPU_SETSIZE)
                return -1;
            CPU_SET(cpu + bit, set);
        }
        cpu += 4;
        digits++;
    }
    return digits ? 0 : -1;
}

/* A decimal number at *text, which moves past it; -1 if there is none. */
static int parse_number(const char **text, long *number)
{
    if (!isdigit((unsigned char)**text))
        return -1;
    char *end;
    errno = 0;
    *number = strtol(*text, &end, 10);
    *text = end;
    return errno ? -1 : 0;
}

/* A CPU list: CPUs and ranges split by commas, a range perhaps with a stride ("0,3,7-11,
 * 0-31:2"). CPUs past what a cpu_set_t holds are left out. Returns -1 if it is not one. */
static int parse_list(const char *text, cpu_set_t *set)
{
    CPU_ZERO(set);
    for (;;) {
        long first, last, stride = 1;
        if (parse_number(&text, &first) < 0)
            return -1;
        last = first;
        if (*text == '-') {
            text++;
            if (parse_number(&text, &last) < 0)
                return -1;
            if (*text == ':') {
                text++;
                if (parse_number(&text, &stride) < 0 || stride == 0)
                    return -1;
            }
        }
        if (last < first)
            return -1;
        for (long cpu = first; cpu <= last && cpu < CPU_SETSIZE; cpu += stride)
            CPU_SET(cpu, set);
        if (*text == '\0')
            return 0;
        if (*text++ != ',')
            return -1;
    }
}

/* set as a hex mask without leading zeros ("3"; "0" for none). */
static void format_mask(const cpu_set_t *set, char *out)
{
    int nibble = CPU_SETSIZE / 4 - 1;
    char *p = out;
    while (nibble > 0 && !(CPU_ISSET(nibble * 4, set) || CPU_ISSET(nibble * 4 + 1, set) ||
                           CPU_ISSET(nibble * 4 + 2, set) || CPU_ISSET(nibble * 4 + 3, set)))
        nibble--;
    for (; nibble >= 0; nibble--) {
        int value = 0;
        for (int bit = 0; bit < 4; bit++)
            value |= !!CPU_ISSET(nibble * 4 + bit, set) << bit;
        *p++ = "0123456789abcdef"[value];
    }
    *p = '\0';
}

/* set as a list, the way util-linux writes one: a run of three or more CPUs as a range
 * ("0-3"), shorter ones CPU by CPU ("0,1"). */
static void format_list(const cpu_set_t *set, char *out)
{
    char *p = out;
    *p = '\0';
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, set))
            continue;
        int last = cpu;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
            last++;
        const char *separator = p == out ? "" : ",";
        if (last - cpu >= 2)
            p += sprintf(p, "%s%d-%d", separator, cpu, last);
        else if (last > cpu)
            p += sprintf(p, "%s%d,%d", separator, cpu, last);
        else
            p += sprintf(p, "%s%d", separator, cpu);
        cpu = last;
    }
}

/* "pid N's current affinity mask: 3" (or "new", or "list: 0,1" with -c). */
static void print_affinity(const struct settings *settings, const cpu_set_t *set, int is_new)
{
    static char text[CPU_SETSIZE * 5];
    if (settings->use_list)
        format_list(set, text);
    else
        format_mask(set, text);
    printf("pid %d's %s affinity %s: %s\n", settings->pid, is_new ? "new" : "current",
           settings->use_list ? "list" : "mask", text);
}

/* Read pid's mask into set, or say why not and exit. */
static void get_affinity(pid_t pid, cpu_set_t *set)
{
    if (sched_getaffinity(pid, sizeof(*set), set) < 0) {
        fprintf(stderr, "taskset: failed to get pid %d's affinity: %s\n", pid, strerror(errno));
        exit(1);
    }
}

/* Parse the options and the mask; returns the index of the first argument after the mask
 * (the PID or the program). */
static int parse_arguments(int argc, char **argv, struct settings *settings, cpu_set_t *set)
{
    static const struct option long_options[] = {
        {"pid", no_argument, NULL, 'p'},         {"cpu-list", no_argument, NULL, 'c'},
        {"all-tasks", no_argument, NULL, 'a'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int option, want_pid = 0;
    while ((option = getopt_long(argc, argv, "+pcah", long_options, NULL)) != -1) {
        if (option == 'p')
            want_pid = 1;
        else if (option == 'c')
            settings->use_list = 1;
        else if (option == 'h') {
            fputs(usage_text, stdout);
            exit(0);
        } else if (option != 'a')
            usage_error(NULL);
    }
    int left = argc - optind;
    if (want_pid) {
        if (left < 1 || left > 2)
            usage_error("-p takes a PID, and perhaps a mask before it");
        char *end;
        long pid = strtol(argv[argc - 1], &end, 10);
        if (*argv[argc - 1] == '\0' || *end != '\0' || pid <= 0 || pid > 0x7fffffff) {
            fprintf(stderr, "taskset: invalid PID argument: '%s'\n", argv[argc - 1]);
            exit(1);
        }
        settings->pid = (pid_t)pid;
        settings->get_only = left == 1;
    } else if (left < 2) {
        usage_error("a mask and a program to run are needed (or -p PID)");
    }
    if (settings->get_only)
        return optind;
    const char *text = argv[optind];
    if (settings->use_list ? parse_list(text, set) : parse_mask(text, set)) {
        fprintf(stderr, "taskset: failed to parse CPU %s: %s\n",
                settings->use_list ? "list" : "mask", text);
        exit(1);
    }
    return optind + 1;
}

int main(int argc, char **argv)
{
    struct settings settings = {0, 0, 0};
    cpu_set_t wanted, now;
    int next = parse_arguments(argc, argv, &settings, &wanted);
    if (settings.pid) {
        get_affinity(settings.pid, &now);
        print_affinity(&settings, &now, 0);
        if (settings.get_only)
            return 0;
    }
    if (sched_setaffinity(settings.pid, sizeof(wanted), &wanted) < 0) {
        fprintf(stderr, "taskset: failed to set pid %d's affinity: %s\n",
                settings.pid ? settings.pid : getpid(), strerror(errno));
        return 1;
    }
    if (settings.pid) {
        get_affinity(settings.pid, &now);
        print_affinity(&settings, &now, 1);
        return 0;
    }
    execvp(argv[next], argv + next);
    fprintf(stderr, "taskset: failed to execute %s: %s\n", argv[next], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
