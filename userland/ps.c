/*
 * ps: list processes from /proc in procps' format: PID PPID STAT TIME CMD by default, -e/-A all,
 * -p PIDLIST, -o FORMAT; else, as procps, those with ps's own tty and euid. For nest: without -o,
 * if a listed process is in a PID namespace below the reader's (several numbers on its NSpid
 * line), an NSPID column ("12,3": from the reader's namespace down) follows PPID.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct process {
    int pid;                  /* number in the reader's namespace */
    char comm[64];            /* stat field 2, without the parentheses */
    char state;               /* stat field 3 */
    int ppid, pgrp, session;  /* stat fields 4-6 */
    int tty;                  /* stat field 7: tty device number, 0 for none */
    int tpgid;                /* stat field 8: foreground group of that tty */
    unsigned long long ticks; /* stat fields 14+15: user+system clock ticks */
    long nice;                /* stat field 19 */
    long threads;             /* stat field 20 */
    int processor;            /* stat field 39: the CPU it runs or last ran on, -1 if absent */
    long euid;                /* status "Uid:" second value, -1 if absent */
    long locked_kb;           /* status "VmLck:", 0 if absent */
    char nspid[128];          /* status "NSpid:" joined with commas, "-" if absent */
    int nspid_levels;         /* how many numbers the NSpid line has */
    char *args;               /* cmdline, NULs made spaces; NULL if empty */
};

enum alignment { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_UNLIMITED };

struct column_type {
    const char *name;         /* the -o keyword */
    const char *header;       /* the default heading */
    int width;                /* procps' width for the column */
    enum alignment alignment; /* right-aligned, left, or left and cut to fit */
    void (*format)(const struct process *p, char *text, size_t size); /* writes the value */
};

struct column {
    const struct column_type *type; /* what to print */
    const char *header;             /* the heading, perhaps renamed by -o name=X */
    int width;                      /* the width used for this listing */
};

static struct process *processes; /* every process found in /proc */
static size_t process_count;
static struct column columns[64]; /* the columns to print, in order */
static size_t column_count;
static int *wanted_pids;          /* -p: the PIDs asked for */
static size_t wanted_count;
static int select_all;            /* -e, -A: every process */
static int no_headers;            /* --no-headers */
static long clock_ticks;          /* clock ticks per second, the unit of stat times */
static char text[131072];         /* one formatted field */

/* Print "ps: MESSAGE" and the usage, then exit with status 2. */
static void usage_error(const char *message)
{
    fprintf(stderr, "ps: %s\n", message);
    fprintf(stderr, "Usage: ps [-eA] [-p PIDLIST] [-o FORMAT] [--no-headers]\n");
    exit(2);
}

/* Return POINTER, or exit with a message if the allocation behind it failed. */
static void *check_memory(void *pointer)
{
    if (pointer == NULL) {
        fprintf(stderr, "ps: memory exhausted\n");
        exit(1);
    }
    return pointer;
}

/* Read the file PATH into a new NUL-terminated buffer *CONTENTS (freed by the
 * caller). Returns the length read, or -1 if the file cannot be read. */
static long read_file(const char *path, char **contents)
{
    int fd = open(path, O_RDONLY);
    size_t size = 4096;
    size_t length = 0;
    ssize_t count;

    if (fd < 0)
        return -1;
    *contents = check_memory(malloc(size + 1));
    while ((count = read(fd, *contents + length, size - length)) > 0) {
        length += (size_t)count;
        if (length == size) {
            size *= 2;
            *contents = check_memory(realloc(*contents, size + 1));
        }
    }
    close(fd);
    if (count < 0) {
        free(*contents);
        return -1;
    }
    (*contents)[length] = '\0';
    return (long)length;
}

/* Make S printable as procps does in the C locale: control characters
 * become '.', bytes above ASCII become '?'. */
static void escape_text(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s >= 0x80)
            *s = '?';
        else if (*s < ' ' || *s == 0x7f)
            *s = '.';
    }
}

/* Fill P's stat fields from the text of /proc/PID/stat. Returns -1 if malformed. */
static int parse_stat(const char *stat, struct process *p)
{
    const char *open_paren = strchr(stat, '(');
    const char *close_paren = strrchr(stat, ')');
    unsigned long long user_ticks = 0, system_ticks = 0;
    int fields;

    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
        return -1;
    snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close_paren - open_paren - 1),
             open_paren + 1);
    escape_text(p->comm);
    p->processor = -1;
    fields = sscanf(close_paren + 1,
                    " %c %d %d %d %d %d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %ld %ld"
                    " %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %d",
                    &p->state, &p->ppid, &p->pgrp, &p->session, &p->tty, &p->tpgid,
                    &user_ticks, &system_ticks, &p->nice, &p->threads, &p->processor);
    p->ticks = user_ticks + system_ticks;
    return fields >= 6 ? 0 : -1;
}

/* Join the numbers after "NSpid:" in LINE with commas into P->nspid. */
static void parse_nspid(const char *line, struct process *p)
{
    size_t used = 0;
    int number;
    int length;

    p->nspid_levels = 0;
    while (sscanf(line, " %d%n", &number, &length) == 1 && used < sizeof(p->nspid) - 16) {
        used += (size_t)snprintf(p->nspid + used, sizeof(p->nspid) - used, "%s%d",
                                 p->nspid_levels > 0 ? "," : "", number);
        p->nspid_levels++;
        line += length;
    }
    if (p->nspid_levels == 0)
        strcpy(p->nspid, "-");
}

/* Fill P's status fields from the text of /proc/PID/status. */
static void parse_status(char *status, struct process *p)
{
    for (char *line = strtok(status, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "Uid:", 4) == 0)
            sscanf(line + 4, "%*d %ld", &p->euid);
        else if (strncmp(line, "VmLck:", 6) == 0)
            sscanf(line + 6, "%ld", &p->locked_kb);
        else if (strncmp(line, "NSpid:", 6) == 0)
            parse_nspid(line + 6, p);
    }
}

/* Turn the raw cmdline of LENGTH bytes into P->args: trailing NULs dropped,
 * the NULs between arguments (and newlines) made spaces, like procps. */
static void parse_cmdline(char *cmdline, long length, struct process *p)
{
    while (length > 0 && cmdline[length - 1] == '\0')
        length--;
    if (length == 0) {
        free(cmdline);
        return;
    }
    cmdline[length] = '\0';
    for (long i = 0; i < length; i++) {
        if (cmdline[i] == '\0' || cmdline[i] == '\n')
            cmdline[i] = ' ';
    }
    escape_text(cmdline);
    p->args = cmdline;
}

/* Read the file /proc/PID/NAME into *CONTENTS as read_file does. */
static long read_proc_file(int pid, const char *name, char **contents)
{
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
    return read_file(path, contents);
}

/* Read /proc/PID into P. Returns -1 if the process is not there or vanished
 * while being read; a missing status or cmdline file of a process that
 * still exists only leaves those fields empty. */
static int read_process(int pid, struct process *p)
{
    char *contents;
    char path[64];
    long length;
    int malformed;
    int complete = 1;

    memset(p, 0, sizeof(*p));
    p->pid = pid;
    p->euid = -1;
    strcpy(p->nspid, "-");
    if (read_proc_file(pid, "stat", &contents) < 0)
        return -1;
    malformed = parse_stat(contents, p) < 0;
    free(contents);
    if (malformed)
        return -1;
    if (read_proc_file(pid, "status", &contents) >= 0) {
        parse_status(contents, p);
        free(contents);
    } else {
        complete = 0;
    }
    if ((length = read_proc_file(pid, "cmdline", &contents)) >= 0)
        parse_cmdline(contents, length, p);
    else
        complete = 0;
    snprintf(path, sizeof(path), "/proc/%d", pid);
    if (complete || access(path, F_OK) == 0)
        return 0;
    free(p->args);
    return -1;
}

/* Return the PID that the /proc entry NAME stands for, or 0 if it is not one. */
static int pid_of_entry(const char *name)
{
    long value = 0;

    for (const char *c = name; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || value > INT_MAX / 10)
            return 0;
        value = value * 10 + (*c - '0');
    }
    return (int)value;
}

/* Read every process listed in /proc into PROCESSES, skipping any that
 * vanish while we read them. */
static void read_all_processes(void)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    size_t capacity = 0;
    int pid;

    if (proc == NULL) {
        perror("ps: cannot open /proc");
        exit(1);
    }
    while ((entry = readdir(proc)) != NULL) {
        if ((pid = pid_of_entry(entry->d_name)) <= 0)
            continue;
        if (process_count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            processes = check_memory(realloc(processes, capacity * sizeof(*processes)));
        }
        if (read_process(pid, &processes[process_count]) == 0)
            process_count++;
    }
    closedir(proc);
}

/* Order processes by PID. */
static int compare_pids(const void *a, const void *b)
{
    const struct process *left = a, *right = b;

    return (left->pid > right->pid) - (left->pid < right->pid);
}

/* Return our own controlling tty from /proc/self/stat, or 0 if none. */
static int own_tty(void)
{
    struct process self;
    char *contents;
    int tty = 0;

    if (read_file("/proc/self/stat", &contents) < 0)
        return 0;
    if (parse_stat(contents, &self) == 0)
        tty = self.tty;
    free(contents);
    return tty;
}

/* Return 1 if P is to be listed: -e; a -p match; or, with neither, procps'
 * default of the same effective uid and the same controlling tty as ours. */
static int is_selected(const struct process *p, int tty)
{
    if (select_all)
        return 1;
    for (size_t i = 0; i < wanted_count; i++) {
        if (wanted_pids[i] == p->pid)
            return 1;
    }
    if (wanted_count > 0)
        return 0;
    return p->tty == tty && (p->euid < 0 || p->euid == (long)geteuid());
}

/* Keep only the selected processes, sorted by PID. */
static void select_processes(void)
{
    int tty = own_tty();
    size_t kept = 0;

    for (size_t i = 0; i < process_count; i++) {
        if (is_selected(&processes[i], tty))
            processes[kept++] = processes[i];
        else
            free(processes[i].args);
    }
    process_count = kept;
    qsort(processes, process_count, sizeof(*processes), compare_pids);
}

/* Column PID. */
static void format_pid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%d", p->pid);
}

/* Column PPID. */
static void format_ppid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%d", p->ppid);
}

/* Column PGID. */
static void format_pgid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%d", p->pgrp);
}

/* Column SID. */
static void format_sid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%d", p->session);
}

/* Column TPGID. */
static void format_tpgid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%d", p->tpgid);
}

/* Column S: the one-letter state. */
static void format_state(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%c", p->state);
}

/* Column STAT: the state and procps' flags: < high priority, N low priority,
 * L locked pages, s session leader, l threaded, + foreground process group. */
static void format_stat(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%c%s%s%s%s%s%s", p->state, p->nice < 0 ? "<" : "",
             p->nice > 0 ? "N" : "", p->locked_kb > 0 ? "L" : "",
             p->session == p->pid ? "s" : "", p->threads > 1 ? "l" : "",
             p->pgrp == p->tpgid ? "+" : "");
}

/* Column TIME (time): CPU time as [DD-]HH:MM:SS. */
static void format_time(const struct process *p, char *out, size_t size)
{
    unsigned long long seconds = p->ticks / (unsigned long long)clock_ticks;
    unsigned long long days = seconds / 86400;

    if (days > 0)
        snprintf(out, size, "%llu-%02llu:%02llu:%02llu", days, seconds / 3600 % 24,
                 seconds / 60 % 60, seconds % 60);
    else
        snprintf(out, size, "%02llu:%02llu:%02llu", seconds / 3600 % 24, seconds / 60 % 60,
                 seconds % 60);
}

/* Column TIME (bsdtime): CPU time as minutes:seconds. */
static void format_bsdtime(const struct process *p, char *out, size_t size)
{
    unsigned long long seconds = p->ticks / (unsigned long long)clock_ticks;

    snprintf(out, size, "%3llu:%02llu", seconds / 60, seconds % 60);
}

/* Column COMMAND (comm): the command name. */
static void format_comm(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%s", p->comm);
}

/* Column COMMAND (args): the arguments, or "[comm]" when there are none. */
static void format_args(const struct process *p, char *out, size_t size)
{
    if (p->args != NULL)
        snprintf(out, size, "%s", p->args);
    else
        snprintf(out, size, "[%s]%s", p->comm, p->state == 'Z' ? " <defunct>" : "");
}

/* Column TT: the controlling tty's name from its device number, as procps
 * names them: 5:1 console, 4:N ttyN (serial ttyS from minor 64), 136+:N pts/N. */
static void format_tty(const struct process *p, char *out, size_t size)
{
    unsigned int major = ((unsigned int)p->tty >> 8) & 0xfff;
    unsigned int minor = ((unsigned int)p->tty & 0xff) | (((unsigned int)p->tty >> 12) & 0xfff00);

    if (major == 5 && minor == 1)
        snprintf(out, size, "console");
    else if (major == 4 && minor >= 64)
        snprintf(out, size, "ttyS%u", minor - 64);
    else if (major == 4)
        snprintf(out, size, "tty%u", minor);
    else if (major >= 136 && major <= 143)
        snprintf(out, size, "pts/%u", minor + (major - 136) * 256);
    else
        snprintf(out, size, "?");
}

/* Column NSPID: the PID in each namespace from the reader's down, "12,3". */
static void format_nspid(const struct process *p, char *out, size_t size)
{
    snprintf(out, size, "%s", p->nspid);
}

/* Column PSR: the CPU it runs on, or ran on last. */
static void format_psr(const struct process *p, char *out, size_t size)
{
    if (p->processor < 0)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%d", p->processor);
}

/* The -o keywords, with procps' headings, widths and alignments. PID columns
 * are 5 wide, as in procps before 3.3.16; later versions widen them to the
 * digits of pid_max, which would make the output depend on the host. */
static const struct column_type column_types[] = {
    { "pid", "PID", 5, ALIGN_RIGHT, format_pid },
    { "ppid", "PPID", 5, ALIGN_RIGHT, format_ppid },
    { "pgid", "PGID", 5, ALIGN_RIGHT, format_pgid },
    { "pgrp", "PGRP", 5, ALIGN_RIGHT, format_pgid },
    { "sid", "SID", 5, ALIGN_RIGHT, format_sid },
    { "sess", "SESS", 5, ALIGN_RIGHT, format_sid },
    { "tpgid", "TPGID", 5, ALIGN_RIGHT, format_tpgid },
    { "s", "S", 1, ALIGN_LEFT, format_state },
    { "stat", "STAT", 4, ALIGN_LEFT, format_stat },
    { "time", "TIME", 8, ALIGN_RIGHT, format_time },
    { "bsdtime", "TIME", 6, ALIGN_RIGHT, format_bsdtime },
    { "comm", "COMMAND", 15, ALIGN_UNLIMITED, format_comm },
    { "args", "COMMAND", 27, ALIGN_UNLIMITED, format_args },
    { "command", "COMMAND", 27, ALIGN_UNLIMITED, format_args },
    { "cmd", "CMD", 27, ALIGN_UNLIMITED, format_args },
    { "tty", "TT", 8, ALIGN_LEFT, format_tty },
    { "tt", "TT", 8, ALIGN_LEFT, format_tty },
    { "nspid", "NSPID", 5, ALIGN_LEFT, format_nspid },
    { "psr", "PSR", 3, ALIGN_RIGHT, format_psr },
};

/* Append the column named NAME, with HEADER (NULL for the default). */
static void add_column(const char *name, const char *header)
{
    const struct column_type *type = NULL;
    struct column *column;

    for (size_t i = 0; i < sizeof(column_types) / sizeof(column_types[0]); i++) {
        if (strcmp(column_types[i].name, name) == 0)
            type = &column_types[i];
    }
    if (type == NULL) {
        snprintf(text, sizeof(text), "unknown user-defined format specifier \"%s\"", name);
        usage_error(text);
    }
    if (column_count == sizeof(columns) / sizeof(columns[0]))
        usage_error("too many columns");
    column = &columns[column_count++];
    column->type = type;
    column->header = header != NULL ? header : type->header;
    column->width = type->width;
    if (column->width < (int)strlen(column->header))
        column->width = (int)strlen(column->header);
}

/* Add the columns of an -o ARGUMENT: keywords separated by commas or
 * blanks, each perhaps renamed with "=HEADER". The copy it splits is kept,
 * since the headers point into it. */
static void parse_format(const char *argument)
{
    char *list = check_memory(strdup(argument));
    char *end = list + strlen(list);
    char *item = list;

    if (*list == '\0')
        usage_error("format specification must follow -o");
    while (item <= end) {
        size_t length = strcspn(item, ", \t");
        char *equals;

        if (length == 0)
            usage_error("improper format list");
        item[length] = '\0';
        equals = strchr(item, '=');
        if (equals != NULL)
            *equals = '\0';
        add_column(item, equals != NULL ? equals + 1 : NULL);
        item += length + 1;
    }
}

/* Add the PIDs of a -p ARGUMENT, separated by commas or blanks. */
static void parse_pid_list(const char *argument)
{
    char *list = check_memory(strdup(argument));
    char *end;

    if (*list == '\0')
        usage_error("list of process IDs must follow -p");
    for (char *item = strtok(list, ", \t"); item != NULL; item = strtok(NULL, ", \t")) {
        long pid = strtol(item, &end, 10);

        if (*end != '\0')
            usage_error("process ID list syntax error");
        if (pid <= 0 || pid > INT_MAX)
            usage_error("process ID out of range");
        wanted_pids = check_memory(realloc(wanted_pids, (wanted_count + 1) * sizeof(int)));
        wanted_pids[wanted_count++] = (int)pid;
    }
    free(list);
}

/* Report the option that getopt_long rejected (OPTION is '?' or ':') and exit. */
static void report_bad_option(int option, int argc, char **argv)
{
    const char *word = optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(word, "--", 2) == 0;

    if (option == ':' && is_long)
        snprintf(text, sizeof(text), "option '%s' requires an argument", word);
    else if (option == ':')
        snprintf(text, sizeof(text), "option requires an argument -- '%c'", optopt);
    else if (is_long)
        snprintf(text, sizeof(text), "unrecognized option '%s'", word);
    else
        snprintf(text, sizeof(text), "invalid option -- '%c'", optopt);
    usage_error(text);
}

/* Parse the command line into the selection and the columns. */
static void parse_options(int argc, char **argv)
{
    static const struct option long_options[] = {
        { "no-headers", no_argument, NULL, 'H' },
        { "no-heading", no_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    int option;

    while ((option = getopt_long(argc, argv, "+:eAp:o:", long_options, NULL)) != -1) {
        if (option == 'e' || option == 'A') {
            select_all = 1;
        } else if (option == 'p') {
            parse_pid_list(optarg);
        } else if (option == 'o') {
            parse_format(optarg);
        } else if (option == 'H') {
            no_headers = 1;
        } else {
            report_bad_option(option, argc, argv);
        }
    }
    if (optind < argc) {
        snprintf(text, sizeof(text), "unsupported argument '%s'", argv[optind]);
        usage_error(text);
    }
}

/* Add the default columns, with NSPID when a listed process has several numbers. */
static void add_default_columns(void)
{
    int nested = 0;

    for (size_t i = 0; i < process_count; i++)
        nested |= processes[i].nspid_levels > 1;
    add_column("pid", NULL);
    add_column("ppid", NULL);
    if (nested)
        add_column("nspid", NULL);
    add_column("stat", NULL);
    add_column("bsdtime", NULL);
    add_column("cmd", NULL);
}

/* Widen the NSPID columns to their longest value, since their numbers vary. */
static void fit_nspid_columns(void)
{
    for (size_t c = 0; c < column_count; c++) {
        if (columns[c].type->format != format_nspid)
            continue;
        for (size_t i = 0; i < process_count; i++) {
            if (columns[c].width < (int)strlen(processes[i].nspid))
                columns[c].width = (int)strlen(processes[i].nspid);
        }
    }
}

/* Return the width of the output line: $COLUMNS, else the terminal's width,
 * else unlimited when the output is not a terminal; then widened in whole
 * screens until the headers fit, as procps does. */
static int line_width(void)
{
    const char *variable = getenv("COLUMNS");
    struct winsize size;
    int screen = 80;
    int total = 0;
    int width;

    if (variable != NULL && atoi(variable) > 0)
        screen = atoi(variable);
    else if (!isatty(STDOUT_FILENO))
        return INT_MAX / 2;
    else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        screen = size.ws_col;
    for (size_t c = 0; c < column_count; c++) {
        int last_unlimited = c + 1 == column_count &&
                             columns[c].type->alignment == ALIGN_UNLIMITED;

        total += (last_unlimited ? 3 : columns[c].width) + (c > 0);
    }
    for (width = screen; width < total; width += screen)
        continue;
    return width;
}

/* Print one line: the headers if P is NULL, else P's fields. Columns are
 * placed as procps places them: a value wider than its column pushes the
 * rest right, and later right-aligned columns take the slack back. */
static void print_row(const struct process *p, int width)
{
    int correct = 0; /* where this column should start */
    int actual = 0;  /* where the previous column really ended */

    for (size_t c = 0; c < column_count; c++) {
        const struct column *column = &columns[c];
        int last = (c + 1 == column_count);
        int amount, space, room;

        if (p != NULL)
            column->type->format(p, text, sizeof(text));
        else
            snprintf(text, sizeof(text), "%s", column->header);
        amount = (int)strlen(text);
        space = correct - actual;
        if (column->type->alignment == ALIGN_RIGHT && amount < column->width)
            space += column->width - amount;
        if (space < 1)
            space = (c > 0);
        room = last ? width - actual - space : column->width;
        if (p != NULL && column->type->alignment == ALIGN_UNLIMITED && amount > room) {
            amount = room > 0 ? room : 0;
            text[amount] = '\0';
        }
        printf("%*s%s", space, "", text);
        actual += space + amount;
        correct += column->width + 1;
    }
    putchar('\n');
}

/* Return 1 if at least one column has a non-empty heading. */
static int has_headers(void)
{
    for (size_t c = 0; c < column_count; c++) {
        if (columns[c].header[0] != '\0')
            return 1;
    }
    return 0;
}

/* Read /proc, select and sort, then print the table. Exits with status 1
 * if no process was listed, as procps does. */
int main(int argc, char **argv)
{
    int width;

    clock_ticks = sysconf(_SC_CLK_TCK);
    if (clock_ticks <= 0)
        clock_ticks = 100;
    parse_options(argc, argv);
    read_all_processes();
    select_processes();
    if (column_count == 0)
        add_default_columns();
    fit_nspid_columns();
    width = line_width();
    if (!no_headers && has_headers())
        print_row(NULL, width);
    for (size_t i = 0; i < process_count; i++)
        print_row(&processes[i], width);
    return process_count > 0 ? 0 : 1;
}
