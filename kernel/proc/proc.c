/* proc.c - the process table: creating and freeing struct proc, naming processes, seeing
 * them from a PID namespace, and ^P's dump of the whole table.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "log.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"
#include "string.h"
#include "x86.h"

/* The process table. Only processes with the kernel lock add to it or take from it, and
 * they do so with proc_list_lock too, which interrupt handlers take to walk it (^C, ^P):
 * so a walker with either lock sees a whole list, and a process on it is not freed. */
struct list_head proc_list = LIST_HEAD_INIT(proc_list);
int proc_count; /* the kernel lock */
struct spinlock proc_list_lock = SPINLOCK_INIT("proc list", RANK_PROC_LIST);

_Static_assert(sizeof(struct proc) <= PAGE_SIZE, "struct proc must fit in one kmalloc block");

/* Make the running context this CPU's idle process: it runs when nothing else can. */
void proc_init_idle(void)
{
    struct proc *idle = kzalloc(sizeof(*idle));
    if (!idle)
        panic("out of memory for cpu%d's idle process", this_cpu()->index);
    idle->state = PROC_RUNNABLE;
    strlcpy(idle->name, "idle", sizeof(idle->name));
    list_init(&idle->children);
    list_init(&idle->sibling);
    list_init(&idle->wait_link);
    list_init(&idle->klock_link);
    sleep_timer_init(idle);
    itimer_real_init(idle);
    posix_timers_init(idle);
    idle->child_ns = &root_pid_ns;
    idle->cpu = this_cpu()->index;
    idle->cpus_allowed = 1UL << idle->cpu;
    this_cpu()->idle = idle;
    this_cpu()->current = idle;
    this_cpu()->time_mark = clock_monotonic_ns(); /* CPU time counts from here */
}

/* A zeroed process with a kernel stack, linked into the table; NULL with the table full or
 * memory out. The caller fills in everything else. */
struct proc *proc_alloc(void)
{
    if (proc_count >= PROC_MAX)
        return NULL;
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->actions = kzalloc(NSIG * sizeof(struct k_sigaction));
    p->kstack = kstack_alloc();
    if (!p->kstack || !p->actions) {
        if (p->kstack)
            kstack_free(p->kstack);
        kfree(p->actions);
        kfree(p);
        return NULL;
    }
    list_init(&p->children);
    list_init(&p->sibling);
    list_init(&p->wait_link);
    list_init(&p->klock_link);
    sleep_timer_init(p);
    itimer_real_init(p);
    posix_timers_init(p);
    p->start_ns = clock_monotonic_ns();
    p->umask = 022;
    spin_lock(&proc_list_lock);
    list_add_tail(&p->all, &proc_list);
    spin_unlock(&proc_list_lock);
    proc_count++;
    return p;
}

/* A namespace init tearing its namespace down waits for every member to be freed, even
 * those reaped by a parent outside the namespace: tell it, at every level. */
static void wake_zapping_reapers(struct proc *p)
{
    for (int level = 0; p->pid && level <= p->pid->level; level++) {
        struct proc *reaper = p->pid->numbers[level].ns->child_reaper;
        if (reaper && reaper != p && reaper->exiting)
            wake_up(&reaper->wait_children);
    }
}

/* Take a reaped zombie (or a fork that failed half-way) out of the table and let go of
 * its numbers: all but its memory. With the kernel lock. */
void proc_release(struct proc *p)
{
    wake_zapping_reapers(p);
    spin_lock(&proc_list_lock);
    list_del(&p->all);
    spin_unlock(&proc_list_lock);
    list_del(&p->sibling);
    proc_count--;
    if (p->pid)
        p->pid->proc = NULL;
    pid_put(p->pid);
    pid_put(p->pgrp);
    pid_put(p->session);
    if (p->child_ns)
        pid_ns_put(p->child_ns);
    p->pid = p->pgrp = p->session = NULL;
    p->child_ns = NULL;
}

/* Its kernel stack and the struct itself: needs no lock but the allocators' own. */
void proc_free_memory(struct proc *p)
{
    kstack_free(p->kstack);
    kfree(p->actions);
    kfree(p);
}

void proc_free(struct proc *p)
{
    proc_release(p);
    proc_free_memory(p);
}

/* Name a process after the last component of path, as Linux's comm. */
void proc_set_name(struct proc *p, const char *path)
{
    const char *slash = strrchr(path, '/');
    strlcpy(p->name, slash ? slash + 1 : path, sizeof(p->name));
}

struct pid_ns *proc_pid_ns(const struct proc *p)
{
    return p->pid ? pid_ns_of(p->pid) : &root_pid_ns;
}

int proc_root_pid(const struct proc *p)
{
    return p->pid ? p->pid->numbers[0].nr : 0;
}

int proc_nr_in(const struct proc *p, const struct pid_ns *ns)
{
    return pid_nr_ns(p->pid, ns);
}

bool proc_visible_from(const struct proc *p, const struct pid_ns *ns)
{
    return p->pid && pid_nr_ns(p->pid, ns) != 0;
}

/* p's number in the calling process's namespace (0 if invisible). */
int proc_nr_for_current(const struct proc *p)
{
    return pid_nr_ns(p->pid, proc_pid_ns(current_proc()));
}

/* The process the caller calls nr, or NULL if there is none it can see. */
struct proc *find_proc_for_current(int nr)
{
    struct pid *pid = find_pid_ns(nr, proc_pid_ns(current_proc()));
    return pid ? pid->proc : NULL;
}

static const char *state_name(const struct proc *p)
{
    if (cpus[p->cpu]->current == p)
        return "running";
    switch (p->state) {
    case PROC_RUNNABLE:
        return "runnable";
    case PROC_SLEEPING:
        return "sleeping";
    case PROC_STOPPED:
        return "stopped";
    case PROC_ZOMBIE:
        return "zombie";
    }
    return "?";
}

/* ^P on the console: the kernel's own view of every process, with its number at every
 * PID-namespace level (root first), its parent, the CPU it runs or last ran on and its
 * namespace. From the tty's interrupt: proc_list_lock keeps every process on the list, and
 * its numbers, alive. */
void proc_dump_table(void)
{
    spin_lock(&proc_list_lock);
    struct proc *p;
    console_printf("\n%-6s %-6s %-9s %-3s %-15s %-10s %s\n", "PID", "PPID", "STATE", "CPU",
                   "NAME", "PIDNS", "NSPID (root .. own namespace)");
    list_for_each_entry(p, &proc_list, all) {
        char chain[160];
        int len = 0;
        for (int i = 0; p->pid && i <= p->pid->level && len < (int)sizeof(chain) - 12; i++)
            len += snprintf(chain + len, sizeof(chain) - len, i ? ",%d" : "%d",
                            p->pid->numbers[i].nr);
        chain[len] = 0;
        struct pid_ns *ns = proc_pid_ns(p);
        console_printf("%-6d %-6d %-9s %-3d %-15s %-10lu %s (level %d)\n", proc_root_pid(p),
               p->parent ? proc_root_pid(p->parent) : 0, state_name(p), p->cpu, p->name,
               ns->inum, chain, ns->level);
    }
    spin_unlock(&proc_list_lock);
}

/* Was tf's system call interrupted, waiting for signal_deliver to restart it? */
static __hot bool syscall_needs_restart(const struct trap_frame *tf)
{
    long ret = (long)tf->rax;
    return tf->vector == VECTOR_SYSCALL && (ret == -ERESTARTSYS || ret == -ERESTARTNOHAND);
}

/* The last thing before any return to user mode (system call, interrupt, exception):
 * switch if the timer asked for it, and deliver signals, stacking one handler frame per
 * signal as Linux does. Returns with interrupts off, as trap_return needs. */
__hot void return_to_user(struct trap_frame *tf)
{
    struct proc *p = current_proc();
    for (;;) {
        log_wake_readers();
        cli();
        if (this_cpu()->need_resched) { /* this_cpu(): schedule() may have moved us */
            schedule();
            continue;
        }
        if (!signal_pending(p) && !syscall_needs_restart(tf) && !p->restore_saved_mask) {
            klock_release(); /* a signal posted from now on comes with an interrupt */
            cputime_leave_kernel();
            return;
        }
        sti();
        klock_take();
        signal_deliver(tf);
    }
}

/* Limits the first process starts with (prlimit64 stores and reports them). */
void rlimits_init(struct proc *p)
{
    for (int i = 0; i < RLIMIT_COUNT; i++)
        p->rlimits[i][0] = p->rlimits[i][1] = RLIM_INFINITY;
    p->rlimits[RLIMIT_STACK][0] = 8UL << 20;
    p->rlimits[RLIMIT_CORE][0] = 0;
    p->rlimits[RLIMIT_NPROC][0] = p->rlimits[RLIMIT_NPROC][1] = PROC_MAX;
    p->rlimits[RLIMIT_NOFILE][0] = p->rlimits[RLIMIT_NOFILE][1] = FILES_MAX;
}
