/* sig_handlers_siginfo.c - signal handlers: the siginfo of kill and raise (si_signo, si_code,
 * si_pid, si_uid), the mask while a handler runs, SA_NODEFER, SA_RESETHAND, SA_ONSTACK with
 * sigaltstack, raise() inside a handler, and the errors of sigaction and kill.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The name of an si_code value for a signal sent by a process. */
static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_KERNEL: return "SI_KERNEL";
    default: return "other";
    }
}

/* What the last SA_SIGINFO handler saw. */
static volatile sig_atomic_t info_count;
static siginfo_t last_info;
static volatile int context_given;
static volatile int self_blocked_inside;

/* An SA_SIGINFO handler that keeps a copy of its siginfo and notes the mask it runs with. */
static void remember_info(int signal, siginfo_t *info, void *context)
{
    sigset_t mask;

    last_info = *info;
    context_given = context != NULL;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    self_blocked_inside = sigismember(&mask, signal);
    info_count++;
}

/* Install HANDLER for SIGNAL with FLAGS (and SA_SIGINFO); MASK_ALSO is blocked during it. */
static void install(int signal, void (*handler)(int, siginfo_t *, void *), int flags, int mask_also)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    if (mask_also)
        sigaddset(&action.sa_mask, mask_also);
    sigaction(signal, &action, NULL);
}

/* Print what the handler recorded; SENDER is the PID expected in si_pid. */
static void print_info(const char *what, pid_t sender)
{
    printf("%s: handler ran %d time(s), si_signo %d, si_code %s, si_pid is the sender: %s, "
           "si_uid is getuid(): %s, context given: %s\n",
           what, (int)info_count, last_info.si_signo, code_name(last_info.si_code),
           yes_no(last_info.si_pid == sender), yes_no(last_info.si_uid == getuid()),
           yes_no(context_given));
}

/* kill() from ourselves, raise(), and kill() from a child while we wait in sigsuspend. */
static void check_siginfo(void)
{
    sigset_t block, old;

    install(SIGUSR1, remember_info, 0, 0);
    info_count = 0;
    kill(getpid(), SIGUSR1);
    print_info("kill(getpid(), SIGUSR1)", getpid());
    printf("the handled signal was blocked inside its handler: %s\n", yes_no(self_blocked_inside));
    info_count = 0;
    raise(SIGUSR1);
    print_info("raise(SIGUSR1)", getpid());

    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    info_count = 0;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    while (info_count == 0)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(child, NULL, 0);
    print_info("kill(parent, SIGUSR1) from a child", child);
}

/* The order in which nested handlers ran, as a string of letters. */
static char order[32];
static volatile int order_length;

static void note(char letter)
{
    if (order_length < (int)sizeof(order) - 1)
        order[order_length++] = letter;
}

/* SIGUSR1: note entry ('A'), raise SIGUSR2, note exit ('a'). */
static void usr1_raises_usr2(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)info, (void)context;
    note('A');
    raise(SIGUSR2);
    note('a');
}

/* SIGUSR2: note 'B'. */
static void usr2_notes(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)info, (void)context;
    note('B');
}

/* SIGUSR1 that raises itself once more: 'C' on entry, 'c' on exit. */
static volatile int reraise_left;
static void usr1_raises_itself(int signal, siginfo_t *info, void *context)
{
    (void)info, (void)context;
    note('C');
    if (reraise_left-- > 0)
        raise(signal);
    note('c');
}

/* Run ORDER_TEST: raise SIGUSR1 and print the order in which handlers ran. */
static void print_order(const char *what)
{
    memset(order, 0, sizeof(order));
    order_length = 0;
    raise(SIGUSR1);
    printf("%s: order %s\n", what, order);
}

/* raise() inside a handler: runs at once unless the handler's mask blocks it. */
static void check_raise_in_handler(void)
{
    install(SIGUSR2, usr2_notes, 0, 0);
    install(SIGUSR1, usr1_raises_usr2, 0, 0);
    print_order("handler raises SIGUSR2 (not masked): A=enter B=SIGUSR2 a=leave");
    install(SIGUSR1, usr1_raises_usr2, 0, SIGUSR2);
    print_order("handler raises SIGUSR2 (in sa_mask): A=enter B=SIGUSR2 a=leave");
    reraise_left = 1;
    install(SIGUSR1, usr1_raises_itself, 0, 0);
    print_order("handler raises its own signal: C=enter c=leave");
    reraise_left = 1;
    install(SIGUSR1, usr1_raises_itself, SA_NODEFER, 0);
    print_order("the same with SA_NODEFER: C=enter c=leave");
}

/* SA_RESETHAND: one delivery, then the action is SIG_DFL again. */
static void check_resethand(void)
{
    struct sigaction now;

    install(SIGUSR2, remember_info, SA_RESETHAND, 0);
    info_count = 0;
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &now);
    printf("SA_RESETHAND: handler ran %d time(s), action afterwards is SIG_DFL: %s\n",
           (int)info_count, yes_no(now.sa_handler == SIG_DFL));
    printf("SA_RESETHAND: the signal was blocked inside the handler: %s\n",
           yes_no(self_blocked_inside));
}

/* SA_ONSTACK: the handler runs on the alternate stack. */
static char *alternate_stack;
static volatile int on_alternate;

static void where_am_i(int signal)
{
    char local;

    (void)signal;
    on_alternate = &local >= alternate_stack && &local < alternate_stack + SIGSTKSZ * 4;
}

static void check_altstack(void)
{
    stack_t stack, old;
    struct sigaction action;

    alternate_stack = malloc(SIGSTKSZ * 4);
    stack.ss_sp = alternate_stack;
    stack.ss_size = SIGSTKSZ * 4;
    stack.ss_flags = 0;
    CHECK("sigaltstack(new stack)", sigaltstack(&stack, NULL));
    memset(&action, 0, sizeof(action));
    action.sa_handler = where_am_i;
    action.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &action, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler ran on the alternate stack: %s\n", yes_no(on_alternate));
    action.sa_flags = 0;
    sigaction(SIGUSR1, &action, NULL);
    raise(SIGUSR1);
    printf("without SA_ONSTACK the handler ran on the alternate stack: %s\n", yes_no(on_alternate));
    CHECK("sigaltstack(NULL, &old)", sigaltstack(NULL, &old));
    printf("the old stack is ours and not in use: %s\n",
           yes_no(old.ss_sp == alternate_stack && old.ss_flags == 0));
    stack.ss_flags = SS_DISABLE;
    CHECK("sigaltstack(SS_DISABLE)", sigaltstack(&stack, NULL));
}

/* sigaction and kill reject what cannot be done. */
static void check_errors(void)
{
    struct sigaction action, old;

    memset(&action, 0, sizeof(action));
    action.sa_handler = SIG_IGN;
    CHECK("sigaction(SIGKILL, ignore)", sigaction(SIGKILL, &action, NULL));
    CHECK("sigaction(SIGSTOP, ignore)", sigaction(SIGSTOP, &action, NULL));
    CHECK("rt_sigaction(0, ...)", syscall(SYS_rt_sigaction, 0, &action, NULL, 8));
    CHECK("rt_sigaction(65, ...)", syscall(SYS_rt_sigaction, 65, &action, NULL, 8));
    CHECK("rt_sigaction(SIGUSR1, ..., sigsetsize 4)",
          syscall(SYS_rt_sigaction, SIGUSR1, &action, NULL, 4));
    CHECK("sigaction(SIGKILL, NULL, &old) (query)", sigaction(SIGKILL, NULL, &old));
    install(SIGUSR1, remember_info, SA_RESTART, SIGUSR2);
    action.sa_handler = SIG_DFL;
    CHECK("sigaction(SIGUSR1, default, &old)", sigaction(SIGUSR1, &action, &old));
    printf("old action: the handler, SA_SIGINFO and SA_RESTART set, SIGUSR2 in its mask: %s\n",
           yes_no(old.sa_sigaction == remember_info && (old.sa_flags & SA_SIGINFO) &&
                  (old.sa_flags & SA_RESTART) && sigismember(&old.sa_mask, SIGUSR2)));
    CHECK("kill(getpid(), 0)", kill(getpid(), 0));
    CHECK("kill(getpid(), 65)", kill(getpid(), 65));
    CHECK("kill(getpid(), -1)", kill(getpid(), -1));
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    CHECK("kill(pid of a reaped child, SIGTERM)", kill(child, SIGTERM));
}

int main(void)
{
    sigset_t none;

    setvbuf(stdout, NULL, _IONBF, 0);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    check_siginfo();
    check_raise_in_handler();
    check_resethand();
    check_altstack();
    check_errors();
    return 0;
}
