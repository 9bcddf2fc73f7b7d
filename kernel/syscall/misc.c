/* misc.c (syscall) - the small calls: uname, getrandom, sysinfo, reboot, syslog, the user
 * and group identity calls (nest has only root), and futex (whose waiting is in proc/futex.c).
 */
#include "arch.h"
#include "fs.h"
#include "futex.h"
#include "log.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "string.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"
#include "version.h"
#include "x86.h"

struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(void *user_buf)
{
    struct utsname u;
    memset(&u, 0, sizeof(u));
    strlcpy(u.sysname, UTS_SYSNAME, sizeof(u.sysname));
    strlcpy(u.nodename, UTS_NODENAME, sizeof(u.nodename));
    strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
    strlcpy(u.version, UTS_VERSION, sizeof(u.version));
    strlcpy(u.machine, "x86_64", sizeof(u.machine));
    strlcpy(u.domainname, "(none)", sizeof(u.domainname));
    return copy_to_user(user_buf, &u, sizeof(u));
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

long sys_getrandom(void *user_buf, size_t count, unsigned int flags)
{
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    count = MIN(count, (size_t)(32 << 20) - 1); /* as Linux: one call never runs for long */
    uint8_t chunk[256];
    size_t done = 0;
    while (done < count) {
        cond_resched();
        size_t n = MIN(count - done, sizeof(chunk));
        random_bytes(chunk, n);
        if (copy_to_user((char *)user_buf + done, chunk, n) < 0)
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

struct sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};

long sys_sysinfo(void *user_info)
{
    struct sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime = (int64_t)(clock_monotonic_ns() / 1000000000UL);
    si.totalram = frames_total() * PAGE_SIZE;
    si.freeram = frames_free() * PAGE_SIZE;
    si.procs = (uint16_t)proc_count;
    si.mem_unit = 1;
    return copy_to_user(user_info, &si, sizeof(si));
}

/* Sockets: nest has no address family at all, so every socket is refused as Linux refuses
 * one of a family it was built without. */
long sys_socket(int domain, int type, int protocol)
{
    return -EAFNOSUPPORT;
}

long sys_socketpair(int domain, int type, int protocol, int *user_fds)
{
    return -EAFNOSUPPORT;
}

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_MAGIC2A 85072278
#define REBOOT_MAGIC2B 369367448
#define REBOOT_MAGIC2C 537993216
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xcdef0123
#define REBOOT_CMD_POWER_OFF 0x4321fedc
#define REBOOT_CMD_CAD_ON 0x89abcdef
#define REBOOT_CMD_CAD_OFF 0x00000000

/* reboot(2). In a child PID namespace it ends the namespace instead, as Linux does: its
 * init is killed and with it every process there. */
long sys_reboot(int magic1, int magic2, unsigned int cmd, void *user_arg)
{
    if ((uint32_t)magic1 != REBOOT_MAGIC1 ||
        (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A && magic2 != REBOOT_MAGIC2B &&
         magic2 != REBOOT_MAGIC2C))
        return -EINVAL;
    if (cmd == REBOOT_CMD_CAD_ON || cmd == REBOOT_CMD_CAD_OFF)
        return 0;
    if (cmd != REBOOT_CMD_RESTART && cmd != REBOOT_CMD_HALT && cmd != REBOOT_CMD_POWER_OFF)
        return -EINVAL;
    struct pid_ns *ns = proc_pid_ns(current_proc());
    if (ns != &root_pid_ns) {
        if (ns->child_reaper)
            signal_kill_by_kernel(ns->child_reaper);
        do_exit(W_EXITCODE(0, 0));
    }
    if (cmd == REBOOT_CMD_RESTART) {
        pr_notice("nest: restarting\n");
        machine_reboot();
    }
    pr_notice("nest: power off\n");
    machine_power_off();
}

long sys_getgid(void) { return 0; }
long sys_geteuid(void) { return 0; }
long sys_getegid(void) { return 0; }

/* nest has one user, root: becoming root again is fine, anyone else is not possible. */
long sys_setuid(uint32_t uid) { return uid == 0 ? 0 : -EPERM; }
long sys_setgid(uint32_t gid) { return gid == 0 ? 0 : -EPERM; }

long sys_getgroups(int size, uint32_t *user_list)
{
    return size < 0 ? -EINVAL : 0;
}

static long three_zeros(uint32_t *a, uint32_t *b, uint32_t *c)
{
    if (put_user(0u, a) < 0 || put_user(0u, b) < 0 || put_user(0u, c) < 0)
        return -EFAULT;
    return 0;
}

long sys_getresuid(uint32_t *user_r, uint32_t *user_e, uint32_t *user_s)
{
    return three_zeros(user_r, user_e, user_s);
}

long sys_getresgid(uint32_t *user_r, uint32_t *user_e, uint32_t *user_s)
{
    return three_zeros(user_r, user_e, user_s);
}

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

/* The deadline for a futex wait (0: none): FUTEX_WAIT's timeout is relative, the bitset
 * wait's absolute on the monotonic clock (or the real-time one). */
static int futex_deadline(int cmd, bool realtime, const void *user_timeout, uint64_t *deadline)
{
    *deadline = 0;
    if (!user_timeout)
        return 0;
    int64_t ns;
    int err = timespec_from_user(user_timeout, &ns);
    if (!err)
        *deadline = clock_deadline(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, ns,
                                   cmd == FUTEX_WAIT_BITSET);
    return err;
}

/* futex(2): the waits and wakes glibc makes. Another process can wake a waiter only
 * through memory both share (MAP_SHARED, or vfork's borrowed address space). */
long sys_futex(uint32_t *user_addr, int op, uint32_t val, const void *user_timeout,
               uint32_t *user_addr2, uint32_t val3)
{
    bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
        return -ENOSYS;
    uint64_t deadline;
    int err;
    switch (cmd) {
    case FUTEX_WAIT:
        val3 = FUTEX_BITSET_MATCH_ANY;
        /* fall through */
    case FUTEX_WAIT_BITSET:
        err = futex_deadline(cmd, realtime, user_timeout, &deadline);
        return err ? err : futex_wait(user_addr, private, val, deadline, val3);
    case FUTEX_WAKE:
        val3 = FUTEX_BITSET_MATCH_ANY;
        /* fall through */
    case FUTEX_WAKE_BITSET:
        return futex_wake(user_addr, private, (int)MIN(val, (uint32_t)0x7fffffff), val3, NULL, 0);
    case FUTEX_CMP_REQUEUE: {
        uint32_t now;
        if (get_user(now, user_addr) < 0)
            return -EFAULT;
        if (now != val3)
            return -EAGAIN;
    }
        /* fall through */
    case FUTEX_REQUEUE:
        /* The timeout argument carries the number to requeue. */
        return futex_wake(user_addr, private, (int)MIN(val, (uint32_t)0x7fffffff),
                          FUTEX_BITSET_MATCH_ANY, user_addr2,
                          (int)MIN((uint64_t)user_timeout, (uint64_t)0x7fffffff));
    default:
        return -ENOSYS;
    }
}

/* klogctl: the kernel log (kernel/lib/log.c). Everyone is root, so everyone may. */
long sys_syslog(int action, char *user_buf, int len)
{
    return log_syslog(action, user_buf, len);
}
