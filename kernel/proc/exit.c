/* exit.c - how processes end and are waited for: exit, the namespace-init teardown, and
 * wait4.
 *
 * An exiting process frees its memory and files at once and becomes a zombie that keeps
 * only its exit status and numbers until its parent's wait4 collects them. Its children
 * go to the init of its PID namespace. When that init itself exits, it first kills every
 * other process of its namespace and reaps them (DESIGN.md §6, rule 6).
 */
#include "arch.h"
#include "fs.h"
#include "futex.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "string.h"
#include "uaccess.h"

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WCONTINUED 0x00000008
#define WNOTHREAD 0x20000000
#define WALL 0x40000000
#define WCLONE 0x80000000

/* Any process other than except that has a number in ns? */
static bool pid_ns_has_others(struct pid_ns *ns, struct proc *except)
{
    struct proc *q;
    list_for_each_entry(q, &proc_list, all)
        if (q != except && pid_nr_ns(q->pid, ns))
            return true;
    return false;
}

static void reap_zombie_children(struct proc *p)
{
    struct proc *c, *tmp;
    list_for_each_entry_safe(c, tmp, &p->children, sibling)
        if (c->state == PROC_ZOMBIE)
            proc_free(c);
}

/* Reap init's zombie children; true when no other process is left in ns. */
static bool reaped_all_others(struct pid_ns *ns, struct proc *init)
{
    reap_zombie_children(init);
    return !pid_ns_has_others(ns, init);
}

/* The init of ns is exiting: no new process may enter ns, every other process in it (and
 * in namespaces below it) gets SIGKILL, and init reaps them all before it becomes a
 * zombie itself, so its parent sees its exit only when the namespace is empty. */
static void zap_pid_namespace(struct pid_ns *ns, struct proc *init)
{
    ns->accepting = false;
    struct proc *q;
    list_for_each_entry(q, &proc_list, all)
        if (q != init && pid_nr_ns(q->pid, ns))
            signal_kill_by_kernel(q);
    /* An exiting process takes no signals (post_signal), so only the condition ends this. */
    wait_event_interruptible(init->wait_children, reaped_all_others(ns, init));
}

/* The children that asked (prctl PR_SET_PDEATHSIG) get their signal: their parent is
 * going. It comes from the parent, as Linux sends it (si_code SI_USER). */
static void send_parent_death_signals(struct proc *p)
{
    struct proc *c;
    list_for_each_entry(c, &p->children, sibling) {
        if (!c->pdeath_signal || c->state == PROC_ZOMBIE)
            continue;
        struct siginfo si = {.si_signo = c->pdeath_signal, .si_code = SI_USER};
        si.si_pid = pid_nr_ns(p->pid, proc_pid_ns(c));
        signal_send(c, c->pdeath_signal, &si);
    }
}

/* Hand p's children to the init of p's namespace. */
static void reparent_children(struct proc *p)
{
    /* LAB pidns: begin */
    struct proc *reaper = proc_pid_ns(p)->child_reaper;
    if (!reaper || reaper == p)
        reaper = root_pid_ns.child_reaper;
    /* LAB pidns: stub
    struct proc *reaper = root_pid_ns.child_reaper; // lab pidns: always the first init
       LAB pidns: end */
    struct proc *c, *tmp;
    bool zombies = false;
    list_for_each_entry_safe(c, tmp, &p->children, sibling) {
        list_del(&c->sibling);
        c->parent = reaper;
        list_add_tail(&c->sibling, &reaper->children);
        zombies |= c->state == PROC_ZOMBIE;
    }
    if (zombies)
        wake_up(&reaper->wait_children);
}

/* Does the parent want no zombies (SIGCHLD ignored, or SA_NOCLDWAIT)? */
static bool parent_reaps_automatically(const struct proc *parent)
{
    const struct k_sigaction *a = &parent->actions[SIGCHLD - 1];
    return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* Tell the parent: the exit signal (normally SIGCHLD) with the status, and wake wait4. */
static void notify_parent_exit(struct proc *p)
{
    struct proc *parent = p->parent;
    if (p->exit_signal) {
        struct siginfo si = {.si_signo = p->exit_signal};
        int status = p->exit_status;
        si.si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
        si.si_status = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff;
        si.si_pid = pid_nr_ns(p->pid, proc_pid_ns(parent));
        signal_send(parent, p->exit_signal, &si);
    }
    wake_up(&parent->wait_children);
}

__noreturn void do_exit(int status)
{
    struct proc *p = current_proc();
    if (p == root_pid_ns.child_reaper) {
        printk(KERN_EMERG "nest: init (PID 1) exited with %s %d; powering off\n",
               (status & 0x7f) ? "signal" : "status",
               (status & 0x7f) ? status & 0x7f : (status >> 8) & 0xff);
        machine_power_off();
    }
    spin_lock(&signal_lock);
    p->exiting = true;
    p->sig_pending = 0;
    spin_unlock(&signal_lock);
    itimer_real_exit(p);
    posix_timers_delete_all(p);
    /* Whoever shares the memory (vfork's parent) may wait on the word: zero it and wake. */
    if (p->clear_child_tid && p->mm && p->mm->users > 1 &&
        put_user(0, (int *)p->clear_child_tid) == 0)
        futex_wake((uint32_t *)p->clear_child_tid, false, 1, FUTEX_BITSET_MATCH_ANY, NULL, 0);
    vfork_release(p);
    if (p->session == p->pid)
        tty_session_leader_exit(p); /* the terminal hangs up on the session's group */
    files_put(p->files);
    p->files = NULL;
    inode_put(p->cwd);
    p->cwd = NULL;
    mnt_ns_put(p->mnt_ns);
    p->mnt_ns = NULL;
    mm_activate(NULL);
    struct mm *mm = p->mm;
    p->mm = NULL; /* before the pages go: /proc must not read a half-freed address space */
    mm_destroy(mm);

    struct pid_ns *ns = proc_pid_ns(p);
    if (ns->child_reaper == p)
        zap_pid_namespace(ns, p);
    send_parent_death_signals(p);
    reparent_children(p);

    p->exit_status = status;
    set_current_state(PROC_ZOMBIE);
    if (ns->child_reaper == p)
        ns->child_reaper = NULL;
    if (parent_reaps_automatically(p->parent)) {
        wake_up(&p->parent->wait_children);
        proc_release(p);
        sched_free_after_switch(p);
    } else {
        notify_parent_exit(p); /* the parent reaps it once it is off the CPU: schedule()
                                * keeps the kernel lock for a zombie until then */
    }
    schedule();
    panic("a zombie was scheduled");
}

long sys_exit(int status)
{
    do_exit(W_EXITCODE(status & 0xff, 0));
}

/* With one thread per process, ending the thread group is ending the process. */
long sys_exit_group(int status)
{
    return sys_exit(status);
}

/* Does child c match wait4's pid argument, as seen by the caller? */
static bool wait_matches(struct proc *c, int pid, struct proc *self)
{
    struct pid_ns *ns = proc_pid_ns(self);
    if (pid > 0)
        return pid_nr_ns(c->pid, ns) == pid;
    if (pid == -1)
        return true;
    if (pid == 0)
        return c->pgrp == self->pgrp;
    return pid_nr_ns(c->pgrp, ns) == -pid;
}

struct rusage {
    int64_t utime_sec, utime_usec;
    int64_t stime_sec, stime_usec;
    int64_t rest[14];
};

static void ns_to_timeval(uint64_t ns, int64_t *sec, int64_t *usec)
{
    *sec = ns / NSEC_PER_SEC;
    *usec = ns % NSEC_PER_SEC / NSEC_PER_USEC;
}

/* Report child c to the caller: write the status (and usage), return its number, or -EFAULT
 * when they cannot be written (the caller consumes the event all the same, as Linux does). */
static long report_child(struct proc *c, int status, int *user_status, void *user_rusage)
{
    if (user_status && put_user(status, user_status) < 0)
        return -EFAULT;
    if (user_rusage) {
        struct rusage ru;
        memset(&ru, 0, sizeof(ru));
        ns_to_timeval(c->utime_ns + c->cutime_ns, &ru.utime_sec, &ru.utime_usec);
        ns_to_timeval(c->stime_ns + c->cstime_ns, &ru.stime_sec, &ru.stime_usec);
        if (copy_to_user(user_rusage, &ru, sizeof(ru)) < 0)
            return -EFAULT;
    }
    return proc_nr_for_current(c);
}

/* Look once through the caller's children for something to report. Returns the child's
 * number, 0 if a matching child exists but has nothing to report, or -ECHILD. */
static long wait_scan(int pid, int options, int *user_status, void *user_rusage)
{
    struct proc *self = current_proc();
    struct proc *c, *tmp;
    bool found = false;
    list_for_each_entry_safe(c, tmp, &self->children, sibling) {
        if (!wait_matches(c, pid, self))
            continue;
        found = true;
        if (c->state == PROC_ZOMBIE) {
            long nr = report_child(c, c->exit_status, user_status, user_rusage);
            self->cutime_ns += c->utime_ns + c->cutime_ns;
            self->cstime_ns += c->stime_ns + c->cstime_ns;
            proc_free(c);
            return nr;
        }
        if ((options & WUNTRACED) && c->state == PROC_STOPPED && c->group_stop_notify) {
            c->group_stop_notify = false;
            return report_child(c, W_STOPCODE(c->stop_signal), user_status, user_rusage);
        }
        if ((options & WCONTINUED) && c->continued) {
            c->continued = false;
            return report_child(c, W_CONTINUED, user_status, user_rusage);
        }
    }
    return found ? 0 : -ECHILD;
}

long sys_wait4(int pid, int *user_status, int options, void *user_rusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    struct proc *self = current_proc();
    /* A status or usage pointer that cannot be written fails before the wait, not after it.
     * A child with something to report is still reported (reaped) first, and the copy
     * fails then, as on Linux. */
    bool bad_pointer =
        (user_status && check_user_range(user_status, sizeof(int), true)) ||
        (user_rusage && check_user_range(user_rusage, sizeof(struct rusage), true));
    long ret = 0;
    if (wait_event_interruptible(self->wait_children,
                                 (ret = wait_scan(pid, options, user_status, user_rusage)) != 0 ||
                                     (options & WNOHANG) || bad_pointer))
        return -ERESTARTSYS;
    if (ret == 0 && bad_pointer && !(options & WNOHANG))
        return -EFAULT;
    return ret;
}
