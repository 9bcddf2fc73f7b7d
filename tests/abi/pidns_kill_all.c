// ABI: pidns
/* pidns_kill_all.c - kill(-1, sig) inside a PID namespace reaches every process of the
 * namespace except the caller and the namespace's init; from the init it reaches all the
 * others; with nobody to signal it fails with ESRCH.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SLEEPERS 3

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ESRCH] = "ESRCH",   [ECHILD] = "ECHILD",
        [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

static volatile sig_atomic_t init_got_sigterm; /* the init's SIGTERM handler ran */

static void on_sigterm(int signal)
{
    (void)signal;
    init_got_sigterm = 1;
}

/* Print "WHAT -> RESULT" with the errno name for a failure. */
static void print_result(const char *what, int result, int error)
{
    if (result < 0)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %d\n", what, result);
}

/* Fork a child that sleeps until killed; return once it runs. */
static pid_t start_sleeper(void)
{
    int ready[2];
    char byte;

    if (pipe(ready) < 0)
        return -1;
    pid_t child = fork();
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        close(ready[0]);
        close(ready[1]);
        for (;;)
            pause();
    }
    close(ready[1]);
    while (read(ready[0], &byte, 1) > 0)
        continue;
    close(ready[0]);
    return child;
}

/* Reap every child and print, in PID order, how each ended. */
static void reap_all(pid_t *pids, int count)
{
    int status[16] = { 0 };

    for (int reaped = 0; reaped < count; reaped++) {
        int one = 0;
        pid_t pid = waitpid(-1, &one, 0);
        for (int i = 0; i < count; i++) {
            if (pids[i] == pid)
                status[i] = one;
        }
    }
    for (int i = 0; i < count; i++) {
        if (WIFSIGNALED(status[i]))
            printf("  pid %d was killed by signal %d\n", (int)pids[i], WTERMSIG(status[i]));
        else
            printf("  pid %d exited %d\n", (int)pids[i], WEXITSTATUS(status[i]));
    }
}

int main(void)
{
    struct sigaction action;
    pid_t pids[SLEEPERS + 1];

    setvbuf(stdout, NULL, _IONBF, 0);
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_sigterm;
    sigaction(SIGTERM, &action, NULL);

    errno = 0;
    int result = kill(-1, SIGTERM);
    print_result("init: kill(-1, SIGTERM) with no other process", result, errno);

    printf("init: %d sleepers and one caller of kill(-1, SIGTERM):\n", SLEEPERS);
    for (int i = 0; i < SLEEPERS; i++)
        pids[i] = start_sleeper();
    pid_t caller = fork();
    if (caller == 0) {
        signal(SIGTERM, SIG_DFL);
        char what[64];
        snprintf(what, sizeof(what), "  child %d: kill(-1, SIGTERM)", (int)getpid());
        errno = 0;
        int sent = kill(-1, SIGTERM);
        print_result(what, sent, errno);
        _exit(0);
    }
    pids[SLEEPERS] = caller;
    reap_all(pids, SLEEPERS + 1);
    printf("init: its own SIGTERM handler ran: %s\n", init_got_sigterm ? "yes" : "no");

    for (int i = 0; i < SLEEPERS; i++)
        pids[i] = start_sleeper();
    errno = 0;
    result = kill(-1, SIGKILL);
    print_result("init: kill(-1, SIGKILL) from the init itself", result, errno);
    reap_all(pids, SLEEPERS);
    printf("init: still running after its own kill(-1, SIGKILL): yes\n");
    return 0;
}
