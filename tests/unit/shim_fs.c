/* shim_fs.c - the few kernel services the file-system code needs, made from the host's C
 * library so vfs.c, ramfs.c and cpio.c run as ordinary host programs (tests/unit/).
 *
 * Memory comes from malloc (kmalloc refuses more than a page, as the kernel's does), a
 * "physical frame" is a page-aligned malloc block offset so that P2V() finds it again, user
 * copies are memcpy, and the current process is a zeroed struct proc whose cwd the test sets.
 */
/* Only ISO C from the host's library: its POSIX types (sigset_t) would clash with the
 * kernel's in proc.h. */
#define _ISOC11_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "arch.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "signal.h"
#include "string.h"
#include "uaccess.h"

static struct proc shim_process = {.umask = 022};

void cond_resched(void) {} /* one host process: nothing else to run */
bool signal_pending(const struct proc *p) { return false; } /* nothing sends signals */
struct cpu cpu0 = {.current = &shim_process};

int shim_frames_in_use; /* frames handed out and not given back: tests check for leaks */

void *kmalloc(size_t size)
{
    if (size > PAGE_SIZE) {
        fprintf(stderr, "kmalloc(%zu): more than a page\n", size);
        abort();
    }
    return malloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p) { free(p); }

uint64_t frame_alloc(void)
{
    void *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    if (!page)
        return 0;
    shim_frames_in_use++;
    return V2P(page);
}

uint64_t frame_alloc_zeroed(void)
{
    uint64_t frame = frame_alloc();
    if (frame)
        memset(P2V(frame), 0, PAGE_SIZE);
    return frame;
}

void frame_unref(uint64_t frame)
{
    shim_frames_in_use--;
    free(P2V(frame));
}

uint64_t boot_epoch_seconds = 1735689600; /* 2025-01-01 */

/* A clock that moves forward one microsecond per reading. */
uint64_t clock_monotonic_ns(void)
{
    static uint64_t now = 1000000000;
    return now += 1000;
}

int copy_to_user(void *user_dst, const void *src, size_t n)
{
    memcpy(user_dst, src, n);
    return 0;
}

int copy_from_user(void *dst, const void *user_src, size_t n)
{
    memcpy(dst, user_src, n);
    return 0;
}

char shim_last_message[512]; /* the last printk, for tests that check a report */

/* printk to standard output, indented like the harness's messages and without the level
 * marker; the text is also kept. */
int printk(const char *fmt, ...)
{
    if (fmt[0] == '\001' && fmt[1])
        fmt += 2;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(shim_last_message, sizeof(shim_last_message), fmt, ap);
    va_end(ap);
    printf("  printk: %s", shim_last_message);
    return n;
}

/* Host tests have no devices and no /proc: mounting proc fails as if memory ran out. */
void devices_init(void) {}
void procfs_init(void) {}
struct inode *procfs_create(struct pid_ns *ns)
{
    (void)ns;
    return NULL;
}
bool procfs_owns(const struct inode *inode)
{
    (void)inode;
    return false;
}
struct pid_ns *proc_pid_ns(const struct proc *p)
{
    (void)p;
    return NULL;
}
uint64_t ns_inum_alloc(void)
{
    static uint64_t next = 4026532000UL;
    return next++;
}
__noreturn void panic(const char *fmt, ...)
{
    printf("panic: %s\n", fmt);
    abort();
}
int device_open(struct file *file)
{
    (void)file;
    return -ENXIO;
}

/* Tests set the current process's working directory through this. */
void shim_set_cwd(struct inode *dir) { shim_process.cwd = dir; }

/* ... and its mount namespace (NULL: the first one). */
void shim_set_mnt_ns(struct mnt_ns *ns) { shim_process.mnt_ns = ns; }
