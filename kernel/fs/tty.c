/* tty.c - the console terminal (/dev/console, and /dev/tty for its session): the line
 * discipline between the serial port and the programs.
 *
 * Input bytes arrive one at a time from the serial interrupt (tty_input_byte, IRQ context).
 * In canonical mode they are edited into lines (erase, kill, word-erase, ^D) and echoed;
 * ^C, ^Z and ^\ signal the foreground process group; ^P, in every mode, dumps the process
 * table. Readers
 * sleep on a wait queue until a line (or, in raw mode, enough bytes) is there. Output goes
 * straight to console_write_all(), which turns "\n" into "\r\n" itself: so OPOST/ONLCR are
 * accepted in termios but the tty adds no processing of its own (no doubled "\r").
 * Everything the interrupt also touches is changed with interrupts off.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "string.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

/* termios bits (Linux's values) that the line discipline looks at. */
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
#define OPOST 0000001
#define ONLCR 0000004
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* c_cc indexes */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

#define CONTROL(c) ((c) & 0x1f)
#define KEY_DUMP_PROCESSES CONTROL('P') /* nest's own key, like xv6's procdump */
#define KEY_BACKSPACE CONTROL('H')
#define KEY_DELETE 0x7f

#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2

#define TTY_BUFFER_SIZE 4096

/* The input side (buffer, head, count, committed) is lock's: the serial and keyboard
 * interrupts fill the ring. termios is written with the kernel lock and lock both, so
 * either is enough to read it; the rest changes under the kernel lock. */
struct tty {
    struct spinlock lock;
    uint8_t buffer[TTY_BUFFER_SIZE]; /* input ring */
    size_t head;                     /* index of the oldest input byte */
    size_t count;                    /* bytes in the ring */
    size_t committed;                /* of those, bytes readers may take (ended lines) */
    struct termios termios;          /* modes and control characters */
    struct winsize winsize;          /* TIOCGWINSZ; nothing measures the serial line */
    struct pid *session;             /* the session it is the controlling tty of, or NULL */
    struct pid *foreground;          /* the foreground process group, or NULL */
    struct wait_queue readers;       /* processes waiting for input */
};

static struct tty console = {
    .lock = SPINLOCK_INIT("tty", RANK_TTY),
    .termios =
        {
            .c_iflag = ICRNL | IXON,
            .c_oflag = OPOST | ONLCR,
            .c_cflag = B38400 | CS8 | CREAD | HUPCL,
            .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
            .c_cc =
                {
                    [VINTR] = CONTROL('C'),
                    [VQUIT] = CONTROL('\\'),
                    [VERASE] = KEY_DELETE,
                    [VKILL] = CONTROL('U'),
                    [VEOF] = CONTROL('D'),
                    [VMIN] = 1,
                    [VSTART] = CONTROL('Q'),
                    [VSTOP] = CONTROL('S'),
                    [VSUSP] = CONTROL('Z'),
                    [VREPRINT] = CONTROL('R'),
                    [VDISCARD] = CONTROL('O'),
                    [VWERASE] = CONTROL('W'),
                    [VLNEXT] = CONTROL('V'),
                },
        },
    .winsize = {.ws_row = 25, .ws_col = 80},
};

/* Ready the console tty (before the serial interrupt is enabled). */
void tty_init(void)
{
    wait_queue_init(&console.readers);
}

/* ---- the input ring (interrupts off) ---- */

/* The i-th byte of input, counting from the oldest. */
static uint8_t byte_at(const struct tty *tty, size_t i)
{
    return tty->buffer[(tty->head + i) % TTY_BUFFER_SIZE];
}

/* Append c; false when the ring is full (input is dropped, never waited for). */
static bool store(struct tty *tty, uint8_t c)
{
    if (tty->count == TTY_BUFFER_SIZE)
        return false;
    tty->buffer[(tty->head + tty->count) % TTY_BUFFER_SIZE] = c;
    tty->count++;
    return true;
}

/* Drop the n oldest bytes, which readers have taken. */
static void consume(struct tty *tty, size_t n)
{
    tty->head = (tty->head + n) % TTY_BUFFER_SIZE;
    tty->count -= n;
    tty->committed -= n;
}

/* Forget all input, read or not (^C, TCFLSH). */
static void flush_input(struct tty *tty)
{
    tty->count = tty->committed = 0;
}

/* Make everything stored so far readable, and tell the readers. */
static void commit(struct tty *tty)
{
    tty->committed = tty->count;
    wake_up(&tty->readers);
    poll_notify();
}

static bool is_canonical(const struct tty *tty) { return tty->termios.c_lflag & ICANON; }

/* ---- echo ---- */

static void output(const char *text, size_t length) { console_write_all(text, length); }

/* A control character is echoed as ^X (ECHOCTL); tab and newline as themselves. */
static bool echoes_as_caret(const struct tty *tty, uint8_t c)
{
    return (tty->termios.c_lflag & ECHOCTL) && (c < 32 || c == KEY_DELETE) && c != '\t' &&
           c != '\n';
}

/* Show a typed byte, if ECHO is on. */
static void echo(const struct tty *tty, uint8_t c)
{
    if (!(tty->termios.c_lflag & ECHO))
        return;
    if (echoes_as_caret(tty, c)) {
        char caret[2] = {'^', (char)(c == KEY_DELETE ? '?' : c + '@')};
        output(caret, 2);
    } else {
        char plain = (char)c;
        output(&plain, 1);
    }
}

/* Take back the last byte of the line being edited, and its echo. */
static void erase_last(struct tty *tty)
{
    uint8_t c = byte_at(tty, tty->count - 1);
    tty->count--;
    if ((tty->termios.c_lflag & (ECHO | ECHOE)) != (ECHO | ECHOE))
        return;
    int cells = echoes_as_caret(tty, c) ? 2 : 1;
    while (cells--)
        output("\b \b", 3);
}

static size_t line_length(const struct tty *tty) { return tty->count - tty->committed; }

/* ^W: the spaces before the cursor, then the word before them. */
static void erase_word(struct tty *tty)
{
    while (line_length(tty) && byte_at(tty, tty->count - 1) == ' ')
        erase_last(tty);
    while (line_length(tty) && byte_at(tty, tty->count - 1) != ' ')
        erase_last(tty);
}

/* ---- input processing (interrupt context) ---- */

/* Is c the control character at c_cc[index]? */
static bool is_key(const struct tty *tty, uint8_t c, int index)
{
    uint8_t key = tty->termios.c_cc[index];
    return key != 0 && c == key; /* 0 disables a key, as in Linux */
}

/* ^C, ^\ and ^Z: echo, flush the input and signal the foreground group. True if c was
 * such a key. */
static bool signal_key(struct tty *tty, uint8_t c)
{
    int sig = is_key(tty, c, VINTR) ? SIGINT
              : is_key(tty, c, VQUIT) ? SIGQUIT
              : is_key(tty, c, VSUSP) ? SIGTSTP
                                      : 0;
    if (!sig)
        return false;
    echo(tty, c);
    if (!(tty->termios.c_lflag & NOFLSH))
        flush_input(tty);
    if (tty->foreground)
        signal_pgrp(tty->foreground, sig);
    wake_up(&tty->readers);
    return true;
}

/* Canonical mode: edit the current line; a newline, EOL or ^D ends it. */
static void edit_line(struct tty *tty, uint8_t c)
{
    struct termios *t = &tty->termios;
    if (is_key(tty, c, VERASE) || c == KEY_BACKSPACE) {
        if (line_length(tty))
            erase_last(tty);
    } else if (is_key(tty, c, VKILL)) {
        while (line_length(tty))
            erase_last(tty);
    } else if (is_key(tty, c, VWERASE) && (t->c_lflag & IEXTEN)) {
        erase_word(tty);
    } else if (is_key(tty, c, VEOF)) {
        if (store(tty, c)) /* kept as the line's end; a reader does not copy it */
            commit(tty);
    } else if (c == '\n' || is_key(tty, c, VEOL) || is_key(tty, c, VEOL2)) {
        if (store(tty, c)) {
            if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
                output("\n", 1);
            commit(tty);
        }
    } else if (tty->count < TTY_BUFFER_SIZE - 1) { /* room is kept for the line's end */
        store(tty, c);
        echo(tty, c);
    }
}

/* One input byte, with interrupts off. ^P belongs to the kernel in every mode, as in xv6:
 * it prints the process table and no program ever reads it. */
static void receive(struct tty *tty, uint8_t c)
{
    const struct termios *t = &tty->termios;
    if (c == KEY_DUMP_PROCESSES) {
        proc_dump_table();
        return;
    }
    if (t->c_iflag & ISTRIP)
        c &= 0x7f;
    if (c == '\r' && (t->c_iflag & IGNCR))
        return;
    if (c == '\r' && (t->c_iflag & ICRNL))
        c = '\n';
    else if (c == '\n' && (t->c_iflag & INLCR))
        c = '\r';
    if ((t->c_lflag & ISIG) && signal_key(tty, c))
        return;
    if (is_canonical(tty)) {
        edit_line(tty, c);
    } else if (store(tty, c)) {
        echo(tty, c);
        commit(tty);
    }
}

/* Called by the serial (and keyboard) interrupt for every byte typed. */
void tty_input_byte(char c)
{
    spin_lock(&console.lock);
    receive(&console, (uint8_t)c);
    spin_unlock(&console.lock);
}

/* ---- sessions and job control ---- */

/* Is the tty the controlling terminal of p? */
static bool controls(const struct tty *tty, const struct proc *p)
{
    return p->tty_nr == (int)DEV_CONSOLE && tty->session && p->session == tty->session;
}

/* Would sig be lost on p: blocked, or its action SIG_IGN? */
static bool signal_blocked_or_ignored(const struct proc *p, int sig)
{
    return (p->sig_blocked & SIGBIT(sig)) || p->actions[sig - 1].handler == SIG_IGN;
}

/* An orphaned group has no member with a parent in another group of the same session: no
 * shell is left to continue it, so it must not be stopped by the terminal. */
static bool group_is_orphaned(const struct pid *pgrp)
{
    struct proc *p;
    list_for_each_entry(p, &proc_list, all) {
        if (p->pgrp != pgrp || p->state == PROC_ZOMBIE || !p->parent)
            continue;
        if (p->parent->pgrp != pgrp && p->parent->session == p->session)
            return false;
    }
    return true;
}

/* A background process that reads its terminal (sig SIGTTIN), or writes with TOSTOP or
 * changes its settings (SIGTTOU), stops its whole group, as in Linux: 0 to go ahead,
 * -ERESTARTSYS after sending the signal (the call is redone once the group continues),
 * or -EIO when the signal would be lost (ignored or blocked SIGTTIN, an orphaned group). */
static int check_job_control(struct tty *tty, int sig)
{
    struct proc *p = current_proc();
    if (!controls(tty, p) || !tty->foreground || p->pgrp == tty->foreground)
        return 0;
    if (signal_blocked_or_ignored(p, sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (group_is_orphaned(p->pgrp))
        return -EIO;
    signal_pgrp(p->pgrp, sig);
    return -ERESTARTSYS;
}

/* Replace the pid reference *slot holds by pid (which may be NULL). */
static void set_pid_reference(struct pid **slot, struct pid *pid)
{
    if (pid)
        pid_get(pid);
    if (*slot)
        pid_put(*slot);
    *slot = pid;
}

/* Detach the tty from its session: no member has a controlling tty any more. */
static void detach_session(struct tty *tty)
{
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        if (p->session == tty->session)
            p->tty_nr = 0;
    set_pid_reference(&tty->session, NULL);
    set_pid_reference(&tty->foreground, NULL);
}

/* See fs.h: hang up the session the leader leaves. */
void tty_session_leader_exit(struct proc *leader)
{
    struct tty *tty = &console;
    if (!tty->session || tty->session != leader->session)
        return;
    if (tty->foreground) {
        signal_pgrp(tty->foreground, SIGHUP);
        signal_pgrp(tty->foreground, SIGCONT);
    }
    detach_session(tty);
}

/* For /proc/N/stat's tpgid. */
struct pid *tty_foreground(const struct proc *p)
{
    return controls(&console, p) ? console.foreground : NULL;
}

/* ---- reading ---- */

/* Sleep until more than have bytes are readable, the deadline (monotonic ns; 0 for none) passes
 * or a signal comes: 0, -ETIMEDOUT or -ERESTARTSYS. */
static int wait_for_input(struct tty *tty, size_t have, uint64_t deadline)
{
    for (;;) {
        prepare_to_wait(&tty->readers, false); /* before the check: input may come now */
        bool ready = __atomic_load_n(&tty->committed, __ATOMIC_ACQUIRE) > have;
        int error = ready ? 0 : sleep_prepared(deadline);
        finish_wait(&tty->readers);
        if (ready)
            return 0;
        if (error == -EINTR)
            return -ERESTARTSYS;
        if (error == -ETIMEDOUT)
            return error;
    }
}

/* VTIME is in tenths of a second. */
static uint64_t deadline_in_tenths(uint8_t tenths)
{
    return clock_deadline(CLOCK_MONOTONIC, (int64_t)tenths * 100000000, false);
}

/* Canonical mode: wait for a whole line. */
static int wait_canonical(struct tty *tty, bool nonblock)
{
    if (tty->committed)
        return 0;
    return nonblock ? -EAGAIN : wait_for_input(tty, 0, 0);
}

/* Raw mode, as termios(3) describes VMIN and VTIME: wait for VMIN bytes (at most n), with
 * VTIME as the time allowed after each byte (or, with VMIN 0, for the first one). */
static int wait_raw(struct tty *tty, size_t n, bool nonblock)
{
    size_t minimum = MIN((size_t)tty->termios.c_cc[VMIN], n);
    uint8_t tenths = tty->termios.c_cc[VTIME];
    if (nonblock)
        return tty->committed ? 0 : -EAGAIN;
    int error;
    if (minimum == 0) {
        error = tenths ? wait_for_input(tty, 0, deadline_in_tenths(tenths)) : 0;
        return error == -ETIMEDOUT ? 0 : error;
    }
    error = wait_for_input(tty, 0, 0);
    while (!error && tty->committed < minimum)
        error = wait_for_input(tty, tty->committed, tenths ? deadline_in_tenths(tenths) : 0);
    return error == -ETIMEDOUT ? 0 : error;
}

/* Move up to n readable bytes to buf, with interrupts off. In canonical mode stop after a
 * line's end; a ^D that ends a line is taken but not copied (an empty line: end of file). */
static size_t take_input(struct tty *tty, char *buf, size_t n)
{
    bool canonical = is_canonical(tty);
    uint8_t eof = tty->termios.c_cc[VEOF];
    size_t copied = 0, taken = 0;
    while (copied < n && taken < tty->committed) {
        uint8_t c = byte_at(tty, taken++);
        if (canonical && c == eof)
            break;
        buf[copied++] = (char)c;
        if (canonical && (c == '\n' || is_key(tty, c, VEOL) || is_key(tty, c, VEOL2)))
            break;
    }
    if (canonical && copied && taken < tty->committed && byte_at(tty, taken) == eof &&
        copied == n)
        taken++; /* the line ended with ^D exactly where the reader's buffer ended */
    consume(tty, taken);
    return copied;
}

/* read(2) of the terminal: a line (canonical) or bytes (raw), after job control. */
static ssize_t tty_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                        copy_fn copy)
{
    (void)offset;
    struct tty *tty = file->data;
    int error = check_job_control(tty, SIGTTIN);
    if (error || n == 0)
        return error;
    bool nonblock = file->flags & O_NONBLOCK;
    error = is_canonical(tty) ? wait_canonical(tty, nonblock) : wait_raw(tty, n, nonblock);
    if (error)
        return error;
    char *input = kmalloc(TTY_BUFFER_SIZE);
    if (!input)
        return -ENOMEM;
    spin_lock(&tty->lock);
    size_t copied = take_input(tty, input, MIN(n, TTY_BUFFER_SIZE));
    spin_unlock(&tty->lock);
    error = copy(buf, input, copied);
    kfree(input);
    return error ? error : (ssize_t)copied;
}

/* ---- writing ---- */

/* write(2) to the terminal: straight to the console, in small pieces. */
static ssize_t tty_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                         copy_fn copy)
{
    (void)offset;
    struct tty *tty = file->data;
    if (tty->termios.c_lflag & TOSTOP) {
        int error = check_job_control(tty, SIGTTOU);
        if (error)
            return error;
    }
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        cond_resched(); /* a long write must not keep the CPU */
        size_t length = MIN(n - done, sizeof(chunk));
        if (copy(chunk, (const char *)buf + done, length))
            return done ? (ssize_t)done : -EFAULT;
        output(chunk, length);
        done += length;
    }
    return (ssize_t)done;
}

/* Readable when a read would not block; always writable. */
static unsigned int tty_poll(struct file *file)
{
    struct tty *tty = file->data;
    return (tty->committed ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* ---- ioctl ---- */

/* TCSETS and friends: new modes; when canonical mode is switched off, the line being
 * edited becomes readable at once. */
static long set_termios(struct tty *tty, unsigned int cmd, const void *user_termios)
{
    int error = check_job_control(tty, SIGTTOU);
    if (error)
        return error;
    struct termios new_termios;
    if (copy_from_user(&new_termios, user_termios, sizeof(new_termios)))
        return -EFAULT;
    spin_lock(&tty->lock);
    tty->termios = new_termios;
    if (cmd == TCSETSF)
        flush_input(tty);
    if (!is_canonical(tty))
        commit(tty);
    spin_unlock(&tty->lock);
    return 0;
}

/* TIOCSWINSZ: remember the size; the foreground group hears of a change. */
static long set_window_size(struct tty *tty, const void *user_winsize)
{
    struct winsize size;
    if (copy_from_user(&size, user_winsize, sizeof(size)))
        return -EFAULT;
    bool changed = memcmp(&size, &tty->winsize, sizeof(size)) != 0;
    tty->winsize = size;
    if (changed && tty->foreground)
        signal_pgrp(tty->foreground, SIGWINCH);
    return 0;
}

/* TIOCGPGRP and TIOCGSID: a process group or session as numbered in the caller's PID
 * namespace (0 if it has no number there). */
static long get_pid_number(struct tty *tty, struct pid *pid, int *user_nr)
{
    struct proc *p = current_proc();
    if (!controls(tty, p))
        return -ENOTTY;
    int nr = pid ? pid_nr_ns(pid, proc_pid_ns(p)) : 0;
    return put_user(nr, user_nr) ? -EFAULT : 0;
}

/* Is some process of the caller's session in group pgrp? */
static bool group_in_session(const struct pid *pgrp, const struct pid *session)
{
    struct proc *p;
    list_for_each_entry(p, &proc_list, all)
        if (p->pgrp == pgrp && p->session == session && p->state != PROC_ZOMBIE)
            return true;
    return false;
}

/* TIOCSPGRP (tcsetpgrp): a group of the caller's session, named in its namespace. */
static long set_foreground(struct tty *tty, const int *user_nr)
{
    struct proc *p = current_proc();
    if (!controls(tty, p))
        return -ENOTTY;
    int error = check_job_control(tty, SIGTTOU);
    if (error)
        return error;
    int nr;
    if (get_user(nr, user_nr))
        return -EFAULT;
    if (nr < 0)
        return -EINVAL;
    struct pid *pgrp = find_pid_ns(nr, proc_pid_ns(p));
    if (!pgrp)
        return -ESRCH;
    if (!group_in_session(pgrp, p->session))
        return -EPERM;
    set_pid_reference(&tty->foreground, pgrp);
    return 0;
}

/* TIOCSCTTY: a session leader without a terminal makes this one its controlling tty; with
 * arg 1 it may take it from another session (only root may; everyone is root here). */
static long make_controlling(struct tty *tty, uint64_t arg)
{
    struct proc *p = current_proc();
    if (controls(tty, p))
        return 0;
    if (p->session != p->pid || p->tty_nr)
        return -EPERM;
    if (tty->session && arg != 1)
        return -EPERM;
    if (tty->session)
        detach_session(tty);
    set_pid_reference(&tty->session, p->session);
    set_pid_reference(&tty->foreground, p->pgrp);
    p->tty_nr = (int)DEV_CONSOLE;
    return 0;
}

/* TIOCNOTTY: give up the controlling tty; a session leader hangs up its whole session. */
static long give_up_controlling(struct tty *tty)
{
    struct proc *p = current_proc();
    if (!controls(tty, p))
        return -ENOTTY;
    if (p->session == p->pid)
        tty_session_leader_exit(p);
    else
        p->tty_nr = 0;
    return 0;
}

/* TCFLSH: throw away unread input (output is never queued). */
static long flush(struct tty *tty, uint64_t queue)
{
    if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH)
        return -EINVAL;
    if (queue != TCOFLUSH) {
        spin_lock(&tty->lock);
        flush_input(tty);
        spin_unlock(&tty->lock);
    }
    return 0; /* output is written at once: there is nothing to flush */
}

/* Say once per request that a program asked the terminal for an ioctl nest does not have
 * (tests/system/test_debian.py fails on one outside its documented list). */
static long unknown_ioctl(unsigned int cmd)
{
    static unsigned int reported[32]; /* the kernel lock: only ioctl(2) comes here */
    static int count;
    bool seen = false;
    for (int i = 0; i < count; i++)
        seen |= reported[i] == cmd;
    if (!seen && count < (int)ARRAY_SIZE(reported))
        reported[count++] = cmd;
    if (!seen) {
        struct proc *p = current_proc();
        pr_notice("nest: %s[%d] made unknown terminal ioctl %#x; returning ENOTTY\n", p->name,
                  proc_root_pid(p), cmd);
    }
    return -ENOTTY;
}

/* The terminal's ioctls: termios, window size, job control, sessions. */
static long tty_ioctl(struct file *file, unsigned int cmd, uint64_t arg)
{
    struct tty *tty = file->data;
    void *user_arg = (void *)arg;
    switch (cmd) {
    case TCGETS:
        return copy_to_user(user_arg, &tty->termios, sizeof(tty->termios)) ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return set_termios(tty, cmd, user_arg);
    case TIOCGWINSZ:
        return copy_to_user(user_arg, &tty->winsize, sizeof(tty->winsize)) ? -EFAULT : 0;
    case TIOCSWINSZ:
        return set_window_size(tty, user_arg);
    case TIOCGPGRP:
        return get_pid_number(tty, tty->foreground, user_arg);
    case TIOCSPGRP:
        return set_foreground(tty, user_arg);
    case TIOCGSID:
        return tty->session ? get_pid_number(tty, tty->session, user_arg) : -ENOTTY;
    case TIOCSCTTY:
        return make_controlling(tty, arg);
    case TIOCNOTTY:
        return give_up_controlling(tty);
    case FIONREAD:
        return put_user((int)tty->committed, (int *)user_arg) ? -EFAULT : 0;
    case TIOCOUTQ:
        return put_user(0, (int *)user_arg) ? -EFAULT : 0;
    case TCFLSH:
        return flush(tty, arg);
    case TCSBRK:
    case TCSBRKP:
    case TCXONC:
        return 0; /* no break to send, no flow control to stop: output is synchronous */
    default:
        return unknown_ioctl(cmd);
    }
}

static const struct file_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll,
    .ioctl = tty_ioctl,
};

/* Open the console: as itself (/dev/console), or as the caller's controlling terminal
 * (/dev/tty: -ENXIO without one). Like Linux, opening /dev/console never makes it the
 * controlling tty: a session leader asks with TIOCSCTTY. */
int tty_open(struct file *file, bool controlling)
{
    if (controlling && !controls(&console, current_proc()))
        return -ENXIO;
    file->ops = &tty_ops;
    file->data = &console;
    return 0;
}
