/*
 * dmesg: print or control the kernel log through syslog(2) (klogctl), with util-linux's
 * main options: -r raw lines, -c read then clear, -C clear, -D/-E console off/on,
 * -n LEVEL console level, -s SIZE buffer size. Builds with musl for nest and for Linux.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

/* syslog(2) actions (linux/syslog.h; musl's sys/klog.h declares only klogctl). */
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_BUFFER 10

static const char *const level_names[] = {
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static void usage(FILE *out, int status)
{
    fprintf(out,
            "Usage: dmesg [options]\n"
            "Print or control the kernel log.\n"
            "  -r, --raw                print the lines as the kernel keeps them (<priority>)\n"
            "  -c, --read-clear         print, then clear the log\n"
            "  -C, --clear              clear the log\n"
            "  -D, --console-off        stop printing messages on the console\n"
            "  -E, --console-on         print messages on the console again\n"
            "  -n, --console-level LVL  print messages below LVL on the console (1-8 or a name)\n"
            "  -s, --buffer-size SIZE   read with a buffer of SIZE bytes\n"
            "  -h, --help               show this help\n");
    exit(status);
}

static void fail(const char *what)
{
    fprintf(stderr, "dmesg: %s failed: %s\n", what, strerror(errno));
    exit(1);
}

/* A console level: 1-8, or a level name (its number plus one, as util-linux does). */
static int parse_level(const char *text)
{
    char *end;
    long number = strtol(text, &end, 10);
    if (end != text && *end == '\0')
        return (int)number;
    for (int i = 0; i < 8; i++)
        if (strcmp(text, level_names[i]) == 0)
            return i + 1;
    fprintf(stderr, "dmesg: unknown level '%s'\n", text);
    exit(1);
}

/* Print the log in BUFFER (LENGTH bytes of "<N>[time] text\n" lines), without the
 * priority prefix unless RAW. */
static void print_log(const char *buffer, int length, int raw)
{
    int start = 0;
    while (start < length) {
        int end = start;
        while (end < length && buffer[end] != '\n')
            end++;
        const char *line = buffer + start;
        int line_length = end - start;
        if (!raw && line_length > 0 && line[0] == '<') {
            const char *close = memchr(line, '>', (size_t)line_length);
            if (close) {
                line_length -= (int)(close + 1 - line);
                line = close + 1;
            }
        }
        fwrite(line, 1, (size_t)line_length, stdout);
        putchar('\n');
        start = end + 1;
    }
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"raw", no_argument, NULL, 'r'},
        {"read-clear", no_argument, NULL, 'c'},
        {"clear", no_argument, NULL, 'C'},
        {"console-off", no_argument, NULL, 'D'},
        {"console-on", no_argument, NULL, 'E'},
        {"console-level", required_argument, NULL, 'n'},
        {"buffer-size", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int raw = 0, action = SYSLOG_ACTION_READ_ALL, level = 0, size = 0, opt;
    while ((opt = getopt_long(argc, argv, "rcCDEn:s:h", options, NULL)) != -1) {
        switch (opt) {
        case 'r': raw = 1; break;
        case 'c': action = SYSLOG_ACTION_READ_CLEAR; break;
        case 'C': action = SYSLOG_ACTION_CLEAR; break;
        case 'D': action = SYSLOG_ACTION_CONSOLE_OFF; break;
        case 'E': action = SYSLOG_ACTION_CONSOLE_ON; break;
        case 'n':
            action = SYSLOG_ACTION_CONSOLE_LEVEL;
            level = parse_level(optarg);
            break;
        case 's': size = atoi(optarg); break;
        case 'h': usage(stdout, 0); break;
        default: usage(stderr, 1);
        }
    }
    if (optind < argc)
        usage(stderr, 1);

    if (action != SYSLOG_ACTION_READ_ALL && action != SYSLOG_ACTION_READ_CLEAR) {
        if (klogctl(action, NULL, level) < 0)
            fail("klogctl");
        return 0;
    }
    if (size <= 0) {
        size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
        if (size <= 0)
            size = 1 << 17;
    }
    char *buffer = malloc((size_t)size);
    if (!buffer)
        fail("malloc");
    int length = klogctl(action, buffer, size);
    if (length < 0)
        fail("klogctl");
    print_log(buffer, length, raw);
    free(buffer);
    return 0;
}
