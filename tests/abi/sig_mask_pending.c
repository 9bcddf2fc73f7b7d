/* sig_mask_pending.c - blocking signals: sigprocmask, pending signals (rt_sigpending), delivery
 * when unblocked, coalescing of standard signals, ignored-but-blocked signals, sigsuspend, and
 * what fork and execve keep (mask, ignored actions, pending signals) or reset (handlers).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --report-signals" describes its signal state after an execve.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ESRCH] = "ESRCH",   [EINTR] = "EINTR",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure with errno ERROR. */
static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static volatile sig_atomic_t usr1_count, usr2_count; /* deliveries so far */
static char order[16];                               /* signal numbers in delivery order */
static volatile int order_length;

/* Count deliveries and note the order in which signals arrived. */
static void count(int signal)
{
    if (signal == SIGUSR1)
        usr1_count++;
    else
        usr2_count++;
    if (order_length < (int)sizeof(order) - 1)
        order[order_length++] = signal == SIGUSR1 ? '1' : '2';
}

/* Catch SIGNAL with count(), blocking ALSO during the handler (0: nothing else). */
static void catch_with_count(int signal, int also)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = count;
    sigemptyset(&action.sa_mask);
    if (also)
        sigaddset(&action.sa_mask, also);
    sigaction(signal, &action, NULL);
}

/* Set SIGNAL's action to HANDLER (SIG_IGN or SIG_DFL). */
static void set_action(int signal, void (*handler)(int))
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = handler;
    sigaction(signal, &action, NULL);
}

/* Block (how = SIG_BLOCK) or unblock one signal. */
static void change_mask(int how, int signal)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, signal);
    sigprocmask(how, &set, NULL);
}

/* Is SIGNAL pending? */
static int is_pending(int signal)
{
    sigset_t pending;

    sigemptyset(&pending);
    sigpending(&pending);
    return sigismember(&pending, signal);
}

/* Blocked, pending, delivered on unblock; three sends make one delivery. */
static void check_block_and_deliver(void)
{
    catch_with_count(SIGUSR1, SIGUSR2);
    catch_with_count(SIGUSR2, SIGUSR1);
    change_mask(SIG_BLOCK, SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("blocked SIGUSR1 sent to self: handler ran %d time(s), pending: %s\n", (int)usr1_count,
           yes_no(is_pending(SIGUSR1)));
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    change_mask(SIG_UNBLOCK, SIGUSR1);
    printf("sent three times, then unblocked: handler ran %d time(s) before sigprocmask returned\n",
           (int)usr1_count);
    printf("pending after delivery: %s\n", yes_no(is_pending(SIGUSR1)));

    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    order_length = 0;
    memset(order, 0, sizeof(order));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("SIGUSR2 then SIGUSR1 sent while blocked, each handler masking the other: "
           "delivered in the order %s\n",
           order);
}

/* The mask itself: SIGKILL and SIGSTOP cannot be blocked; sigprocmask reports old masks. */
static void check_mask_rules(void)
{
    sigset_t all, now, old;

    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("after blocking everything: SIGKILL blocked: %s, SIGSTOP blocked: %s, SIGUSR1 "
           "blocked: %s\n",
           yes_no(sigismember(&now, SIGKILL)), yes_no(sigismember(&now, SIGSTOP)),
           yes_no(sigismember(&now, SIGUSR1)));
    sigprocmask(SIG_SETMASK, &old, &now);
    printf("the old mask returned by the restoring call was the full one: %s\n",
           yes_no(sigismember(&now, SIGTERM) && sigismember(&now, SIGCHLD)));
    CHECK("sigprocmask(how 99)", syscall(SYS_rt_sigprocmask, 99, &all, NULL, 8));
    CHECK("rt_sigprocmask with sigsetsize 4",
          syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 4));
}

/* Signals whose action is "ignore" stay pending while blocked; setting SIG_IGN drops them. */
static void check_ignored_while_blocked(void)
{
    change_mask(SIG_BLOCK, SIGUSR2);
    set_action(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("blocked SIGUSR2 whose action is SIG_IGN is still pending: %s\n",
           yes_no(is_pending(SIGUSR2)));
    change_mask(SIG_UNBLOCK, SIGUSR2);
    printf("after unblocking it is gone: %s\n", yes_no(!is_pending(SIGUSR2)));

    catch_with_count(SIGUSR2, 0);
    change_mask(SIG_BLOCK, SIGUSR2);
    raise(SIGUSR2);
    set_action(SIGUSR2, SIG_IGN);
    printf("setting SIG_IGN discards a pending blocked SIGUSR2: %s\n",
           yes_no(!is_pending(SIGUSR2)));
    change_mask(SIG_UNBLOCK, SIGUSR2);

    change_mask(SIG_BLOCK, SIGURG);
    set_action(SIGURG, SIG_DFL);
    raise(SIGURG);
    printf("blocked SIGURG (default action: ignore) is pending: %s\n", yes_no(is_pending(SIGURG)));
    change_mask(SIG_UNBLOCK, SIGURG);
    printf("after unblocking, the process is still alive and SIGURG is gone: %s\n",
           yes_no(!is_pending(SIGURG)));
}

/* sigsuspend replaces the mask until a handler runs, then restores it and fails with EINTR. */
static void check_sigsuspend(void)
{
    sigset_t block, wait_mask, after;

    catch_with_count(SIGUSR1, 0);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    usr1_count = 0;
    sigemptyset(&wait_mask);
    errno = 0;
    int result = sigsuspend(&wait_mask);
    int error = errno;
    sigprocmask(SIG_SETMASK, NULL, &after);
    printf("sigsuspend with a pending blocked signal -> %d %s, handler ran %d time(s)\n", result,
           errno_name(error), (int)usr1_count);
    printf("the mask after sigsuspend blocks SIGUSR1 again: %s\n",
           yes_no(sigismember(&after, SIGUSR1)));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
}

/* fork: the child has the mask and actions but no pending signals. */
static void check_fork(void)
{
    int status = 0;

    change_mask(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    pid_t child = fork();
    if (child == 0) {
        sigset_t mask;
        struct sigaction action;

        sigprocmask(SIG_SETMASK, NULL, &mask);
        sigaction(SIGUSR1, NULL, &action);
        printf("  child: SIGUSR1 blocked: %s, handler kept: %s, SIGUSR1 pending: %s\n",
               yes_no(sigismember(&mask, SIGUSR1)), yes_no(action.sa_handler == count),
               yes_no(is_pending(SIGUSR1)));
        _exit(0);
    }
    waitpid(child, &status, 0);
    printf("parent: SIGUSR1 still pending after the fork: %s\n", yes_no(is_pending(SIGUSR1)));
    usr1_count = 0;
    change_mask(SIG_UNBLOCK, SIGUSR1);
    printf("parent: delivered on unblock: %d\n", (int)usr1_count);
}

/* execve: the mask, ignored actions and pending signals stay; handlers become SIG_DFL. */
static void check_exec(const char *self)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        char *argv[] = { (char *)self, "--report-signals", NULL };

        catch_with_count(SIGTERM, 0);
        set_action(SIGUSR2, SIG_IGN);
        change_mask(SIG_BLOCK, SIGUSR1);
        raise(SIGUSR1);
        execv(self, argv);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("the execve child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The helper, after execve. */
static int report_signals(void)
{
    sigset_t mask;
    struct sigaction term, usr2;

    sigprocmask(SIG_SETMASK, NULL, &mask);
    sigaction(SIGTERM, NULL, &term);
    sigaction(SIGUSR2, NULL, &usr2);
    printf("  after execve: SIGUSR1 still blocked: %s\n", yes_no(sigismember(&mask, SIGUSR1)));
    printf("  after execve: SIGUSR1 still pending: %s\n", yes_no(is_pending(SIGUSR1)));
    printf("  after execve: caught SIGTERM is back to SIG_DFL: %s\n",
           yes_no(term.sa_handler == SIG_DFL));
    printf("  after execve: ignored SIGUSR2 is still SIG_IGN: %s\n",
           yes_no(usr2.sa_handler == SIG_IGN));
    return 0;
}

int main(int argc, char **argv)
{
    sigset_t none;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "--report-signals") == 0)
        return report_signals();
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    check_block_and_deliver();
    check_mask_rules();
    check_ignored_while_blocked();
    check_sigsuspend();
    check_fork();
    check_exec(argv[0]);
    return 0;
}
