/* proc.c (syscall) - the process system calls: identity, creation, signals between
 * processes, process groups and sessions, PID namespaces, limits.
 *
 * Every PID that enters or leaves here is a number in the caller's PID namespace: in
 * through find_proc_for_current()/find_pid_ns(), out through pid_nr_ns().
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

static struct pid_ns *caller_ns(void)
{
    return proc_pid_ns(current_proc());
}

__hot long sys_getpid(void)
{
    return proc_nr_for_current(current_proc());
}

long sys_gettid(void)
{
    return proc_nr_for_current(current_proc());
}

/* The parent's number, or 0 when the parent is outside the caller's namespace (the
 * caller is that namespace's init). */
long sys_getppid(void)
{
    struct proc *parent = current_proc()->parent;
    return parent ? proc_nr_for_current(parent) : 0;
}

long sys_fork(void)
{
    return do_fork(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(void)
{
    return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long sys_clone(uint64_t flags, uint64_t stack, uint64_t user_parent_tid, uint64_t user_child_tid,
               uint64_t tls)
{
    return do_fork(flags, stack, user_parent_tid, user_child_tid, tls);
}

/* May the caller signal p? Everyone is root in nest, so only visibility counts. */
static long signal_one(struct proc *p, int sig)
{
    if (sig)
        signal_send(p, sig, NULL);
    return 0;
}

/* tkill/tgkill: like kill to one process, but the receiver learns it came from tkill. */
static long signal_thread(int tid, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    struct proc *p = find_proc_for_current(tid);
    if (!p)
        return -ESRCH;
    if (sig) {
        struct siginfo si = {.si_signo = sig, .si_code = SI_TKILL};
        si.si_pid = pid_nr_ns(current_proc()->pid, proc_pid_ns(p));
        signal_send(p, sig, &si);
    }
    return 0;
}

/* kill(-1, sig): every process the caller can see except itself and its namespace's
 * init (numbers > 1). */
static long signal_all_visible(int sig)
{
    struct proc *self = current_proc(), *p;
    struct pid_ns *ns = caller_ns();
    int count = 0;
    list_for_each_entry(p, &proc_list, all) {
        if (p == self || p->state == PROC_ZOMBIE || pid_nr_ns(p->pid, ns) <= 1)
            continue;
        signal_one(p, sig);
        count++;
    }
    return count ? 0 : -ESRCH;
}

static long signal_group(struct pid *pgrp, int sig)
{
    struct proc *p;
    int count = 0;
    list_for_each_entry(p, &proc_list, all) {
        if (p->pgrp == pgrp && p->state != PROC_ZOMBIE) {
            signal_one(p, sig);
            count++;
        }
    }
    return count ? 0 : -ESRCH;
}

long sys_kill(int pid, int sig)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid == -1)
        return signal_all_visible(sig);
    if (pid == 0)
        return signal_group(current_proc()->pgrp, sig);
    if (pid < 0) {
        if (pid == INT32_MIN)
            return -ESRCH;
        struct pid *pgrp = find_pid_ns(-pid, caller_ns());
        return pgrp ? signal_group(pgrp, sig) : -ESRCH;
    }
    struct proc *p = find_proc_for_current(pid);
    return p ? signal_one(p, sig) : -ESRCH;
}

long sys_tkill(int tid, int sig)
{
    if (tid <= 0)
        return -EINVAL;
    return signal_thread(tid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (tgid != tid)
        return -ESRCH; /* every process has exactly one thread */
    return signal_thread(tid, sig);
}

/* The process numbered nr for the caller; 0 means the caller itself. */
static struct proc *proc_or_self(int nr)
{
    return nr == 0 ? current_proc() : find_proc_for_current(nr);
}

/* Is some process of session a member of (or the leader of) group pgrp? */
static bool group_exists_in_session(struct pid *pgrp, struct pid *session)
{
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        if (p->pgrp == pgrp && p->session == session && p->state != PROC_ZOMBIE)
            return true;
    return false;
}

static void set_pid_ref(struct pid **field, struct pid *value)
{
    pid_get(value);
    pid_put(*field);
    *field = value;
}

long sys_setpgid(int pid, int pgid)
{
    struct proc *self = current_proc();
    if (pgid < 0)
        return -EINVAL;
    struct proc *p = proc_or_self(pid);
    if (!p || (p != self && p->parent != self))
        return -ESRCH;
    if (p != self && p->did_exec)
        return -EACCES;
    if (p->session != self->session)
        return -EPERM;
    if (p->session == p->pid)
        return -EPERM; /* a session leader stays in its own group */
    struct pid *group = pgid == 0 ? p->pid : find_pid_ns(pgid, caller_ns());
    if (!group)
        return -EPERM;
    if (group != p->pid && !group_exists_in_session(group, self->session))
        return -EPERM;
    set_pid_ref(&p->pgrp, group);
    return 0;
}

long sys_getpgid(int pid)
{
    struct proc *p = proc_or_self(pid);
    return p ? pid_nr_ns(p->pgrp, caller_ns()) : -ESRCH;
}

long sys_getpgrp(void)
{
    return pid_nr_ns(current_proc()->pgrp, caller_ns());
}

long sys_getsid(int pid)
{
    struct proc *p = proc_or_self(pid);
    return p ? pid_nr_ns(p->session, caller_ns()) : -ESRCH;
}

/* A new session and group, both led by the caller; it loses its controlling tty. */
long sys_setsid(void)
{
    struct proc *self = current_proc(), *p;
    list_for_each_entry(p, &proc_list, all)
        if (p->pgrp == self->pid)
            return -EPERM; /* already a group leader (or others use its number) */
    set_pid_ref(&self->session, self->pid);
    set_pid_ref(&self->pgrp, self->pid);
    self->tty_nr = 0;
    return proc_nr_for_current(self);
}

long sys_set_tid_address(int *user_tidptr)
{
    current_proc()->clear_child_tid = (uint64_t)user_tidptr;
    return proc_nr_for_current(current_proc());
}

/* glibc's struct robust_list_head: the list of robust mutexes a thread holds. */
#define ROBUST_LIST_HEAD_SIZE 24

/* set_robust_list: accepted so that glibc starts, but nest keeps no list and does not walk
 * it at exit: a robust mutex in shared memory held by a process that dies is not marked
 * FUTEX_OWNER_DIED (nest has no threads, the usual users of robust mutexes). */
long sys_set_robust_list(void *user_head, size_t length)
{
    return length == ROBUST_LIST_HEAD_SIZE ? 0 : -EINVAL;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(int code, uint64_t address)
{
    struct proc *p = current_proc();
    switch (code) {
    case ARCH_SET_FS:
        if (address >= USER_TOP)
            return -EPERM;
        p->fs_base = address;
        wrmsr(MSR_FS_BASE, address);
        return 0;
    case ARCH_GET_FS:
        return put_user(rdmsr(MSR_FS_BASE), (uint64_t *)address);
    default:
        return -EINVAL;
    }
}

/* unshare(CLONE_NEWPID): the caller stays where it is; its next child becomes PID 1 of a
 * new namespace below the caller's. unshare(CLONE_NEWNS): the caller gets a private copy of
 * its mount namespace. Flags that mean nothing for a single-threaded process are accepted;
 * other namespaces do not exist in nest. */
long sys_unshare(uint64_t flags)
{
    struct proc *p = current_proc();
    if (flags & ~(uint64_t)(CLONE_NEWPID | CLONE_NEWNS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM))
        return -EINVAL;
    if ((flags & CLONE_NEWPID) && p->child_ns != proc_pid_ns(p))
        return -EINVAL; /* children already go elsewhere (like Linux) */
    struct pid_ns *pid_ns = NULL;
    struct mnt_ns *mnt_ns = NULL;
    int err = 0;
    if (flags & CLONE_NEWPID)
        pid_ns = pid_ns_create(proc_pid_ns(p), &err);
    if (!err && (flags & CLONE_NEWNS) && !(mnt_ns = mnt_ns_copy(p->mnt_ns)))
        err = -ENOMEM;
    if (err) {
        if (pid_ns)
            pid_ns_put(pid_ns);
        return err;
    }
    if (pid_ns) {
        pid_ns_put(p->child_ns);
        p->child_ns = pid_ns;
    }
    if (mnt_ns) {
        mnt_ns_put(p->mnt_ns);
        p->mnt_ns = mnt_ns;
    }
    return 0;
}

/* setns into the mount namespace ns: the caller's paths resolve there from now on, and its
 * working directory becomes the namespace's root, as on Linux. */
static long enter_mnt_ns(struct proc *p, struct mnt_ns *ns)
{
    mnt_ns_get(ns);
    mnt_ns_put(p->mnt_ns);
    p->mnt_ns = ns;
    inode_put(p->cwd);
    p->cwd = inode_get(vfs_root());
    return 0;
}

/* setns(fd, nstype) with fd from /proc/PID/ns/pid (future children go to that namespace,
 * which must be the caller's own or one below it) or /proc/PID/ns/mnt. nstype 0 takes
 * either; otherwise it must name the kind fd is. */
long sys_setns(int fd, int nstype)
{
    struct proc *p = current_proc();
    if (nstype != 0 && nstype != CLONE_NEWPID && nstype != CLONE_NEWNS)
        return -EINVAL;
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    file_put(file);
    struct mnt_ns *mnt_ns = file_mnt_ns(fd);
    if (mnt_ns && nstype != CLONE_NEWPID)
        return enter_mnt_ns(p, mnt_ns);
    struct pid_ns *ns = file_pid_ns(fd);
    if (!ns || nstype == CLONE_NEWNS)
        return -EINVAL;
    if (!pid_ns_is_ancestor(proc_pid_ns(p), ns))
        return -EINVAL;
    pid_ns_get(ns);
    pid_ns_put(p->child_ns);
    p->child_ns = ns;
    return 0;
}

/* prctl options (Linux's numbers). */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_CAPBSET_READ 23
#define PR_GET_SECUREBITS 27
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

#define CAP_LAST_CAP 40 /* CAP_CHECKPOINT_RESTORE, the last capability Linux defines */
#define PRCTL_REPORTED_MAX 16

/* Say once per option that a program asked for one nest does not have (the first
 * PRCTL_REPORTED_MAX distinct ones: the list is bounded, whatever programs pass). The list
 * is changed only here, by system calls, under the kernel lock. */
static void report_unknown_prctl(int option)
{
    static int reported[PRCTL_REPORTED_MAX];
    static int reported_count;
    for (int i = 0; i < reported_count; i++)
        if (reported[i] == option)
            return;
    if (reported_count == PRCTL_REPORTED_MAX)
        return;
    reported[reported_count++] = option;
    struct proc *p = current_proc();
    pr_notice("nest: %s[%d] called prctl with unsupported option %d; returning EINVAL\n",
              p->name, proc_root_pid(p), option);
}

static long prctl_set_name(struct proc *p, const char *user_name)
{
    char name[PROC_NAME_MAX];
    long n = strncpy_from_user(name, user_name, sizeof(name));
    if (n == -ENAMETOOLONG) { /* Linux keeps the first 15 bytes */
        if (copy_from_user(name, user_name, sizeof(name) - 1) < 0)
            return -EFAULT;
        name[sizeof(name) - 1] = 0;
    } else if (n < 0) {
        return n;
    }
    strlcpy(p->name, name, sizeof(p->name));
    return 0;
}

/* Every user is root with every capability (nest checks no permissions), and the
 * "securebits" are root's default: none set. */
long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct proc *p = current_proc();
    switch (option) {
    case PR_SET_PDEATHSIG:
        if (a2 > NSIG)
            return -EINVAL;
        p->pdeath_signal = (int)a2;
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user(p->pdeath_signal, (int *)a2);
    case PR_GET_DUMPABLE:
        return p->dump_disabled ? 0 : 1;
    case PR_SET_DUMPABLE:
        if (a2 > 1)
            return -EINVAL;
        p->dump_disabled = a2 == 0;
        return 0;
    case PR_SET_NAME:
        return prctl_set_name(p, (const char *)a2);
    case PR_GET_NAME:
        return copy_to_user((void *)a2, p->name, sizeof(p->name));
    case PR_CAPBSET_READ:
        return a2 <= CAP_LAST_CAP ? 1 : -EINVAL;
    case PR_GET_SECUREBITS:
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (a2 != 1 || a3 || a4 || a5)
            return -EINVAL;
        p->no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (a2 || a3 || a4 || a5)
            return -EINVAL;
        return p->no_new_privs ? 1 : 0;
    default:
        report_unknown_prctl(option);
        return -EINVAL;
    }
}

struct rlimit64 {
    uint64_t cur, max;
};

long sys_prlimit64(int pid, int resource, const void *user_new, void *user_old)
{
    if (resource < 0 || resource >= RLIMIT_COUNT)
        return -EINVAL;
    struct proc *p = proc_or_self(pid);
    if (!p)
        return -ESRCH;
    struct rlimit64 new_limit;
    if (user_new) {
        if (copy_from_user(&new_limit, user_new, sizeof(new_limit)) < 0)
            return -EFAULT;
        if (new_limit.cur > new_limit.max)
            return -EINVAL;
    }
    if (user_old) {
        struct rlimit64 old = {p->rlimits[resource][0], p->rlimits[resource][1]};
        if (copy_to_user(user_old, &old, sizeof(old)) < 0)
            return -EFAULT;
    }
    if (user_new) {
        p->rlimits[resource][0] = new_limit.cur;
        p->rlimits[resource][1] = new_limit.max;
    }
    return 0;
}

long sys_getrlimit(int resource, void *user_old)
{
    return sys_prlimit64(0, resource, NULL, user_old);
}

long sys_setrlimit(int resource, const void *user_new)
{
    return sys_prlimit64(0, resource, user_new, NULL);
}

long sys_getuid(void)
{
    return 0; /* everyone is root: nest has no users */
}

long sys_getrusage(int who, void *user_usage)
{
    struct proc *p = current_proc();
    uint64_t user_ns, system_ns;
    if (who == 0) { /* RUSAGE_SELF */
        user_ns = p->utime_ns;
        system_ns = p->stime_ns;
    } else if (who == -1) { /* RUSAGE_CHILDREN */
        user_ns = p->cutime_ns;
        system_ns = p->cstime_ns;
    } else {
        return -EINVAL;
    }
    int64_t usage[18];
    memset(usage, 0, sizeof(usage));
    usage[0] = user_ns / NSEC_PER_SEC;
    usage[1] = user_ns % NSEC_PER_SEC / NSEC_PER_USEC;
    usage[2] = system_ns / NSEC_PER_SEC;
    usage[3] = system_ns % NSEC_PER_SEC / NSEC_PER_USEC;
    return copy_to_user(user_usage, usage, sizeof(usage));
}

long sys_times(void *user_buf)
{
    struct proc *p = current_proc();
    uint64_t t[4] = {NS_TO_CLOCK_T(p->utime_ns), NS_TO_CLOCK_T(p->stime_ns),
                     NS_TO_CLOCK_T(p->cutime_ns), NS_TO_CLOCK_T(p->cstime_ns)};
    if (user_buf && copy_to_user(user_buf, t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)NS_TO_CLOCK_T(clock_monotonic_ns());
}

/* A CPU mask in the kernel is one uint64_t (smp.h): Linux's cpumask_size() for nest. */
#define KERNEL_MASK_SIZE sizeof(uint64_t)

/* sched_setaffinity(2): the user's mask is read up to the kernel's size (a shorter one is
 * zero-extended, the rest of a longer one ignored, as on Linux); p may then run only on the
 * CPUs in it that run processes: -EINVAL if there are none. */
long sys_sched_setaffinity(int pid, unsigned int size, const void *user_mask)
{
    uint64_t mask = 0;
    if (copy_from_user(&mask, user_mask, size < KERNEL_MASK_SIZE ? size : KERNEL_MASK_SIZE) < 0)
        return -EFAULT;
    struct proc *p = proc_or_self(pid);
    if (!p)
        return -ESRCH;
    return sched_set_affinity(p, mask);
}

/* sched_getaffinity(2): the raw call returns the bytes it wrote, the kernel's mask size; the
 * user's buffer must hold that many and be a whole number of longs. cpus_allowed is read
 * without sched_lock: it is one word, and its one writer, sched_setaffinity, runs under the
 * klock, which we hold. */
long sys_sched_getaffinity(int pid, unsigned int size, void *user_mask)
{
    if (size < KERNEL_MASK_SIZE || size % sizeof(long))
        return -EINVAL;
    struct proc *p = proc_or_self(pid);
    if (!p)
        return -ESRCH;
    uint64_t mask = p->cpus_allowed & cpus_scheduling_mask;
    if (copy_to_user(user_mask, &mask, KERNEL_MASK_SIZE) < 0)
        return -EFAULT;
    return KERNEL_MASK_SIZE;
}

#define PRIO_PROCESS 0
#define NICE_MIN (-20)
#define NICE_MAX 19

/* The process setpriority/getpriority name: who 0 is the caller. Only PRIO_PROCESS: nest's
 * processes have one thread, and process groups and users are not asked for yet. */
static long priority_target(int which, int who, struct proc **out)
{
    if (which != PRIO_PROCESS)
        return -EINVAL;
    *out = who == 0 ? current_proc() : find_proc_for_current(who);
    return *out ? 0 : -ESRCH;
}

/* getpriority returns 20 - nice (1..40), as Linux's system call does: never negative, so
 * never an error; the C library turns it back into a nice value. */
long sys_getpriority(int which, int who)
{
    struct proc *p;
    long err = priority_target(which, who, &p);
    return err ? err : 20 - p->nice;
}

/* setpriority: the nice value, clamped to -20..19 as Linux does. Everyone is root in nest,
 * so lowering it is allowed. The scheduler reads it at its next tick. */
long sys_setpriority(int which, int who, int nice)
{
    struct proc *p;
    long err = priority_target(which, who, &p);
    if (err)
        return err;
    p->nice = MAX(NICE_MIN, MIN(NICE_MAX, nice));
    return 0;
}
