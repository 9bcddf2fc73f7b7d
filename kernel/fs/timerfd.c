/* timerfd.c - timers read as files: timerfd_create, timerfd_settime, timerfd_gettime.
 *
 * A timerfd is an open file with a struct timer on the kernel's timer queue. Each expiry
 * adds one to its count; read() returns the count (8 bytes) and clears it, sleeping while it
 * is 0, and poll() says POLLIN while it is not. As on Linux, a periodic timer starts its next
 * period only when it is read (or asked for with timerfd_gettime), adding the periods that
 * passed meanwhile: a tiny period cannot flood the CPU with interrupts.
 */
#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2 /* accepted: nest's realtime clock is never set */
#define TFD_CREATE_FLAGS (O_CLOEXEC | O_NONBLOCK)

/* One timerfd's state: lock guards it against its timer's function, which runs in the
 * timer interrupt, maybe on another CPU. */
struct timerfd {
    struct spinlock lock;
    struct timer timer;
    int clock;               /* CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME */
    uint64_t interval;       /* ns; 0: the timer goes off once */
    uint64_t ticks;          /* expiries not read yet */
    bool expired;            /* it went off: a periodic timer waits to be restarted */
    struct wait_queue readers;
};

/* Runs in the timer interrupt. */
static void timerfd_expired(struct timer *t)
{
    struct timerfd *tfd = container_of(t, struct timerfd, timer);
    spin_lock(&tfd->lock);
    tfd->ticks++;
    tfd->expired = true;
    spin_unlock(&tfd->lock);
    wake_up(&tfd->readers);
    poll_notify();
}

/* A periodic timer that went off starts the period after now; the periods skipped count
 * as expiries too. With tfd->lock. */
static void restart_if_periodic(struct timerfd *tfd)
{
    if (!tfd->expired || !tfd->interval)
        return;
    uint64_t now = clock_monotonic_ns(), expires = tfd->timer.expires;
    uint64_t periods = now >= expires ? (now - expires) / tfd->interval + 1 : 0;
    tfd->ticks += periods ? periods - 1 : 0;
    tfd->expired = false;
    timer_start(&tfd->timer, expires + periods * tfd->interval);
}

static ssize_t timerfd_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                            copy_fn copy)
{
    (void)offset;
    struct timerfd *tfd = file->data;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    if (!tfd->ticks && (file->flags & O_NONBLOCK))
        return -EAGAIN;
    if (wait_event_interruptible(tfd->readers, tfd->ticks != 0))
        return -ERESTARTSYS;
    spin_lock(&tfd->lock);
    restart_if_periodic(tfd);
    uint64_t ticks = tfd->ticks;
    tfd->ticks = 0;
    spin_unlock(&tfd->lock);
    return copy(buf, &ticks, sizeof(ticks)) ? -EFAULT : (ssize_t)sizeof(ticks);
}

/* Like Linux's, seeking does nothing and succeeds. */
static int64_t timerfd_lseek(struct file *file, int64_t offset, int whence)
{
    (void)offset, (void)whence;
    return (int64_t)file->offset;
}

static unsigned int timerfd_poll(struct file *file)
{
    struct timerfd *tfd = file->data;
    return tfd->ticks ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct file *file)
{
    struct timerfd *tfd = file->data;
    timer_cancel(&tfd->timer);
    kfree(tfd);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .lseek = timerfd_lseek,
    .poll = timerfd_poll,
    .release = timerfd_release,
};

/* ---- the system calls ---- */

/* The alarm clocks (which wake a suspended machine) are not among nest's: EINVAL. */
long sys_timerfd_create(int clock, int flags)
{
    if (!clock_can_time(clock) || (flags & ~TFD_CREATE_FLAGS))
        return -EINVAL;
    struct timerfd *tfd = kzalloc(sizeof(*tfd));
    struct inode *inode = tfd ? inode_alloc(0600, ANON_INODE_DEV, NULL) : NULL;
    struct file *file = inode ? file_alloc(inode, &timerfd_ops, O_RDWR | (flags & O_NONBLOCK)) : NULL;
    if (inode)
        inode_put(inode); /* the file holds its own reference */
    if (!file) {
        kfree(tfd);
        return -ENOMEM;
    }
    tfd->clock = clock;
    spin_init(&tfd->lock, "timerfd", RANK_PTIMER);
    timer_init_one(&tfd->timer, timerfd_expired);
    wait_queue_init(&tfd->readers);
    file->data = tfd;
    int fd = fd_install(file, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}

/* The timerfd open at fd, with a reference to file_put: -EBADF or -EINVAL if fd is not one. */
static int timerfd_get(int fd, struct file **out)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    if (file->ops != &timerfd_ops) {
        file_put(file);
        return -EINVAL;
    }
    *out = file;
    return 0;
}

/* Time left (0 once a one-shot timer went off) and interval. Interrupts off. */
static struct itimerspec read_setting(struct timerfd *tfd)
{
    struct itimerspec setting = {timespec_from_ns((int64_t)tfd->interval), {0, 0}};
    uint64_t now = clock_monotonic_ns();
    if (timer_pending(&tfd->timer) && tfd->timer.expires > now)
        setting.it_value = timespec_from_ns((int64_t)(tfd->timer.expires - now));
    return setting;
}

long sys_timerfd_gettime(int fd, void *user_setting)
{
    struct file *file;
    int err = timerfd_get(fd, &file);
    if (err)
        return err;
    struct timerfd *tfd = file->data;
    spin_lock(&tfd->lock);
    restart_if_periodic(tfd);
    struct itimerspec setting = read_setting(tfd);
    spin_unlock(&tfd->lock);
    file_put(file);
    return copy_to_user(user_setting, &setting, sizeof(setting)) ? -EFAULT : 0;
}

/* Arm (a zero it_value disarms) for a relative or absolute first expiry; the count of
 * unread expiries starts again at 0. */
long sys_timerfd_settime(int fd, int flags, const void *user_new, void *user_old)
{
    struct itimerspec new, old;
    if (copy_from_user(&new, user_new, sizeof(new)))
        return -EFAULT;
    int64_t value, interval;
    if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
        timespec_to_ns(&new.it_value, &value) || timespec_to_ns(&new.it_interval, &interval))
        return -EINVAL;
    struct file *file;
    int err = timerfd_get(fd, &file);
    if (err)
        return err;
    struct timerfd *tfd = file->data;
    spin_lock(&tfd->lock);
    restart_if_periodic(tfd);
    old = read_setting(tfd);
    spin_unlock(&tfd->lock);
    timer_cancel(&tfd->timer); /* not with the lock: it waits for a running timerfd_expired */
    spin_lock(&tfd->lock);
    tfd->ticks = 0;
    tfd->expired = false;
    tfd->interval = value ? (uint64_t)interval : 0;
    if (value)
        timer_start(&tfd->timer, clock_deadline(tfd->clock, value, flags & TFD_TIMER_ABSTIME));
    spin_unlock(&tfd->lock);
    file_put(file);
    if (user_old && copy_to_user(user_old, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
