// syscall_fuzz.c - nest-only: children make thousands of system calls with hostile arguments
// (null, -1, kernel and non-canonical addresses, the top of user space, random values). Each
// child may die or fail, but the kernel must neither crash nor get stuck: a child that does
// not finish in 2 s is killed, and one that SIGKILL cannot end within 5 s more fails the test.
// Usage: syscall_fuzz SEED ROUNDS. Run by tests/system/test_processes.py.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Calls that would end or stall the test itself rather than probe the kernel. */
static const long skipped[] = {
    SYS_exit, SYS_exit_group, SYS_reboot, SYS_kill, SYS_tkill, SYS_tgkill, SYS_pause,
    SYS_rt_sigsuspend, SYS_nanosleep, SYS_clock_nanosleep, SYS_execve, SYS_fork, SYS_vfork,
    SYS_clone, SYS_wait4, SYS_rt_sigreturn, SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6,
    SYS_read, SYS_readv, SYS_pread64, SYS_futex,
};

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

static void child(unsigned state)
{
    for (int i = 0; i < 300; i++) {
        long nr = next_random(&state) % 340;
        if (!is_skipped(nr))
            syscall(nr, hostile(&state), hostile(&state), hostile(&state), hostile(&state),
                    hostile(&state), hostile(&state));
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

int main(int argc, char **argv)
{
    unsigned seed = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
    int rounds = argc > 2 ? atoi(argv[2]) : 100;
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        if (pid == 0)
            child(seed * 1000 + round);
        if (pid < 0 || reap(pid) < 0) {
            printf("round %d: child %d could not be ended\n", round, pid);
            return 1;
        }
    }
    printf("syscall_fuzz: %d rounds of 300 hostile calls, kernel still standing\n", rounds);
    return 0;
}
