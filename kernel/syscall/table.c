/* table.c - the system-call table and dispatcher.
 *
 * syscall.S calls syscall_dispatch() with the user's registers. The number in rax picks a
 * function from the table; its arguments are rdi, rsi, rdx, r10, r8, r9 (the Linux x86-64
 * convention); its result goes back in rax. Unknown numbers return -ENOSYS and are
 * reported once each, with the name of the program that asked.
 */
#include "arch.h"
#include "cpu.h"
#include "printk.h"
#include "proc.h"
#include "string.h"
#include "syscall.h"
#include "x86.h"

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define ENTRY(name) [SYS_##name] = (const void *)sys_##name

static const void *const syscall_table[SYSCALL_COUNT] = {
    ENTRY(read), ENTRY(write), ENTRY(open), ENTRY(close), ENTRY(stat), ENTRY(fstat),
    ENTRY(lstat), ENTRY(poll), ENTRY(lseek), ENTRY(mmap), ENTRY(mprotect), ENTRY(munmap),
    ENTRY(brk), ENTRY(rt_sigaction), ENTRY(rt_sigprocmask), ENTRY(rt_sigreturn), ENTRY(ioctl),
    ENTRY(pread64), ENTRY(pwrite64), ENTRY(readv), ENTRY(writev), ENTRY(access), ENTRY(pipe), ENTRY(select),
    ENTRY(sched_yield), ENTRY(mremap), ENTRY(msync), ENTRY(mincore), ENTRY(madvise), ENTRY(dup), ENTRY(dup2), ENTRY(pause),
    ENTRY(getitimer), ENTRY(alarm), ENTRY(setitimer),
    ENTRY(nanosleep), ENTRY(getpid), ENTRY(sendfile), ENTRY(clone), ENTRY(fork), ENTRY(vfork), ENTRY(execve),
    ENTRY(exit), ENTRY(wait4), ENTRY(kill), ENTRY(uname), ENTRY(fcntl), ENTRY(truncate),
    ENTRY(ftruncate), ENTRY(getcwd), ENTRY(chdir), ENTRY(fchdir), ENTRY(rename), ENTRY(mkdir),
    ENTRY(rmdir), ENTRY(creat), ENTRY(link), ENTRY(unlink), ENTRY(symlink), ENTRY(readlink),
    ENTRY(chmod), ENTRY(fchmod), ENTRY(chown), ENTRY(fchown), ENTRY(lchown), ENTRY(umask),
    ENTRY(gettimeofday), ENTRY(getrlimit), ENTRY(getrusage), ENTRY(sysinfo), ENTRY(times),
    ENTRY(getuid), ENTRY(syslog), ENTRY(getgid), ENTRY(setuid), ENTRY(setgid), ENTRY(geteuid),
    ENTRY(getegid), ENTRY(setpgid), ENTRY(getppid), ENTRY(getpgrp), ENTRY(setsid),
    ENTRY(getgroups), ENTRY(getresuid), ENTRY(getresgid), ENTRY(getpgid), ENTRY(getsid),
    ENTRY(rt_sigpending), ENTRY(rt_sigsuspend), ENTRY(sigaltstack), ENTRY(getpriority),
    ENTRY(setpriority), ENTRY(prctl), ENTRY(arch_prctl),
    ENTRY(setrlimit), ENTRY(sync), ENTRY(mount), ENTRY(umount2), ENTRY(reboot), ENTRY(gettid),
    ENTRY(tkill), ENTRY(time), ENTRY(futex), ENTRY(sched_setaffinity), ENTRY(sched_getaffinity), ENTRY(getdents64),
    ENTRY(set_tid_address), ENTRY(timer_create), ENTRY(timer_settime), ENTRY(timer_gettime),
    ENTRY(timer_getoverrun), ENTRY(timer_delete), ENTRY(clock_gettime), ENTRY(clock_getres), ENTRY(clock_nanosleep),
    ENTRY(exit_group), ENTRY(tgkill), ENTRY(openat), ENTRY(mkdirat), ENTRY(fchownat),
    ENTRY(newfstatat), ENTRY(unlinkat), ENTRY(renameat), ENTRY(linkat), ENTRY(symlinkat),
    ENTRY(readlinkat), ENTRY(fchmodat), ENTRY(faccessat), ENTRY(pselect6), ENTRY(ppoll),
    ENTRY(unshare), ENTRY(utimensat), ENTRY(timerfd_create), ENTRY(timerfd_settime),
    ENTRY(timerfd_gettime), ENTRY(dup3), ENTRY(pipe2), ENTRY(prlimit64),
    ENTRY(setns), ENTRY(renameat2), ENTRY(set_robust_list), ENTRY(fadvise64),
    ENTRY(socket), ENTRY(socketpair), ENTRY(getsockname), ENTRY(getpeername), ENTRY(statfs),
    ENTRY(fstatfs), ENTRY(getxattr), ENTRY(lgetxattr), ENTRY(fgetxattr), ENTRY(listxattr),
    ENTRY(llistxattr), ENTRY(flistxattr), ENTRY(getrandom), ENTRY(copy_file_range), ENTRY(statx), ENTRY(faccessat2),
    ENTRY(trace),
};

/* A call's name, from the kernel's own symbol table ("sys_getpid" gives "getpid"). */
const char *syscall_name(uint64_t nr)
{
    uint64_t offset;
    const char *name = nr < SYSCALL_COUNT && syscall_table[nr]
                           ? symbol_for((uint64_t)syscall_table[nr], &offset)
                           : NULL;
    if (!name)
        return "unknown";
    return strncmp(name, "sys_", 4) == 0 ? name + 4 : name;
}

static uint8_t reported[(SYSCALL_COUNT + 7) / 8]; /* the kernel lock */

/* Say once per number that a program asked for a call nest does not have. */
static void report_unknown(uint64_t nr)
{
    if (nr < SYSCALL_COUNT) {
        if (reported[nr / 8] & (1 << (nr % 8)))
            return;
        reported[nr / 8] |= 1 << (nr % 8);
    }
    struct proc *p = current_proc();
    pr_notice("nest: %s[%d] called unimplemented system call %lu; returning ENOSYS\n", p->name,
              proc_root_pid(p), nr);
}

__hot void syscall_dispatch(struct trap_frame *tf)
{
    cputime_enter_kernel(); /* with interrupts still off, as syscall left them */
    sti();                  /* system calls run with interrupts on */
    klock_take();           /* return_to_user lets it go */
    uint64_t nr = tf->rax;
    tf->error = nr; /* kept for restarting the call after a signal */
    long ret;
    if (nr < SYSCALL_COUNT && syscall_table[nr]) {
        syscall_fn fn = (syscall_fn)syscall_table[nr];
        ret = fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
    } else {
        report_unknown(nr);
        ret = -ENOSYS;
    }
    trace_report(nr, ret);
    tf->rax = (uint64_t)ret;
    return_to_user(tf);
}
