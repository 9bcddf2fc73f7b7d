/* signal.c (syscall) - rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, pause.
 * Delivery itself, and rt_sigreturn, are in kernel/proc/signal.c.
 */
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

long sys_rt_sigaction(int sig, const void *user_act, void *user_old, size_t sigsetsize)
{
    struct proc *p = current_proc();
    if (sigsetsize != sizeof(sigset_t) || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (user_act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct k_sigaction *a = &p->actions[sig - 1];
    struct k_sigaction new_action;
    if (user_act && copy_from_user(&new_action, user_act, sizeof(new_action)) < 0)
        return -EFAULT;
    if (user_old && copy_to_user(user_old, a, sizeof(*a)) < 0)
        return -EFAULT;
    if (user_act) {
        new_action.mask &= ~UNBLOCKABLE;
        *a = new_action;
        /* POSIX: setting a pending signal to be ignored discards it. */
        if (a->handler == SIG_IGN || (a->handler == SIG_DFL && sig_ignored_by_default(sig))) {
            spin_lock(&signal_lock);
            p->sig_pending &= ~SIGBIT(sig);
            spin_unlock(&signal_lock);
        }
    }
    return 0;
}

long sys_rt_sigprocmask(int how, const uint64_t *user_set, uint64_t *user_old, size_t sigsetsize)
{
    struct proc *p = current_proc();
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    sigset_t set = 0;
    if (user_set && copy_from_user(&set, user_set, sizeof(set)) < 0)
        return -EFAULT;
    if (user_set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (user_old && copy_to_user(user_old, &p->sig_blocked, sizeof(sigset_t)) < 0)
        return -EFAULT;
    if (!user_set)
        return 0;
    if (how == SIG_BLOCK)
        p->sig_blocked |= set;
    else if (how == SIG_UNBLOCK)
        p->sig_blocked &= ~set;
    else
        p->sig_blocked = set;
    p->sig_blocked &= ~UNBLOCKABLE;
    return 0;
}

long sys_rt_sigpending(uint64_t *user_set, size_t sigsetsize)
{
    struct proc *p = current_proc();
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    sigset_t pending = p->sig_pending & p->sig_blocked;
    return copy_to_user(user_set, &pending, sizeof(pending));
}

/* Sleep until a signal is pending; always "fails" so the signal code can decide. */
static long wait_for_signal(void)
{
    struct proc *p = current_proc();
    while (!signal_pending(p))
        sleep_on(NULL, 0);
    return -ERESTARTNOHAND;
}

long sys_pause(void)
{
    return wait_for_signal();
}

/* Replace the mask until a handled signal arrives; the signal frame restores the old one. */
long sys_rt_sigsuspend(const uint64_t *user_mask, size_t sigsetsize)
{
    struct proc *p = current_proc();
    if (sigsetsize != sizeof(sigset_t))
        return -EINVAL;
    sigset_t mask;
    if (copy_from_user(&mask, user_mask, sizeof(mask)) < 0)
        return -EFAULT;
    p->saved_mask = p->sig_blocked;
    p->restore_saved_mask = true;
    p->sig_blocked = mask & ~UNBLOCKABLE;
    return wait_for_signal();
}

long sys_sigaltstack(const void *user_ss, void *user_old)
{
    struct proc *p = current_proc();
    bool active = signal_on_alt_stack(p, p->tf->rsp);
    if (user_old) {
        struct signal_stack old = p->alt_stack;
        old.flags = !old.size ? SS_DISABLE : active ? SS_ONSTACK : 0;
        if (copy_to_user(user_old, &old, sizeof(old)) < 0)
            return -EFAULT;
    }
    if (!user_ss)
        return 0;
    struct signal_stack ss;
    if (copy_from_user(&ss, user_ss, sizeof(ss)) < 0)
        return -EFAULT;
    if (active)
        return -EPERM; /* cannot change the stack a handler is running on */
    if (ss.flags & ~SS_DISABLE)
        return -EINVAL;
    if (ss.flags & SS_DISABLE) {
        p->alt_stack = (struct signal_stack){0, 0, 0, 0};
        return 0;
    }
    if (ss.size < MINSIGSTKSZ)
        return -ENOMEM;
    p->alt_stack = (struct signal_stack){ss.sp, 0, 0, ss.size};
    return 0;
}
