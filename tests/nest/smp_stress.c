// smp_stress.c - nest-only: one worker per online CPU, all started at once, each doing ROUNDS
// rounds (argument 1, default 20) of fork/exit/wait bursts, pipe ping-pong, signal round
// trips, SIGSTOP/SIGCONT/SIGKILL, PID and mount namespaces made and torn down, and /proc
// reads. Prints one line per worker and "stress: ok" only if every check held and every child
// was reaped. Run by tests/system/test_smp_stress.py.
//   smp_stress [ROUNDS] [pinned]   each worker pinned to its own CPU (sched_setaffinity)
//   smp_stress ROUNDS unpinned     the workers may run on every CPU: where they and their
//                                  children run, and when they move, is the scheduler's
//                                  placement and balancing (each worker says which CPUs it
//                                  was seen on)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BURST 6          /* children per fork burst */
#define PING_PONGS 32    /* bytes sent each way per pipe ping-pong */
#define NS_CHILDREN 3    /* processes a namespace's init starts */
#define PROC_READS 4     /* /proc/PID files read per round */
#define MAX_REPORTED 5   /* failures a worker describes; it counts the rest */
#define PROGRESS_ROUNDS 5 /* a worker says how far it got every this many rounds */
#define ROUND_OPERATIONS 7 /* the operations of one round (worker's loop) */

static int worker_id;
static long ops, errors;

/* One line on stdout, prefixed with the worker, in one write so that workers' lines do not
 * interleave. */
static void vsay(const char *fmt, va_list ap)
{
    char line[256];
    int n = snprintf(line, sizeof line, "worker %d: ", worker_id);
    n += vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (n > (int)sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    if (write(STDOUT_FILENO, line, n) < 0)
        _exit(2);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

/* A check that failed: counted, and the first few described. */
static void fail(const char *fmt, ...)
{
    va_list ap;
    if (errors++ >= MAX_REPORTED)
        return;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

/* Reap pid, which must end as expected: exited with code, or (code < 0) killed by -code. */
static void reap(pid_t pid, int code, const char *what)
{
    int status;
    pid_t got = waitpid(pid, &status, 0);
    if (got != pid) {
        fail("%s: waitpid(%d) = %d, errno %d", what, pid, got, errno);
        return;
    }
    int ok = code >= 0 ? WIFEXITED(status) && WEXITSTATUS(status) == code
                       : WIFSIGNALED(status) && WTERMSIG(status) == -code;
    if (!ok)
        fail("%s: child %d ended with status %#x, expected %d", what, pid, status, code);
}

static pid_t fork_or_fail(const char *what)
{
    pid_t pid = fork();
    if (pid < 0)
        fail("%s: fork: errno %d", what, errno);
    return pid;
}

/* BURST children that exit at once with distinct codes, reaped in reverse order. */
static void fork_burst(void)
{
    pid_t pids[BURST];
    for (int i = 0; i < BURST; i++) {
        pids[i] = fork_or_fail("burst");
        if (pids[i] == 0)
            _exit(i + 1);
    }
    for (int i = BURST - 1; i >= 0; i--)
        if (pids[i] > 0)
            reap(pids[i], i + 1, "burst");
}

/* A child echoes back every byte; the parent sends PING_PONGS and checks each answer. */
static void pipe_ping_pong(void)
{
    int down[2], up[2];
    if (pipe(down) < 0 || pipe(up) < 0) {
        fail("pipe: errno %d", errno);
        return;
    }
    pid_t pid = fork_or_fail("ping-pong");
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        char c;
        while (read(down[0], &c, 1) == 1)
            if (write(up[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    for (int i = 0; pid > 0 && i < PING_PONGS; i++) {
        char out = (char)(i * 7 + worker_id), in = 0;
        if (write(down[1], &out, 1) != 1 || read(up[0], &in, 1) != 1 || in != out) {
            fail("ping-pong %d: sent %d, got %d (errno %d)", i, out, in, errno);
            break;
        }
    }
    close(down[1]); /* the child reads end of file and exits */
    close(up[0]);
    if (pid > 0)
        reap(pid, 0, "ping-pong");
}

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

/* SIGUSR1 there and back: the child waits for it with sigsuspend and answers its parent. */
static void signal_round_trip(void)
{
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old); /* SIGUSR1 arrives only inside sigsuspend */
    usr1_count = 0;
    pid_t pid = fork_or_fail("signal");
    if (pid == 0) {
        while (usr1_count == 0)
            sigsuspend(&old);
        _exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
    }
    if (pid > 0) {
        if (kill(pid, SIGUSR1) < 0)
            fail("signal: kill(%d, SIGUSR1): errno %d", pid, errno);
        while (usr1_count == 0)
            sigsuspend(&old);
        reap(pid, 0, "signal");
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* A child that pauses forever: stopped, continued (each seen by waitpid), then killed. */
static void stop_continue_kill(void)
{
    pid_t pid = fork_or_fail("stop");
    if (pid == 0) {
        for (;;)
            pause();
    }
    if (pid < 0)
        return;
    int status;
    if (kill(pid, SIGSTOP) < 0 || waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status))
        fail("stop: child %d not reported stopped (status %#x, errno %d)", pid, status, errno);
    else if (kill(pid, SIGCONT) < 0 || waitpid(pid, &status, WCONTINUED) != pid ||
             !WIFCONTINUED(status))
        fail("stop: child %d not reported continued (status %#x, errno %d)", pid, status, errno);
    if (kill(pid, SIGKILL) < 0)
        fail("stop: kill(%d, SIGKILL): errno %d", pid, errno);
    reap(pid, -SIGKILL, "stop");
}

/* A child unshares its PID namespace; its child is that namespace's init (PID 1), which
 * reaps one child and leaves NS_CHILDREN - 1 pausing when it exits: the kernel kills them
 * and tears the namespace down. */
static void pid_namespace(void)
{
    pid_t pid = fork_or_fail("pidns");
    if (pid != 0) {
        if (pid > 0)
            reap(pid, 0, "pidns");
        return;
    }
    if (unshare(CLONE_NEWPID) < 0)
        _exit(10);
    pid_t init = fork();
    if (init < 0)
        _exit(11);
    if (init == 0) {
        if (getpid() != 1)
            _exit(20);
        for (int i = 0; i < NS_CHILDREN; i++) {
            pid_t c = fork();
            if (c < 0)
                _exit(21);
            if (c == 0) {
                if (i == 0)
                    _exit(getppid() == 1 ? 0 : 1);
                for (;;)
                    pause();
            }
            if (c != i + 2)
                _exit(22); /* a fresh namespace numbers from 1: its init's children 2, 3... */
        }
        int status;
        if (waitpid(2, &status, 0) != 2 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            _exit(23);
        _exit(0);
    }
    int status;
    if (waitpid(init, &status, 0) != init)
        _exit(12);
    if (!WIFEXITED(status))
        _exit(13);
    if (WEXITSTATUS(status) != 0)
        _exit(WEXITSTATUS(status));
    _exit(waitpid(-1, NULL, 0) < 0 && errno == ECHILD ? 0 : 14);
}

/* A child unshares its mount namespace and mounts a tmpfs with a file in it over /tmp; when
 * it exits the namespace and the tmpfs go, and the parent's /tmp never saw the file. */
static void mount_namespace(int round)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/smp-stress-%d-%d", worker_id, round);
    pid_t pid = fork_or_fail("mntns");
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0)
            _exit(10);
        if (mount("none", "/tmp", "tmpfs", 0, NULL) < 0)
            _exit(11);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0)
            _exit(12);
        char block[4096];
        memset(block, 'x', sizeof block);
        for (int i = 0; i < 4; i++)
            if (write(fd, block, sizeof block) != sizeof block)
                _exit(13);
        close(fd);
        _exit(0);
    }
    if (pid > 0)
        reap(pid, 0, "mntns");
    struct stat st;
    if (stat(path, &st) == 0 || errno != ENOENT)
        fail("mntns: %s is visible outside the namespace", path);
}

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245 + 12345;
    return *state >> 16;
}

/* Read one /proc/PID file; the process may be gone since /proc was listed (ENOENT, ESRCH,
 * or an empty read). Otherwise stat must start with "PID (" and status with "Name:", and a
 * process /proc shows is complete: in the root namespace every one but init has a parent
 * and a process group (fork publishes a child only once it has them). */
static void read_proc_file(const char *pid, const char *file)
{
    char path[64], text[1024], want[32];
    snprintf(path, sizeof path, "/proc/%s/%s", pid, file);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno != ENOENT && errno != ESRCH)
            fail("open %s: errno %d", path, errno);
        return;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    int read_errno = errno;
    close(fd);
    if (n < 0) {
        if (read_errno != ESRCH && read_errno != ENOENT)
            fail("read %s: errno %d", path, read_errno);
        return;
    }
    text[n] = 0;
    if (strcmp(file, "stat") == 0)
        snprintf(want, sizeof want, "%s (", pid);
    else
        snprintf(want, sizeof want, "Name:");
    if (n > 0 && strncmp(text, want, strlen(want)) != 0) {
        fail("%s starts %.40s", path, text);
        return;
    }
    int ppid = -1, pgrp = -1;
    char *end = strrchr(text, ')'); /* the name, field 2, may hold spaces */
    if (n > 0 && strcmp(file, "stat") == 0 && strcmp(pid, "1") != 0 &&
        (!end || sscanf(end + 1, " %*c %d %d", &ppid, &pgrp) != 2 || ppid <= 0 || pgrp <= 0))
        fail("%s: parent %d, process group %d: %.60s", path, ppid, pgrp, end ? end : text);
}

/* List /proc (this worker itself must be there) and read stat and status of a few processes
 * chosen at random from the listing. */
static void proc_reads(unsigned *seed)
{
    char pids[64][12];
    int count = 0, seen_self = 0;
    char self[12];
    snprintf(self, sizeof self, "%d", getpid());
    DIR *dir = opendir("/proc");
    if (!dir) {
        fail("opendir /proc: errno %d", errno);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        seen_self |= strcmp(e->d_name, self) == 0;
        if (count < 64 && strlen(e->d_name) < sizeof pids[0])
            strcpy(pids[count++], e->d_name);
    }
    closedir(dir);
    if (!seen_self)
        fail("/proc lists %d processes but not this one (%s)", count, self);
    for (int i = 0; i < PROC_READS && count > 0; i++) {
        const char *pid = pids[next_random(seed) % count];
        read_proc_file(pid, "stat");
        read_proc_file(pid, "status");
    }
}

/* Pinned: allow only cpu. Unpinned: allow every online CPU, whatever mask the worker
 * inherited. Says which it is: "pinned" only if the kernel took a one-CPU mask. */
static const char *set_affinity(int cpu, long cpus, int pinned)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < cpus; i++)
        if (!pinned || i == cpu)
            CPU_SET(i, &set);
    if (sched_setaffinity(0, sizeof set, &set) == 0)
        return pinned ? "pinned" : "unpinned";
    fail("sched_setaffinity(%s): errno %d", pinned ? "one CPU" : "every CPU", errno);
    return "unpinned";
}

/* The CPU this process runs on: field 39 of /proc/self/stat, or -1. */
static int current_cpu(void)
{
    char text[1024];
    int fd = open("/proc/self/stat", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    char *field = strrchr(text, ')'); /* the name, field 2, may hold spaces */
    for (int i = 2; field && i < 39; i++)
        field = strchr(field + 1, ' ');
    return field ? atoi(field + 1) : -1;
}

static int worker(int cpu, long cpus, int rounds, int pin, int start_fd)
{
    worker_id = cpu;
    const char *pinned = set_affinity(cpu, cpus, pin);
    unsigned long seen_on = 0; /* the CPUs it was found running on, one sample a round */
    char go;
    if (read(start_fd, &go, 1) != 0) /* end of file: every worker exists, start together */
        fail("start: read did not see end of file");
    close(start_fd);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) < 0)
        fail("sigaction: errno %d", errno);
    unsigned seed = (unsigned)cpu * 2654435761u + 1;
    for (int round = 0; round < rounds; round++) {
        fork_burst();
        pipe_ping_pong();
        signal_round_trip();
        stop_continue_kill();
        pid_namespace();
        mount_namespace(round);
        proc_reads(&seed);
        int now = current_cpu();
        if (now >= 0 && now < 64)
            seen_on |= 1UL << now;
        if (pin && now != cpu)
            fail("pinned to cpu %d, found on cpu %d", cpu, now);
        ops += ROUND_OPERATIONS;
        if ((round + 1) % PROGRESS_ROUNDS == 0 && round + 1 < rounds)
            say("round %d", round + 1); /* progress: a hung kernel shows as silence */
    }
    if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
        fail("children left unreaped");
    if (!pin) {
        char list[160] = "";
        int len = 0;
        for (int i = 0; i < 64 && len < (int)sizeof list - 8; i++)
            if (seen_on & (1UL << i))
                len += snprintf(list + len, sizeof list - len, len ? ",%d" : "%d", i);
        say("seen on cpus %s", list);
    }
    say("%s, %ld operations, %ld errors", pinned, ops, errors);
    return errors == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    const char *mode = argc > 2 ? argv[2] : "pinned";
    int pin = strcmp(mode, "pinned") == 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (rounds <= 0 || cpus <= 0 || argc > 3 || (!pin && strcmp(mode, "unpinned") != 0)) {
        fprintf(stderr, "usage: smp_stress [ROUNDS > 0] [pinned|unpinned]; %ld CPUs online\n",
                cpus);
        return 2;
    }
    printf("stress: %ld workers, %d rounds each, %s\n", cpus, rounds, mode);
    fflush(stdout);
    int start[2];
    if (pipe(start) < 0) {
        perror("pipe");
        return 1;
    }
    pid_t workers[cpus];
    int failed = 0;
    for (int cpu = 0; cpu < cpus; cpu++) {
        workers[cpu] = fork();
        if (workers[cpu] < 0) {
            perror("fork");
            failed = 1;
        } else if (workers[cpu] == 0) {
            close(start[1]);
            _exit(worker(cpu, cpus, rounds, pin, start[0]));
        }
    }
    close(start[0]);
    close(start[1]); /* the workers' reads end: go */
    for (int cpu = 0; cpu < cpus; cpu++) {
        int status = 0;
        if (workers[cpu] <= 0)
            continue;
        if (waitpid(workers[cpu], &status, 0) != workers[cpu] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            printf("stress: worker %d failed (status %#x)\n", cpu, status);
            failed = 1;
        }
    }
    if (waitpid(-1, NULL, 0) != -1 || errno != ECHILD) {
        printf("stress: a child is left unreaped\n");
        failed = 1;
    }
    printf(failed ? "stress: FAILED\n" : "stress: ok\n");
    return failed;
}
