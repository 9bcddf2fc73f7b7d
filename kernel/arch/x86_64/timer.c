/* timer.c - the clock and the one-shot timer.
 *
 * The monotonic clock reads the TSC. The timer is the local APIC's: in TSC-deadline mode
 * where the CPU has it (it interrupts when the TSC reaches a value), otherwise in one-shot
 * mode (it counts down from a value). Either way it is armed for one deadline at a time,
 * the earliest in the timer queue (kernel/proc/timer.c), and is idle when nothing is due.
 * The PIT (8254) serves only to measure the TSC's rate at boot; the APIC timer's is measured
 * against the TSC.
 */
#include "apic.h"
#include "arch.h"
#include "cpu.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"
#include "x86.h"

#define PIT_FREQUENCY 1193182
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE 0x61

#define MSR_TSC_DEADLINE 0x6e0
#define APIC_DIVIDE_BY_1 0xb
#define LVT_ONE_SHOT (0U << 17)
#define LVT_TSC_DEADLINE (2U << 17)
#define CPUID_TSC_DEADLINE (1U << 24) /* leaf 1, ecx */

static bool tsc_deadline_mode;      /* the CPU has the TSC-deadline timer */
static uint64_t apic_ticks_per_ms;  /* the APIC timer's count rate (one-shot mode) */
static uint64_t tsc_at_boot;
static uint64_t tsc_per_ms;
/* Nanoseconds per TSC cycle in 32.32 fixed point, rounded up (so the clock never runs behind
 * the exact ratio, which timer deadlines use): clock_monotonic_ns multiplies by it instead
 * of dividing, as Linux's clocksources do (a division is a slow helper call under TCG, and
 * the clock is read at every kernel entry and exit). 0 until timer_init. */
static uint64_t ns_per_cycle_q32;
uint64_t tsc_khz;

/* A counter's value and the TSC at the same moment: of a few tries, the one whose two TSC
 * reads around it are closest, so that a pause of the (virtual) CPU in between cannot
 * skew the measure. */
struct sample {
    uint64_t tsc;
    uint32_t value;
};

static struct sample sample_counter(uint32_t (*read)(void))
{
    struct sample best = {0, 0};
    uint64_t narrowest = UINT64_MAX;
    for (int try = 0; try < 8; try++) {
        uint64_t before = rdtsc();
        uint32_t value = read();
        uint64_t after = rdtsc();
        if (after - before < narrowest) {
            narrowest = after - before;
            best = (struct sample){before + (after - before) / 2, value};
        }
    }
    return best;
}

static uint32_t pit_channel2_count(void)
{
    outb(PIT_COMMAND, 0x80); /* latch channel 2's count */
    uint32_t low = inb(PIT_CHANNEL2);
    return low | (uint32_t)inb(PIT_CHANNEL2) << 8;
}

static uint32_t apic_timer_count(void) { return lapic_read(APIC_TIMER_CURRENT); }

#define PIT_CALIBRATION_COUNTS 40000 /* 33.5 ms of the PIT's 65535-count (55 ms) one shot */

/* Measure the TSC's rate against PIT channel 2 counting down once from 65535, and the APIC
 * timer's against the TSC (its interrupt masked meanwhile). false if the PIT ran out before
 * the end sample (the CPU was away too long): then measure again. */
static bool measure_rates_once(void)
{
    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) & ~0x01); /* gate off, speaker off */
    outb(PIT_COMMAND, 0xb0);                           /* channel 2, lo/hi, mode 0 */
    outb(PIT_CHANNEL2, 0xff);
    outb(PIT_CHANNEL2, 0xff);
    outb(PIT_GATE, inb(PIT_GATE) | 0x01); /* gate on: counting starts */
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | LVT_ONE_SHOT | VECTOR_TIMER);
    lapic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
    lapic_write(APIC_TIMER_INITIAL, 0xffffffff);
    struct sample pit_start = sample_counter(pit_channel2_count);
    struct sample apic_start = sample_counter(apic_timer_count);
    while (pit_start.value - pit_channel2_count() < PIT_CALIBRATION_COUNTS &&
           !(inb(PIT_GATE) & 0x20)) /* output high: the count ran out */
        ;
    struct sample pit_end = sample_counter(pit_channel2_count);
    struct sample apic_end = sample_counter(apic_timer_count);
    bool ran_out = inb(PIT_GATE) & 0x20;
    lapic_write(APIC_TIMER_INITIAL, 0);
    uint64_t counts = pit_start.value - pit_end.value;
    if (ran_out || counts == 0 || apic_end.tsc == apic_start.tsc)
        return false;
    tsc_per_ms = (pit_end.tsc - pit_start.tsc) * PIT_FREQUENCY / (counts * 1000);
    apic_ticks_per_ms = (uint64_t)(apic_start.value - apic_end.value) * tsc_per_ms /
                        (apic_end.tsc - apic_start.tsc);
    return true;
}

static void measure_rates(void)
{
    for (int try = 0; try < 5; try++)
        if (measure_rates_once())
            return;
    pr_warn("timer: the PIT measure kept failing; the clock may run fast or slow\n");
}

uint64_t boot_epoch_seconds;

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static unsigned from_bcd(uint8_t v, bool bcd)
{
    return bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned year, unsigned month, unsigned day)
{
    static const unsigned before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    uint64_t days = (year - 1970) * 365UL + before_month[(month - 1) % 12] + day - 1;
    for (unsigned y = 1970; y < year; y++)
        days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    if (month > 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
        days++;
    return days;
}

/* Read the CMOS real-time clock once: CLOCK_REALTIME counts from here. */
static void read_wall_clock(void)
{
    while (cmos_read(0x0a) & 0x80)
        ; /* an update is in progress */
    bool bcd = !(cmos_read(0x0b) & 0x04);
    unsigned sec = from_bcd(cmos_read(0x00), bcd), min = from_bcd(cmos_read(0x02), bcd);
    unsigned hour = from_bcd(cmos_read(0x04) & 0x7f, bcd), day = from_bcd(cmos_read(0x07), bcd);
    unsigned month = from_bcd(cmos_read(0x08), bcd), year = from_bcd(cmos_read(0x09), bcd) + 2000;
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return;
    boot_epoch_seconds = days_since_epoch(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void timer_init(void)
{
    read_wall_clock();
    measure_rates();
    if (tsc_per_ms == 0)
        tsc_per_ms = 1000000; /* no usable TSC measure: assume 1 GHz rather than divide by 0 */
    if (apic_ticks_per_ms == 0)
        apic_ticks_per_ms = 1000000;
    tsc_khz = tsc_per_ms;
    tsc_at_boot = rdtsc();
    ns_per_cycle_q32 = ((1000000ULL << 32) + tsc_per_ms - 1) / tsc_per_ms;
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    tsc_deadline_mode = c & CPUID_TSC_DEADLINE;
    list_init(&this_cpu()->timers);
    timer_init_cpu();
    if (tsc_deadline_mode)
        pr_info("timer: local APIC, TSC-deadline mode; TSC %lu.%03lu MHz\n", tsc_per_ms / 1000,
                tsc_per_ms % 1000);
    else
        pr_info("timer: local APIC, one-shot at %lu.%03lu MHz; TSC %lu.%03lu MHz\n",
                apic_ticks_per_ms / 1000, apic_ticks_per_ms % 1000, tsc_per_ms / 1000,
                tsc_per_ms % 1000);
}

/* This CPU's APIC timer in the mode timer_init chose, at the rate it measured on the boot
 * CPU (every CPU's APIC timer counts the same bus clock). */
void timer_init_cpu(void)
{
    lapic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
    lapic_write(APIC_LVT_TIMER, (tsc_deadline_mode ? LVT_TSC_DEADLINE : LVT_ONE_SHOT) | VECTOR_TIMER);
}

/* Nanoseconds since timer_init(), from the TSC. */
__hot uint64_t clock_monotonic_ns(void)
{
    if (ns_per_cycle_q32 == 0)
        return 0; /* not measured yet: the boot's first messages are at time 0 */
    uint64_t cycles = rdtsc() - tsc_at_boot;
    return (uint64_t)(((unsigned __int128)cycles * ns_per_cycle_q32) >> 32);
}

/* ns (at most a second here) as ticks of a clock running at per_ms a millisecond, rounded
 * up: a timer must not go off before its deadline. */
static uint64_t ns_to_ticks_ceil(uint64_t ns, uint64_t per_ms)
{
    return (ns * per_ms + 999999) / 1000000;
}

/* The TSC value at which clock_monotonic_ns() reaches ns, or just after. */
static uint64_t tsc_at(uint64_t ns)
{
    return tsc_at_boot + ns / 1000000 * tsc_per_ms + ns_to_ticks_ceil(ns % 1000000, tsc_per_ms);
}

void timer_hardware_program(uint64_t deadline)
{
    if (deadline == this_cpu()->timer_armed)
        return; /* each write to the APIC is slow under virtualisation */
    this_cpu()->timer_armed = deadline;
    if (tsc_deadline_mode) {
        wrmsr(MSR_TSC_DEADLINE, deadline ? tsc_at(deadline) : 0); /* 0 disarms */
        return;
    }
    if (!deadline) {
        lapic_write(APIC_TIMER_INITIAL, 0); /* 0 stops the count */
        return;
    }
    uint64_t now = clock_monotonic_ns();
    uint64_t delay = deadline > now ? deadline - now : 0;
    /* Further than a second (or than the counter reaches): go off early, be re-armed. */
    uint64_t count = ns_to_ticks_ceil(MIN(delay, (uint64_t)NSEC_PER_SEC), apic_ticks_per_ms);
    lapic_write(APIC_TIMER_INITIAL, (uint32_t)MAX(MIN(count, 0xffffffffUL), 1UL));
}

/* The APIC timer's interrupt: run the timer queue, which arms the timer again. */
void timer_interrupt(void)
{
    this_cpu()->timer_armed = 0; /* it went off: armed for nothing now */
    this_cpu()->timer_interrupts++;
    timer_queue_run();
    lapic_eoi();
}
