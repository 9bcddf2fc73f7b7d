/* sched.c - the scheduler core: switching, sleeping, waking and the slice tick.
 *
 * The core never decides who runs next: the policy chosen with sched= does (sched_rr.c is
 * the default). The kernel is not preemptible: a process leaves the CPU only in schedule(),
 * called when it sleeps or, if the slice tick asked for it, on its way back to user mode.
 * The slice tick is a timer (timer.h) that runs HZ times a second only while a process
 * runs: an idle CPU gets no tick. Every function here runs with interrupts off while it
 * touches the queues.
 */
#include "arch.h"
#include "cpu.h"
#include "log.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

extern const struct sched_policy sched_rr_policy;
extern const struct sched_policy sched_fifo_policy;
extern const struct sched_policy sched_stride_policy;

static const struct sched_policy *const policies[] = {&sched_rr_policy, &sched_fifo_policy,
                                                      &sched_stride_policy};
static const struct sched_policy *policy = &sched_rr_policy;

/* switch.S: save the callee-saved registers on this stack, store the stack pointer in
 * *save, load next's and return into it. */
void switch_context(struct context **save, struct context *next);

#define TICK_NS (NSEC_PER_SEC / HZ)

static void slice_tick(struct timer *t);

struct cpu_stats cpu_stats;

void sched_init(const char *policy_name)
{
    timer_init_one(&this_cpu()->slice_tick, slice_tick);
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
        if (strcmp(policies[i]->name, policy_name) == 0)
            policy = policies[i];
    if (strcmp(policy->name, policy_name) != 0)
        pr_warn("sched: no policy '%s'; using '%s'\n", policy_name, policy->name);
    policy->init();
    pr_info("sched: policy %s\n", policy->name);
}

static void fpu_save(struct proc *p) { __asm__ volatile("fxsave64 %0" : "=m"(p->fpu)); }
static void fpu_restore(struct proc *p) { __asm__ volatile("fxrstor64 %0" : : "m"(p->fpu)); }

/* Switch from the current process to next: address space, kernel stack for traps,
 * FS base (TLS), FPU registers, then the kernel registers. */
static void switch_to(struct proc *next)
{
    struct cpu *cpu = this_cpu();
    struct proc *prev = cpu->current;
    cputime_charge_kernel(prev);
    fpu_save(prev);
    prev->fs_base = rdmsr(MSR_FS_BASE);
    mm_activate(next->mm);
    tss_set_kernel_stack((uint64_t)next->kstack + KERNEL_STACK_SIZE);
    wrmsr(MSR_FS_BASE, next->fs_base);
    fpu_restore(next);
    cpu->current = next;
    switch_context(&prev->context, next->context);
}

/* A process that reaped itself (its parent ignores SIGCHLD) cannot free its own kernel
 * stack while running on it: it is freed by whoever runs next. */
static struct proc *free_after_switch;

void sched_free_after_switch(struct proc *p)
{
    free_after_switch = p;
}

/* The second half of every switch, on the new process's stack. */
void sched_finish_switch(void)
{
    if (free_after_switch && free_after_switch != current_proc()) {
        proc_free(free_after_switch);
        free_after_switch = NULL;
    }
}

/* Give the CPU to the next process the policy picks. The caller has set its own state:
 * still PROC_RUNNABLE to go to the back of the queue, anything else to leave it. */
void schedule(void)
{
    bool was = irq_save();
    struct cpu *cpu = this_cpu();
    struct proc *prev = cpu->current;
    cpu->need_resched = false;
    if (prev != cpu->idle && prev->state == PROC_RUNNABLE)
        policy->enqueue(prev);
    struct proc *next = policy->pick_next();
    if (!next)
        next = cpu->idle;
    if (next == cpu->idle)
        timer_cancel(&cpu->slice_tick); /* tickless idle */
    else if (!timer_pending(&cpu->slice_tick))
        timer_start(&cpu->slice_tick, clock_monotonic_ns() + TICK_NS);
    if (next != prev) {
        cpu_stats.context_switches++;
        switch_to(next);
        sched_finish_switch();
    }
    irq_restore(was);
}

void sched_yield(void)
{
    schedule();
}

void cond_resched(void)
{
    struct cpu *cpu = this_cpu();
    if (cpu->need_resched && cpu->current != cpu->idle && (read_rflags() & RFLAGS_IF))
        schedule();
}

/* Put p on the run queue if it is asleep or stopped. Safe from interrupt handlers. */
void wake_up_process(struct proc *p)
{
    bool was = irq_save();
    if (p->state == PROC_SLEEPING || p->state == PROC_STOPPED) {
        p->state = PROC_RUNNABLE;
        if (p != this_cpu()->current)
            policy->enqueue(p);
        if (this_cpu()->current == this_cpu()->idle)
            this_cpu()->need_resched = true;
    }
    irq_restore(was);
}

/* A new process is ready for its first run. */
void sched_make_runnable(struct proc *p)
{
    bool was = irq_save();
    p->state = PROC_RUNNABLE;
    policy->enqueue(p);
    irq_restore(was);
}

int sched_set_affinity(struct proc *p, uint64_t mask)
{
    mask &= cpus_scheduling_mask;
    if (!mask)
        return -EINVAL;
    p->cpus_allowed = mask;
    return 0;
}

/* While a process runs, HZ times a second: charge its time, let the policy preempt it. */
static void slice_tick(struct timer *t)
{
    struct cpu *cpu = this_cpu();
    struct proc *running = cpu->current;
    timer_start(t, clock_monotonic_ns() + TICK_NS);
    cputime_charge_kernel(running);
    cpu_itimers_check(running);
    if (policy->tick(running))
        cpu->need_resched = true;
}

void wait_queue_init(struct wait_queue *wq)
{
    list_init(&wq->sleepers);
}

/* Wake every process sleeping on wq. Safe from interrupt handlers. */
void wake_up(struct wait_queue *wq)
{
    bool was = irq_save();
    struct proc *p, *tmp;
    list_for_each_entry_safe(p, tmp, &wq->sleepers, wait_link)
        wake_up_process(p);
    irq_restore(was);
}

/* A sleep's deadline passed. */
static void sleep_timeout(struct timer *t)
{
    struct proc *p = container_of(t, struct proc, sleep_timer);
    p->timed_out = true;
    wake_up_process(p);
}

void sleep_timer_init(struct proc *p)
{
    timer_init_one(&p->sleep_timer, sleep_timeout);
}

/* Should a signal end p's sleep now? */
static bool sleep_interrupted(const struct proc *p)
{
    return p->sleep_killable ? fatal_signal_pending(p) : signal_pending(p);
}

static int sleep_as(struct wait_queue *wq, uint64_t deadline, bool killable)
{
    struct proc *p = current_proc();
    bool was = irq_save();
    p->sleep_killable = killable;
    if (sleep_interrupted(p)) {
        irq_restore(was);
        return -EINTR;
    }
    p->state = PROC_SLEEPING;
    p->timed_out = false;
    if (wq)
        list_add_tail(&p->wait_link, &wq->sleepers);
    if (deadline)
        timer_start(&p->sleep_timer, deadline);
    schedule();
    list_del(&p->wait_link);
    timer_cancel(&p->sleep_timer);
    bool interrupted = sleep_interrupted(p);
    irq_restore(was);
    if (interrupted)
        return -EINTR;
    return p->timed_out ? -ETIMEDOUT : 0;
}

int sleep_on(struct wait_queue *wq, uint64_t deadline)
{
    return sleep_as(wq, deadline, false);
}

int sleep_on_killable(struct wait_queue *wq)
{
    return sleep_as(wq, 0, true);
}

/* The idle process: wait for an interrupt or a timer (halting the CPU, timer_idle), then
 * run whoever became runnable. */
__noreturn void sched_idle_loop(void)
{
    for (;;) {
        log_wake_readers(); /* an interrupt handler may have logged something */
        cli();
        if (this_cpu()->need_resched)
            schedule();
        else
            timer_idle();
    }
}
