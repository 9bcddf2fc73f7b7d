/* itimer.h - timers a process sets for itself: interval timers (itimer.c for ITIMER_REAL
 * and alarm, cputime.c for ITIMER_VIRTUAL and ITIMER_PROF) and POSIX timers (posix_timer.c).
 */
#ifndef NEST_ITIMER_H
#define NEST_ITIMER_H

#include "timer.h"
#include "types.h"

struct proc;

#define ITIMER_REAL 0    /* wall-clock time: SIGALRM */
#define ITIMER_VIRTUAL 1 /* the process's user time: SIGVTALRM */
#define ITIMER_PROF 2    /* its user and system time: SIGPROF */

/* struct itimerval of setitimer(2), and the same in nanoseconds. */
struct itimerval {
    struct timeval it_interval;
    struct timeval it_value;
};
struct interval_timer {
    uint64_t interval; /* ns; 0: the timer goes off once */
    uint64_t value;    /* ns until it goes off; 0: disarmed */
};
/* A CPU-time timer as a process keeps it. */
struct cpu_itimer {
    uint64_t expires;  /* the CPU time (ns) at which it goes off; 0: disarmed */
    uint64_t interval; /* ns added to expires each time; 0: once */
};

/* ITIMER_REAL (itimer.c). */
void itimer_real_init(struct proc *p);  /* a new process: disarmed */
void itimer_real_exit(struct proc *p);  /* the process is exiting: disarm */
/* SIGALRM is being delivered: a periodic real timer starts its next period. */
void itimer_real_signal_taken(struct proc *p);

/* ITIMER_VIRTUAL and ITIMER_PROF (cputime.c); which is one of the two. */
void cpu_itimer_set(struct proc *p, int which, const struct interval_timer *new,
                    struct interval_timer *old);
void cpu_itimer_get(struct proc *p, int which, struct interval_timer *now);
void cpu_itimers_check(struct proc *running); /* at the slice tick, interrupts off */

/* POSIX timers (posix_timer.c). */
struct signal_info;
void posix_timers_init(struct proc *p);        /* a new process: none */
void posix_timers_delete_all(struct proc *p);  /* at execve and exit */
/* A signal with si_code SI_TIMER is being delivered: its timer may start its next period;
 * fills in si_overrun. */
void posix_timer_signal_taken(struct proc *p, struct signal_info *info);

#endif
