/* apic.c - the local APIC: enabling it on each CPU and sending inter-processor interrupts.
 *
 * The boot CPU's APIC starts by passing the legacy PIC's interrupts on (LINT0 as ExtINT,
 * "virtual wire"), as on a PC without an I/O APIC; ioapic_init masks LINT0 again when an I/O
 * APIC delivers the devices' interrupts instead. The others' have LINT0 masked, so each device
 * interrupt reaches one CPU. The APIC timer is timer.c's.
 */
#include "apic.h"
#include "arch.h"
#include "mm.h"
#include "printk.h"
#include "spinlock.h"
#include "x86.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1UL << 11)
#define LVT_EXTINT (7U << 8)
#define LVT_NMI (4U << 8)
#define ICR_INIT (5U << 8)
#define ICR_STARTUP (6U << 8)
#define ICR_DELIVERY_PENDING (1U << 12)
#define ICR_LEVEL_ASSERT (1U << 14)
#define ICR_LEVEL_TRIGGERED (1U << 15)
#define ICR_WAIT_LIMIT 1000000 /* polls of the delivery status before giving up */

/* The registers, mapped by lapic_init on the boot CPU before any other CPU starts;
 * read-only afterwards. */
static volatile uint32_t *apic;

uint32_t lapic_read(uint32_t reg) { return apic[reg / 4]; }
void lapic_write(uint32_t reg, uint32_t value) { apic[reg / 4] = value; }

uint8_t lapic_id(void) { return lapic_read(APIC_ID) >> 24; }
void lapic_eoi(void) { lapic_write(APIC_EOI, 0); }

/* Enable this CPU's APIC: no priority threshold, errors and LINT0 as given, NMIs on LINT1. */
static void enable(uint32_t lint0)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    lapic_write(APIC_TPR, 0);
    lapic_write(APIC_LVT_LINT0, lint0);
    lapic_write(APIC_LVT_LINT1, LVT_NMI);
    lapic_write(APIC_LVT_ERROR, LVT_MASKED);
    lapic_write(APIC_SPURIOUS, APIC_SOFTWARE_ENABLE | VECTOR_SPURIOUS);
}

void lapic_init(void)
{
    apic = vm_map_physical(rdmsr(MSR_APIC_BASE) & ~0xfffUL, PAGE_SIZE);
    if (!apic)
        panic("apic: cannot map the local APIC");
    enable(LVT_EXTINT);
}

void lapic_init_ap(void)
{
    enable(LVT_MASKED);
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER); /* parked CPUs take no ticks */
}

/* Write the interrupt command register and wait until the APIC has sent the message. */
static bool send_ipi(uint8_t apic_id, uint32_t command)
{
    lapic_write(APIC_ICR_HIGH, (uint32_t)apic_id << 24);
    lapic_write(APIC_ICR_LOW, command);
    for (int i = 0; i < ICR_WAIT_LIMIT; i++)
        if (!(lapic_read(APIC_ICR_LOW) & ICR_DELIVERY_PENDING))
            return true;
    return false;
}

/* INIT resets the CPU into the wait-for-STARTUP state: asserted, then de-asserted (needed
 * only by old discrete APICs, harmless on the rest). */
bool lapic_send_init(uint8_t apic_id)
{
    return send_ipi(apic_id, ICR_INIT | ICR_LEVEL_ASSERT | ICR_LEVEL_TRIGGERED) &&
           send_ipi(apic_id, ICR_INIT | ICR_LEVEL_TRIGGERED);
}

bool lapic_send_ipi(uint8_t apic_id, uint8_t vector)
{
    push_off(); /* an interrupt handler's IPI between the two writes would change the target */
    bool sent = send_ipi(apic_id, ICR_LEVEL_ASSERT | vector);
    pop_off();
    return sent;
}

/* STARTUP: the CPU starts in real mode at page * 4096 (CS = page << 8, IP = 0). */
bool lapic_send_startup(uint8_t apic_id, uint8_t page)
{
    return send_ipi(apic_id, ICR_STARTUP | ICR_LEVEL_ASSERT | page);
}
