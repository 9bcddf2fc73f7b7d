/* signal.h - Linux signal numbers and structures, and the kernel's signal functions
 * (kernel/proc/signal.c). Layouts match the Linux x86-64 ABI: musl uses them unchanged.
 */
#ifndef NEST_SIGNAL_H
#define NEST_SIGNAL_H

#include "types.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 64 /* signals are 1..64 */

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_ONSTACK 0x08000000
#define SA_RESTORER 0x04000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TIMER (-2) /* a POSIX timer (timer_create) expired */
#define SI_TKILL (-6)
#define SEGV_MAPERR 1 /* no mapping at the address */
#define SEGV_ACCERR 2 /* a mapping that does not allow the access */
#define BUS_ADRERR 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

typedef uint64_t sigset_t;
#define SIGBIT(sig) (1UL << ((sig) - 1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP)) /* no mask or handler holds these */

/* struct sigaction as the rt_sigaction system call sees it (not libc's layout). */
struct k_sigaction {
    uint64_t handler; /* SIG_DFL, SIG_IGN or a function address */
    uint64_t flags;
    uint64_t restorer; /* the code that calls rt_sigreturn (musl's __restore_rt) */
    sigset_t mask;
};

/* siginfo_t, 128 bytes; only the fields nest fills are named. */
struct siginfo {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad0;
    union {
        struct {
            int32_t si_pid; /* sender, as seen from the receiver's PID namespace */
            uint32_t si_uid;
            int32_t si_status; /* SIGCHLD: exit code or signal */
        };
        uint64_t si_addr; /* SIGSEGV etc.: the faulting address */
        struct {
            int32_t si_timerid; /* SI_TIMER: the timer's id, */
            int32_t si_overrun; /* how many expiries were missed before this one, */
            uint64_t si_value;  /* and the sigevent's value */
        };
        uint8_t pad[112];
    };
};

/* What the kernel keeps about a pending signal until it builds the siginfo for a handler. */
struct signal_info {
    int32_t code;     /* si_code */
    int32_t pid;      /* si_pid, in the receiver's namespace */
    int32_t status;   /* si_status (SIGCHLD); si_overrun (SI_TIMER) */
    int32_t timer_id; /* si_timerid (SI_TIMER) */
    uint64_t addr;    /* si_addr (faults); si_value (SI_TIMER) */
};

/* An alternate signal stack (sigaltstack), as stack_t. */
struct signal_stack {
    uint64_t sp;
    int32_t flags; /* SS_ONSTACK, SS_DISABLE */
    int32_t pad;
    uint64_t size;
};

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

struct proc;
struct trap_frame;

/* Post sig to p with the sender's information; the caller has checked permission. */
struct spinlock;
extern struct spinlock signal_lock; /* signal.c says what it guards */
void signal_send(struct proc *p, int sig, const struct siginfo *info);
/* A signal the process cannot block or ignore (a fault in user mode). */
void signal_force(struct proc *p, int sig, int code, uint64_t address);
bool signal_pending(const struct proc *p);
bool fatal_signal_pending(const struct proc *p); /* SIGKILL or a default-action kill */
/* Deliver pending signals on the way back to user mode (may not return: exit). */
void signal_deliver(struct trap_frame *tf);
void signal_reset_on_exec(struct proc *p);
bool signal_on_alt_stack(const struct proc *p, uint64_t sp); /* sp inside sigaltstack's */
struct pid;
/* Send sig to every process of a process group (the tty's ^C, ^Z, ^\, SIGHUP). */
void signal_pgrp(struct pid *pgrp, int sig);
void signal_kill_by_kernel(struct proc *p);
/* A signal the kernel itself sends (a timer expired), safe from interrupt handlers. Like
 * Linux's, it counts as coming from outside every namespace. true if it is now pending
 * because of this call; false if it was dropped (ignored) or already pending. */
bool signal_send_from_kernel(struct proc *p, int sig, const struct siginfo *info);
bool sig_ignored_by_default(int sig);
bool sig_default_stops(int sig);

#endif
