/* ioapic.c - the I/O APIC, which takes device interrupts to the CPUs, and the choice between
 * it and the legacy PICs (pic.c).
 *
 * When the MADT lists an I/O APIC, each ISA IRQ a driver unmasks is routed to the boot CPU
 * at vector IRQ_BASE + irq, through the input (global system interrupt) and with the polarity
 * and trigger mode the MADT's overrides give; both PICs and the boot CPU's LINT0 are masked
 * and interrupts end at the local APIC. Without one, the PICs deliver through LINT0 as before.
 * Registers: the Intel 82093AA I/O APIC datasheet.
 */
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "mm.h"
#include "printk.h"
#include "x86.h"

#define IOREGSEL 0x00 /* byte offsets of the two registers every access goes through */
#define IOWIN 0x10
#define IOAPIC_VERSION 0x01    /* bits 16-23: the highest redirection entry's index */
#define IOAPIC_REDIRECTION 0x10 /* entry n: registers 0x10 + 2n (low half) and 0x11 + 2n */
#define ENTRY_ACTIVE_LOW (1U << 13)
#define ENTRY_LEVEL (1U << 15)
#define ENTRY_MASKED (1U << 16)

struct ioapic {
    volatile uint32_t *registers;
    uint32_t gsi_base; /* the GSI of its input 0 */
    int inputs;        /* redirection entries */
};

/* Set by ioapic_init on the boot CPU before interrupts are first enabled; read-only after. */
static struct ioapic ioapics[MADT_MAX_IOAPICS];
static int ioapic_count;
static bool routing;     /* the I/O APICs deliver the ISA IRQs, and the PICs are masked */
static uint8_t boot_cpu; /* the APIC id every device interrupt goes to */

/* The ISA IRQs drivers have unmasked, and where each arrives. Written by irq_unmask (drivers'
 * initialisation, on the boot CPU), read by /proc/interrupts. */
static bool unmasked[IRQ_COUNT];
static struct isa_irq_route isa_routes[IRQ_COUNT];

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
    io->registers[IOREGSEL / 4] = reg;
    return io->registers[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
    io->registers[IOREGSEL / 4] = reg;
    io->registers[IOWIN / 4] = value;
}

/* The I/O APIC that has this GSI as an input, or NULL. */
static struct ioapic *ioapic_for(uint32_t gsi)
{
    for (int i = 0; i < ioapic_count; i++)
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < (uint32_t)ioapics[i].inputs)
            return &ioapics[i];
    return NULL;
}

static void mask_all_inputs(const struct ioapic *io)
{
    for (int n = 0; n < io->inputs; n++) {
        ioapic_write(io, IOAPIC_REDIRECTION + 2 * n, ENTRY_MASKED);
        ioapic_write(io, IOAPIC_REDIRECTION + 2 * n + 1, 0);
    }
}

void ioapic_init(void)
{
    for (int i = 0; i < acpi_madt.ioapic_count; i++) {
        const struct madt_ioapic *m = &acpi_madt.ioapics[i];
        volatile uint32_t *registers = vm_map_physical(m->address, PAGE_SIZE);
        if (!registers) {
            pr_warn("ioapic: cannot map I/O APIC %u at %#x\n", m->id, m->address);
            continue;
        }
        struct ioapic *io = &ioapics[ioapic_count++];
        *io = (struct ioapic){registers, m->gsi_base, 0};
        io->inputs = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
        mask_all_inputs(io);
    }
    if (ioapic_count == 0)
        return; /* the PICs go on delivering through the boot CPU's LINT0 */
    boot_cpu = lapic_id();
    pic_mask_all();
    lapic_write(APIC_LVT_LINT0, LVT_MASKED);
    routing = true;
    const struct ioapic *first = &ioapics[0];
    pr_info("ioapic: %d I/O APIC%s (GSI %u-%u): routing IRQs to cpu0 (APIC id %u); PIC masked\n",
            ioapic_count, ioapic_count == 1 ? "" : "s", first->gsi_base,
            ioapics[ioapic_count - 1].gsi_base + ioapics[ioapic_count - 1].inputs - 1, boot_cpu);
}

/* Deliver ISA IRQ irq to the boot CPU as vector IRQ_BASE + irq (fixed delivery, physical
 * destination). */
static void route(int irq)
{
    struct isa_irq_route r = madt_isa_route(&acpi_madt, irq);
    struct ioapic *io = ioapic_for(r.gsi);
    if (!io) {
        pr_warn("ioapic: IRQ %d arrives at GSI %u, which no I/O APIC has\n", irq, r.gsi);
        return;
    }
    uint32_t n = r.gsi - io->gsi_base;
    uint32_t low = (IRQ_BASE + irq) | (r.active_low ? ENTRY_ACTIVE_LOW : 0) |
                   (r.level ? ENTRY_LEVEL : 0);
    ioapic_write(io, IOAPIC_REDIRECTION + 2 * n + 1, (uint32_t)boot_cpu << 24);
    ioapic_write(io, IOAPIC_REDIRECTION + 2 * n, low); /* unmasked last, complete */
    isa_routes[irq] = r;
}

void irq_unmask(int irq)
{
    if (routing)
        route(irq);
    else
        pic_unmask(irq);
    unmasked[irq] = true;
}

void irq_end_of_interrupt(int irq)
{
    if (routing)
        lapic_eoi();
    else
        pic_end_of_interrupt(irq);
}

bool irq_describe(int irq, struct irq_description *d)
{
    if (irq < 0 || irq >= IRQ_COUNT || !unmasked[irq])
        return false;
    d->controller = routing ? "IO-APIC" : "XT-PIC";
    d->input = routing ? isa_routes[irq].gsi : (uint32_t)irq;
    d->trigger = routing && isa_routes[irq].level ? "fasteoi" : "edge";
    return true;
}
