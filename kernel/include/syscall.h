/* syscall.h - Linux x86-64 system-call numbers and the bodies nest implements.
 *
 * kernel/syscall/table.c maps numbers to the sys_* functions declared here; each body
 * lives in the kernel/syscall/ file of its topic. Arguments arrive as in Linux: rdi, rsi,
 * rdx, r10, r8, r9. A body returns a value >= 0 or -errno. Pointers named user_* or marked
 * "user" point into user space and are touched only through uaccess.h.
 */
#ifndef NEST_SYSCALL_H
#define NEST_SYSCALL_H

#include "types.h"

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_stat 4
#define SYS_fstat 5
#define SYS_lstat 6
#define SYS_poll 7
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_rt_sigreturn 15
#define SYS_ioctl 16
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_readv 19
#define SYS_writev 20
#define SYS_access 21
#define SYS_pipe 22
#define SYS_select 23
#define SYS_sched_yield 24
#define SYS_mremap 25
#define SYS_msync 26
#define SYS_mincore 27
#define SYS_madvise 28
#define SYS_dup 32
#define SYS_dup2 33
#define SYS_pause 34
#define SYS_nanosleep 35
#define SYS_getitimer 36
#define SYS_alarm 37
#define SYS_setitimer 38
#define SYS_getpid 39
#define SYS_sendfile 40
#define SYS_socket 41
#define SYS_connect 42
#define SYS_clone 56
#define SYS_getsockname 51
#define SYS_getpeername 52
#define SYS_socketpair 53
#define SYS_fork 57
#define SYS_vfork 58
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_fcntl 72
#define SYS_truncate 76
#define SYS_ftruncate 77
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_fchdir 81
#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_rmdir 84
#define SYS_creat 85
#define SYS_link 86
#define SYS_unlink 87
#define SYS_symlink 88
#define SYS_readlink 89
#define SYS_chmod 90
#define SYS_fchmod 91
#define SYS_chown 92
#define SYS_fchown 93
#define SYS_lchown 94
#define SYS_umask 95
#define SYS_gettimeofday 96
#define SYS_getrlimit 97
#define SYS_getrusage 98
#define SYS_sysinfo 99
#define SYS_times 100
#define SYS_getuid 102
#define SYS_syslog 103
#define SYS_getgid 104
#define SYS_setuid 105
#define SYS_setgid 106
#define SYS_geteuid 107
#define SYS_getegid 108
#define SYS_setpgid 109
#define SYS_getppid 110
#define SYS_getpgrp 111
#define SYS_setsid 112
#define SYS_getgroups 115
#define SYS_getresuid 118
#define SYS_getresgid 120
#define SYS_getpgid 121
#define SYS_getsid 124
#define SYS_rt_sigpending 127
#define SYS_rt_sigsuspend 130
#define SYS_sigaltstack 131
#define SYS_statfs 137
#define SYS_fstatfs 138
#define SYS_getpriority 140
#define SYS_setpriority 141
#define SYS_prctl 157
#define SYS_arch_prctl 158
#define SYS_setrlimit 160
#define SYS_sync 162
#define SYS_mount 165
#define SYS_umount2 166
#define SYS_reboot 169
#define SYS_gettid 186
#define SYS_getxattr 191
#define SYS_lgetxattr 192
#define SYS_fgetxattr 193
#define SYS_listxattr 194
#define SYS_llistxattr 195
#define SYS_flistxattr 196
#define SYS_tkill 200
#define SYS_time 201
#define SYS_futex 202
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_getdents64 217
#define SYS_set_tid_address 218
#define SYS_fadvise64 221
#define SYS_timer_create 222
#define SYS_timer_settime 223
#define SYS_timer_gettime 224
#define SYS_timer_getoverrun 225
#define SYS_timer_delete 226
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_clock_nanosleep 230
#define SYS_exit_group 231
#define SYS_tgkill 234
#define SYS_openat 257
#define SYS_mkdirat 258
#define SYS_fchownat 260
#define SYS_newfstatat 262
#define SYS_unlinkat 263
#define SYS_renameat 264
#define SYS_linkat 265
#define SYS_symlinkat 266
#define SYS_readlinkat 267
#define SYS_fchmodat 268
#define SYS_faccessat 269
#define SYS_pselect6 270
#define SYS_ppoll 271
#define SYS_unshare 272
#define SYS_set_robust_list 273
#define SYS_utimensat 280
#define SYS_timerfd_create 283
#define SYS_timerfd_settime 286
#define SYS_timerfd_gettime 287
#define SYS_dup3 292
#define SYS_pipe2 293
#define SYS_prlimit64 302
#define SYS_setns 308
#define SYS_renameat2 316
#define SYS_getrandom 318
#define SYS_copy_file_range 326
#define SYS_statx 332
#define SYS_rseq 334
#define SYS_clone3 435
#define SYS_faccessat2 439
#define SYS_trace 1000 /* nest's own: numbers from 1000 up are free in Linux's x86-64 table */
#define SYSCALL_COUNT 1001

struct trap_frame;
void syscall_dispatch(struct trap_frame *tf);

/* ---- process, memory, signal and time calls (kernel/syscall/proc.c, mem.c, signal.c,
 * time.c, ns.c, misc.c) ---- */
long sys_getpid(void);
long sys_getppid(void);
long sys_getpriority(int which, int who);
long sys_setpriority(int which, int who, int nice);
long sys_trace(uint64_t mask);
void trace_report(uint64_t nr, long result);
const char *syscall_name(uint64_t nr);
long sys_gettid(void);
long sys_fork(void);
long sys_vfork(void);
long sys_clone(uint64_t flags, uint64_t stack, uint64_t user_parent_tid, uint64_t user_child_tid,
               uint64_t tls);
long sys_execve(const char *user_path, char *const *user_argv, char *const *user_envp);
long sys_exit(int status);
long sys_exit_group(int status);
long sys_wait4(int pid, int *user_status, int options, void *user_rusage);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_rt_sigaction(int sig, const void *user_act, void *user_old, size_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t *user_set, uint64_t *user_old, size_t sigsetsize);
long sys_rt_sigreturn(void);
long sys_rt_sigpending(uint64_t *user_set, size_t sigsetsize);
long sys_rt_sigsuspend(const uint64_t *user_mask, size_t sigsetsize);
long sys_sigaltstack(const void *user_ss, void *user_old);
long sys_pause(void);
long sys_set_tid_address(int *user_tidptr);
long sys_arch_prctl(int code, uint64_t address);
long sys_brk(uint64_t address);
long sys_mmap(uint64_t address, uint64_t length, int prot, int flags, int fd, uint64_t offset);
long sys_munmap(uint64_t address, uint64_t length);
long sys_mprotect(uint64_t address, uint64_t length, int prot);
long sys_madvise(uint64_t address, uint64_t length, int advice);
long sys_mremap(uint64_t old_address, uint64_t old_size, uint64_t new_size, int flags,
                uint64_t new_address);
long sys_msync(uint64_t address, uint64_t length, int flags);
long sys_mincore(uint64_t address, uint64_t length, uint8_t *user_vec);
long sys_uname(void *user_buf);
long sys_getrandom(void *user_buf, size_t count, unsigned int flags);
long sys_getuid(void);
long sys_syslog(int action, char *user_buf, int len);
long sys_getgid(void);
long sys_geteuid(void);
long sys_getegid(void);
long sys_setuid(uint32_t uid);
long sys_setgid(uint32_t gid);
long sys_getgroups(int size, uint32_t *user_list);
long sys_getresuid(uint32_t *user_r, uint32_t *user_e, uint32_t *user_s);
long sys_getresgid(uint32_t *user_r, uint32_t *user_e, uint32_t *user_s);
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(int pid);
long sys_prlimit64(int pid, int resource, const void *user_new, void *user_old);
long sys_getrlimit(int resource, void *user_old);
long sys_setrlimit(int resource, const void *user_new);
long sys_getrusage(int who, void *user_usage);
long sys_times(void *user_buf);
long sys_sysinfo(void *user_info);
long sys_nanosleep(const void *user_req, void *user_rem);
long sys_clock_nanosleep(int clock, int flags, const void *user_req, void *user_rem);
long sys_clock_gettime(int clock, void *user_ts);
long sys_clock_getres(int clock, void *user_ts);
long sys_gettimeofday(void *user_tv, void *user_tz);
long sys_time(int64_t *user_t);
long sys_sched_yield(void);
long sys_sched_setaffinity(int pid, unsigned int size, const void *user_mask);
long sys_sched_getaffinity(int pid, unsigned int size, void *user_mask);
long sys_unshare(uint64_t flags);
long sys_setns(int fd, int nstype);
long sys_reboot(int magic1, int magic2, unsigned int cmd, void *user_arg);
long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
long sys_futex(uint32_t *user_addr, int op, uint32_t val, const void *user_timeout,
               uint32_t *user_addr2, uint32_t val3);
long sys_set_robust_list(void *user_head, size_t length);
long sys_socket(int domain, int type, int protocol);
long sys_socketpair(int domain, int type, int protocol, int *user_fds);
long sys_alarm(unsigned int seconds);
long sys_getitimer(int which, void *user_value);
long sys_setitimer(int which, const void *user_value, void *user_old);
long sys_timer_create(int clock, const void *user_event, int *user_id);
long sys_timer_settime(int id, int flags, const void *user_new, void *user_old);
long sys_timer_gettime(int id, void *user_setting);
long sys_timer_getoverrun(int id);
long sys_timer_delete(int id);
long sys_timerfd_create(int clock, int flags);
long sys_timerfd_settime(int fd, int flags, const void *user_new, void *user_old);
long sys_timerfd_gettime(int fd, void *user_setting);

/* ---- file calls (kernel/syscall/fs.c) ---- */
long sys_read(int fd, void *user_buf, size_t count);
long sys_write(int fd, const void *user_buf, size_t count);
long sys_readv(int fd, const void *user_iov, int iovcnt);
long sys_writev(int fd, const void *user_iov, int iovcnt);
long sys_pread64(int fd, void *user_buf, size_t count, int64_t offset);
long sys_pwrite64(int fd, const void *user_buf, size_t count, int64_t offset);
long sys_sendfile(int out_fd, int in_fd, int64_t *user_offset, size_t count);
long sys_copy_file_range(int fd_in, int64_t *user_off_in, int fd_out, int64_t *user_off_out,
                         size_t length, unsigned int flags);
long sys_open(const char *user_path, int flags, mode_t mode);
long sys_openat(int dirfd, const char *user_path, int flags, mode_t mode);
long sys_creat(const char *user_path, mode_t mode);
long sys_close(int fd);
long sys_lseek(int fd, int64_t offset, int whence);
long sys_stat(const char *user_path, void *user_st);
long sys_lstat(const char *user_path, void *user_st);
long sys_fstat(int fd, void *user_st);
long sys_newfstatat(int dirfd, const char *user_path, void *user_st, int flags);
long sys_statx(int dirfd, const char *user_path, int flags, unsigned int mask, void *user_stx);
long sys_getdents64(int fd, void *user_dirp, size_t count);
long sys_mkdir(const char *user_path, mode_t mode);
long sys_mkdirat(int dirfd, const char *user_path, mode_t mode);
long sys_rmdir(const char *user_path);
long sys_unlink(const char *user_path);
long sys_unlinkat(int dirfd, const char *user_path, int flags);
long sys_rename(const char *user_old, const char *user_new);
long sys_renameat(int olddirfd, const char *user_old, int newdirfd, const char *user_new);
long sys_renameat2(int olddirfd, const char *user_old, int newdirfd, const char *user_new,
                   unsigned int flags);
long sys_link(const char *user_old, const char *user_new);
long sys_linkat(int olddirfd, const char *user_old, int newdirfd, const char *user_new, int flags);
long sys_symlink(const char *user_target, const char *user_path);
long sys_symlinkat(const char *user_target, int dirfd, const char *user_path);
long sys_readlink(const char *user_path, char *user_buf, size_t size);
long sys_readlinkat(int dirfd, const char *user_path, char *user_buf, size_t size);
long sys_chdir(const char *user_path);
long sys_fchdir(int fd);
long sys_getcwd(char *user_buf, size_t size);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, uint64_t arg);
long sys_fadvise64(int fd, int64_t offset, int64_t length, int advice);
long sys_statfs(const char *user_path, void *user_buf);
long sys_fstatfs(int fd, void *user_buf);
long sys_getxattr(const char *user_path, const char *user_name, void *user_value, size_t size);
long sys_lgetxattr(const char *user_path, const char *user_name, void *user_value, size_t size);
long sys_fgetxattr(int fd, const char *user_name, void *user_value, size_t size);
long sys_listxattr(const char *user_path, char *user_list, size_t size);
long sys_llistxattr(const char *user_path, char *user_list, size_t size);
long sys_flistxattr(int fd, char *user_list, size_t size);
long sys_getsockname(int fd, void *user_addr, int *user_length);
long sys_getpeername(int fd, void *user_addr, int *user_length);
long sys_ioctl(int fd, unsigned int cmd, uint64_t arg);
long sys_access(const char *user_path, int mode);
long sys_faccessat(int dirfd, const char *user_path, int mode);
long sys_faccessat2(int dirfd, const char *user_path, int mode, int flags);
long sys_umask(mode_t mask);
long sys_chmod(const char *user_path, mode_t mode);
long sys_fchmod(int fd, mode_t mode);
long sys_fchmodat(int dirfd, const char *user_path, mode_t mode);
long sys_chown(const char *user_path, uint32_t uid, uint32_t gid);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_lchown(const char *user_path, uint32_t uid, uint32_t gid);
long sys_fchownat(int dirfd, const char *user_path, uint32_t uid, uint32_t gid, int flags);
long sys_utimensat(int dirfd, const char *user_path, const void *user_times, int flags);
long sys_truncate(const char *user_path, int64_t length);
long sys_ftruncate(int fd, int64_t length);
long sys_pipe(int *user_fds);
long sys_pipe2(int *user_fds, int flags);
long sys_poll(void *user_fds, uint64_t nfds, int timeout_ms);
long sys_select(int nfds, void *user_read, void *user_write, void *user_except, void *user_tv);
long sys_ppoll(void *user_fds, uint64_t nfds, const void *user_ts, const uint64_t *user_mask,
               size_t sigsetsize);
long sys_pselect6(int nfds, void *user_read, void *user_write, void *user_except,
                  const void *user_ts, const void *user_sigmask);
long sys_sync(void);
long sys_mount(const char *user_source, const char *user_target, const char *user_type,
               uint64_t flags, const void *user_data);
long sys_umount2(const char *user_target, int flags);

#endif
