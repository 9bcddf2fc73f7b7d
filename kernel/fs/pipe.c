/* pipe.c - pipes: a 64 KiB ring of 16 pages between a read end and a write end.
 *
 * pipe_create() makes an anonymous FIFO inode holding the ring and two open files on it.
 * Readers sleep while the ring is empty and writers while it is full, on one wait queue;
 * a write of at most PIPE_BUF bytes goes in whole or not at all, so concurrent writers'
 * small messages never interleave. Nothing here runs in interrupt context.
 */
#include "fs.h"
#include "mm.h"
#include "proc.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"
#include "x86.h"

#define PIPE_PAGES (PIPE_SIZE / PAGE_SIZE)

struct pipe {
    uint64_t pages[PIPE_PAGES]; /* physical frames of the ring, in order */
    size_t read_position;       /* ring offset of the oldest byte */
    size_t count;               /* bytes in the ring */
    int readers;                /* open read ends */
    int writers;                /* open write ends */
    struct wait_queue wait;     /* readers waiting for data, writers waiting for room */
};

static __hot struct pipe *pipe_of(const struct file *file) { return file->inode->data; }

/* Something changed: wake both sides and every poller. */
static __hot void pipe_changed(struct pipe *pipe)
{
    wake_up(&pipe->wait);
    poll_notify();
}

/* Where ring offset position lives. */
static __hot char *ring_address(struct pipe *pipe, size_t position)
{
    return (char *)P2V(pipe->pages[position / PAGE_SIZE]) + position % PAGE_SIZE;
}

/* The most bytes one copy can move at position without crossing a page (or the ring's) end. */
static __hot size_t piece(size_t position, size_t wanted)
{
    return MIN(wanted, PAGE_SIZE - position % PAGE_SIZE);
}

/* ---- reading ---- */

/* Wait until there is data or no writer is left: 0, -EAGAIN or -ERESTARTSYS. */
static __hot int wait_for_data(struct pipe *pipe, bool nonblock)
{
    if (pipe->count > 0 || pipe->writers == 0)
        return 0;
    if (nonblock)
        return -EAGAIN;
    if (wait_event_interruptible(pipe->wait, pipe->count > 0 || pipe->writers == 0))
        return -ERESTARTSYS;
    return 0;
}

/* Whatever is there, up to n bytes; 0 (end of file) once every writer has closed. */
static __hot ssize_t pipe_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                               copy_fn copy)
{
    (void)offset;
    struct pipe *pipe = pipe_of(file);
    if (n == 0)
        return 0;
    int error = wait_for_data(pipe, file->flags & O_NONBLOCK);
    if (error)
        return error;
    size_t done = 0;
    while (done < n && pipe->count > 0) {
        size_t length = piece(pipe->read_position, MIN(n - done, pipe->count));
        if (copy((char *)buf + done, ring_address(pipe, pipe->read_position), length))
            break;
        pipe->read_position = (pipe->read_position + length) % PIPE_SIZE;
        pipe->count -= length;
        done += length;
    }
    if (done)
        pipe_changed(pipe);
    if (done == 0 && pipe->count > 0)
        return -EFAULT;
    return (ssize_t)done;
}

/* ---- writing ---- */

/* No reader is left: SIGPIPE to the writer, and EPIPE if it survives. */
static ssize_t broken_pipe(size_t done)
{
    signal_send(current_proc(), SIGPIPE, NULL);
    return done ? (ssize_t)done : -EPIPE;
}

/* Copy up to n bytes into the free part of the ring: bytes copied, or -EFAULT. */
static __hot ssize_t fill(struct pipe *pipe, const char *buf, size_t n, copy_fn copy)
{
    size_t done = 0;
    n = MIN(n, PIPE_SIZE - pipe->count);
    while (done < n) {
        size_t position = (pipe->read_position + pipe->count) % PIPE_SIZE;
        size_t length = piece(position, n - done);
        if (copy(ring_address(pipe, position), buf + done, length))
            break;
        pipe->count += length;
        done += length;
    }
    if (done)
        pipe_changed(pipe);
    return done ? (ssize_t)done : -EFAULT;
}

/* Write everything, sleeping while the ring is full. A write of at most PIPE_BUF bytes waits
 * until it fits whole (atomic); a longer one goes in pieces as room appears. */
static __hot ssize_t pipe_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                                copy_fn copy)
{
    (void)offset;
    struct pipe *pipe = pipe_of(file);
    size_t needed = n <= PIPE_BUF ? n : 1; /* room that must be free before copying */
    size_t done = 0;
    while (done < n) {
        if (pipe->readers == 0)
            return broken_pipe(done);
        if (PIPE_SIZE - pipe->count < needed) {
            if (file->flags & O_NONBLOCK)
                return done ? (ssize_t)done : -EAGAIN;
            if (wait_event_interruptible(pipe->wait, pipe->readers == 0 ||
                                                         PIPE_SIZE - pipe->count >= needed))
                return done ? (ssize_t)done : -ERESTARTSYS;
            continue;
        }
        ssize_t copied = fill(pipe, (const char *)buf + done, n - done, copy);
        if (copied < 0)
            return done ? (ssize_t)done : copied;
        done += (size_t)copied;
    }
    return (ssize_t)done;
}

/* ---- poll, ioctl, close ---- */

/* The read end is ready with data, and hung up once no writer is left. */
static unsigned int pipe_read_poll(struct file *file)
{
    struct pipe *pipe = pipe_of(file);
    return (pipe->count ? POLLIN | POLLRDNORM : 0) | (pipe->writers ? 0 : POLLHUP);
}

/* The write end is ready with room for an atomic write; an error without readers. */
static unsigned int pipe_write_poll(struct file *file)
{
    struct pipe *pipe = pipe_of(file);
    return (PIPE_SIZE - pipe->count >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0) |
           (pipe->readers ? 0 : POLLERR);
}

/* FIONREAD: the bytes waiting in the pipe. */
static long pipe_ioctl(struct file *file, unsigned int cmd, uint64_t arg)
{
    if (cmd != FIONREAD)
        return -ENOTTY;
    return put_user((int)pipe_of(file)->count, (int *)arg) ? -EFAULT : 0;
}

/* The last descriptor of a read end closed: writers may now get EPIPE. */
static void pipe_read_release(struct file *file)
{
    pipe_of(file)->readers--;
    pipe_changed(pipe_of(file));
}

/* The last descriptor of a write end closed: readers may now see end of file. */
static void pipe_write_release(struct file *file)
{
    pipe_of(file)->writers--;
    pipe_changed(pipe_of(file));
}

static const struct file_ops pipe_read_ops = {
    .read = pipe_read,
    .poll = pipe_read_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_read_release,
};

static const struct file_ops pipe_write_ops = {
    .write = pipe_write,
    .poll = pipe_write_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_write_release,
};

/* ---- the pipe's inode ---- */

/* Both ends are closed: give the ring back. */
static void pipe_release(struct inode *inode)
{
    struct pipe *pipe = inode->data;
    for (int i = 0; i < PIPE_PAGES; i++)
        if (pipe->pages[i])
            frame_unref(pipe->pages[i]);
    kfree(pipe);
}

static const struct inode_ops pipe_inode_ops = {
    .release = pipe_release,
};

/* A pipe's anonymous FIFO inode with its ring allocated; NULL when memory is out. */
static struct inode *pipe_inode_create(void)
{
    struct pipe *pipe = kzalloc(sizeof(*pipe));
    struct inode *inode = pipe ? inode_alloc(S_IFIFO | 0600, PIPEFS_DEV, &pipe_inode_ops) : NULL;
    if (!inode) {
        kfree(pipe);
        return NULL;
    }
    inode->data = pipe;
    wait_queue_init(&pipe->wait);
    for (int i = 0; i < PIPE_PAGES; i++) {
        pipe->pages[i] = frame_alloc();
        if (!pipe->pages[i]) {
            inode_put(inode);
            return NULL;
        }
    }
    return inode;
}

/* A new pipe: two open files, its read end and its write end (O_NONBLOCK and the like are
 * the caller's to add to their flags). */
int pipe_create(struct file **read_end, struct file **write_end)
{
    struct inode *inode = pipe_inode_create();
    if (!inode)
        return -ENFILE;
    *read_end = file_alloc(inode, &pipe_read_ops, O_RDONLY);
    *write_end = file_alloc(inode, &pipe_write_ops, O_WRONLY);
    inode_put(inode);
    if (!*read_end || !*write_end) {
        file_put(*read_end);
        file_put(*write_end);
        return -ENFILE;
    }
    struct pipe *pipe = inode->data;
    pipe->readers = pipe->writers = 1;
    return 0;
}
