// syscall_fuzz.c - nest-only: children make many system calls with hostile arguments (null,
// -1, kernel and non-canonical addresses, the top of user space, random values). Each child
// may die or fail, but the kernel must neither crash nor get stuck, and must give back all
// it took. A call that blocks is ended by an interval timer (setitimer ITIMER_REAL, the
// timer alarm() sets, re-armed at 10 ms before every call: alarm's whole seconds would make
// the hundreds of pause() calls take minutes); its SIGALRM handler lets the child go on. A
// child that still does not finish in 2 s is killed, and one that SIGKILL cannot end within
// 5 s more fails the test. The children run in a directory of their own, emptied at the end.
// Usage: syscall_fuzz SEED ROUNDS CALLS. Prints "calls N" (calls made, counted in memory
// shared with the children). Run by tests/system/test_processes.py, which reads the free
// memory (MemFree + Slab) at the shell before and after.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORK_DIR "/tmp/syscall_fuzz"

/* Calls that would end or escape the test rather than probe the kernel: exiting, exec,
 * new processes (a fork bomb), signals to others (kill(-1) reaches the shell), reboot. */
static const long skipped[] = {
    SYS_exit, SYS_exit_group, SYS_reboot, SYS_kill, SYS_tkill, SYS_tgkill, SYS_execve,
    SYS_execveat, SYS_fork, SYS_vfork, SYS_clone, SYS_rt_sigreturn,
};

static volatile long *calls_made; /* shared with every child: a MAP_SHARED page */

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245 + 12345;
    return *state >> 8;
}

/* An argument value of the kind that breaks careless kernels. */
static long hostile(unsigned *state)
{
    unsigned r = next_random(state);
    switch (r % 8) {
    case 0: return 0;
    case 1: return -1;
    case 2: return r % 4096;
    case 3: return 0x7ffffffff000L - 8;       /* the last bytes of user space */
    case 4: return (long)0xffff800000000000UL; /* kernel: the direct map */
    case 5: return (long)0xffffffff80200000UL; /* kernel: its code */
    case 6: return 1;
    default: return ((long)r << 24) ^ r;       /* anything, often non-canonical */
    }
}

static int is_skipped(long nr)
{
    for (unsigned i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
        if (skipped[i] == nr)
            return 1;
    return 0;
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* SIGALRM interrupts a blocking call (no SA_RESTART) and returns to the loop. Restored now
 * and then: a fuzzed rt_sigaction or rt_sigprocmask may have changed it. */
static void arm_alarm_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alarm_only, NULL);
}

static void child(unsigned state, int calls)
{
    const struct itimerval ten_ms = {{0, 0}, {0, 10 * 1000}};
    int null = open("/dev/null", O_RDWR); /* what it writes to 1 and 2 is garbage */
    dup2(null, 1);
    dup2(null, 2);
    for (int i = 0; i < calls; i++) {
        if (i % 64 == 0)
            arm_alarm_handler();
        long nr = next_random(&state) % 340;
        long a[6];
        for (int k = 0; k < 6; k++)
            a[k] = hostile(&state);
        if (is_skipped(nr))
            continue;
        setitimer(ITIMER_REAL, &ten_ms, NULL);
        (*calls_made)++;
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    _exit(0);
}

/* Wait for pid, killing it after 2 s; 0 if it ended, -1 if even SIGKILL could not end it. */
static int reap(pid_t pid)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int waited = 0; waited < 700; waited++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return 0;
        if (waited == 200)
            kill(pid, SIGKILL);
        nanosleep(&tick, NULL);
    }
    return -1;
}

/* Remove what the children made in the work directory (files, empty directories). */
static void empty_work_dir(void)
{
    DIR *dir = opendir(".");
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
            if (unlink(entry->d_name) < 0)
                rmdir(entry->d_name);
    if (dir)
        closedir(dir);
}

/* Run ROUNDS children of CALLS calls each; 0, or -1 if a child could not be ended. */
static int run_rounds(unsigned seed, int rounds, int calls)
{
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        if (pid == 0)
            child(seed * 1000 + round, calls);
        if (pid < 0 || reap(pid) < 0) {
            printf("round %d: child %d could not be ended\n", round, pid);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned seed = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
    int rounds = argc > 2 ? atoi(argv[2]) : 100;
    int calls = argc > 3 ? atoi(argv[3]) : 500;
    calls_made = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *calls_made = 0; /* present before fork, so every child shares this very page */
    mkdir("/tmp", 0755);
    mkdir(WORK_DIR, 0755);
    if (chdir(WORK_DIR) < 0)
        return 2;
    int null = open("/dev/null", O_RDONLY); /* no terminal for the children to take or read */
    dup2(null, 0);
    empty_work_dir(); /* what an earlier run may have left */
    if (run_rounds(seed, rounds, calls) < 0)
        return 1;
    empty_work_dir();
    printf("calls %ld\n", *calls_made);
    printf("syscall_fuzz: %d rounds, kernel still standing\n", rounds);
    return 0;
}
