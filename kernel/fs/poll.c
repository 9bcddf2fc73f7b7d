/* poll.c - poll, ppoll, select and pselect6: wait until one of several open files is ready.
 *
 * Each kind of open file says what it is ready for now (file_ops.poll). A waiting process
 * checks all its files and, if none is ready, sleeps on one queue shared by every poller;
 * whatever may make a file ready (pipe data, tty input, a closed end) calls poll_notify(),
 * which wakes them all to check again. Simple and correct, at the price of waking pollers
 * that did not need it. (These system calls live here rather than in syscall/fs.c to keep
 * the whole mechanism in one file.)
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "string.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

#define POLL_MAX (PAGE_SIZE / sizeof(struct pollfd)) /* pollfds per call: 512 */
#define FD_SET_WORDS (FILES_MAX / 64)

static struct wait_queue pollers = WAIT_QUEUE_INIT(pollers);

/* Wake every poller: some file may have become ready. Safe from interrupt handlers. */
__hot void poll_notify(void)
{
    wake_up(&pollers);
}

/* What an open file is ready for now; files that cannot block are always ready. */
static unsigned int file_ready(struct file *file)
{
    if (file->ops && file->ops->poll)
        return file->ops->poll(file);
    return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/* A check of every file a call waits for: how many are ready (0: none yet) or -errno. */
typedef int (*check_fn)(void *context);

/* Run check until it finds something, the timeout (ns; negative: none) passes or a signal
 * comes (-ERESTARTNOHAND: restarted unless a handler runs). The check is made on the
 * pollers' queue already, so that an event on another CPU (a tty interrupt, a timerfd)
 * between it and the sleep is not lost. */
static int wait_until_ready(check_fn check, void *context, int64_t timeout_ns)
{
    uint64_t deadline = timeout_ns > 0 ? clock_deadline(CLOCK_MONOTONIC, timeout_ns, false) : 0;
    bool timed_out = timeout_ns == 0;
    int ready;
    for (;;) {
        prepare_to_wait(&pollers, false);
        ready = check(context);
        if (ready != 0 || timed_out)
            break;
        int error = sleep_prepared(deadline);
        if (error == -EINTR) {
            ready = -ERESTARTNOHAND;
            break;
        }
        timed_out = error == -ETIMEDOUT; /* one last check, then 0 */
    }
    finish_wait(&pollers);
    return ready;
}

/* ---- signal masks and timeouts of ppoll and pselect6 ---- */

/* Block the signals of a user mask for the duration of the call; the way back to user mode
 * restores the old mask (after a handler has run with the temporary one, as sigsuspend). */
static int use_temporary_mask(const uint64_t *user_mask, size_t size)
{
    struct proc *p = current_proc();
    if (!user_mask)
        return 0;
    if (size != sizeof(sigset_t))
        return -EINVAL;
    sigset_t mask;
    if (copy_from_user(&mask, user_mask, sizeof(mask)))
        return -EFAULT;
    p->saved_mask = p->sig_blocked;
    p->restore_saved_mask = true;
    p->sig_blocked = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    return 0;
}

/* A user struct timespec as nanoseconds: -1 for none (NULL), -EINVAL if malformed. */
static int read_timeout(const void *user_ts, int64_t *ns)
{
    if (!user_ts) {
        *ns = -1;
        return 0;
    }
    return timespec_from_user(user_ts, ns);
}

/* ppoll and pselect6 tell how much of the timeout is left, as Linux does. */
static void write_time_left(void *user_ts, int64_t timeout_ns, uint64_t start_ns)
{
    if (!user_ts || timeout_ns < 0)
        return;
    int64_t left = timeout_ns - (int64_t)(clock_monotonic_ns() - start_ns);
    if (left < 0)
        left = 0;
    struct timespec ts = timespec_from_ns(left);
    copy_to_user(user_ts, &ts, sizeof(ts));
}

/* ---- poll and ppoll ---- */

struct poll_request {
    struct pollfd *fds; /* a kernel copy of the user's array */
    size_t count;
};

/* Fill in every revents: the events asked for that are ready, plus POLLERR and POLLHUP
 * always, POLLNVAL for a closed descriptor; negative descriptors are skipped. */
static int check_pollfds(void *context)
{
    struct poll_request *request = context;
    int ready = 0;
    for (size_t i = 0; i < request->count; i++) {
        struct pollfd *pfd = &request->fds[i];
        pfd->revents = 0;
        if (pfd->fd < 0)
            continue;
        struct file *file = fd_get(pfd->fd);
        if (!file) {
            pfd->revents = POLLNVAL;
        } else {
            unsigned int mask = file_ready(file);
            pfd->revents = (int16_t)(mask & ((uint16_t)pfd->events | POLLERR | POLLHUP));
            file_put(file);
        }
        ready += pfd->revents != 0;
    }
    return ready;
}

/* poll and ppoll once the timeout is known: copy the array in, wait, copy revents out. */
static long do_poll(void *user_fds, uint64_t nfds, int64_t timeout_ns)
{
    if (nfds > POLL_MAX)
        return -EINVAL;
    struct poll_request request = {kmalloc(PAGE_SIZE), nfds};
    if (!request.fds)
        return -ENOMEM;
    size_t size = nfds * sizeof(struct pollfd);
    /* revents goes back into the same array: a read-only one fails now, not after the wait */
    long result = check_user_range(user_fds, size, true) ||
                  copy_from_user(request.fds, user_fds, size) ? -EFAULT : 0;
    if (!result)
        result = wait_until_ready(check_pollfds, &request, timeout_ns);
    if (result >= 0 && copy_to_user(user_fds, request.fds, size))
        result = -EFAULT;
    kfree(request.fds);
    return result;
}

/* poll(2): a timeout in milliseconds, negative for none. */
long sys_poll(void *user_fds, uint64_t nfds, int timeout_ms)
{
    int64_t timeout_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
    return do_poll(user_fds, nfds, timeout_ns);
}

/* ppoll(2): a timespec timeout and a signal mask for the duration of the wait. */
long sys_ppoll(void *user_fds, uint64_t nfds, const void *user_ts, const uint64_t *user_mask,
               size_t sigsetsize)
{
    uint64_t start = clock_monotonic_ns();
    int64_t timeout_ns;
    long result = read_timeout(user_ts, &timeout_ns);
    if (!result)
        result = use_temporary_mask(user_mask, sigsetsize);
    if (result)
        return result;
    result = do_poll(user_fds, nfds, timeout_ns);
    write_time_left((void *)user_ts, timeout_ns, start);
    return result;
}

/* ---- pselect6 ---- */

/* The three descriptor sets of select, as bitmaps (kernel copies). */
struct select_request {
    int nfds;
    uint64_t in[3][FD_SET_WORDS];  /* read, write, except: what is asked */
    uint64_t out[3][FD_SET_WORDS]; /* what is ready */
};

static bool fd_is_set(const uint64_t *set, int fd) { return set[fd / 64] >> (fd % 64) & 1; }

/* What each set counts as ready, in poll's terms (Linux's POLLIN_SET and friends). */
static const unsigned int select_events[3] = {
    POLLIN | POLLRDNORM | POLLHUP | POLLERR,
    POLLOUT | POLLWRNORM | POLLERR,
    POLLPRI,
};

/* Fill the out sets; a set bit for a closed descriptor is -EBADF. */
static int check_fd_sets(void *context)
{
    struct select_request *request = context;
    int ready = 0;
    memset(request->out, 0, sizeof(request->out));
    for (int fd = 0; fd < request->nfds; fd++) {
        bool asked = fd_is_set(request->in[0], fd) || fd_is_set(request->in[1], fd) ||
                     fd_is_set(request->in[2], fd);
        if (!asked)
            continue;
        struct file *file = fd_get(fd);
        if (!file)
            return -EBADF;
        unsigned int mask = file_ready(file);
        file_put(file);
        for (int set = 0; set < 3; set++) {
            if (fd_is_set(request->in[set], fd) && (mask & select_events[set])) {
                request->out[set][fd / 64] |= 1UL << (fd % 64);
                ready++;
            }
        }
    }
    return ready;
}

/* Copy a user fd_set of nfds bits in (a NULL set is empty). It is written back after the
 * wait, so a set that could not be written fails now. */
static int read_fd_set(uint64_t *set, void *user_set, int nfds)
{
    memset(set, 0, FD_SET_WORDS * sizeof(uint64_t));
    if (!user_set)
        return 0;
    size_t bytes = ALIGN_UP((size_t)nfds, 64) / 8;
    if (check_user_range(user_set, bytes, true))
        return -EFAULT;
    return copy_from_user(set, user_set, bytes) ? -EFAULT : 0;
}

/* Copy an fd_set of nfds bits back out (a NULL set is skipped). */
static int write_fd_set(void *user_set, const uint64_t *set, int nfds)
{
    if (!user_set)
        return 0;
    return copy_to_user(user_set, set, ALIGN_UP((size_t)nfds, 64) / 8) ? -EFAULT : 0;
}

/* select and pselect6 after their timeouts are read: wait on the three sets, write back
 * which descriptors are ready. */
static long do_select(int nfds, void *user_sets[3], int64_t timeout_ns)
{
    if (nfds < 0)
        return -EINVAL;
    struct select_request *request = kmalloc(sizeof(*request));
    if (!request)
        return -ENOMEM;
    request->nfds = MIN(nfds, FILES_MAX); /* like Linux, no descriptor beyond the table */
    long result = 0;
    for (int set = 0; set < 3 && !result; set++)
        result = read_fd_set(request->in[set], user_sets[set], request->nfds);
    if (!result)
        result = wait_until_ready(check_fd_sets, request, timeout_ns);
    for (int set = 0; set < 3 && result >= 0; set++)
        if (write_fd_set(user_sets[set], request->out[set], request->nfds))
            result = -EFAULT;
    kfree(request);
    return result;
}

/* pselect6's sixth argument: where the signal mask is, and its size. */
struct pselect_mask {
    const uint64_t *user_mask;
    size_t size;
};

/* pselect6: select with a timespec timeout and a temporary signal mask. */
long sys_pselect6(int nfds, void *user_read, void *user_write, void *user_except,
                  const void *user_ts, const void *user_sigmask)
{
    uint64_t start = clock_monotonic_ns();
    void *user_sets[3] = {user_read, user_write, user_except};
    int64_t timeout_ns;
    long result = read_timeout(user_ts, &timeout_ns);
    struct pselect_mask mask = {NULL, 0};
    if (!result && user_sigmask && copy_from_user(&mask, user_sigmask, sizeof(mask)))
        result = -EFAULT;
    if (!result)
        result = use_temporary_mask(mask.user_mask, mask.size);
    if (result)
        return result;
    result = do_select(nfds, user_sets, timeout_ns);
    write_time_left((void *)user_ts, timeout_ns, start);
    return result;
}

/* select(2): pselect6 with microseconds and no signal mask. Like Linux, it writes back the
 * time left. */
long sys_select(int nfds, void *user_read, void *user_write, void *user_except, void *user_tv)
{
    uint64_t start = clock_monotonic_ns();
    void *user_sets[3] = {user_read, user_write, user_except};
    struct timeval tv = {0, 0};
    int64_t timeout_ns = -1;
    if (user_tv && copy_from_user(&tv, user_tv, sizeof(tv)))
        return -EFAULT;
    if (user_tv && (tv.tv_sec < 0 || tv.tv_usec < 0))
        return -EINVAL;
    if (user_tv) /* like Linux, microseconds past a second carry into the seconds */
        timeout_ns = ns_from_parts(MIN(tv.tv_sec, INT64_MAX / 2) + tv.tv_usec / 1000000,
                           tv.tv_usec % 1000000 * 1000);
    long result = do_select(nfds, user_sets, timeout_ns);
    if (user_tv) {
        int64_t left = timeout_ns - (int64_t)(clock_monotonic_ns() - start);
        tv = (struct timeval){MAX(left, 0) / NSEC_PER_SEC, MAX(left, 0) % NSEC_PER_SEC / 1000};
        copy_to_user(user_tv, &tv, sizeof(tv));
    }
    return result;
}
