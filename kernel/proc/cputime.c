/* cputime.c - CPU time: how long each process ran in user mode and in the kernel.
 *
 * There is no periodic tick to sample with, so time is measured: the clock is read at every
 * crossing (entry to the kernel from user mode, the way back, a switch) and the time since
 * the last crossing (cpu->time_mark) is charged to the running process, as user time when
 * it came from user mode and as system time otherwise. The idle process's system time is
 * the CPU's idle time.
 */
#include "arch.h"
#include "cpu.h"
#include "proc.h"
#include "x86.h"

/* The time since the last crossing, which starts now. Interrupts are off. */
static uint64_t take_elapsed(struct cpu *cpu)
{
    uint64_t now = clock_monotonic_ns();
    uint64_t elapsed = now - cpu->time_mark;
    cpu->time_mark = now;
    return elapsed;
}

void cputime_enter_kernel(void)
{
    bool was = irq_save();
    struct cpu *cpu = this_cpu();
    cpu->current->utime_ns += take_elapsed(cpu);
    irq_restore(was);
}

void cputime_leave_kernel(void)
{
    struct cpu *cpu = this_cpu();
    cpu->current->stime_ns += take_elapsed(cpu);
}

void cputime_charge_kernel(struct proc *running)
{
    running->stime_ns += take_elapsed(this_cpu());
}

uint64_t cputime_of_current(void)
{
    bool was = irq_save();
    struct proc *p = current_proc();
    uint64_t total = p->utime_ns + p->stime_ns + (clock_monotonic_ns() - this_cpu()->time_mark);
    irq_restore(was);
    return total;
}

uint64_t cputime_idle_ns(void)
{
    bool was = irq_save();
    struct cpu *cpu = this_cpu();
    uint64_t idle = cpu->idle ? cpu->idle->stime_ns : 0;
    if (cpu->current == cpu->idle)
        idle += clock_monotonic_ns() - cpu->time_mark;
    irq_restore(was);
    return idle;
}
