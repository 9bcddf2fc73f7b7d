/* sig_child_stop_cont.c - what a parent learns about its children through SIGCHLD (si_code,
 * si_status, si_pid) and wait (WUNTRACED, WCONTINUED); default signal actions (terminate,
 * ignore, stop, continue); SA_NOCLDSTOP; SIGCHLD set to SIG_IGN reaps children automatically.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* Describe a wait status. */
static void print_status(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else if (WIFSTOPPED(status))
        printf("%s: stopped by signal %d\n", what, WSTOPSIG(status));
    else if (WIFCONTINUED(status))
        printf("%s: continued\n", what);
    else if (status == -1)
        printf("%s: nothing reported within 2 s\n", what);
    else
        printf("%s: status 0x%x\n", what, status);
}

/* The name of a SIGCHLD si_code. */
static const char *child_code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "other";
    }
}

static volatile sig_atomic_t chld_count; /* SIGCHLD deliveries since the last take_sigchld */
static siginfo_t chld_info;              /* the last one's siginfo */

static void on_sigchld(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)context;
    chld_info = *info;
    chld_count++;
}

/* Install the SIGCHLD handler with extra FLAGS; SIGCHLD stays blocked outside take_sigchld. */
static void catch_sigchld(int flags)
{
    struct sigaction action;
    sigset_t block;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_sigchld;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
}

/* Is SIGCHLD pending (blocked and not yet taken)? */
static int sigchld_pending(void)
{
    sigset_t pending;

    sigpending(&pending);
    return sigismember(&pending, SIGCHLD);
}

/* Wait up to two seconds for SIGCHLD to be pending (a continued child sends it only when it
 * runs again), let it in and print its siginfo; CHILD is the PID expected in si_pid. */
static void take_sigchld(const char *what, pid_t child)
{
    struct timespec delay = { 0, 10 * 1000 * 1000 };
    sigset_t open_mask;

    for (int i = 0; i < 200 && !sigchld_pending(); i++)
        nanosleep(&delay, NULL);
    if (!sigchld_pending()) {
        printf("%s: no SIGCHLD pending\n", what);
        return;
    }
    chld_count = 0;
    sigprocmask(SIG_SETMASK, NULL, &open_mask);
    sigdelset(&open_mask, SIGCHLD);
    sigsuspend(&open_mask);
    printf("%s: SIGCHLD si_code %s si_status %d, si_pid is the child: %s\n", what,
           child_code_name(chld_info.si_code), chld_info.si_status,
           yes_no(chld_info.si_pid == child));
}

/* Fork a child that waits in pause() until signalled. It gets a process group of its own:
 * the kernel discards SIGTSTP sent to an orphaned process group, and the test's own group may
 * be one (a session leader started by the runner), while the child's group, whose parent is
 * in another group of the same session, is not. */
static pid_t fork_pauser(void)
{
    pid_t child = fork();

    if (child == 0) {
        struct rlimit no_core = { 0, 0 };

        setrlimit(RLIMIT_CORE, &no_core);
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(child, child);
    return child;
}

/* waitpid(CHILD, STATUS, OPTIONS) that gives up after two seconds (returning 0), so that a
 * stop or continue that never comes is reported rather than waited for forever. */
static pid_t wait_briefly(pid_t child, int *status, int options)
{
    struct timespec delay = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < 200; i++) {
        pid_t result = waitpid(child, status, options | WNOHANG);
        if (result != 0)
            return result;
        nanosleep(&delay, NULL);
    }
    *status = -1;
    return 0;
}

/* Exit and kill notifications. */
static void check_exit_notifications(void)
{
    int status = 0;

    catch_sigchld(0);
    pid_t child = fork();
    if (child == 0)
        _exit(7);
    waitpid(child, &status, 0);
    print_status("child _exit(7)", status);
    take_sigchld("child _exit(7)", child);

    child = fork_pauser();
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    print_status("child sent SIGKILL", status);
    take_sigchld("child sent SIGKILL", child);
}

/* Stop, continue, and terminate through a stopped state. */
static void check_stop_continue(void)
{
    int status = 0;
    pid_t child = fork_pauser();

    kill(child, SIGSTOP);
    wait_briefly(child, &status, WUNTRACED);
    print_status("SIGSTOP, waitpid WUNTRACED", status);
    take_sigchld("SIGSTOP", child);
    printf("waitpid WUNTRACED|WNOHANG again reports nothing new: %s\n",
           yes_no(waitpid(child, &status, WUNTRACED | WNOHANG) == 0));
    kill(child, SIGCONT);
    wait_briefly(child, &status, WCONTINUED);
    print_status("SIGCONT, waitpid WCONTINUED", status);
    take_sigchld("SIGCONT", child);

    kill(child, SIGTSTP);
    wait_briefly(child, &status, WUNTRACED);
    print_status("SIGTSTP (default action: stop)", status);
    take_sigchld("SIGTSTP", child);
    kill(child, SIGTERM);
    printf("a stopped child sent SIGTERM has not ended (WNOHANG -> 0): %s\n",
           yes_no(waitpid(child, &status, WNOHANG) == 0));
    kill(child, SIGCONT);
    wait_briefly(child, &status, 0);
    print_status("then SIGCONT", status);
    take_sigchld("continued, then killed by the pending SIGTERM (one SIGCHLD, the first kept)",
                 child);

    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    child = fork_pauser();
    kill(child, SIGSTOP);
    wait_briefly(child, &status, WUNTRACED);
    take_sigchld("second child stopped", child);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    print_status("a stopped child sent SIGKILL", status);
    take_sigchld("SIGKILL while stopped", child);
}

/* SA_NOCLDSTOP: no SIGCHLD when a child stops, still one when it ends. */
static void check_nocldstop(void)
{
    int status = 0;

    catch_sigchld(SA_NOCLDSTOP);
    pid_t child = fork_pauser();
    kill(child, SIGSTOP);
    wait_briefly(child, &status, WUNTRACED);
    print_status("SA_NOCLDSTOP: SIGSTOP", status);
    printf("SA_NOCLDSTOP: SIGCHLD pending after the stop: %s\n", yes_no(sigchld_pending()));
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    printf("SA_NOCLDSTOP: SIGCHLD pending after the child died: %s\n", yes_no(sigchld_pending()));
    take_sigchld("SA_NOCLDSTOP: death", child);
}

/* Default actions: terminate (SIGUSR1, SIGALRM, SIGPIPE), ignore (SIGCHLD, SIGURG, SIGWINCH),
 * continue (SIGCONT on a running process). The child reports which signals it survived. */
static void check_default_actions(void)
{
    static const int fatal[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGQUIT, SIGABRT };
    static const int harmless[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
    int status = 0;

    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        pid_t child = fork_pauser();
        char what[64];

        kill(child, fatal[i]);
        waitpid(child, &status, 0);
        snprintf(what, sizeof(what), "default action of signal %d", fatal[i]);
        if (WIFSIGNALED(status))
            printf("%s: killed by signal %d\n", what, WTERMSIG(status));
        else
            print_status(what, status);
    }
    for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
        pid_t child = fork_pauser();
        char what[64];
        struct timespec delay = { 0, 50 * 1000 * 1000 };

        kill(child, harmless[i]);
        nanosleep(&delay, NULL);
        snprintf(what, sizeof(what), "default action of signal %d", harmless[i]);
        printf("%s: the child is still alive 50 ms later: %s\n", what,
               yes_no(waitpid(child, &status, WNOHANG) == 0));
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
}

/* SIGCHLD set to SIG_IGN: children are reaped by the kernel; wait ends in ECHILD. */
static void check_ignored_sigchld(void)
{
    struct sigaction action;
    sigset_t none;
    int status = 0;

    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_IGN;
    sigaction(SIGCHLD, &action, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    pid_t child = fork();
    if (child == 0)
        _exit(3);
    errno = 0;
    pid_t got = waitpid(-1, &status, 0);
    printf("SIGCHLD ignored: waitpid for an exiting child -> %d, ECHILD: %s\n", got == -1 ? -1 : 0,
           yes_no(errno == ECHILD));
    action.sa_handler = SIG_DFL;
    action.sa_flags = SA_NOCLDWAIT;
    sigaction(SIGCHLD, &action, NULL);
    child = fork();
    if (child == 0)
        _exit(4);
    errno = 0;
    got = waitpid(-1, &status, 0);
    printf("SA_NOCLDWAIT: waitpid for an exiting child -> %d, ECHILD: %s\n", got == -1 ? -1 : 0,
           yes_no(errno == ECHILD));
    action.sa_flags = 0;
    sigaction(SIGCHLD, &action, NULL);
}

int main(void)
{
    sigset_t none;

    setvbuf(stdout, NULL, _IONBF, 0);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int signal = 1; signal < 32; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP)
            sigaction(signal, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
    }
    check_exit_notifications();
    check_stop_continue();
    check_nocldstop();
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGCHLD, SIG_DFL);
    check_default_actions();
    check_ignored_sigchld();
    return 0;
}
