/*
 * unshare: run a program in new namespaces, like util-linux unshare (-p, -m, -f, --mount-proc,
 * --kill-child); "unshare -p -f sh" makes the demonstration's container, a shell that is PID 1.
 * One difference from util-linux: -p implies --mount-proc, because a /proc shows the PID
 * namespace of whoever mounted it, and the container's ps should see the container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIGNAL_COUNT 31

/* Linux x86-64 signal names, indexed by number (index 0 unused). */
static const char *const signal_names[SIGNAL_COUNT + 1] = {
    "0",    "HUP",  "INT",    "QUIT", "ILL",  "TRAP", "ABRT", "BUS",
    "FPE",  "KILL", "USR1",   "SEGV", "USR2", "PIPE", "ALRM", "TERM",
    "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
};

static const char usage_text[] =
    "Usage: unshare [options] [PROGRAM [ARGUMENT...]]\n"
    "  -p, --pid                 unshare the PID namespace (and mount a new /proc)\n"
    "  -m, --mount               unshare the mount namespace\n"
    "  -f, --fork                fork before running PROGRAM\n"
    "      --mount-proc[=DIR]    mount a proc file system on DIR (default /proc)\n"
    "      --kill-child[=SIGNAL] kill the child with SIGNAL when unshare dies\n"
    "  -h, --help                show this help\n";

struct settings {
    int flags;                 /* CLONE_NEW* flags for unshare(2) */
    int fork_first;            /* -f, or implied by --kill-child */
    const char *proc_directory;/* --mount-proc: where to mount proc, or NULL */
    int kill_signal;           /* --kill-child: the parent-death signal, or 0 */
};

/* Print "unshare: MESSAGE: reason" for the current errno and exit with STATUS. */
static void fail(const char *message, int status)
{
    fprintf(stderr, "unshare: %s: %s\n", message, strerror(errno));
    exit(status);
}

/* Print a usage error and exit with status 2. */
static void usage_error(const char *message, const char *argument)
{
    fprintf(stderr, "unshare: %s%s\n%s", message, argument, usage_text);
    exit(2);
}

/* Report the option that getopt_long rejected (OPTION is '?' or ':') and exit. */
static void report_bad_option(int option, int argc, char **argv)
{
    const char *word = optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(word, "--", 2) == 0;

    if (option == ':' && is_long)
        fprintf(stderr, "unshare: option '%s' requires an argument\n", word);
    else if (option == ':')
        fprintf(stderr, "unshare: option requires an argument -- '%c'\n", optopt);
    else if (is_long)
        fprintf(stderr, "unshare: unrecognized option '%s'\n", word);
    else
        fprintf(stderr, "unshare: invalid option -- '%c'\n", optopt);
    fputs(usage_text, stderr);
    exit(2);
}

/* Return the number of signal TEXT ("9", "KILL", "SIGKILL"), or exit. */
static int parse_signal(const char *text)
{
    const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
    char *end;
    long number = strtol(text, &end, 10);

    if (*text != '\0' && *end == '\0' && number > 0 && number <= 64)
        return (int)number;
    for (int i = 1; i <= SIGNAL_COUNT; i++) {
        if (strcasecmp(name, signal_names[i]) == 0)
            return i;
    }
    usage_error("unknown signal: ", text);
    return 0;
}

/* Parse the options into SETTINGS; returns the index of the program. */
static int parse_options(int argc, char **argv, struct settings *settings)
{
    enum { OPTION_MOUNT_PROC = 256, OPTION_KILL_CHILD };
    static const struct option long_options[] = {
        { "pid", no_argument, NULL, 'p' },
        { "mount", no_argument, NULL, 'm' },
        { "fork", no_argument, NULL, 'f' },
        { "mount-proc", optional_argument, NULL, OPTION_MOUNT_PROC },
        { "kill-child", optional_argument, NULL, OPTION_KILL_CHILD },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;

    while ((option = getopt_long(argc, argv, "+:pmfh", long_options, NULL)) != -1) {
        if (option == 'p') {
            settings->flags |= CLONE_NEWPID | CLONE_NEWNS;
            if (settings->proc_directory == NULL)
                settings->proc_directory = "/proc";
        } else if (option == 'm') {
            settings->flags |= CLONE_NEWNS;
        } else if (option == 'f') {
            settings->fork_first = 1;
        } else if (option == OPTION_MOUNT_PROC) {
            settings->flags |= CLONE_NEWNS;
            settings->proc_directory = optarg != NULL ? optarg : "/proc";
        } else if (option == OPTION_KILL_CHILD) {
            settings->kill_signal = optarg != NULL ? parse_signal(optarg) : SIGKILL;
            settings->fork_first = 1;
        } else if (option == 'h') {
            fputs(usage_text, stdout);
            exit(0);
        } else {
            report_bad_option(option, argc, argv);
        }
    }
    return optind;
}

/* Mount a fresh proc on DIRECTORY, after making the new mount namespace
 * private so that the mount does not leak back to the parent's. */
static void mount_proc(const char *directory)
{
    char message[4200];

    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        fail("cannot change root filesystem propagation", 1);
    if (mount("proc", directory, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        snprintf(message, sizeof(message), "mount %s failed", directory);
        fail(message, 1);
    }
}

/* Exit the way CHILD ended: with its status, or killed by the same signal. */
static void exit_like_child(pid_t child)
{
    struct sigaction default_action;
    sigset_t signals;
    int status;
    int signal;

    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            fail("waitpid failed", 1);
    }
    if (WIFEXITED(status))
        exit(WEXITSTATUS(status));
    signal = WTERMSIG(status);
    memset(&default_action, 0, sizeof(default_action));
    default_action.sa_handler = SIG_DFL;
    sigaction(signal, &default_action, NULL);
    sigemptyset(&signals);
    sigaddset(&signals, signal);
    sigprocmask(SIG_UNBLOCK, &signals, NULL);
    kill(getpid(), signal);
    exit(128 + signal);
}

/* Fork; the parent waits (with SIGINT and SIGTERM blocked, so that they
 * reach only the child) and never returns. The child returns. */
static void fork_and_wait(void)
{
    sigset_t signals, old_signals;
    pid_t child;

    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, &old_signals);
    child = fork();
    if (child < 0)
        fail("fork failed", 1);
    if (child > 0)
        exit_like_child(child);
    sigprocmask(SIG_SETMASK, &old_signals, NULL);
}

/* Run ARGV, or with no program $SHELL (default /bin/sh) as a login shell,
 * as util-linux does. Exits 127 if it does not exist, 126 otherwise. */
static void run_program(char **argv)
{
    const char *shell = getenv("SHELL");
    char *program = argv[0];
    char login_name[256];

    if (program == NULL) {
        char *copy = strdup(shell != NULL ? shell : "/bin/sh");
        char *shell_argv[] = { login_name, NULL };

        if (copy == NULL)
            fail("cannot run a shell", 1);
        program = shell != NULL ? (char *)shell : "/bin/sh";
        snprintf(login_name, sizeof(login_name), "-%s", basename(copy));
        execv(program, shell_argv);
    } else {
        execvp(program, argv);
    }
    fprintf(stderr, "unshare: failed to execute %s: %s\n", program, strerror(errno));
    exit(errno == ENOENT ? 127 : 126);
}

/* Unshare, perhaps fork, prepare the child, and run the program. */
int main(int argc, char **argv)
{
    struct settings settings = { 0, 0, NULL, 0 };
    int first = parse_options(argc, argv, &settings);

    if (unshare(settings.flags) < 0)
        fail("unshare failed", 1);
    if (settings.fork_first)
        fork_and_wait();
    if (settings.kill_signal != 0 && prctl(PR_SET_PDEATHSIG, settings.kill_signal) < 0)
        fail("prctl failed", 1);
    if (settings.proc_directory != NULL)
        mount_proc(settings.proc_directory);
    run_program(argv + first);
    return 1;
}
