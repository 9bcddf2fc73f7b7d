/*
 * sleep: pause for the sum of intervals like "1.5" or "2m" (suffixes s, m, h, d), like coreutils
 * sleep. The demonstration's background process; it waits in nanosleep on nest's timer queue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LONGEST_NAP 2147483647.0 /* seconds in one nanosleep call: about 68 years */

/* Print "sleep: MESSAGE 'ARGUMENT'" and the usage, then exit with status 1
 * as coreutils sleep does. ARGUMENT may be NULL. */
static void usage_error(const char *message, const char *argument)
{
    if (argument != NULL)
        fprintf(stderr, "sleep: %s '%s'\n", message, argument);
    else
        fprintf(stderr, "sleep: %s\n", message);
    fprintf(stderr, "Usage: sleep NUMBER[SUFFIX]...\n");
    exit(1);
}

/* Return the number of seconds in one unit of SUFFIX, or 0 if it is not one. */
static double suffix_seconds(char suffix)
{
    switch (suffix) {
    case '\0':
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 60 * 60;
    case 'd':
        return 24 * 60 * 60;
    }
    return 0;
}

/* Convert ARG such as "1.5m" to seconds; exit with a message if it is invalid. */
static double parse_interval(const char *arg)
{
    char *end;
    double value;
    double unit;

    value = strtod(arg, &end);
    if (end == arg || !(value >= 0) || (end[0] != '\0' && end[1] != '\0'))
        usage_error("invalid time interval", arg);
    unit = suffix_seconds(end[0]);
    if (unit == 0)
        usage_error("invalid time interval", arg);
    return value * unit;
}

/* Turn SECONDS (less than LONGEST_NAP) into a timespec, rounding up to
 * the next nanosecond. */
static struct timespec to_timespec(double seconds)
{
    struct timespec interval;
    double whole = (double)(long long)seconds;
    double nanoseconds = (seconds - whole) * 1e9;

    interval.tv_sec = (time_t)whole;
    interval.tv_nsec = (long)nanoseconds;
    if (nanoseconds > (double)interval.tv_nsec)
        interval.tv_nsec++;
    if (interval.tv_nsec >= 1000000000) {
        interval.tv_sec++;
        interval.tv_nsec -= 1000000000;
    }
    return interval;
}

/* Sleep for SECONDS (infinity means for ever) in naps of at most
 * LONGEST_NAP seconds, so that no kernel has to handle a huge timeout;
 * after a signal, nanosleep is resumed with the time remaining. */
static int sleep_for(double seconds)
{
    struct timespec interval, remaining;
    double nap;

    while (seconds > 0) {
        nap = seconds < LONGEST_NAP ? seconds : LONGEST_NAP;
        seconds -= nap;
        interval = to_timespec(nap);
        while (nanosleep(&interval, &remaining) < 0) {
            if (errno != EINTR)
                return -1;
            interval = remaining;
        }
    }
    return 0;
}

/* Add up the operands and sleep that long. */
int main(int argc, char **argv)
{
    double total = 0;
    char option[2] = "";

    if (getopt(argc, argv, "+:") != -1) {
        option[0] = (char)optopt;
        usage_error("invalid option --", option);
    }
    if (optind == argc)
        usage_error("missing operand", NULL);
    for (int i = optind; i < argc; i++)
        total += parse_interval(argv[i]);
    if (sleep_for(total) < 0) {
        fprintf(stderr, "sleep: cannot sleep: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
