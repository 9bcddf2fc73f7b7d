/*
 * nsenter: run a program in another process's namespaces, like util-linux "nsenter -t PID -p -m":
 * setns(2) on /proc/PID/ns/pid and /proc/PID/ns/mnt (both opened first, since entering the
 * mount namespace changes what /proc shows), then fork, since a PID namespace applies only to
 * new children. Entering a mount namespace also moves the working directory to its root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
    "Usage: nsenter [options] [PROGRAM [ARGUMENT...]]\n"
    "  -t, --target PID     the process whose namespaces to enter\n"
    "  -p, --pid[=FILE]     enter the PID namespace (of PID, or of FILE)\n"
    "  -m, --mount[=FILE]   enter the mount namespace (of PID, or of FILE)\n"
    "  -F, --no-fork        do not fork before running PROGRAM\n"
    "  -h, --help           show this help\n";

struct settings {
    long target;            /* -t: the process whose namespace to enter, 0 if none */
    int enter_pid;          /* -p: enter a PID namespace */
    const char *pid_file;   /* --pid=FILE: the namespace file, NULL to use the target's */
    int enter_mount;        /* -m: enter a mount namespace */
    const char *mount_file; /* --mount=FILE: the namespace file, NULL to use the target's */
    int no_fork;            /* -F */
};

/* Print "nsenter: MESSAGE: reason" for the current errno and exit with status 1. */
static void fail(const char *message)
{
    fprintf(stderr, "nsenter: %s: %s\n", message, strerror(errno));
    exit(1);
}

/* Report the option that getopt_long rejected (OPTION is '?' or ':') and exit. */
static void report_bad_option(int option, int argc, char **argv)
{
    const char *word = optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(word, "--", 2) == 0;

    if (option == ':' && is_long)
        fprintf(stderr, "nsenter: option '%s' requires an argument\n", word);
    else if (option == ':')
        fprintf(stderr, "nsenter: option requires an argument -- '%c'\n", optopt);
    else if (is_long)
        fprintf(stderr, "nsenter: unrecognized option '%s'\n", word);
    else
        fprintf(stderr, "nsenter: invalid option -- '%c'\n", optopt);
    fputs(usage_text, stderr);
    exit(2);
}

/* Return TEXT as a PID, or exit with a usage error. */
static long parse_pid(const char *text)
{
    char *end;
    long pid = strtol(text, &end, 10);

    if (*text == '\0' || *end != '\0' || pid <= 0) {
        fprintf(stderr, "nsenter: failed to parse pid: '%s'\n%s", text, usage_text);
        exit(2);
    }
    return pid;
}

/* Parse the options into SETTINGS; returns the index of the program. */
static int parse_options(int argc, char **argv, struct settings *settings)
{
    static const struct option long_options[] = {
        { "target", required_argument, NULL, 't' },
        { "pid", optional_argument, NULL, 'p' },
        { "mount", optional_argument, NULL, 'm' },
        { "no-fork", no_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int option;

    while ((option = getopt_long(argc, argv, "+:t:p::m::Fh", long_options, NULL)) != -1) {
        if (option == 't') {
            settings->target = parse_pid(optarg);
        } else if (option == 'p') {
            settings->enter_pid = 1;
            settings->pid_file = optarg;
        } else if (option == 'm') {
            settings->enter_mount = 1;
            settings->mount_file = optarg;
        } else if (option == 'F') {
            settings->no_fork = 1;
        } else if (option == 'h') {
            fputs(usage_text, stdout);
            exit(0);
        } else {
            report_bad_option(option, argc, argv);
        }
    }
    return optind;
}

/* Open the namespace file FILE, or /proc/TARGET/ns/NAME if FILE is NULL; returns the
 * descriptor or exits. */
static int open_namespace(const char *file, long target, const char *name)
{
    char path[64];
    char message[4200];
    int fd;

    if (file == NULL && target == 0) {
        fprintf(stderr, "nsenter: neither filename nor target pid supplied for ns/%s\n", name);
        exit(1);
    }
    if (file == NULL) {
        snprintf(path, sizeof(path), "/proc/%ld/ns/%s", target, name);
        file = path;
    }
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(message, sizeof(message), "cannot open %s", file);
        fail(message);
    }
    return fd;
}

/* setns(2) into the namespace open on FD, of type TYPE named NAME, and close FD. */
static void enter_namespace(int fd, int type, const char *name)
{
    char message[64];

    if (setns(fd, type) < 0) {
        snprintf(message, sizeof(message), "reassociate to namespace 'ns/%s' failed", name);
        fail(message);
    }
    close(fd);
}

/* Fork; the parent waits, stopping when the child stops, and then exits the
 * way the child did (killed by the same signal, or with its status). The
 * child returns. */
static void continue_as_child(void)
{
    pid_t child;
    int status;

    signal(SIGCHLD, SIG_DFL);
    child = fork();
    if (child < 0)
        fail("fork failed");
    if (child == 0)
        return;
    for (;;) {
        if (waitpid(child, &status, WUNTRACED) < 0) {
            if (errno == EINTR)
                continue;
            fail("waitpid failed");
        }
        if (!WIFSTOPPED(status))
            break;
        kill(getpid(), SIGSTOP);
        kill(child, SIGCONT);
    }
    if (WIFEXITED(status))
        exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        kill(getpid(), WTERMSIG(status));
    exit(1);
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
            fail("cannot run a shell");
        program = shell != NULL ? (char *)shell : "/bin/sh";
        snprintf(login_name, sizeof(login_name), "-%s", basename(copy));
        execv(program, shell_argv);
    } else {
        execvp(program, argv);
    }
    fprintf(stderr, "nsenter: failed to execute %s: %s\n", program, strerror(errno));
    exit(errno == ENOENT ? 127 : 126);
}

/* Enter the namespace, fork if it was a PID namespace, and run the program. */
int main(int argc, char **argv)
{
    struct settings settings = { 0, 0, NULL, 0, NULL, 0 };
    int first = parse_options(argc, argv, &settings);
    int pid_fd = -1, mount_fd = -1;

    if (settings.enter_pid)
        pid_fd = open_namespace(settings.pid_file, settings.target, "pid");
    if (settings.enter_mount)
        mount_fd = open_namespace(settings.mount_file, settings.target, "mnt");
    if (pid_fd >= 0)
        enter_namespace(pid_fd, CLONE_NEWPID, "pid");
    if (mount_fd >= 0) {
        enter_namespace(mount_fd, CLONE_NEWNS, "mnt");
        if (chdir("/") < 0)
            fail("cannot change directory to /");
    }
    if (settings.enter_pid && !settings.no_fork)
        continue_as_child();
    run_program(argv + first);
    return 1;
}
