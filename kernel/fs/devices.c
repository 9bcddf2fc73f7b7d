/* devices.c - character devices: /dev/null, /dev/zero, /dev/random, /dev/urandom and
 * /dev/kmsg here, /dev/tty and /dev/console in tty.c. A device file is a ramfs inode whose rdev (Linux's
 * major:minor) picks the struct file_ops when it is opened, as in Linux.
 */
#include "fs.h"
#include "log.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"

/* ---- /dev/null and /dev/zero ---- */

/* /dev/null reads as empty: end of file at once. */
static ssize_t null_read(struct file *file, void *buf, size_t n, uint64_t *offset, copy_fn copy)
{
    (void)file, (void)buf, (void)n, (void)offset, (void)copy;
    return 0;
}

/* Writes to null, zero and the random devices are accepted and forgotten. */
static ssize_t discard_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                             copy_fn copy)
{
    (void)file, (void)buf, (void)offset, (void)copy;
    return (ssize_t)n;
}

/* Seeking these devices always succeeds and changes nothing, as in Linux. */
static int64_t stay_lseek(struct file *file, int64_t offset, int whence)
{
    (void)file, (void)offset, (void)whence;
    return 0;
}

static const char zero_page[PAGE_SIZE]; /* what /dev/zero copies from */

/* /dev/zero reads as endless zeros, a page at a time: a long read must not keep the CPU. */
static ssize_t zero_read(struct file *file, void *buf, size_t n, uint64_t *offset, copy_fn copy)
{
    (void)file, (void)offset;
    for (size_t done = 0; done < n; done += PAGE_SIZE) {
        cond_resched();
        if (copy((char *)buf + done, zero_page, MIN(n - done, (size_t)PAGE_SIZE)))
            return done ? (ssize_t)done : -EFAULT;
    }
    return (ssize_t)n;
}

static const struct file_ops null_ops = {
    .read = null_read,
    .write = discard_write,
    .lseek = stay_lseek,
};

static const struct file_ops zero_ops = {
    .read = zero_read,
    .write = discard_write,
    .lseek = stay_lseek,
};

/* ---- /dev/random and /dev/urandom ---- */

/* xoshiro256** (Blackman and Vigna): fast, good statistics, and NOT cryptographic. Its state
 * is seeded from the time-stamp counter and stirred with it again on every request. */
static uint64_t random_state[4];

static uint64_t rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* splitmix64: spreads one seed over the whole state. */
static uint64_t splitmix64(uint64_t *seed)
{
    uint64_t z = (*seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The next 64 random bits of the generator. */
static uint64_t random_next(void)
{
    uint64_t *s = random_state;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

/* See fs.h: stir the time-stamp counter in, then draw n bytes. */
void random_bytes(void *buf, size_t n)
{
    uint64_t seed = rdtsc() ^ random_state[0];
    for (int i = 0; i < 4; i++)
        random_state[i] ^= splitmix64(&seed);
    char *out = buf;
    while (n > 0) {
        uint64_t value = random_next();
        size_t chunk = MIN(n, sizeof(value));
        memcpy(out, &value, chunk);
        out += chunk;
        n -= chunk;
    }
}

/* /dev/random and /dev/urandom: as many random bytes as asked, never blocking. */
static ssize_t random_read(struct file *file, void *buf, size_t n, uint64_t *offset,
                           copy_fn copy)
{
    (void)file, (void)offset;
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t length = MIN(n - done, sizeof(chunk));
        random_bytes(chunk, length);
        if (copy((char *)buf + done, chunk, length))
            return done ? (ssize_t)done : -EFAULT;
        done += length;
    }
    return (ssize_t)done;
}

static const struct file_ops random_ops = {
    .read = random_read,
    .write = discard_write,
    .lseek = stay_lseek,
};

/* ---- /dev/kmsg: the kernel log (kernel/lib/log.c) ---- */

/* Each open file reads the log from its own place (file->data, a struct log_cursor; only
 * system calls on that file touch it). It starts at the oldest record, as in Linux. */
static int kmsg_open(struct file *file)
{
    struct log_cursor *cursor = kmalloc(sizeof(*cursor));
    if (!cursor)
        return -ENOMEM;
    log_cursor_set(cursor, LOG_START_FIRST);
    file->data = cursor;
    return 0;
}

static void kmsg_release(struct file *file)
{
    kfree(file->data);
}

/* One whole record per read. EINVAL if it does not fit in n bytes; EPIPE once when records
 * this reader had not read yet were overwritten (the next read gives the oldest one). */
static ssize_t kmsg_read(struct file *file, void *buf, size_t n, uint64_t *offset, copy_fn copy)
{
    (void)offset;
    struct log_cursor *cursor = file->data;
    if (!(file->flags & O_NONBLOCK) &&
        wait_event_interruptible(log_wait, log_has_record(cursor)) == -EINTR)
        return -ERESTARTSYS;
    struct log_entry *entry = kmalloc(sizeof(*entry));
    char *line = kmalloc(PAGE_SIZE); /* the record's line: each unprintable byte may take 4 */
    struct log_cursor next = *cursor;
    ssize_t ret = entry && line ? log_read(&next, entry) : -ENOMEM;
    if (ret == -EPIPE) {
        *cursor = next;
    } else if (ret == 0) {
        ret = -EAGAIN;
    } else if (ret == 1) {
        size_t len = log_format_kmsg(entry, line, PAGE_SIZE);
        if (len > n)
            ret = -EINVAL;
        else if (copy(buf, line, len))
            ret = -EFAULT;
        else
            ret = (ssize_t)len;
        if (ret > 0)
            *cursor = next;
    }
    kfree(entry);
    kfree(line);
    return ret;
}

/* A write is one record: "<N>" in front gives its priority (level N & 7, and the facility
 * N >> 3 if not 0); without it, the user facility at level 4 (warning), as in Linux. */
static ssize_t kmsg_write(struct file *file, const void *buf, size_t n, uint64_t *offset,
                          copy_fn copy)
{
    (void)file, (void)offset;
    char text[LOG_LINE_MAX + 1];
    if (n > LOG_LINE_MAX)
        return -EINVAL;
    if (copy(text, buf, n))
        return -EFAULT;
    text[n] = 0;
    int facility = LOG_FACILITY_USER, level = 4;
    const char *start = text;
    if (text[0] == '<') {
        unsigned long priority = 0;
        const char *p = text + 1;
        while (*p >= '0' && *p <= '9' && priority < 1000000)
            priority = priority * 10 + (unsigned long)(*p++ - '0');
        if (*p == '>' && p > text + 1) {
            level = (int)(priority & 7);
            if ((priority >> 3) & 0xff) /* Linux's LOG_FACILITY: 8 bits above the level */
                facility = (int)((priority >> 3) & 0xff);
            start = p + 1;
        }
    }
    size_t len = n - (size_t)(start - text);
    if (len > 0 && start[len - 1] == '\n')
        len--;
    log_store(facility, level, start, len);
    if (level <= console_loglevel) {
        console_write_all(start, len);
        console_write_all("\n", 1);
    }
    return (ssize_t)n;
}

/* Only offset 0: SEEK_SET goes to the oldest record, SEEK_DATA to the first after the last
 * syslog CLEAR, SEEK_END past the newest. */
static int64_t kmsg_lseek(struct file *file, int64_t offset, int whence)
{
    if (offset)
        return -ESPIPE;
    if (whence == SEEK_SET)
        log_cursor_set(file->data, LOG_START_FIRST);
    else if (whence == SEEK_DATA)
        log_cursor_set(file->data, LOG_START_CLEAR);
    else if (whence == SEEK_END)
        log_cursor_set(file->data, LOG_START_END);
    else
        return -EINVAL;
    return 0;
}

static unsigned int kmsg_poll(struct file *file)
{
    struct log_cursor *cursor = file->data;
    unsigned int ready = POLLOUT | POLLWRNORM;
    if (log_has_record(cursor))
        ready |= POLLIN | POLLRDNORM;
    if (log_overrun(cursor))
        ready |= POLLERR | POLLPRI;
    return ready;
}

static const struct file_ops kmsg_ops = {
    .read = kmsg_read,
    .write = kmsg_write,
    .lseek = kmsg_lseek,
    .poll = kmsg_poll,
    .release = kmsg_release,
};

/* ---- the device table ---- */

struct device {
    uint32_t rdev;              /* MKDEV(major, minor), as Linux numbers it */
    const char *name;           /* its name in /dev */
    mode_t mode;                /* permissions of the /dev node */
    const struct file_ops *ops; /* NULL: a tty, opened by tty.c */
};

static const struct device devices[] = {
    {DEV_NULL, "null", 0666, &null_ops},
    {DEV_ZERO, "zero", 0666, &zero_ops},
    {DEV_RANDOM, "random", 0666, &random_ops},
    {DEV_URANDOM, "urandom", 0666, &random_ops},
    {DEV_KMSG, "kmsg", 0644, &kmsg_ops},
    {DEV_TTY, "tty", 0666, NULL},
    {DEV_CONSOLE, "console", 0600, NULL},
};

/* Give an open device file its ops; -ENXIO for a number no driver serves. */
int device_open(struct file *file)
{
    uint32_t rdev = file->inode->rdev;
    if (rdev == DEV_TTY || rdev == DEV_CONSOLE)
        return tty_open(file, rdev == DEV_TTY);
    for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
        if (devices[i].rdev == rdev && devices[i].ops) {
            file->ops = devices[i].ops;
            return rdev == DEV_KMSG ? kmsg_open(file) : 0;
        }
    }
    return -ENXIO;
}

/* Make /dev and a node for every device (an initramfs may add its own later). */
void devices_init(void)
{
    vfs_mkdir(vfs_root(), "/dev", 0755);
    char path[32];
    for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
        snprintf(path, sizeof(path), "/dev/%s", devices[i].name);
        vfs_mknod(vfs_root(), path, S_IFCHR | devices[i].mode, devices[i].rdev);
    }
    tty_init();
}
