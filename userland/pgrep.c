/*
 * pgrep, pkill: find processes in /proc by name (a POSIX extended regex) and by parent, session
 * or process group, then print their PIDs (pgrep) or signal them (pkill: this program run under
 * that name), with procps' options and exit status. The PIDs are those of the reader's /proc.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* procps' exit statuses. */
#define EXIT_MATCHED 0
#define EXIT_NO_MATCH 1
#define EXIT_USAGE 2
#define EXIT_FATAL 3

#define SIGNAL_COUNT 31
#define MAX_LIST 64

/* Linux x86-64 signal names, indexed by number (index 0 unused). */
static const char *const signal_names[SIGNAL_COUNT + 1] = {
    "0",    "HUP",  "INT",    "QUIT", "ILL",  "TRAP", "ABRT", "BUS",
    "FPE",  "KILL", "USR1",   "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
};

struct process {
    int pid;                      /* number in the reader's /proc */
    char name[64];                /* stat field 2, without the parentheses */
    int ppid, pgrp, session;      /* stat fields 4-6 */
    unsigned long long starttime; /* stat field 22: clock ticks after boot */
    char *args;                   /* cmdline, NULs made spaces; NULL if empty */
};

/* A comma-separated list of numbers given to -P, -s or -g. */
struct id_list {
    int ids[MAX_LIST];
    int count; /* 0: the option was not given */
};

static const char *program;     /* "pgrep" or "pkill", for messages */
static int is_pkill;            /* run as pkill: signal instead of print */
static int full_command_line;   /* -f: match against the command line */
static int exact;               /* -x: the pattern must match the whole name */
static int ignore_case;         /* -i */
static int negate;              /* -v */
static int count_only;          /* -c */
static int list_name;           /* -l */
static int list_full;           /* -a */
static int newest, oldest;      /* -n, -o */
static int echo_killed;         /* -e (pkill) */
static const char *delimiter = "\n"; /* -d */
static int signal_number = SIGTERM;
static struct id_list parents, sessions, groups;

/* Print the usage and exit with status 2. */
static void usage(void)
{
    if (is_pkill)
        fprintf(stderr, "Usage: pkill [-SIGNAL | --signal SIGNAL] [-cefinovx] [-P PPIDS] "
                        "[-s SIDS] [-g PGRPS] [PATTERN]\n");
    else
        fprintf(stderr, "Usage: pgrep [-acflinovx] [-d DELIM] [-P PPIDS] [-s SIDS] "
                        "[-g PGRPS] [PATTERN]\n");
    fprintf(stderr, "Select processes whose name matches PATTERN (an extended regex):\n"
                    "  -f  match the full command line   -x  match the whole name\n"
                    "  -i  ignore case                   -v  select those not matching\n"
                    "  -n  newest only                   -o  oldest only\n"
                    "  -P, -s, -g  parent, session, process group (-s 0, -g 0: our own)\n"
                    "  -c  print the count%s\n",
            is_pkill ? "               -e  print each process signalled"
                     : "\n  -l  print the name                -a  print the command line\n"
                       "  -d  separate PIDs with DELIM");
    exit(EXIT_USAGE);
}

/* Return the number of signal TEXT ("9", "KILL", "SIGKILL"), or -1. */
static int parse_signal(const char *text)
{
    char *end;
    long number;

    if (*text >= '0' && *text <= '9') {
        number = strtol(text, &end, 10);
        return (*end == '\0' && number <= 64) ? (int)number : -1;
    }
    if (strncasecmp(text, "SIG", 3) == 0)
        text += 3;
    for (int i = 1; i <= SIGNAL_COUNT; i++) {
        if (strcasecmp(text, signal_names[i]) == 0)
            return i;
    }
    return -1;
}

/* Fill LIST from "1,2,3"; 0 stands for OWN (the caller's own session or group).
 * Exits on a bad list. */
static void parse_id_list(struct id_list *list, const char *text, int own, char option)
{
    char *copy = strdup(text), *saveptr = NULL, *end;

    list->count = 0;
    for (char *item = strtok_r(copy, ",", &saveptr); item; item = strtok_r(NULL, ",", &saveptr)) {
        long id = strtol(item, &end, 10);
        if (*item == '\0' || *end != '\0' || id < 0 || id > INT_MAX || list->count == MAX_LIST) {
            fprintf(stderr, "%s: invalid argument for -%c: '%s'\n", program, option, text);
            exit(EXIT_USAGE);
        }
        list->ids[list->count++] = id == 0 ? own : (int)id;
    }
    if (list->count == 0) {
        fprintf(stderr, "%s: invalid argument for -%c: '%s'\n", program, option, text);
        exit(EXIT_USAGE);
    }
    free(copy);
}

/* Is ID in LIST? An empty list (option not given) accepts every ID. */
static int in_list(const struct id_list *list, int id)
{
    if (list->count == 0)
        return 1;
    for (int i = 0; i < list->count; i++) {
        if (list->ids[i] == id)
            return 1;
    }
    return 0;
}

/* Read /proc/PID/stat and cmdline into *P. Returns 0, or -1 if the process is gone. */
static int read_process(int pid, struct process *p)
{
    char path[64], buffer[1024];
    ssize_t length;
    int fd;
    char *open_paren, *close_paren;

    memset(p, 0, sizeof(*p));
    p->pid = pid;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    length = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    if (length <= 0)
        return -1;
    buffer[length] = '\0';
    /* The name may hold spaces and parentheses: it ends at the last ')'. */
    open_paren = strchr(buffer, '(');
    close_paren = strrchr(buffer, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return -1;
    snprintf(p->name, sizeof(p->name), "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    if (sscanf(close_paren + 2, "%*c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
                                "%*d %*d %*d %llu",
               &p->ppid, &p->pgrp, &p->session, &p->starttime) != 4)
        return -1;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    length = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    if (length <= 0)
        return 0;
    while (length > 0 && buffer[length - 1] == '\0')
        length--;
    for (ssize_t i = 0; i < length; i++) {
        if (buffer[i] == '\0')
            buffer[i] = ' ';
    }
    buffer[length] = '\0';
    p->args = strdup(buffer);
    return 0;
}

/* Does P pass every criterion given (before -v)? PATTERN is NULL when none was given. */
static int selected(const struct process *p, const regex_t *pattern)
{
    const char *subject = (full_command_line && p->args) ? p->args : p->name;

    if (!in_list(&parents, p->ppid) || !in_list(&sessions, p->session) ||
        !in_list(&groups, p->pgrp))
        return 0;
    return pattern == NULL || regexec(pattern, subject, 0, NULL, 0) == 0;
}

/* The PID of this very process in the reader's /proc, which may belong to another PID
 * namespace than getpid() answers in; getpid() if /proc has no "self". */
static int own_pid_in_proc(void)
{
    char target[32];
    ssize_t length = readlink("/proc/self", target, sizeof(target) - 1);

    if (length <= 0)
        return getpid();
    target[length] = '\0';
    return atoi(target);
}

/* Collect the matching processes into *FOUND (newest/oldest applied); returns how many. */
static size_t find_processes(const regex_t *pattern, struct process **found)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    size_t count = 0, capacity = 16;
    int self = own_pid_in_proc();
    struct process p;

    if (!proc) {
        fprintf(stderr, "%s: cannot open /proc: %s\n", program, strerror(errno));
        exit(EXIT_FATAL);
    }
    *found = malloc(capacity * sizeof(**found));
    while ((entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*entry->d_name < '1' || *entry->d_name > '9' || *end != '\0' || pid == self)
            continue;
        if (read_process((int)pid, &p) != 0)
            continue;
        if (selected(&p, pattern) == negate) {
            free(p.args);
            continue;
        }
        if (count == capacity) {
            capacity *= 2;
            *found = realloc(*found, capacity * sizeof(**found));
        }
        (*found)[count++] = p;
    }
    closedir(proc);
    if ((newest || oldest) && count > 1) {
        size_t best = 0;
        for (size_t i = 1; i < count; i++) {
            const struct process *a = &(*found)[i], *b = &(*found)[best];
            int later = a->starttime > b->starttime ||
                        (a->starttime == b->starttime && a->pid > b->pid);
            if (later == newest)
                best = i;
        }
        (*found)[0] = (*found)[best];
        count = 1;
    }
    return count;
}

/* pgrep's output: one PID (with its name or command line) per item, DELIM between. */
static void print_processes(const struct process *found, size_t count)
{
    if (count_only) {
        printf("%zu\n", count);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        printf("%d", found[i].pid);
        if (list_full)
            printf(" %s", found[i].args ? found[i].args : found[i].name);
        else if (list_name)
            printf(" %s", found[i].name);
        fputs(i + 1 < count ? delimiter : "\n", stdout);
    }
}

/* pkill's work: signal each process found; a process that ended meanwhile is not an error. */
static void signal_processes(const struct process *found, size_t count)
{
    size_t signalled = 0;

    for (size_t i = 0; i < count; i++) {
        if (kill(found[i].pid, signal_number) == 0) {
            signalled++;
            if (echo_killed)
                printf("%s killed (pid %d)\n", found[i].name, found[i].pid);
        } else if (errno != ESRCH) {
            fprintf(stderr, "pkill: killing pid %d failed: %s\n", found[i].pid, strerror(errno));
        }
    }
    if (count_only)
        printf("%zu\n", signalled);
}

/* pkill's "-SIGNAL" as the first argument: take it out of ARGV. */
static void take_signal_argument(int *argc, char **argv)
{
    int number;

    if (*argc < 2 || argv[1][0] != '-' || argv[1][1] == '\0' || argv[1][1] == '-')
        return;
    number = parse_signal(argv[1] + 1);
    if (number < 0)
        return;
    signal_number = number;
    memmove(&argv[1], &argv[2], (size_t)(*argc - 1) * sizeof(argv[0]));
    (*argc)--;
}

/* Read the options; returns the index of the first operand. */
static int parse_options(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"signal", required_argument, NULL, 'S'}, {"delimiter", required_argument, NULL, 'd'},
        {"count", no_argument, NULL, 'c'},        {"full", no_argument, NULL, 'f'},
        {"exact", no_argument, NULL, 'x'},        {"inverse", no_argument, NULL, 'v'},
        {"newest", no_argument, NULL, 'n'},       {"oldest", no_argument, NULL, 'o'},
        {"parent", required_argument, NULL, 'P'}, {"session", required_argument, NULL, 's'},
        {"pgroup", required_argument, NULL, 'g'}, {"list-name", no_argument, NULL, 'l'},
        {"list-full", no_argument, NULL, 'a'},    {"ignore-case", no_argument, NULL, 'i'},
        {"echo", no_argument, NULL, 'e'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int option;

    while ((option = getopt_long(argc, argv, "acd:efg:hilnoP:s:u:U:vx", long_options, NULL)) != -1) {
        switch (option) {
        case 'a': list_full = 1; break;
        case 'c': count_only = 1; break;
        case 'd': delimiter = optarg; break;
        case 'e': echo_killed = 1; break;
        case 'f': full_command_line = 1; break;
        case 'g': parse_id_list(&groups, optarg, getpgrp(), 'g'); break;
        case 'i': ignore_case = 1; break;
        case 'l': list_name = 1; break;
        case 'n': newest = 1; break;
        case 'o': oldest = 1; break;
        case 'P': parse_id_list(&parents, optarg, 0, 'P'); break;
        case 's': parse_id_list(&sessions, optarg, getsid(0), 's'); break;
        case 'v': negate = 1; break;
        case 'x': exact = 1; break;
        case 'S':
            signal_number = parse_signal(optarg);
            if (signal_number < 0) {
                fprintf(stderr, "%s: unknown signal name %s\n", program, optarg);
                exit(EXIT_USAGE);
            }
            break;
        case 'u':
        case 'U':
            fprintf(stderr, "%s: -%c is not supported: nest has a single user\n", program,
                    option);
            exit(EXIT_USAGE);
        default:
            usage();
        }
    }
    return optind;
}

/* Reject what does not fit pgrep or pkill, or each other. */
static void check_options(int operands)
{
    if (is_pkill && (list_name || list_full)) {
        fprintf(stderr, "pkill: -%c is pgrep's only\n", list_name ? 'l' : 'a');
        usage();
    }
    if (!is_pkill && echo_killed) {
        fprintf(stderr, "pgrep: -e is pkill's only\n");
        usage();
    }
    if (newest && oldest) {
        fprintf(stderr, "%s: -n and -o cannot be combined\n", program);
        usage();
    }
    if (operands > 1) {
        fprintf(stderr, "%s: only one pattern can be provided\n", program);
        usage();
    }
    if (operands == 0 && !parents.count && !sessions.count && !groups.count) {
        fprintf(stderr, "%s: no matching criteria specified\n", program);
        usage();
    }
}

/* Compile TEXT as an extended regex, anchored at both ends with -x. Exits if it is invalid. */
static void compile_pattern(regex_t *pattern, const char *text)
{
    size_t size = strlen(text) + 5;
    char *anchored = malloc(size);
    char message[128];
    int error;

    snprintf(anchored, size, exact ? "^(%s)$" : "%s", text);
    error = regcomp(pattern, anchored, REG_EXTENDED | REG_NOSUB | (ignore_case ? REG_ICASE : 0));
    free(anchored);
    if (error != 0) {
        regerror(error, pattern, message, sizeof(message));
        fprintf(stderr, "%s: invalid pattern '%s': %s\n", program, text, message);
        exit(EXIT_USAGE);
    }
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    struct process *found;
    regex_t pattern;
    size_t count;
    int first;

    base = base ? base + 1 : argv[0];
    is_pkill = strcmp(base, "pkill") == 0;
    program = is_pkill ? "pkill" : "pgrep";
    if (is_pkill)
        take_signal_argument(&argc, argv);
    first = parse_options(argc, argv);
    check_options(argc - first);
    if (first < argc)
        compile_pattern(&pattern, argv[first]);
    count = find_processes(first < argc ? &pattern : NULL, &found);
    if (is_pkill)
        signal_processes(found, count);
    else
        print_processes(found, count);
    return count > 0 ? EXIT_MATCHED : EXIT_NO_MATCH;
}
