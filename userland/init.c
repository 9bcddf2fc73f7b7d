/*
 * init: PID 1 of nest. Puts the console on fds 0-2 as controlling tty and runs /bin/sh on it in
 * its own foreground process group, restarting it when it exits; "init PROGRAM ARGS..." runs
 * PROGRAM once and powers off after it (how tests run one program). It reaps every child and
 * orphan and mounts nothing. Signals: SIGUSR2 powers off, SIGTERM reboots.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *shell_argv[] = { "sh", NULL }; /* the shell's arguments */

/* Write MESSAGE to standard error with write(2), which signal handlers may use. */
static void say(const char *message)
{
    if (write(STDERR_FILENO, message, strlen(message)) < 0)
        return;
}

/* Stop every other process, flush file systems, and reboot(2) with COMMAND
 * (RB_POWER_OFF or RB_AUTOBOOT). Uses only async-signal-safe calls, so the
 * signal handlers can call it directly and no request is ever missed. */
static void shut_down(int command)
{
    kill(-1, SIGTERM);
    sync();
    reboot(command);
    say("init: reboot failed\n");
    _exit(1);
}

/* SIGUSR2 and SIGTERM: power off or reboot at once. */
static void handle_shutdown_signal(int signal)
{
    shut_down(signal == SIGTERM ? RB_AUTOBOOT : RB_POWER_OFF);
}

/* Make sure file descriptors 0, 1 and 2 are open, on /dev/console if not. */
static void open_console(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        int opened;

        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        opened = open("/dev/console", O_RDWR | O_NOCTTY);
        if (opened >= 0 && opened != fd) {
            dup2(opened, fd);
            close(opened);
        }
    }
}

/* Give PATH, HOME and TERM default values unless they are already set. */
static void default_environment(void)
{
    setenv("PATH", "/bin:/sbin", 0);
    setenv("HOME", "/", 0);
    setenv("TERM", "vt100", 0);
}

/* Install the shutdown handlers. They shut down from inside the handler,
 * so a request cannot be lost while the main loop is between two waitpids. */
static void install_handlers(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = handle_shutdown_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR2, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

/* In a new child: restore default signal handling, then move into a process
 * group of its own and make that group the console's foreground group.
 * SIGTTOU is ignored meanwhile, since the group is not in the foreground yet. */
static void prepare_child(void)
{
    struct sigaction action;
    sigset_t none;

    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_DFL;
    sigaction(SIGUSR2, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    setpgid(0, 0);
    action.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &action, NULL);
    tcsetpgrp(STDIN_FILENO, getpid());
    action.sa_handler = SIG_DFL;
    sigaction(SIGTTOU, &action, NULL);
}

/* Start PROGRAM (PATH is searched if it has no '/') with ARGV in a child
 * prepared for the console. Returns the child's PID, or -1 if fork failed. */
static pid_t start(const char *program, char **argv)
{
    pid_t child = fork();

    if (child != 0)
        return child;
    prepare_child();
    execvp(program, argv);
    fprintf(stderr, "init: cannot run %s: %s\n", program, strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

/* Return STATUS from waitpid as a shell would show it: the exit status, or
 * 128 plus the number of the signal that killed the process. */
static int exit_code(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* Wait one second, so that a failure is not retried in a tight loop. */
static void pause_a_second(void)
{
    struct timespec second = { 1, 0 };

    nanosleep(&second, NULL);
}

/* Return the monotonic clock in seconds, or -1 if there is none. */
static long long now(void)
{
    struct timespec time;

    if (clock_gettime(CLOCK_MONOTONIC, &time) < 0)
        return -1;
    return time.tv_sec;
}

/* Reap children for ever. PROGRAM with ARGV is started first; when it
 * exits, init powers off if RUN_ONCE is set and otherwise restarts it,
 * at most once a second. */
static void reap_forever(const char *program, char **argv, int run_once)
{
    long long started = now();
    pid_t program_pid = start(program, argv);
    int status;
    pid_t pid;

    for (;;) {
        if (program_pid < 0) {
            perror("init: fork failed");
            pause_a_second();
            program_pid = start(program, argv);
            continue;
        }
        pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno != EINTR)
                pause_a_second();
            continue;
        }
        if (pid != program_pid)
            continue;
        if (run_once) {
            fprintf(stderr, "init: %s exited with status %d\n", program, exit_code(status));
            shut_down(RB_POWER_OFF);
        }
        fprintf(stderr, "init: shell exited with status %d, restarting\n", exit_code(status));
        if (started < 0 || now() - started < 1)
            pause_a_second();
        started = now();
        program_pid = start(program, argv);
    }
}

/* Set up the console, the environment and the signals, then run the
 * program given as arguments once, or the shell for ever. */
int main(int argc, char **argv)
{
    open_console();
    setsid();
    ioctl(STDIN_FILENO, TIOCSCTTY, 0);
    default_environment();
    install_handlers();
    if (argc > 1)
        reap_forever(argv[1], argv + 1, 1);
    reap_forever("/bin/sh", shell_argv, 0);
    return 0;
}
