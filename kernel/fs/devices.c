/* devices.c - character devices: /dev/null, /dev/zero, /dev/random and /dev/urandom here,
 * /dev/tty and /dev/console in tty.c. A device file is a ramfs inode whose rdev (Linux's
 * major:minor) picks the struct file_ops when it is opened, as in Linux.
 */
#include "fs.h"
#include "printk.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"

/* ---- /dev/null and /dev/zero ---- */

/* /dev/null reads as empty: end of file at once. */
static ssize_t null_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    (void)file, (void)user_buf, (void)n, (void)offset;
    return 0;
}

/* Writes to null, zero and the random devices are accepted and forgotten. */
static ssize_t discard_write(struct file *file, const void *user_buf, size_t n, uint64_t *offset)
{
    (void)file, (void)user_buf, (void)offset;
    return (ssize_t)n;
}

/* Seeking these devices always succeeds and changes nothing, as in Linux. */
static int64_t stay_lseek(struct file *file, int64_t offset, int whence)
{
    (void)file, (void)offset, (void)whence;
    return 0;
}

/* /dev/zero reads as endless zeros. */
static ssize_t zero_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    (void)file, (void)offset;
    return clear_user(user_buf, n) ? -EFAULT : (ssize_t)n;
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
static ssize_t random_read(struct file *file, void *user_buf, size_t n, uint64_t *offset)
{
    (void)file, (void)offset;
    char chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t length = MIN(n - done, sizeof(chunk));
        random_bytes(chunk, length);
        if (copy_to_user((char *)user_buf + done, chunk, length))
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
            return 0;
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
