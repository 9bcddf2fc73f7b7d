/*
 * bench: nest's micro-benchmarks, in cycles per operation read with rdtsc. The same static
 * binary runs on nest and on Linux (tools/bench.py boots both under QEMU with it as init) and
 * prints one "BENCH name=ID cycles=N rounds=N ops=N" line per measure, then BENCH_DONE.
 * Each measure runs one warm-up round, then several timed rounds; the median round counts.
 * As PID 1 it mounts /proc if it is missing and powers the machine off at the end.
 * `bench --smp N` (N = 2 or 4, on a machine with N CPUs) runs only the SMP scaling measures:
 * N CPU-bound processes one after the other, then all at once. `bench --only ID...` runs
 * only the measures named, each on its own (for studying one path, e.g. under QEMU's -icount).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 16
#define MAX_GROUP 2   /* measures whose rounds alternate */
#define SLEEPERS 1000 /* processes alive for spawn_1000_sleepers and proc_scan_1000 */

/* One measure. round() does ops operations and stores the cycles they took (only the timed
 * part: it may set up and clean up around it); it returns 0 or -errno. setup() and teardown()
 * run once around all the rounds of the measure, and may be NULL. */
struct measure {
    const char *name;
    long ops;    /* operations per round */
    int rounds;  /* timed rounds, after one warm-up round */
    int (*setup)(void);
    int (*round)(long ops, int64_t *cycles);
    void (*teardown)(void);
    bool alternate; /* its rounds alternate with the next measure's, for a fair comparison */
};

static const char *self_path; /* this program, for fork_exec_wait */
static uint64_t tsc_khz;      /* TSC cycles per millisecond, measured at start */

/* The time-stamp counter; lfence keeps earlier instructions from drifting past the read. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The symbolic name of an errno value, for error lines a script can match. */
static const char *errno_name(int err)
{
    static const struct { int err; const char *name; } names[] = {
        {EPERM, "EPERM"},   {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},   {EINTR, "EINTR"},
        {EIO, "EIO"},       {E2BIG, "E2BIG"},   {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"},
        {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
        {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"},   {EEXIST, "EEXIST"}, {ENOTDIR, "ENOTDIR"},
        {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"}, {ENOSPC, "ENOSPC"}, {EPIPE, "EPIPE"},
        {ENOSYS, "ENOSYS"}, {ETIMEDOUT, "ETIMEDOUT"},
    };
    static char unknown[24];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == err)
            return names[i].name;
    snprintf(unknown, sizeof(unknown), "E%d", err);
    return unknown;
}

/* Wait for pid: 0 if it exited with status 0, -N if it exited with N (a child here exits with
 * the errno that stopped it), -ECHILD if a signal killed it. A failed child is a failed
 * measure, not a fast one. */
static int reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
}

/* The error for a one-byte read or write that moved n bytes instead. */
static int short_transfer(ssize_t n)
{
    return n < 0 ? -errno : -EPIPE;
}

/* ---- the measures ---- */

static int null_syscall_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++)
        syscall(SYS_getpid);
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

static int fork_exit_wait_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -errno;
        if (pid == 0)
            _exit(0);
        int err = reap(pid);
        if (err)
            return err;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

static int fork_exec_wait_round(long ops, int64_t *cycles)
{
    char *argv[] = {(char *)self_path, "--exit-now", NULL};
    char *envp[] = {NULL};
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -errno;
        if (pid == 0) {
            execve(self_path, argv, envp);
            _exit(errno);
        }
        int err = reap(pid);
        if (err)
            return err;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

/* dyn_exec_wait: fork, exec of Debian's dynamically linked true (ld.so, libc), wait.
 * tools/bench.py puts it and the glibc it needs into both kernels' images. */
#define DYNAMIC_TRUE "/usr/bin/true"

static int dyn_exec_wait_round(long ops, int64_t *cycles)
{
    char *argv[] = {DYNAMIC_TRUE, NULL};
    char *envp[] = {NULL};
    if (access(DYNAMIC_TRUE, X_OK) < 0)
        return -errno;
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -errno;
        if (pid == 0) {
            execve(DYNAMIC_TRUE, argv, envp);
            _exit(errno);
        }
        int err = reap(pid);
        if (err)
            return err;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

/* pipe_roundtrip: the parent writes one byte to to_child, a child echoes it on to_parent. */
static int to_child[2], to_parent[2];
static pid_t echo_pid;

static void echo_loop(void)
{
    char byte;
    close(to_child[1]);
    close(to_parent[0]);
    while (read(to_child[0], &byte, 1) == 1)
        if (write(to_parent[1], &byte, 1) != 1)
            _exit(1);
    _exit(0); /* end of file: the parent closed its end */
}

static int pipe_setup(void)
{
    if (pipe(to_child) < 0)
        return -errno;
    if (pipe(to_parent) < 0) {
        int err = -errno;
        close(to_child[0]);
        close(to_child[1]);
        return err;
    }
    echo_pid = fork();
    if (echo_pid == 0)
        echo_loop();
    int err = echo_pid < 0 ? -errno : 0;
    close(to_child[0]);
    close(to_parent[1]);
    if (err) {
        close(to_child[1]);
        close(to_parent[0]);
    }
    return err;
}

static int pipe_round(long ops, int64_t *cycles)
{
    char byte = 'x';
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        ssize_t n = write(to_child[1], &byte, 1);
        if (n != 1)
            return short_transfer(n);
        n = read(to_parent[0], &byte, 1);
        if (n != 1)
            return short_transfer(n);
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

static void pipe_teardown(void)
{
    close(to_child[1]);
    close(to_parent[0]);
    reap(echo_pid);
}

/* yield_pingpong: a child yields in a loop, so each of the parent's sched_yield() calls runs
 * the child once and comes back: one operation is two context switches. */
static pid_t yielder_pid;

static int yield_setup(void)
{
    int ready[2];
    if (pipe(ready) < 0)
        return -errno;
    yielder_pid = fork();
    if (yielder_pid == 0) {
        close(ready[0]);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            sched_yield();
    }
    int err = yielder_pid < 0 ? -errno : 0;
    char byte;
    close(ready[1]);
    if (!err && read(ready[0], &byte, 1) != 1) /* the child runs: its yields have begun */
        err = -EPIPE;
    close(ready[0]);
    return err;
}

static int yield_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++)
        if (sched_yield() < 0)
            return -errno;
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

static void yield_teardown(void)
{
    kill(yielder_pid, SIGKILL);
    waitpid(yielder_pid, NULL, 0);
}

/* nanosleep_1ms_late: how long after the requested millisecond each sleep ends. */
static int nanosleep_round(long ops, int64_t *cycles)
{
    int64_t late = 0;
    for (long i = 0; i < ops; i++) {
        struct timespec ms = {0, 1000000};
        uint64_t start = rdtsc();
        if (nanosleep(&ms, NULL) < 0)
            return -errno;
        late += (int64_t)(rdtsc() - start) - (int64_t)tsc_khz;
    }
    *cycles = late;
    return 0;
}

/* itimer_1ms_late: how long after the requested millisecond an ITIMER_REAL's SIGALRM
 * handler runs (the process waits in sigsuspend meanwhile). */
static volatile uint64_t alarm_tsc;

static void on_alarm(int sig)
{
    (void)sig;
    alarm_tsc = rdtsc();
}

static int itimer_round(long ops, int64_t *cycles)
{
    struct sigaction action = {.sa_handler = on_alarm}, old_action;
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old_mask);
    sigaction(SIGALRM, &action, &old_action);
    int64_t late = 0;
    int err = 0;
    for (long i = 0; i < ops && !err; i++) {
        struct itimerval ms = {{0, 0}, {0, 1000}};
        alarm_tsc = 0;
        uint64_t start = rdtsc();
        if (setitimer(ITIMER_REAL, &ms, NULL) < 0)
            err = -errno;
        while (!err && !alarm_tsc)
            sigsuspend(&old_mask);
        late += (int64_t)(alarm_tsc - start) - (int64_t)tsc_khz;
    }
    sigaction(SIGALRM, &old_action, NULL);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    *cycles = late;
    return err;
}

/* One pair: a helper process forks a child and waits for it, then exits; the parent waits
 * for the helper. With new_namespace the helper first calls unshare(CLONE_NEWPID), so its
 * child is PID 1 of a new namespace, and that namespace dies when the child exits. A helper
 * is needed because a process can unshare a PID namespace only once. */
static int fork_pair(bool new_namespace)
{
    pid_t helper = fork();
    if (helper < 0)
        return -errno;
    if (helper == 0) {
        if (new_namespace && unshare(CLONE_NEWPID) < 0)
            _exit(errno);
        pid_t child = fork();
        if (child < 0)
            _exit(errno);
        if (child == 0)
            _exit(0);
        _exit(-reap(child));
    }
    return reap(helper);
}

static int fork_pair_rounds(long ops, int64_t *cycles, bool new_namespace)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        int err = fork_pair(new_namespace);
        if (err)
            return err;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

static int pidns_fork_pair_round(long ops, int64_t *cycles)
{
    return fork_pair_rounds(ops, cycles, true);
}

static int fork_pair_round(long ops, int64_t *cycles)
{
    return fork_pair_rounds(ops, cycles, false);
}

/* Sleeping children: spawned by fork, each waits in pause() until SIGKILL. */
static pid_t sleepers[SLEEPERS];
static long sleeper_count;

static void kill_sleepers(void)
{
    for (long i = 0; i < sleeper_count; i++)
        kill(sleepers[i], SIGKILL);
    for (long i = 0; i < sleeper_count; i++)
        waitpid(sleepers[i], NULL, 0);
    sleeper_count = 0;
}

static int spawn_sleepers(long n)
{
    while (sleeper_count < n) {
        pid_t pid = fork();
        if (pid < 0) {
            int err = -errno;
            kill_sleepers();
            return err;
        }
        if (pid == 0)
            for (;;)
                pause();
        sleepers[sleeper_count++] = pid;
    }
    return 0;
}

static int spawn_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    int err = spawn_sleepers(ops);
    *cycles = (int64_t)(rdtsc() - start);
    kill_sleepers();
    return err;
}

static int proc_scan_setup(void)
{
    return spawn_sleepers(SLEEPERS);
}

/* Read one /proc/NAME/stat whole, as ps does; 1 if read, 0 if the process went away. */
static int read_stat(const char *name)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%s/stat", name);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        ;
    close(fd);
    return n == 0;
}

/* One full scan: every numeric entry of /proc, and its stat file. Fewer files than there are
 * sleepers means /proc is missing processes: the measure fails rather than look fast. */
static int proc_scan_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        DIR *dir = opendir("/proc");
        if (!dir)
            return -errno;
        long files = 0;
        struct dirent *entry;
        while ((entry = readdir(dir)))
            if (entry->d_name[0] >= '1' && entry->d_name[0] <= '9')
                files += read_stat(entry->d_name);
        closedir(dir);
        if (files < SLEEPERS)
            return -ESRCH;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

/* ---- SMP scaling: CPU-bound processes one after the other, and all at once ---- */

/* A busy loop long beside fork, exit and a scheduler tick (some 0.5 s of one CPU under TCG):
 * what the two processes cost beyond it is noise in the speedup. */
#define SPIN_LOOPS 25000000L

static void spin(void)
{
    for (volatile long i = 0; i < SPIN_LOOPS; i++)
        ;
}

/* Start a child that spins and exits; its PID, or -errno. */
static pid_t start_spinner(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        spin();
        _exit(0);
    }
    return pid < 0 ? -errno : pid;
}

/* ops busy processes, each started when the one before has finished. */
static int spin_one_after_other_round(long ops, int64_t *cycles)
{
    uint64_t start = rdtsc();
    for (long i = 0; i < ops; i++) {
        pid_t pid = start_spinner();
        if (pid < 0)
            return pid;
        int err = reap(pid);
        if (err)
            return err;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return 0;
}

/* ops busy processes at once; done when the last one is. */
static int spin_at_once_round(long ops, int64_t *cycles)
{
    pid_t pids[8];
    uint64_t start = rdtsc();
    long started = 0;
    int err = 0;
    while (started < ops && started < 8 && !err) {
        pid_t pid = start_spinner();
        if (pid < 0)
            err = pid;
        else
            pids[started++] = pid;
    }
    for (long i = 0; i < started; i++) {
        int e = reap(pids[i]);
        err = err ? err : e;
    }
    *cycles = (int64_t)(rdtsc() - start);
    return err;
}

/* Per process: on N CPUs, at_once's cycles are one_after_other's divided by the speedup. */
static const struct measure smp2_measures[] = {
    {"smp2_one_after_other", 2, 3, NULL, spin_one_after_other_round, NULL, true},
    {"smp2_at_once", 2, 3, NULL, spin_at_once_round, NULL, false},
};
static const struct measure smp4_measures[] = {
    {"smp4_one_after_other", 4, 3, NULL, spin_one_after_other_round, NULL, true},
    {"smp4_at_once", 4, 3, NULL, spin_at_once_round, NULL, false},
};

/* Rounds are few enough that the whole run stays well under a minute on nest under QEMU's
 * TCG (about 6 s when this was written; a fork there costs some 0.3 M cycles). The cheap and
 * the noisy measures get more rounds: a timer interrupt or the host's load moves them more. */
static const struct measure measures[] = {
    {"null_syscall", 10000, 11, NULL, null_syscall_round, NULL, false},
    {"fork_exit_wait", 50, 9, NULL, fork_exit_wait_round, NULL, false},
    {"fork_exec_wait", 20, 7, NULL, fork_exec_wait_round, NULL, false},
    {"dyn_exec_wait", 10, 7, NULL, dyn_exec_wait_round, NULL, false},
    {"pipe_roundtrip", 500, 11, pipe_setup, pipe_round, pipe_teardown, false},
    {"yield_pingpong", 1000, 11, yield_setup, yield_round, yield_teardown, false},
    {"nanosleep_1ms_late", 10, 15, NULL, nanosleep_round, NULL, false},
    {"itimer_1ms_late", 10, 15, NULL, itimer_round, NULL, false},
    {"pidns_fork_pair", 20, 9, NULL, pidns_fork_pair_round, NULL, true},
    {"fork_pair", 20, 9, NULL, fork_pair_round, NULL, false},
    {"spawn_1000_sleepers", SLEEPERS, 5, NULL, spawn_round, NULL, false},
    {"proc_scan_1000", 1, 7, proc_scan_setup, proc_scan_round, kill_sleepers, false},
};

/* ---- running them ---- */

static int compare_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void report_error(const struct measure *m, int err)
{
    printf("BENCH name=%s error=%s\n", m->name, errno_name(-err));
    fflush(stdout);
}

static void report(const struct measure *m, int64_t *per_op)
{
    qsort(per_op, m->rounds, sizeof(per_op[0]), compare_int64);
    printf("BENCH name=%s cycles=%lld rounds=%d ops=%ld\n", m->name,
           (long long)per_op[m->rounds / 2], m->rounds, m->ops);
    fflush(stdout);
}

/* Run count measures side by side: each one's setup and warm-up round (a tenth of the
 * operations), then their timed rounds in turn, so that a slow moment of the host hits them
 * alike; each reports the median of its rounds. */
static void run_group(const struct measure *m, int count)
{
    int64_t per_op[MAX_GROUP][MAX_ROUNDS], cycles;
    int err[MAX_GROUP];
    bool set_up[MAX_GROUP];
    for (int k = 0; k < count; k++) {
        err[k] = m[k].setup ? m[k].setup() : 0;
        set_up[k] = !err[k]; /* a failed setup has undone itself */
        if (!err[k])
            err[k] = m[k].round(m[k].ops / 10 > 0 ? m[k].ops / 10 : 1, &cycles);
    }
    for (int i = 0; i < MAX_ROUNDS; i++) {
        for (int k = 0; k < count; k++) {
            if (err[k] || i >= m[k].rounds)
                continue;
            err[k] = m[k].round(m[k].ops, &cycles);
            per_op[k][i] = cycles / m[k].ops;
        }
    }
    for (int k = 0; k < count; k++) {
        if (set_up[k] && m[k].teardown)
            m[k].teardown();
        if (err[k])
            report_error(&m[k], err[k]);
        else
            report(&m[k], per_op[k]);
    }
}

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* TSC cycles per millisecond, counted over about 100 ms of CLOCK_MONOTONIC. */
static uint64_t measure_tsc_khz(void)
{
    uint64_t ns0 = monotonic_ns(), tsc0 = rdtsc(), ns1;
    while ((ns1 = monotonic_ns()) - ns0 < 100000000u)
        ;
    uint64_t tsc1 = rdtsc();
    return (tsc1 - tsc0) * 1000000u / (ns1 - ns0);
}

/* Linux's initramfs has no /proc until init mounts one; nest's /proc is always there. */
static void mount_proc_if_missing(void)
{
    if (access("/proc/self", F_OK) == 0)
        return;
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        printf("BENCH_NOTE mount /proc: %s\n", errno_name(errno));
}

/* The path to exec for fork_exec_wait: argv[0] if it is a path, else /bin/NAME. */
static const char *find_self(const char *argv0)
{
    static char path[256];
    if (strchr(argv0, '/'))
        return argv0;
    snprintf(path, sizeof(path), "/bin/%s", argv0);
    return path;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit-now") == 0)
        return 0; /* the program fork_exec_wait runs */
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("BENCH_START\n"); /* tools/bench.py times the boot up to this line */
    struct utsname u;
    if (uname(&u) == 0)
        printf("BENCH_KERNEL=%s %s\n", u.sysname, u.release);
    self_path = find_self(argc > 0 ? argv[0] : "bench");
    mount_proc_if_missing();
    tsc_khz = measure_tsc_khz();
    printf("BENCH_TSC_KHZ=%llu\n", (unsigned long long)tsc_khz);
    fflush(stdout);
    const struct measure *list = measures;
    int total = sizeof(measures) / sizeof(measures[0]);
    if (argc > 2 && strcmp(argv[1], "--smp") == 0) {
        bool four = strcmp(argv[2], "4") == 0;
        list = four ? smp4_measures : smp2_measures;
        total = 2;
    }
    if (argc > 2 && strcmp(argv[1], "--only") == 0) {
        for (int a = 2; a < argc; a++) {
            int i = 0;
            while (i < total && strcmp(list[i].name, argv[a]) != 0)
                i++;
            if (i < total)
                run_group(&list[i], 1);
            else
                printf("BENCH_NOTE no measure %s\n", argv[a]);
        }
        total = 0;
    }
    for (int i = 0, count; i < total; i += count) {
        count = 1;
        while (list[i + count - 1].alternate && i + count < total && count < MAX_GROUP)
            count++;
        run_group(&list[i], count);
    }
    printf("BENCH_DONE\n");
    fflush(stdout);
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
        printf("BENCH_NOTE reboot: %s\n", errno_name(errno));
    }
    return 0;
}
