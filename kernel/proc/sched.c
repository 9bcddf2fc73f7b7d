/* sched.c - the scheduler core: run queues, switching, sleeping, waking and balancing.
 *
 * Every CPU runs processes from a run queue of its own; the policy chosen with sched=
 * (sched_rr.c is the default) orders each queue. One spinlock, sched_lock, guards every
 * queue and every process's state and CPU; it is held across a switch, taken by the
 * process leaving the CPU and released by the one coming on (sched_finish_switch), so no
 * other CPU can pick a process whose registers are still being saved.
 * The kernel is not preemptible (docs/ARCHITECTURE.md): a process leaves the CPU only in
 * schedule(), when it sleeps or, if the slice tick asked for it, on its way back to user
 * mode. The slice tick runs HZ times a second only while a process runs.
 * Placement: a new or woken process goes to the least loaded CPU it may use; an idle CPU
 * takes a waiting process from the busiest queue; every BALANCE_TICKS ticks a busy CPU
 * evens out with the busiest (the rules: sched_balance.c).
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
static const struct sched_policy *policy = &sched_rr_policy; /* set once, at boot */

/* Guards every CPU's queue (struct cpu's queued, nr_queued and the policy's state), every
 * process's state, cpu, cpus_allowed, queue_link and sched entity, and cpu->current. */
static struct spinlock sched_lock = SPINLOCK_INIT("sched", RANK_SCHED);

#define TICK_NS (NSEC_PER_SEC / HZ)
#define BALANCE_TICKS 20 /* a busy CPU compares its queue with the others' every 20 ms */

static void slice_tick(struct timer *t);

void sched_init(const char *policy_name)
{
    for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
        if (strcmp(policies[i]->name, policy_name) == 0)
            policy = policies[i];
    if (strcmp(policy->name, policy_name) != 0)
        pr_warn("sched: no policy '%s'; using '%s'\n", policy_name, policy->name);
    pr_info("sched: policy %s\n", policy->name);
}

/* On each CPU as it starts, before it schedules: its empty queue and its slice tick. */
void sched_init_cpu(void)
{
    struct cpu *cpu = this_cpu();
    list_init(&cpu->queued);
    timer_init_one(&cpu->slice_tick, slice_tick);
    spin_lock(&sched_lock);
    policy->init(cpu->index);
    spin_unlock(&sched_lock);
}

uint64_t cpu_stats_sum_switches(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < cpu_count; i++)
        sum += cpus[i]->stats.context_switches;
    return sum;
}

uint64_t cpu_stats_sum_interrupts(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < cpu_count; i++)
        sum += cpus[i]->stats.interrupts;
    return sum;
}

/* ---- run queues (sched_lock held) ---- */

static bool may_run_on(const struct proc *p, int cpu)
{
    return (p->cpus_allowed & cpus_scheduling_mask & (1UL << cpu)) != 0;
}

/* A CPU's load for placement: its queue, and the process it runs unless that is idle. */
static int load_of(int cpu)
{
    return cpus[cpu]->nr_queued + (cpus[cpu]->current != cpus[cpu]->idle);
}

/* The CPU a process should be queued on now. */
static __hot int select_cpu(const struct proc *p)
{
    if (cpu_count == 1)
        return 0;
    int load[MAX_CPUS];
    for (int i = 0; i < cpu_count; i++)
        load[i] = load_of(i);
    int cpu = sched_select_cpu(load, cpu_count, p->cpus_allowed & cpus_scheduling_mask, p->cpu);
    return cpu >= 0 ? cpu : 0; /* a mask with no CPU left cannot be set: see set_affinity */
}

static __hot void enqueue(int cpu, struct proc *p)
{
    p->cpu = cpu;
    list_add_tail(&p->queue_link, &cpus[cpu]->queued);
    cpus[cpu]->nr_queued++;
    policy->enqueue(cpu, p);
}

static __hot void dequeue(struct proc *p)
{
    policy->dequeue(p->cpu, p);
    list_del(&p->queue_link);
    cpus[p->cpu]->nr_queued--;
}

/* p was just queued on cpu: make that CPU look, if p should run there before what does. */
static __hot void kick(int cpu, struct proc *p)
{
    struct cpu *c = cpus[cpu];
    if (c->current != c->idle && !policy->wake_preempt(cpu, p, c->current))
        return;
    c->need_resched = true;
    if (c != this_cpu())
        smp_reschedule(cpu);
}

/* Move one waiting process from CPU from's queue to cpu's, one allowed there. */
static bool pull_from(int from, int cpu)
{
    struct proc *p;
    list_for_each_entry(p, &cpus[from]->queued, queue_link) {
        if (may_run_on(p, cpu)) {
            dequeue(p);
            enqueue(cpu, p);
            return true;
        }
    }
    return false;
}

/* Even out cpu's queue with the busiest one's, by one process: min_excess as in
 * sched_find_busiest. */
static void balance(int cpu, int min_excess)
{
    int queued[MAX_CPUS];
    for (int i = 0; i < cpu_count; i++)
        queued[i] = cpus[i]->nr_queued;
    int busiest = sched_find_busiest(queued, cpu_count, cpu, min_excess);
    if (busiest >= 0)
        pull_from(busiest, cpu);
}

/* The process cpu runs next, off its queue; its idle process if there is none, even after
 * looking for work on the others' queues. */
static __hot struct proc *pick_next(struct cpu *cpu)
{
    struct proc *next = policy->pick_next(cpu->index);
    if (!next && cpu_count > 1) {
        balance(cpu->index, 1);
        next = policy->pick_next(cpu->index);
    }
    if (!next)
        return cpu->idle;
    dequeue(next);
    return next;
}

/* ---- switching ---- */

/* switch.S: save the callee-saved registers on this stack, store the stack pointer in
 * *save, load next's and return into it. */
void switch_context(struct context **save, struct context *next);

static void fpu_save(struct proc *p) { __asm__ volatile("fxsave64 %0" : "=m"(p->fpu)); }
static void fpu_restore(struct proc *p) { __asm__ volatile("fxrstor64 %0" : : "m"(p->fpu)); }

/* Switch from the current process to next: address space, kernel stack for traps,
 * FS base (TLS), FPU registers, then the kernel registers. */
static __hot void switch_to(struct proc *next)
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
    next->cpu = cpu->index;
    switch_context(&prev->context, next->context);
}

/* A process that reaped itself (its parent ignores SIGCHLD) cannot free its own kernel
 * stack while running on it: the next process on its CPU frees it. proc_release has let
 * go of everything else, under the kernel lock. */
void sched_free_after_switch(struct proc *p)
{
    push_off();
    this_cpu()->free_after_switch = p;
    pop_off();
}

/* The second half of every switch, on the new process's stack: release sched_lock (the
 * process that left took it), then free what the one before us left behind. */
__hot void sched_finish_switch(void)
{
    struct cpu *cpu = this_cpu();
    struct proc *dead = cpu->free_after_switch, *zombie = cpu->zombie_with_klock;
    cpu->free_after_switch = cpu->zombie_with_klock = NULL;
    spin_unlock(&sched_lock);
    if (zombie)
        klock_release_for(zombie);
    if (dead)
        proc_free_memory(dead);
}

/* Give the CPU to the next process the policy picks. The caller has set its own state:
 * still PROC_RUNNABLE to go to the back of the queue, anything else to leave it. */
__hot void schedule(void)
{
    struct proc *prev = current_proc();
    if (this_cpu()->preempt_count)
        panic("schedule: %d spinlocks held", this_cpu()->preempt_count);
    bool had_klock = prev->holds_klock;
    if (had_klock && prev->state != PROC_ZOMBIE)
        klock_release();
    spin_lock(&sched_lock);
    struct cpu *cpu = this_cpu();
    cpu->need_resched = false;
    if (had_klock && prev->state == PROC_ZOMBIE)
        cpu->zombie_with_klock = prev; /* its parent may free it once we are off its stack */
    if (prev != cpu->idle && prev->state == PROC_RUNNABLE) {
        int target = may_run_on(prev, cpu->index) ? cpu->index : select_cpu(prev);
        enqueue(target, prev);
        if (target != cpu->index)
            kick(target, prev);
    }
    struct proc *next = pick_next(cpu);
    if (next == cpu->idle)
        timer_cancel(&cpu->slice_tick); /* tickless idle */
    else if (!timer_pending(&cpu->slice_tick))
        timer_start(&cpu->slice_tick, clock_monotonic_ns() + TICK_NS);
    if (next != prev) {
        cpu->stats.context_switches++;
        bool were_on = cpu->irq_were_on; /* the CPU's, until we run again: ours, then */
        switch_to(next);
        this_cpu()->irq_were_on = were_on;
        sched_finish_switch();
    } else {
        spin_unlock(&sched_lock);
    }
    if (had_klock)
        klock_take();
}

__hot void sched_yield(void)
{
    schedule();
}

void cond_resched(void)
{
    push_off();
    struct cpu *cpu = this_cpu();
    bool may_sleep = cpu->preempt_count == 1 && cpu->irq_were_on; /* only our push_off */
    bool resched = may_sleep && cpu->need_resched && cpu->current != cpu->idle;
    pop_off();
    if (resched)
        schedule();
    else if (may_sleep)
        klock_lend(); /* a long system call must not hold up other CPUs' system calls */
}

__hot void set_current_state(int state)
{
    spin_lock(&sched_lock);
    current_proc()->state = state;
    spin_unlock(&sched_lock);
}

/* Make p runnable, on the queue of the CPU that suits it best (sched_lock held). */
static __hot void make_runnable(struct proc *p)
{
    p->state = PROC_RUNNABLE;
    int cpu = select_cpu(p);
    enqueue(cpu, p);
    kick(cpu, p);
}

/* Put p on a run queue if it is asleep or stopped. Safe from interrupt handlers. */
__hot void wake_up_process(struct proc *p)
{
    spin_lock(&sched_lock);
    if (p->state == PROC_SLEEPING || p->state == PROC_STOPPED) {
        if (cpus[p->cpu]->current == p)
            p->state = PROC_RUNNABLE; /* still on its CPU, in schedule() or before it */
        else
            make_runnable(p);
    }
    spin_unlock(&sched_lock);
}

/* p may be running on another CPU: interrupt it there, so that on its way out of the
 * interrupt it sees what just changed for it (a signal). */
void sched_kick_running(struct proc *p)
{
    spin_lock(&sched_lock);
    if (cpus[p->cpu]->current == p && p->cpu != this_cpu()->index)
        smp_reschedule(p->cpu);
    spin_unlock(&sched_lock);
}

/* A new process is ready for its first run. */
void sched_make_runnable(struct proc *p)
{
    spin_lock(&sched_lock);
    make_runnable(p);
    spin_unlock(&sched_lock);
}

int sched_set_affinity(struct proc *p, uint64_t mask)
{
    if (!(mask & cpus_scheduling_mask))
        return -EINVAL;
    spin_lock(&sched_lock);
    p->cpus_allowed = mask;
    if (!may_run_on(p, p->cpu)) {
        if (cpus[p->cpu]->current == p) { /* running there: it moves as it leaves the CPU */
            cpus[p->cpu]->need_resched = true;
            if (p->cpu != this_cpu()->index)
                smp_reschedule(p->cpu);
        } else if (p->state == PROC_RUNNABLE) {
            dequeue(p);
            make_runnable(p);
        }
    }
    spin_unlock(&sched_lock);
    return 0;
}

/* While a process runs, HZ times a second: charge its time, let the policy preempt it,
 * and now and then even out the queues. */
static void slice_tick(struct timer *t)
{
    struct cpu *cpu = this_cpu();
    struct proc *running = cpu->current;
    timer_start(t, clock_monotonic_ns() + TICK_NS);
    cputime_charge_kernel(running);
    cpu_itimers_check(running);
    spin_lock(&sched_lock);
    if (policy->tick(cpu->index, running))
        cpu->need_resched = true;
    if (cpu_count > 1 && ++cpu->balance_ticks >= BALANCE_TICKS) {
        cpu->balance_ticks = 0;
        balance(cpu->index, 2);
    }
    spin_unlock(&sched_lock);
}

/* ---- wait queues ---- */

void wait_queue_init(struct wait_queue *wq)
{
    *wq = (struct wait_queue)WAIT_QUEUE_INIT(*wq);
}

/* Wake every process sleeping on wq. Safe from interrupt handlers. The caller has changed
 * the condition the sleepers wait for; the fence orders that before the look at the list,
 * as prepare_to_wait's orders a sleeper's joining before its look at the condition: so
 * either we see it on the list, or it sees the change. An empty list (most calls: a pipe
 * nobody waits on) then costs no lock. */
__hot void wake_up(struct wait_queue *wq)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&wq->sleepers.next, __ATOMIC_RELAXED) == &wq->sleepers)
        return;
    spin_lock(&wq->lock);
    struct proc *p;
    list_for_each_entry(p, &wq->sleepers, wait_link)
        wake_up_process(p);
    spin_unlock(&wq->lock);
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
static __hot bool sleep_interrupted(const struct proc *p)
{
    return p->sleep_killable ? fatal_signal_pending(p) : signal_pending(p);
}

__hot void prepare_to_wait(struct wait_queue *wq, bool killable)
{
    struct proc *p = current_proc();
    if (wq) {
        spin_lock(&wq->lock);
        if (list_empty(&p->wait_link))
            list_add_tail(&p->wait_link, &wq->sleepers);
    }
    p->sleep_killable = killable;
    /* Only p sets itself asleep, so no sched_lock: a waker that reads the state under it
     * sees sleeping, or running and then the condition it changed (the fence). */
    __atomic_store_n(&p->state, PROC_SLEEPING, __ATOMIC_RELEASE);
    if (wq)
        spin_unlock(&wq->lock);
    /* Wakers change the condition, then look at the sleepers (wake_up) or at the state
     * (post_signal), each after a fence of their own: with this one, either they see us
     * here, or the caller's next look at the condition sees their change. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

__hot int sleep_prepared(uint64_t deadline)
{
    struct proc *p = current_proc();
    might_sleep();
    if (sleep_interrupted(p))
        return -EINTR; /* a signal posted after prepare_to_wait also made p runnable */
    p->timed_out = false;
    if (deadline)
        timer_start(&p->sleep_timer, deadline);
    schedule(); /* returns at once if a wake-up came since prepare_to_wait */
    if (deadline)
        timer_cancel(&p->sleep_timer);
    if (sleep_interrupted(p))
        return -EINTR;
    return p->timed_out ? -ETIMEDOUT : 0;
}

__hot void finish_wait(struct wait_queue *wq)
{
    struct proc *p = current_proc();
    if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != PROC_RUNNABLE) /* woken: it is */
        set_current_state(PROC_RUNNABLE);
    if (wq) {
        spin_lock(&wq->lock);
        list_del(&p->wait_link);
        spin_unlock(&wq->lock);
    }
}

int sleep_on(struct wait_queue *wq, uint64_t deadline)
{
    prepare_to_wait(wq, false);
    int err = sleep_prepared(deadline);
    finish_wait(wq);
    return err;
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
            timer_idle(); /* with interrupts off: a wake-up's IPI ends the halt */
    }
}
