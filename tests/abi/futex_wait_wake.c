/* futex_wait_wake.c - futex(2) between two processes through MAP_SHARED memory: a child
 * sleeping in FUTEX_WAIT is woken by its parent's FUTEX_WAKE (and only then sees the new
 * value), a wake counts the waiters it woke, a private futex in private memory is not
 * reachable from the other process, a bitset wake misses a waiter whose bits differ, and
 * the errors: EAGAIN for a changed word, ETIMEDOUT, EINTR for a signal, EINVAL for a
 * misaligned word or an empty bitset, ENOSYS for an unknown operation.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* From Linux's <linux/futex.h>, which musl-gcc cannot see. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *timeout,
                  uint32_t val3)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, val3);
}

static const char *result(long ret)
{
    static char text[32];
    if (ret >= 0) {
        snprintf(text, sizeof(text), "%ld", ret);
        return text;
    }
    switch (errno) {
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    default: snprintf(text, sizeof(text), "errno %d", errno); return text;
    }
}

/* Shared between parent and child: the futex word. */
struct shared {
    uint32_t word;
};

/* Wait until the child is asleep in the kernel (its /proc state is S). */
static void wait_until_sleeping(pid_t child)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", child);
    for (int i = 0; i < 10000; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof(buf) - 1, f);
            fclose(f);
            buf[n] = 0;
            char *close = strrchr(buf, ')');
            if (close && close[2] == 'S')
                return;
        }
        usleep(1000);
    }
    printf("child never slept\n");
}

/* A child sleeps on the shared word with wait_bits; the parent wakes it. The parent prints
 * only after the child has exited, so the lines come in one order on every kernel. */
static void wake_a_sleeping_child(struct shared *s, int wait_op, uint32_t wait_bits, int wake_op)
{
    s->word = 0;
    pid_t child = fork();
    if (child == 0) {
        long ret = futex(&s->word, wait_op, 0, NULL, wait_bits);
        printf("child: wait -> %s, word now %u\n", result(ret), s->word);
        _exit(0);
    }
    wait_until_sleeping(child);
    long missed = 0;
    if (wait_bits != FUTEX_BITSET_MATCH_ANY)
        missed = futex(&s->word, wake_op, 1, NULL, ~wait_bits);
    s->word = 1;
    long woken = futex(&s->word, wake_op, 10, NULL, FUTEX_BITSET_MATCH_ANY);
    int status;
    waitpid(child, &status, 0);
    if (wait_bits != FUTEX_BITSET_MATCH_ANY)
        printf("parent: wake with other bits -> %s\n", result(missed));
    printf("parent: wake -> %s\n", result(woken));
    printf("child exited %d\n", WEXITSTATUS(status));
}

static void on_signal(int sig) { (void)sig; }

int main(void)
{
    struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    setvbuf(stdout, NULL, _IONBF, 0);
    wake_a_sleeping_child(s, FUTEX_WAIT, FUTEX_BITSET_MATCH_ANY, FUTEX_WAKE);
    wake_a_sleeping_child(s, FUTEX_WAIT_BITSET, 0x1, FUTEX_WAKE_BITSET);

    uint32_t word = 5;
    printf("wait on a changed word -> %s\n", result(futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL, 0)));
    struct timespec short_time = {0, 20 * 1000 * 1000};
    printf("wait with a timeout -> %s\n",
           result(futex(&word, FUTEX_WAIT_PRIVATE, 5, &short_time, 0)));
    struct timespec past = {0, 1};
    printf("bitset wait with a past deadline -> %s\n",
           result(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &past, 1)));
    printf("wake nobody -> %s\n", result(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0)));
    printf("misaligned word -> %s\n",
           result(futex((uint32_t *)((char *)&word + 1), FUTEX_WAKE, 1, NULL, 0)));
    printf("empty bitset -> %s\n", result(futex(&word, FUTEX_WAIT_BITSET, 5, NULL, 0)));
    printf("unknown operation -> %s\n", result(futex(&word, 99, 0, NULL, 0)));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        wait_until_sleeping(parent);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    printf("wait interrupted by a signal -> %s\n",
           result(futex(&word, FUTEX_WAIT_PRIVATE, 5, NULL, 0)));
    waitpid(child, NULL, 0);
    return 0;
}
