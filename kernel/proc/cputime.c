/* cputime.c - CPU time: how long each process ran in user mode and in the kernel, and the
 * interval timers that count it (ITIMER_VIRTUAL, ITIMER_PROF).
 *
 * There is no periodic tick to sample with, so time is measured: the clock is read at every
 * crossing (entry to the kernel from user mode, the way back, a switch) and the time since
 * the last crossing (cpu->time_mark) is charged to the running process, as user time when
 * it came from user mode and as system time otherwise. Each CPU counts the same time by
 * kind (user, system, idle: the idle process's system time) for /proc/stat.
 */
#include "arch.h"
#include "cpu.h"
#include "itimer.h"
#include "proc.h"
#include "signal.h"
#include "x86.h"

/* Charge the time since the last crossing, which starts now, to p (the running process)
 * and to this CPU: as user time, or as kernel time, which for the idle process is the
 * CPU's idle time. Interrupts are off. time_seq is odd while the CPU's counters change,
 * so that another CPU reading them (cputime_of_cpu) sees all of a charge or none of it. */
static inline __attribute__((always_inline)) void charge(struct cpu *cpu, struct proc *p,
                                                         bool user)
{
    uint64_t now = clock_monotonic_ns();
    uint64_t elapsed = now - cpu->time_mark;
    __atomic_store_n(&cpu->time_seq, cpu->time_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    cpu->time_mark = now;
    if (user) {
        p->utime_ns += elapsed;
        cpu->user_ns += elapsed;
    } else {
        p->stime_ns += elapsed;
        if (p == cpu->idle)
            cpu->idle_ns += elapsed;
        else
            cpu->system_ns += elapsed;
    }
    __atomic_store_n(&cpu->time_seq, cpu->time_seq + 1, __ATOMIC_RELEASE);
}

__hot void cputime_enter_kernel(void)
{
    struct cpu *cpu = this_cpu();
    charge(cpu, cpu->current, true);
}

__hot void cputime_leave_kernel(void)
{
    struct cpu *cpu = this_cpu();
    charge(cpu, cpu->current, false);
}

__hot void cputime_charge_kernel(struct proc *running)
{
    charge(this_cpu(), running, false);
}

uint64_t cputime_of_current(void)
{
    push_off();
    struct proc *p = current_proc();
    uint64_t total = p->utime_ns + p->stime_ns + (clock_monotonic_ns() - this_cpu()->time_mark);
    pop_off();
    return total;
}

/* A CPU that has nothing to do takes no interrupts (the timer is tickless), so its idle
 * time since it last switched is added here. Retried while c charges time: a few
 * instructions, with its interrupts off. */
void cputime_of_cpu(const struct cpu *c, struct cpu_times *times)
{
    uint64_t seq;
    do {
        seq = __atomic_load_n(&c->time_seq, __ATOMIC_ACQUIRE);
        times->user_ns = c->user_ns;
        times->system_ns = c->system_ns;
        times->idle_ns = c->idle_ns;
        uint64_t now = clock_monotonic_ns(), mark = c->time_mark;
        if (c->current == c->idle && now > mark)
            times->idle_ns += now - mark;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((seq & 1) || seq != __atomic_load_n(&c->time_seq, __ATOMIC_RELAXED));
}

/* ---- ITIMER_VIRTUAL and ITIMER_PROF ---- */

/* The CPU time a timer counts: user time, or user and system time. Interrupts off. */
static uint64_t cpu_itimer_clock(struct proc *p, int which)
{
    if (which == ITIMER_VIRTUAL)
        return p->utime_ns;
    uint64_t running = p == this_cpu()->current ? clock_monotonic_ns() - this_cpu()->time_mark : 0;
    return p->utime_ns + p->stime_ns + running;
}

/* Time left and interval; a timer already due shows one tick left, as on Linux. */
static struct interval_timer cpu_itimer_read(struct proc *p, int which)
{
    struct cpu_itimer *it = &p->cpu_itimers[which - 1];
    struct interval_timer now = {.interval = it->interval};
    if (it->expires) {
        uint64_t used = cpu_itimer_clock(p, which);
        now.value = it->expires > used ? it->expires - used : NSEC_PER_SEC / HZ;
    }
    return now;
}

void cpu_itimer_get(struct proc *p, int which, struct interval_timer *now)
{
    push_off();
    *now = cpu_itimer_read(p, which);
    pop_off();
}

void cpu_itimer_set(struct proc *p, int which, const struct interval_timer *new,
                    struct interval_timer *old)
{
    push_off();
    struct cpu_itimer *it = &p->cpu_itimers[which - 1];
    *old = cpu_itimer_read(p, which);
    it->expires = new->value ? cpu_itimer_clock(p, which) + new->value : 0;
    it->interval = new->value ? new->interval : 0;
    pop_off();
}

/* One timer: send its signal if the CPU time has reached it, and set the next period. */
static void cpu_itimer_check(struct proc *p, int which, int sig)
{
    struct cpu_itimer *it = &p->cpu_itimers[which - 1];
    if (!it->expires || cpu_itimer_clock(p, which) < it->expires)
        return;
    it->expires = it->interval ? it->expires + it->interval : 0;
    struct siginfo info = {.si_signo = sig, .si_code = SI_KERNEL};
    signal_send_from_kernel(p, sig, &info);
}

void cpu_itimers_check(struct proc *running)
{
    cpu_itimer_check(running, ITIMER_VIRTUAL, SIGVTALRM);
    cpu_itimer_check(running, ITIMER_PROF, SIGPROF);
}
