// SOURCES: tests/unit/lockcheck_host.c kernel/lib/string.c kernel/lib/printk.c
/* test_lockcheck.c - the lock checker's rules (kernel/lib/lockcheck.c): locks taken in rank
 * order and released in any order pass; an inversion, a sleep with a spinlock held or after
 * push_off, and a release by a CPU that does not hold the lock are reported with the locks'
 * names and both stacks. A report panics: here panic() jumps back to the case's runner, which
 * starts the next case with a fresh checker. Stacks are faked: each is one "site" number that
 * the case sets before the call, so a report shows which call each stack belongs to.
 */
/* Only ISO C from the host's library: its POSIX sigset_t and timeval would clash with the
 * kernel's (cpu.h includes timer.h). */
#define _ISOC11_SOURCE
#define NEST_LOCKCHECK

#include "unit.h"

#include <setjmp.h>

#include "cpu.h"
#include "lockcheck.h"
#include "printk.h"
#include "spinlock.h"

struct cpu cpu0; /* this_cpu() on the host */

void lockcheck_host_reset(void); /* lockcheck_host.c */

static uint64_t site; /* the fake stack of the next call into the checker */

int backtrace_save(uint64_t rbp, uint64_t *addresses, int max)
{
    addresses[0] = site;
    return 1;
}

void backtrace_print(const uint64_t *addresses, int n)
{
    for (int i = 0; i < n; i++)
        printk("  site %lu\n", addresses[i]);
}

/* What the case printed, and where panic() goes back to. */
static char output[8192];
static size_t output_length;
static jmp_buf panic_jump;

static void append(const char *text)
{
    size_t n = MIN(strlen(text), sizeof(output) - 1 - output_length);
    memcpy(output + output_length, text, n);
    output_length += n;
}

int printk(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    append(line[0] == '\001' && line[1] ? line + 2 : line); /* without the level marker */
    return n;
}

__noreturn void panic(const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    append("panic: ");
    append(message);
    append("\n");
    longjmp(panic_jump, 1);
}

/* spinlock.c's bookkeeping without its cli and sti, which a host process may not run. */
void spin_lock(struct spinlock *l)
{
    this_cpu()->preempt_count++;
    lockcheck_acquire(l);
    l->locked = 1;
    l->owner = this_cpu();
}

void spin_unlock(struct spinlock *l)
{
    if (!(l->locked && l->owner == this_cpu()))
        lockcheck_bad_release(l);
    lockcheck_release(l);
    l->owner = NULL;
    l->locked = 0;
    this_cpu()->preempt_count--;
}

void might_sleep(void)
{
    lockcheck_sleep();
}

static struct spinlock tty = SPINLOCK_INIT("tty", RANK_TTY);
static struct spinlock signals = SPINLOCK_INIT("signals", RANK_SIGNAL);
static struct spinlock queue_a = SPINLOCK_INIT("queue_a", RANK_WAIT_QUEUE);
static struct spinlock queue_b = SPINLOCK_INIT("queue_b", RANK_WAIT_QUEUE);
static struct spinlock sched = SPINLOCK_INIT("sched", RANK_SCHED);
static struct spinlock timers = SPINLOCK_INIT("timers", RANK_TIMER);

static struct spinlock *const all_locks[] = {&tty, &signals, &queue_a, &queue_b, &sched, &timers};

struct outcome {
    bool panicked;
    const char *text; /* what it printed */
};

/* Run one case from a fresh start: no lock held, nothing reported yet, on cpu0. */
static void run_case(void (*body)(void), struct outcome *out)
{
    lockcheck_host_reset();
    memset(&cpu0, 0, sizeof(cpu0));
    for (size_t i = 0; i < ARRAY_SIZE(all_locks); i++) {
        all_locks[i]->locked = 0;
        all_locks[i]->owner = NULL;
    }
    site = 0;
    output_length = 0;
    if (setjmp(panic_jump) == 0) {
        body();
        out->panicked = false;
    } else {
        out->panicked = true;
    }
    output[output_length] = 0;
    out->text = output;
}

static bool contains(const char *s, const char *text)
{
    for (; *s; s++)
        if (strncmp(s, text, strlen(text)) == 0)
            return true;
    return false;
}

#define CHECK_SAYS(out, expected)                                                          \
    do {                                                                                   \
        if (!contains((out)->text, expected)) {                                            \
            printf("  %s:%d: expected \"%s\" in:\n%s\n", __FILE__, __LINE__, expected,     \
                   (out)->text);                                                           \
            unit_failed_checks++;                                                          \
        }                                                                                  \
    } while (0)

static void check_silent(const struct outcome *out)
{
    CHECK(!out->panicked);
    CHECK_EQ(strlen(out->text), 0);
    if (out->text[0])
        printf("  it printed:\n%s\n", out->text);
}

static void take_in_order_release_in_any_order(void)
{
    spin_lock(&tty);
    spin_lock(&sched);
    spin_lock(&timers);
    spin_unlock(&sched); /* out of order */
    spin_unlock(&timers);
    spin_lock(&signals);
    spin_unlock(&signals);
    spin_unlock(&tty);
    spin_lock(&queue_a); /* nothing held any more: any lock may come first */
    spin_lock(&timers);
    spin_unlock(&timers);
    spin_unlock(&queue_a);
    might_sleep();
}

TEST(locks_in_rank_order_released_in_any_order_are_not_reported)
{
    struct outcome out;
    run_case(take_in_order_release_in_any_order, &out);
    check_silent(&out);
}

static void take_against_the_order(void)
{
    site = 1;
    spin_lock(&timers);
    site = 2;
    spin_lock(&sched);
}

TEST(an_inversion_names_both_locks_and_prints_both_stacks)
{
    struct outcome out;
    run_case(take_against_the_order, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "lockcheck: lock order inversion on cpu0: taking sched (rank 50) while "
                     "holding timers (rank 60)");
    CHECK_SAYS(&out, "lockcheck: timers (rank 60) was taken at:\n  site 1\n");
    CHECK_SAYS(&out, "lockcheck: sched (rank 50) is being taken at:\n  site 2\n");
    CHECK_SAYS(&out, "panic: lockcheck: lock order inversion");
}

static void take_two_of_one_rank(void)
{
    spin_lock(&queue_a);
    spin_lock(&queue_b);
}

TEST(two_locks_of_one_rank_held_together_are_an_inversion)
{
    struct outcome out;
    run_case(take_two_of_one_rank, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "taking queue_b (rank 40) while holding queue_a (rank 40): two locks of "
                     "one rank are never held together");
}

static void release_out_of_order_then_invert(void)
{
    spin_lock(&tty);
    site = 1;
    spin_lock(&sched);
    spin_lock(&timers);
    spin_unlock(&tty); /* leaves sched, then timers */
    site = 2;
    spin_lock(&signals);
}

TEST(an_out_of_order_release_keeps_the_rest_checked)
{
    struct outcome out;
    run_case(release_out_of_order_then_invert, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "taking signals (rank 20) while holding sched (rank 50)");
    CHECK_SAYS(&out, "sched (rank 50) was taken at:\n  site 1\n");
}

static void sleep_holding_a_spinlock(void)
{
    site = 1;
    spin_lock(&tty);
    site = 2;
    spin_lock(&sched);
    site = 3;
    might_sleep();
}

TEST(a_sleep_with_spinlocks_held_names_each_with_its_stack)
{
    struct outcome out;
    run_case(sleep_holding_a_spinlock, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "lockcheck: sleeping call on cpu0 while holding 2 spinlocks");
    CHECK_SAYS(&out, "tty (rank 10) was taken at:\n  site 1\n");
    CHECK_SAYS(&out, "sched (rank 50) was taken at:\n  site 2\n");
    CHECK_SAYS(&out, "the sleeping call is at:\n  site 3\n");
    CHECK_SAYS(&out, "panic: lockcheck: sleeping call while holding sched (rank 50)");
}

static void sleep_after_push_off(void)
{
    this_cpu()->preempt_count = 1; /* what push_off() leaves */
    might_sleep();
}

TEST(a_sleep_with_interrupts_off_by_push_off_is_reported)
{
    struct outcome out;
    run_case(sleep_after_push_off, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "panic: lockcheck: sleeping call with interrupts off (push_off without "
                     "pop_off)");
}

static void release_twice(void)
{
    spin_lock(&tty);
    spin_unlock(&tty);
    site = 2;
    spin_unlock(&tty);
}

TEST(a_release_of_a_lock_no_cpu_holds_is_reported)
{
    struct outcome out;
    run_case(release_twice, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "lockcheck: cpu0 releases tty (rank 10), which no CPU holds");
    CHECK_SAYS(&out, "and is released at:\n  site 2\n");
    CHECK_SAYS(&out, "panic: lockcheck: tty released by cpu0, which does not hold it");
}

/* cpu0 takes the lock; then this CPU becomes cpu1 and the lock's owner a struct cpu with
 * index 0, as if cpu1 released what cpu0 holds. */
static void release_what_another_cpu_holds(void)
{
    static struct cpu other; /* index 0: cpu0's records are the holder's */
    site = 1;
    spin_lock(&sched);
    this_cpu()->index = 1;
    sched.owner = &other;
    site = 2;
    spin_unlock(&sched);
}

TEST(a_release_of_a_lock_another_cpu_holds_prints_the_holders_stack)
{
    struct outcome out;
    run_case(release_what_another_cpu_holds, &out);
    CHECK(out.panicked);
    CHECK_SAYS(&out, "cpu1 releases sched (rank 50), which cpu0 holds; cpu0 took it at:\n"
                     "  site 1\n");
    CHECK_SAYS(&out, "and is released at:\n  site 2\n");
}

int main(void)
{
    RUN(locks_in_rank_order_released_in_any_order_are_not_reported);
    RUN(an_inversion_names_both_locks_and_prints_both_stacks);
    RUN(two_locks_of_one_rank_held_together_are_an_inversion);
    RUN(an_out_of_order_release_keeps_the_rest_checked);
    RUN(a_sleep_with_spinlocks_held_names_each_with_its_stack);
    RUN(a_sleep_with_interrupts_off_by_push_off_is_reported);
    RUN(a_release_of_a_lock_no_cpu_holds_is_reported);
    RUN(a_release_of_a_lock_another_cpu_holds_prints_the_holders_stack);
    UNIT_EXIT();
}
