/* fork.c - creating processes: fork, vfork and clone (the flags a single-threaded process
 * needs), and the very first process, init.
 *
 * The child gets a copy of the parent's trap frame, so it returns from the same system
 * call, with 0 in rax. Its address space shares every page copy-on-write (mm_fork). Its
 * PID comes from the namespace the parent's children go to (child_ns), with a number in
 * every ancestor namespace too.
 *
 * Copying can let the kernel lock go (mm_fork's walk over a big address space calls
 * cond_resched), and then other processes run system calls. So the child is numbered only
 * once it is complete, and published just before it becomes runnable: until then no one
 * finds it by a number (kill, waitpid, /proc, sched_setaffinity), among its parent's
 * children (wait4) or as a new namespace's init. It is on the process list from the start,
 * with no PID (as `kps` shows it); walkers that go by process group (kill(-pgrp), the
 * tty's ^C) may post it a signal then, which it takes when it first runs.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "string.h"
#include "x86.h"
#include "uaccess.h"

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | \
                         CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_NEWPID | \
                         CLONE_NEWNS | CLONE_SETTLS)

uint64_t forks_since_boot;

extern void fork_child_entry(void);

/* Lay out a new process's kernel stack: its user registers at the top, and below them a
 * context that switch_context "returns" into fork_child_entry. */
static void prepare_kernel_stack(struct proc *p, const struct trap_frame *tf)
{
    p->tf = (struct trap_frame *)((char *)p->kstack + KERNEL_STACK_SIZE) - 1;
    *p->tf = *tf;
    p->context = (struct context *)p->tf - 1;
    memset(p->context, 0, sizeof(*p->context));
    p->context->rip = (uint64_t)fork_child_entry;
}

/* Runs first in every new process, on its own stack (switch.S): finish the switch that
 * schedule() began, as its second half would have, then leave the way every return to user
 * mode does (a signal sent before the child first ran is delivered now). */
void fork_child_finish(void)
{
    this_cpu()->irq_were_on = false; /* return_to_user wants them off */
    sched_finish_switch();
    return_to_user(current_proc()->tf);
}

/* Give the child its share of the parent's state. 0 or -ENOMEM. */
static int copy_process_state(struct proc *child, struct proc *parent, uint64_t flags)
{
    if (flags & CLONE_VM) {
        child->mm = parent->mm;
        child->mm->users++;
    } else {
        child->mm = mm_fork(parent->mm);
        if (!child->mm)
            return -ENOMEM;
    }
    child->files = files_fork(parent->files);
    if (!child->files)
        return -ENOMEM;
    child->cwd = inode_get(parent->cwd);
    if (flags & CLONE_NEWNS) {
        child->mnt_ns = mnt_ns_copy(parent->mnt_ns);
        if (!child->mnt_ns)
            return -ENOMEM;
    } else {
        child->mnt_ns = parent->mnt_ns;
        mnt_ns_get(child->mnt_ns);
    }
    child->umask = parent->umask;
    child->nice = parent->nice;
    child->cpu = parent->cpu;
    child->cpus_allowed = parent->cpus_allowed;
    /* LAB syscall: begin */
    child->trace_mask = parent->trace_mask;
    /* LAB syscall: end */
    memcpy(child->actions, parent->actions, NSIG * sizeof(struct k_sigaction));
    child->sig_blocked = parent->sig_blocked;
    child->alt_stack = parent->alt_stack;
    __asm__ volatile("fxsave64 %0" : "=m"(parent->fpu)); /* the parent's live FPU state */
    memcpy(child->fpu, parent->fpu, sizeof(child->fpu));
    child->fs_base = rdmsr(MSR_FS_BASE);
    child->tty_nr = parent->tty_nr;
    memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
    memcpy(child->name, parent->name, sizeof(child->name));
    child->dump_disabled = parent->dump_disabled;
    child->no_new_privs = parent->no_new_privs;
    child->pgrp = parent->pgrp;
    pid_get(child->pgrp);
    child->session = parent->session;
    pid_get(child->session);
    return 0;
}

/* Undo a half-made child (fork failed after proc_alloc). */
static void discard_child(struct proc *child)
{
    struct mm *mm = child->mm;
    child->mm = NULL; /* before the pages go: /proc must not read a half-freed address space */
    if (mm)
        mm_destroy(mm);
    if (child->files)
        files_put(child->files);
    if (child->cwd)
        inode_put(child->cwd);
    if (child->mnt_ns)
        mnt_ns_put(child->mnt_ns);
    proc_free(child);
}

/* vfork: sleep until the child has exec'd or exited, so it can borrow our memory. Like
 * Linux, only a fatal signal ends the wait early; any other stays pending, and its handler
 * runs once vfork returns. The child pointer is never followed after the child let go
 * (it may be freed at once if we ignore SIGCHLD): vfork_release clears vfork_child. */
static void wait_for_vfork_child(struct proc *parent)
{
    wait_event_killable(parent->wait_children, parent->vfork_child == NULL);
    if (parent->vfork_child) { /* killed first: the child must not wake us after we are gone */
        parent->vfork_child->vfork_parent = NULL;
        parent->vfork_child = NULL;
    }
}

/* Called by a vfork child at exec or exit: its parent may run again. */
void vfork_release(struct proc *child)
{
    struct proc *parent = child->vfork_parent;
    if (parent) {
        parent->vfork_child = NULL;
        child->vfork_parent = NULL;
        wake_up(&parent->wait_children);
    }
}

/* The child's PID: from a new namespace for CLONE_NEWPID, else from child_ns. */
static struct pid *child_pid(struct proc *parent, uint64_t flags, struct pid_ns **ns_out,
                             int *error)
{
    struct pid_ns *ns = parent->child_ns;
    if (flags & CLONE_NEWPID) {
        ns = pid_ns_create(parent->child_ns, error);
        if (!ns)
            return NULL;
    } else {
        pid_ns_get(ns);
    }
    struct pid *pid = alloc_pid(ns, error);
    if (!pid) {
        pid_ns_put(ns);
        return NULL;
    }
    *ns_out = ns; /* the reference we took becomes the child's child_ns reference */
    return pid;
}

long do_fork(uint64_t flags, uint64_t child_stack, uint64_t parent_tid, uint64_t child_tid,
             uint64_t tls)
{
    struct proc *parent = current_proc();
    if (flags & ~CLONE_SUPPORTED)
        return -EINVAL;
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return -EINVAL; /* a shared address space without vfork is a thread: not yet */
    if (flags & CLONE_SETTLS)
        return -EINVAL;

    struct proc *child = proc_alloc();
    if (!child)
        return proc_count >= PROC_MAX ? -EAGAIN : -ENOMEM;
    int err = copy_process_state(child, parent, flags);
    if (err) {
        discard_child(child);
        return err;
    }
    child->exit_signal = flags & CSIGNAL;
    wait_queue_init(&child->wait_children);
    prepare_kernel_stack(child, parent->tf);
    child->tf->rax = 0;
    if (child_stack)
        child->tf->rsp = child_stack;
    if (flags & CLONE_CHILD_CLEARTID)
        child->clear_child_tid = child_tid;

    /* Complete: now its numbers. From here to sched_make_runnable nothing sleeps (a fault
     * in put_user or vm_write is handled without sleeping), so the kernel lock stays ours
     * and no other process's system call sees them before the child can run. */
    struct pid_ns *ns = NULL;
    struct pid *pid = child_pid(parent, flags, &ns, &err);
    if (!pid) {
        discard_child(child);
        return err;
    }
    long nr = pid_nr_ns(pid, proc_pid_ns(parent));
    if (flags & CLONE_PARENT_SETTID)
        put_user((int)nr, (int *)parent_tid);
    if (flags & CLONE_CHILD_SETTID) {
        /* Into the child's memory, with its own number. After mm_fork the page is shared
         * copy-on-write, and a fault would repair the current (the parent's) address space:
         * vm_write makes the child's copy. A bad address is ignored, as on Linux. */
        int child_nr = pid_nr_ns(pid, ns);
        vm_write(child->mm, child_tid, &child_nr, sizeof(child_nr));
    }

    /* Publish it, and let it run. */
    child->pid = pid;
    child->child_ns = ns;
    pid->proc = child;
    if (pid_nr_ns(pid, ns) == 1)
        ns->child_reaper = child;
    child->parent = parent;
    list_add_tail(&child->sibling, &parent->children);
    if (flags & CLONE_VFORK) {
        child->vfork_parent = parent;
        parent->vfork_child = child;
    }
    forks_since_boot++;
    sched_make_runnable(child);
    if (flags & CLONE_VFORK)
        wait_for_vfork_child(parent);
    return nr;
}

/* Start the first process: PID 1 of the root namespace runs path with argv. Called once,
 * at the end of kmain, on the boot stack, which then becomes the idle process's. */
__noreturn void start_init(const char *path, char *const argv[])
{
    struct proc *init = proc_alloc();
    int err = 0;
    if (!init || !(init->pid = alloc_pid(&root_pid_ns, &err)))
        panic("cannot create the init process");
    init->pid->proc = init;
    pid_ns_get(&root_pid_ns);
    init->child_ns = &root_pid_ns;
    root_pid_ns.child_reaper = init;
    init->pgrp = init->pid;
    init->session = init->pid;
    pid_get(init->pid);
    pid_get(init->pid);
    init->exit_signal = SIGCHLD;
    init->cpus_allowed = ~0UL; /* every CPU; its children inherit the mask */
    rlimits_init(init);
    wait_queue_init(&init->wait_children);
    init->mm = mm_create();
    init->files = files_create();
    init->cwd = inode_get(vfs_root());
    init->mnt_ns = mnt_ns_initial();
    mnt_ns_get(init->mnt_ns);
    if (!init->mm || !init->files)
        panic("out of memory creating init");
    vfs_open_console(init->files);
    proc_set_name(init, path);
    memcpy(init->fpu, current_proc()->fpu, sizeof(init->fpu));
    struct trap_frame tf;
    memset(&tf, 0, sizeof(tf));
    prepare_kernel_stack(init, &tf);

    /* exec runs as init: switch to it briefly, as if init had called execve. */
    struct cpu *cpu = this_cpu();
    struct proc *idle = cpu->current;
    cpu->current = init;
    mm_activate(init->mm);
    tss_set_kernel_stack((uint64_t)init->kstack + KERNEL_STACK_SIZE);
    klock_take();
    err = do_execve(path, argv, NULL, false);
    klock_release();
    if (err < 0) {
        printk(KERN_EMERG "nest: cannot run init %s: error %d (%s)\n", path, -err,
               err == -ENOENT ? "no such file" : err == -ENOEXEC ? "not an executable" :
               err == -EACCES ? "permission denied" : "see errno.h");
        machine_power_off();
    }
    cpu->current = idle;
    mm_activate(NULL);
    pr_info("nest: starting init %s as PID 1\n", path);
    sched_make_runnable(init);
    schedule();
    sched_idle_loop();
}
