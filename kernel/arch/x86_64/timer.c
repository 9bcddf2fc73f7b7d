/* timer.c - the tick and the clock.
 *
 * The PIT (8254) interrupts HZ times a second; each tick advances jiffies, wakes sleepers
 * whose deadline has passed and lets the scheduler policy account the running process. The
 * monotonic clock reads the TSC, whose rate is measured against the PIT once at boot.
 */
#include "arch.h"
#include "printk.h"
#include "sched.h"
#include "x86.h"

#define PIT_FREQUENCY 1193182
#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE 0x61

volatile uint64_t jiffies;
static uint64_t tsc_at_boot;
static uint64_t tsc_per_ms;
uint64_t tsc_khz;

/* Count TSC cycles during 10 ms measured by PIT channel 2 in one-shot mode. */
static uint64_t measure_tsc_per_ms(void)
{
    const uint16_t count = PIT_FREQUENCY / 100; /* 10 ms */
    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_COMMAND, 0xb0);                          /* channel 2, lo/hi, mode 0 */
    outb(PIT_CHANNEL2, count & 0xff);
    outb(PIT_CHANNEL2, count >> 8);
    uint64_t start = rdtsc();
    while (!(inb(PIT_GATE) & 0x20)) /* output goes high when the count reaches zero */
        ;
    return (rdtsc() - start) / 10;
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
    tsc_per_ms = measure_tsc_per_ms();
    if (tsc_per_ms == 0)
        tsc_per_ms = 1000000; /* no usable TSC measure: assume 1 GHz rather than divide by 0 */
    tsc_khz = tsc_per_ms;
    tsc_at_boot = rdtsc();

    uint16_t divisor = PIT_FREQUENCY / HZ;
    outb(PIT_COMMAND, 0x34); /* channel 0, lo/hi, mode 2 (rate generator) */
    outb(PIT_CHANNEL0, divisor & 0xff);
    outb(PIT_CHANNEL0, divisor >> 8);
    irq_unmask(IRQ_TIMER);
    pr_info("timer: PIT at %d Hz, TSC %lu.%03lu MHz\n", HZ, tsc_per_ms / 1000, tsc_per_ms % 1000);
}

/* Nanoseconds since timer_init(), from the TSC. */
uint64_t clock_monotonic_ns(void)
{
    uint64_t cycles = rdtsc() - tsc_at_boot;
    /* Split to avoid overflow: whole milliseconds, then the remainder. */
    return (cycles / tsc_per_ms) * 1000000 + (cycles % tsc_per_ms) * 1000000 / tsc_per_ms;
}

/* IRQ 0. */
void timer_interrupt(void)
{
    jiffies++;
    sched_tick();
}
