/* signal.c - posting and delivering signals (signal.h), with Linux's rules, including
 * the PID-namespace ones: a namespace's init ignores default-action signals from inside
 * its namespace, and only SIGKILL/SIGSTOP from an ancestor namespace reach it.
 *
 * Posting marks the signal pending and wakes the target if it sleeps. Delivery happens on
 * the way back to user mode (return_to_user): the default action, or a handler called on a
 * signal frame laid out as Linux's struct rt_sigframe, undone by rt_sigreturn.
 */
#include "arch.h"
#include "cpu.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"

/* Guards every process's sig_pending and sig_info, and its exiting flag as posting reads
 * it: signals are posted from interrupt handlers and other CPUs. sig_blocked and actions
 * change only by their own process; a poster reads them a word at a time, and a signal
 * left pending by a mask that then changes is seen on the process's way to user mode. */
struct spinlock signal_lock = SPINLOCK_INIT("signal", RANK_SIGNAL);

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

bool sig_ignored_by_default(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

bool sig_default_stops(int sig)
{
    return (STOP_SIGNALS & SIGBIT(sig)) != 0;
}

__hot bool signal_pending(const struct proc *p)
{
    return (p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE)) != 0;
}

/* Is a signal pending that will end p: SIGKILL, or an unblocked one whose default action
 * terminates and that has no handler? (Linux's fatal_signal_pending, as TASK_KILLABLE sleeps
 * see it.) */
bool fatal_signal_pending(const struct proc *p)
{
    sigset_t ready = p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
    for (int sig = 1; sig <= NSIG; sig++)
        if ((ready & SIGBIT(sig)) && p->actions[sig - 1].handler == SIG_DFL &&
            !sig_ignored_by_default(sig) && !sig_default_stops(sig))
            return true;
    return false;
}

/* Would delivering sig to p do nothing at all? Such a signal is dropped when sent. */
static bool sig_discarded(const struct proc *p, int sig)
{
    uint64_t handler = p->actions[sig - 1].handler;
    if (p->sig_blocked & SIGBIT(sig) & ~UNBLOCKABLE)
        return false; /* a blocked signal stays pending: the process may unblock it */
    return handler == SIG_IGN || (handler == SIG_DFL && sig_ignored_by_default(sig));
}

/* A namespace init is immune to signals whose action is the default, unless the signal
 * is SIGKILL or SIGSTOP from an ancestor namespace (DESIGN.md §6, rule 7). */
static bool init_immune(const struct proc *p, int sig, bool from_ancestor)
{
    if (!p->pid || proc_pid_ns(p)->child_reaper != p)
        return false;
    if (p->actions[sig - 1].handler != SIG_DFL)
        return false;
    return !(from_ancestor && (sig == SIGKILL || sig == SIGSTOP));
}

static void notify_parent_stopped(struct proc *p, int why, int status);

/* SIGCONT resumes a stopped process whatever its handler; a stop signal cancels a
 * pending SIGCONT and the other way round. */
static void apply_stop_continue(struct proc *p, int sig)
{
    if (sig == SIGCONT || sig == SIGKILL) {
        p->sig_pending &= ~STOP_SIGNALS;
        if (p->state == PROC_STOPPED) {
            if (sig == SIGCONT) {
                p->continued = true;
                notify_parent_stopped(p, CLD_CONTINUED, SIGCONT);
            }
            wake_up_process(p);
        }
    } else if (sig_default_stops(sig)) {
        p->sig_pending &= ~SIGBIT(SIGCONT);
    }
}

/* What a pending signal's siginfo will say, from what the sender gave. */
static struct signal_info info_to_keep(const struct siginfo *info)
{
    if (!info)
        return (struct signal_info){.code = SI_KERNEL};
    if (info->si_code == SI_TIMER)
        return (struct signal_info){.code = SI_TIMER, .timer_id = info->si_timerid,
                                    .addr = info->si_value};
    return (struct signal_info){.code = info->si_code, .pid = info->si_pid,
                                .status = info->si_status};
}

/* Post sig to p. info may be NULL for a kernel-generated signal. The sender's permission
 * and visibility have been checked by the caller. true if sig became pending by this call.
 * With signal_lock. A process running on another CPU is interrupted, so that it sees the
 * signal before it runs on in user mode. */
static bool post_signal(struct proc *p, int sig, const struct siginfo *info, bool from_ancestor)
{
    if (p->exiting || p->state == PROC_ZOMBIE || sig < 1 || sig > NSIG)
        return false;
    if (sig != SIGKILL)
        apply_stop_continue(p, sig); /* even if the signal itself is then ignored (Linux) */
    if (init_immune(p, sig, from_ancestor))
        return false;
    if (sig == SIGKILL)
        apply_stop_continue(p, sig);
    if (sig_discarded(p, sig))
        return false;
    if (p->sig_pending & SIGBIT(sig))
        return false; /* standard signals do not queue */
    p->sig_info[sig - 1] = info_to_keep(info);
    p->sig_pending |= SIGBIT(sig);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* pending before state: see prepare_to_wait */
    if (p->state == PROC_SLEEPING && (p->sleep_killable ? fatal_signal_pending(p)
                                                        : signal_pending(p)))
        wake_up_process(p);
    else if (sig == SIGKILL && p->state == PROC_STOPPED)
        wake_up_process(p);
    else
        sched_kick_running(p);
    return true;
}

/* Send sig from the current process (kill, the tty on its behalf): si_pid is the
 * sender's number in the receiver's namespace, 0 when the sender is invisible there. */
void signal_send(struct proc *p, int sig, const struct siginfo *info)
{
    spin_lock(&signal_lock);
    struct proc *sender = current_proc();
    bool from_ancestor = sender->pid && !proc_visible_from(sender, proc_pid_ns(p));
    struct siginfo si;
    if (info) {
        si = *info;
    } else {
        si = (struct siginfo){.si_signo = sig, .si_code = SI_USER};
        si.si_pid = sender->pid ? pid_nr_ns(sender->pid, proc_pid_ns(p)) : 0;
    }
    post_signal(p, sig, &si, from_ancestor);
    spin_unlock(&signal_lock);
}

/* A fault in user mode: the signal is delivered even if blocked or ignored, like Linux's
 * force_sig: a process that ignores SIGSEGV must not loop on the faulting instruction. */
void signal_force(struct proc *p, int sig, int code, uint64_t address)
{
    struct k_sigaction *a = &p->actions[sig - 1];
    if (a->handler == SIG_IGN || (p->sig_blocked & SIGBIT(sig)))
        a->handler = SIG_DFL;
    p->sig_blocked &= ~SIGBIT(sig);
    spin_lock(&signal_lock);
    p->sig_info[sig - 1] = (struct signal_info){.code = code, .addr = address};
    p->sig_pending |= SIGBIT(sig);
    spin_unlock(&signal_lock);
}

/* Send sig to every member of a process group, from the kernel (the tty's keys). Like
 * Linux, such a signal does not count as coming from an ancestor namespace. */
void signal_pgrp(struct pid *pgrp, int sig)
{
    spin_lock(&proc_list_lock); /* the tty calls it from its interrupt */
    spin_lock(&signal_lock);
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        if (p->pgrp == pgrp)
            post_signal(p, sig, NULL, false);
    spin_unlock(&signal_lock);
    spin_unlock(&proc_list_lock);
}

/* SIGKILL from the kernel itself (a namespace being torn down): reaches even an init. */
void signal_kill_by_kernel(struct proc *p)
{
    spin_lock(&signal_lock);
    post_signal(p, SIGKILL, NULL, true);
    spin_unlock(&signal_lock);
}

bool signal_send_from_kernel(struct proc *p, int sig, const struct siginfo *info)
{
    spin_lock(&signal_lock);
    bool posted = post_signal(p, sig, info, true);
    spin_unlock(&signal_lock);
    return posted;
}

/* Tell p's parent that p stopped or continued: SIGCHLD unless the parent asked not to
 * hear about stops (SA_NOCLDSTOP), and a wake-up for wait4. */
static void notify_parent_stopped(struct proc *p, int why, int status)
{
    struct proc *parent = p->parent;
    if (!parent)
        return;
    if (!(parent->actions[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
        struct siginfo si = {.si_signo = SIGCHLD, .si_code = why};
        si.si_pid = pid_nr_ns(p->pid, proc_pid_ns(parent));
        si.si_status = status;
        post_signal(parent, SIGCHLD, &si, false);
    }
    wake_up(&parent->wait_children);
}

/* Default action of a stop signal: stop until SIGCONT or SIGKILL. */
static void do_stop(struct proc *p, int sig)
{
    spin_lock(&signal_lock); /* a SIGCONT from now on finds p stopped, and wakes it */
    set_current_state(PROC_STOPPED);
    p->stop_signal = sig;
    p->group_stop_notify = true;
    p->continued = false;
    notify_parent_stopped(p, CLD_STOPPED, sig);
    spin_unlock(&signal_lock);
    schedule();
}

/* Is the user stack pointer sp on p's alternate signal stack (sigaltstack)? */
bool signal_on_alt_stack(const struct proc *p, uint64_t sp)
{
    return p->alt_stack.size && sp - p->alt_stack.sp < p->alt_stack.size;
}

void signal_reset_on_exec(struct proc *p)
{
    for (int i = 0; i < NSIG; i++) {
        if (p->actions[i].handler != SIG_IGN)
            p->actions[i].handler = SIG_DFL;
        p->actions[i].flags = 0;
        p->actions[i].restorer = 0;
        p->actions[i].mask = 0;
    }
}

/* ---- signal frames, as Linux lays them out on x86-64 ---- */

struct sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* user address of the saved FPU state */
    uint64_t reserved[8];
};

struct ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    uint64_t ss_sp;
    int32_t ss_flags, ss_pad;
    uint64_t ss_size;
    struct sigcontext mcontext;
    sigset_t sigmask;
};

struct rt_sigframe {
    uint64_t pretcode; /* where the handler returns: sa_restorer, which calls rt_sigreturn */
    struct ucontext uc;
    struct siginfo info;
};

#define FPSTATE_SIZE 512
#define RED_ZONE 128

/* LAB signals: begin */
static void save_registers(struct sigcontext *sc, const struct trap_frame *tf)
{
    *sc = (struct sigcontext){
        .r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
        .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rdi = tf->rdi, .rsi = tf->rsi,
        .rbp = tf->rbp, .rbx = tf->rbx, .rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx,
        .rsp = tf->rsp, .rip = tf->rip, .eflags = tf->rflags, .cs = (uint16_t)tf->cs,
        .ss = (uint16_t)tf->ss, .trapno = tf->vector == VECTOR_SYSCALL ? 0 : tf->vector};
}
/* LAB signals: end */

/* Build a signal frame on the user stack and point the registers at the handler.
 * false if the stack is unusable (the caller then kills the process with SIGSEGV). */
static bool setup_frame(struct proc *p, int sig, struct k_sigaction *a, struct trap_frame *tf,
                        const struct signal_info *si)
{
    /* LAB signals: begin */
    uint64_t sp = tf->rsp - RED_ZONE;
    bool on_alt = signal_on_alt_stack(p, tf->rsp);
    if ((a->flags & SA_ONSTACK) && p->alt_stack.size && !on_alt)
        sp = p->alt_stack.sp + p->alt_stack.size; /* switch to the alternate stack */
    uint64_t fpstate = ALIGN_DOWN(sp - FPSTATE_SIZE, 64);
    uint64_t frame_address = ALIGN_DOWN(fpstate - sizeof(struct rt_sigframe), 16) - 8;

    uint8_t fpu_buffer[FPSTATE_SIZE] __attribute__((aligned(16)));
    __asm__ volatile("fxsave64 %0" : "=m"(fpu_buffer));
    if (copy_to_user((void *)fpstate, fpu_buffer, FPSTATE_SIZE) < 0)
        return false;

    struct rt_sigframe frame;
    memset(&frame, 0, sizeof(frame));
    frame.pretcode = a->restorer;
    save_registers(&frame.uc.mcontext, tf);
    frame.uc.mcontext.fpstate = fpstate;
    frame.uc.mcontext.oldmask = p->sig_blocked;
    frame.uc.sigmask = p->restore_saved_mask ? p->saved_mask : p->sig_blocked;
    frame.uc.ss_sp = p->alt_stack.sp;
    frame.uc.ss_size = p->alt_stack.size;
    frame.uc.ss_flags = p->alt_stack.size ? (on_alt ? SS_ONSTACK : 0) : SS_DISABLE;
    frame.info.si_signo = sig;
    frame.info.si_code = si->code;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
        frame.info.si_addr = si->addr;
    } else if (si->code == SI_TIMER) {
        frame.info.si_timerid = si->timer_id;
        frame.info.si_overrun = si->status;
        frame.info.si_value = si->addr;
    } else {
        frame.info.si_pid = si->pid;
        frame.info.si_status = si->status;
    }
    if (copy_to_user((void *)frame_address, &frame, sizeof(frame)) < 0)
        return false;

    tf->rsp = frame_address;
    tf->rip = a->handler;
    tf->rdi = sig;
    tf->rsi = frame_address + offsetof(struct rt_sigframe, info);
    tf->rdx = frame_address + offsetof(struct rt_sigframe, uc);
    tf->rax = 0;
    tf->rflags &= ~(1UL << 10 | 1UL << 8); /* DF and TF off, as the ABI expects */
    tf->cs = SEL_USER_CODE;
    tf->ss = SEL_USER_DATA;
    return true;
    /* LAB signals: stub
    return false; // lab signals: no frame yet, so a caught signal kills the process
       LAB signals: end */
}

/* rt_sigreturn: restore the registers, mask and FPU state saved by setup_frame. */
long sys_rt_sigreturn(void)
{
    struct proc *p = current_proc();
    struct trap_frame *tf = p->tf;
    /* LAB signals: begin */
    struct rt_sigframe frame;
    if (copy_from_user(&frame, (void *)(tf->rsp - 8), sizeof(frame)) < 0) {
        signal_force(p, SIGSEGV, SI_KERNEL, 0);
        return 0;
    }
    const struct sigcontext *sc = &frame.uc.mcontext;
    tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
    tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14, tf->r15 = sc->r15;
    tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rbx = sc->rbx;
    tf->rdx = sc->rdx, tf->rcx = sc->rcx, tf->rsp = sc->rsp, tf->rip = sc->rip;
    /* User space may change only the arithmetic flags, DF, TF and AC; IF stays on. */
    tf->rflags = (tf->rflags & ~0x40dd5UL) | (sc->eflags & 0x40dd5UL) | RFLAGS_IF;
    tf->cs = SEL_USER_CODE;
    tf->ss = SEL_USER_DATA;
    tf->vector = 0; /* not a system call any more: never "restart" it */
    p->sig_blocked = frame.uc.sigmask & ~UNBLOCKABLE;
    if (sc->fpstate) {
        uint8_t fpu_buffer[FPSTATE_SIZE] __attribute__((aligned(16)));
        if (copy_from_user(fpu_buffer, (void *)sc->fpstate, FPSTATE_SIZE) == 0) {
            *(uint32_t *)(fpu_buffer + 24) &= 0xffbf; /* MXCSR: reserved bits would #GP */
            __asm__ volatile("fxrstor64 %0" : : "m"(fpu_buffer));
        }
    }
    return (long)sc->rax; /* the dispatcher stores this in rax: rax is restored too */
    /* LAB signals: stub
    signal_force(p, SIGSEGV, SI_KERNEL, 0); // lab signals: rt_sigreturn not implemented
    return (long)tf->rax;
       LAB signals: end */
}

/* An interrupted system call: restart it, or make it fail with EINTR. */
static void handle_restart(struct trap_frame *tf, const struct k_sigaction *a)
{
    if (tf->vector != VECTOR_SYSCALL)
        return;
    long ret = (long)tf->rax;
    if (ret != -ERESTARTSYS && ret != -ERESTARTNOHAND)
        return;
    /* LAB signals: begin */
    bool restart = !a || (ret == -ERESTARTSYS && (a->flags & SA_RESTART));
    /* LAB signals: stub
    bool restart = !a; // lab signals: SA_RESTART not implemented
       LAB signals: end */
    if (restart) {
        tf->rax = tf->error; /* the original system-call number */
        tf->rip -= 2;        /* back onto the syscall instruction */
    } else {
        tf->rax = -EINTR;
    }
}

/* The lowest pending, unblocked signal, removed from the pending set; 0 if none. */
static int dequeue_signal(struct proc *p, struct signal_info *info)
{
    spin_lock(&signal_lock);
    sigset_t ready = p->sig_pending & ~(p->sig_blocked & ~UNBLOCKABLE);
    int sig = 0;
    if (ready) {
        sig = 1;
        if (ready & SIGBIT(SIGKILL))
            sig = SIGKILL;
        else
            while (!(ready & SIGBIT(sig)))
                sig++;
        p->sig_pending &= ~SIGBIT(sig);
        *info = p->sig_info[sig - 1];
    }
    spin_unlock(&signal_lock);
    return sig;
}

/* Deliver pending signals before returning to user mode at tf. A handler frame ends the
 * loop (the rest wait for the next return); a default "terminate" does not return. */
void signal_deliver(struct trap_frame *tf)
{
    struct proc *p = current_proc();
    int sig;
    struct signal_info info;
    while ((sig = dequeue_signal(p, &info)) != 0) {
        if (sig == SIGALRM)
            itimer_real_signal_taken(p); /* a periodic timer starts its next period */
        if (info.code == SI_TIMER)
            posix_timer_signal_taken(p, &info);
        struct k_sigaction *a = &p->actions[sig - 1];
        if (a->handler == SIG_IGN)
            continue;
        if (a->handler == SIG_DFL) {
            if (sig_ignored_by_default(sig))
                continue;
            if (sig_default_stops(sig)) {
                do_stop(p, sig);
                continue;
            }
            do_exit(W_EXITCODE(0, sig));
        }
        handle_restart(tf, a);
        if (!setup_frame(p, sig, a, tf, &info)) {
            printk(KERN_NOTICE "nest: %s[%d]: cannot build a signal frame; killed\n", p->name,
                   proc_root_pid(p));
            do_exit(W_EXITCODE(0, SIGSEGV));
        }
        p->restore_saved_mask = false; /* the frame carries the mask to restore */
        /* LAB signals: begin */
        p->sig_blocked |= a->mask | ((a->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
        p->sig_blocked &= ~UNBLOCKABLE;
        /* LAB signals: end */
        if (a->flags & SA_RESETHAND)
            a->handler = SIG_DFL;
        return;
    }
    handle_restart(tf, NULL);
    if (p->restore_saved_mask) {
        p->sig_blocked = p->saved_mask;
        p->restore_saved_mask = false;
    }
}
