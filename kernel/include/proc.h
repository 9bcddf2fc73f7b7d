/* proc.h - processes (kernel/proc/proc.c, fork.c, exit.c, exec.c).
 *
 * One struct proc per process, single-threaded (DESIGN.md §5). A process is numbered by its
 * struct pid, once per PID namespace level (pid.h). A field without a note is guarded by
 * the kernel lock (spinlock.h): changed by a process running kernel code, which holds it.
 * Fields that interrupt handlers or the scheduler touch name their spinlock.
 */
#ifndef NEST_PROC_H
#define NEST_PROC_H

#include "cpu.h"
#include "errno.h"
#include "itimer.h"
#include "list.h"
#include "pid.h"
#include "sched.h"
#include "signal.h"
#include "spinlock.h"
#include "timer.h"
#include "types.h"

#define PROC_MAX 2048     /* the process table's limit: fork beyond it gives EAGAIN */
#define PROC_NAME_MAX 16  /* like Linux's comm, including the NUL */

/* Resource limits (prlimit64): Linux's numbers for the ones nest uses. */
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_AS 9
#define RLIMIT_COUNT 16
#define RLIM_INFINITY (~0UL)

enum proc_state {
    PROC_RUNNABLE, /* on the run queue, or running (cpu->current) */
    PROC_SLEEPING, /* waiting for an event; a signal wakes it */
    PROC_STOPPED,  /* stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT */
    PROC_ZOMBIE,   /* exited, waiting for its parent's wait4() */
};

struct mm;
struct files;
struct inode;
struct mnt_ns;
struct wait_queue;

/* Registers a switch saves: switch.S pushes them on the old stack, in this order. */
struct context {
    uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

struct proc {
    enum proc_state state;      /* sched_lock (sched.c); a process sets itself sleeping without */
                                /* it (prepare_to_wait says why that is safe) */
    char name[PROC_NAME_MAX];   /* the executable's base name (comm) */
    struct pid *pid;            /* numbers in every namespace level */
    struct pid *pgrp;           /* process group (the leader's pid) */
    struct pid *session;        /* session (the leader's pid) */
    struct pid_ns *child_ns;    /* namespace new children are born in (unshare/setns) */
    struct proc *parent;        /* who wait4()s for it; the namespace init after orphaning */
    struct list_head children;  /* its children, via sibling */
    struct list_head sibling;   /* link in parent->children */
    struct list_head all;       /* link in the process table (proc_list) */

    struct mm *mm;              /* user address space; NULL for the idle process */
    void *kstack;               /* lowest address of the kernel stack */
    struct trap_frame *tf;      /* user registers, at the top of the kernel stack */
    struct context *context;    /* saved kernel registers while not running */
    uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave area: x87/SSE registers */
    uint64_t fs_base;           /* arch_prctl(ARCH_SET_FS): the TLS pointer */
    uint64_t clear_child_tid;   /* set_tid_address: zeroed and woken at exit */
    uint64_t trace_mask;        /* trace(): calls to report (only its own process; fork copies) */

    struct files *files;        /* open file descriptors */
    struct inode *cwd;          /* current directory */
    struct mnt_ns *mnt_ns;      /* its mount namespace (a reference); NULL once it exited */
    mode_t umask;

    sigset_t sig_pending;       /* posted, not yet delivered (signal_lock) */
    sigset_t sig_blocked;       /* rt_sigprocmask */
    sigset_t saved_mask;        /* restored after a ppoll/pselect/sigsuspend mask */
    bool restore_saved_mask;
    struct signal_stack alt_stack; /* sigaltstack: where SA_ONSTACK handlers run */
    struct k_sigaction *actions;   /* handlers, NSIG of them (allocated apart: 2 KiB) */
    struct signal_info sig_info[NSIG]; /* about each pending signal (signal_lock) */
    bool group_stop_notify;     /* stopped or continued: the parent's wait4 may report it */
    int stop_signal;            /* the signal that stopped it */
    bool continued;             /* resumed by SIGCONT, not yet reported (WCONTINUED) */

    int exit_status;            /* wait status as wait4 reports it */
    bool exiting;               /* in do_exit: takes no more signals (signal_lock) */
    int exit_signal;            /* sent to the parent at exit (SIGCHLD, or clone's choice) */
    int pdeath_signal;          /* prctl(PR_SET_PDEATHSIG): sent to it when its parent exits;
                                 * 0 for none; a child starts with 0. Set only by the
                                 * process itself; read by the exiting parent */
    bool dump_disabled;         /* prctl(PR_SET_DUMPABLE, 0); execve clears it (only its own
                                 * process) */
    bool no_new_privs;          /* prctl(PR_SET_NO_NEW_PRIVS): kept across fork and execve
                                 * (only its own process) */
    struct wait_queue wait_children; /* wait4 sleeps here; children's exits and stops wake it */
    bool did_exec;              /* has called execve since fork (setpgid gives EACCES) */

    struct wait_queue *waiting_on; /* the queue it sleeps on, if any */
    struct list_head wait_link;    /* link in that queue */
    struct timer sleep_timer;      /* a timed sleep's deadline (sleep_on) */
    bool timed_out;                /* the deadline passed before the event */
    bool sleep_killable;           /* this sleep ends only for a fatal signal */

    int cpu;                    /* the CPU it runs on, or ran on last (sched_lock) */
    uint64_t cpus_allowed;      /* CPU mask it may run on: sched_setaffinity (sched_lock) */
    bool holds_klock;           /* in the kernel with the kernel lock (only its own process) */
    struct list_head klock_link; /* waiting for the kernel lock (klock.c's klock_guard) */
    struct list_head queue_link; /* in cpus[cpu]->queued while on a run queue (sched_lock) */
    struct sched_entity sched;  /* the policy's own state (sched_lock) */
    int nice;                   /* -20..19, setpriority(); weighs its CPU share (sched=stride) */

    uint64_t utime_ns;          /* CPU time in user mode (cputime.c) */
    uint64_t stime_ns;          /* CPU time in the kernel; the idle process's: idle time */
    uint64_t cutime_ns;         /* reaped children's user time */
    uint64_t cstime_ns;         /* reaped children's kernel time */
    uint64_t start_ns;          /* monotonic clock at creation */
    struct timer real_timer;    /* ITIMER_REAL and alarm: SIGALRM when it expires (itimer.c) */
    uint64_t real_interval;     /* ITIMER_REAL's period, ns; 0: once */
    struct cpu_itimer cpu_itimers[2]; /* ITIMER_VIRTUAL, ITIMER_PROF (cputime.c) */
    struct list_head posix_timers; /* timer_create's timers (posix_timer.c) */
    int posix_timer_count;
    int next_posix_timer_id;
    uint64_t min_faults;        /* page faults fixed by vm_handle_fault (/proc stat) */

    struct proc *vfork_parent;  /* vfork: the parent sleeping until our exec or exit */
    struct proc *vfork_child;   /* vfork: the child we sleep for; it clears this */
    int tty_nr;                 /* controlling terminal device number, 0 for none */
    uint64_t rlimits[RLIMIT_COUNT][2]; /* prlimit64: soft and hard limits */
};

extern struct list_head proc_list; /* proc.c says what guards it */
extern struct spinlock proc_list_lock;
extern int proc_count;
extern uint64_t forks_since_boot; /* processes created (/proc/stat's "processes") */

static inline struct proc *current_proc(void) { return this_cpu()->current; }

void proc_init_idle(void); /* the running context becomes this CPU's idle process */
struct proc *proc_alloc(void);
void proc_release(struct proc *p);     /* out of the table, numbers let go: kernel lock */
void proc_free_memory(struct proc *p); /* then its memory */
void proc_free(struct proc *p);        /* both */
void proc_set_name(struct proc *p, const char *path);
int proc_root_pid(const struct proc *p);
struct pid_ns *proc_pid_ns(const struct proc *p); /* the namespace p lives in */
int proc_nr_in(const struct proc *p, const struct pid_ns *ns); /* 0 if invisible */
int proc_nr_for_current(const struct proc *p);
struct proc *find_proc_for_current(int nr);
bool proc_visible_from(const struct proc *p, const struct pid_ns *ns);

__noreturn void start_init(const char *path, char *const argv[]);
long do_fork(uint64_t flags, uint64_t child_stack, uint64_t parent_tid, uint64_t child_tid,
             uint64_t tls);
__noreturn void do_exit(int status);
int do_execve(const char *path, char *const argv[], char *const envp[], bool user_pointers);
void return_to_user(struct trap_frame *tf);
void vfork_release(struct proc *child); /* exec or exit of a vfork child: wake its parent */
void proc_dump_table(void); /* ^P: every process with every PID level */
void rlimits_init(struct proc *p); /* the limits init starts with; fork copies them */

/* CPU time (cputime.c). Interrupts off for enter_kernel, leave_kernel and charge_kernel
 * (the entry paths call them before they turn interrupts on); cputime_of_current manages. */
void cputime_enter_kernel(void);    /* from user mode: charge the user time */
uint64_t cputime_of_current(void);  /* the current process's CPU time so far, ns */
void cputime_leave_kernel(void);    /* back to user mode: charge the kernel time */
void cputime_charge_kernel(struct proc *running); /* charge kernel time up to now */
struct cpu_times {
    uint64_t user_ns, system_ns, idle_ns;
};
/* CPU c's time so far by kind; any CPU may ask. */
void cputime_of_cpu(const struct cpu *c, struct cpu_times *times);

/* clone(2) flags (Linux's values). */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWPID 0x20000000

/* Wait status encodings (Linux). */
#define W_EXITCODE(code, sig) (((code) << 8) | (sig))
#define W_STOPCODE(sig) (((sig) << 8) | 0x7f)
#define W_CONTINUED 0xffff

#endif
