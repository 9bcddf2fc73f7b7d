/* pic.c - the two legacy 8259 interrupt controllers and IRQ dispatch.
 *
 * The PICs are remapped so that IRQ 0-15 arrive as vectors 32-47, above the CPU's
 * exceptions. Every IRQ starts masked; a driver unmasks its line when it is ready (irq_unmask,
 * ioapic.c, which leaves both PICs masked when an I/O APIC delivers the IRQs instead).
 */
#include "arch.h"
#include "x86.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

/* The lines masked, one bit each. Changed only by pic_init, pic_mask_all and pic_unmask, on
 * the boot CPU while drivers start. */
static uint16_t irq_mask = 0xffff;

static void pic_write_mask(void)
{
    outb(PIC1_DATA, irq_mask & 0xff);
    outb(PIC2_DATA, irq_mask >> 8);
}

void pic_init(void)
{
    outb(PIC1_COMMAND, 0x11); /* ICW1: initialise, expect ICW4 */
    outb(PIC2_COMMAND, 0x11);
    outb(PIC1_DATA, IRQ_BASE); /* ICW2: vector offsets */
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC1_DATA, 4); /* ICW3: the second PIC hangs off IRQ 2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 1); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 1);
    irq_mask = 0xffff & ~(1 << 2); /* keep the cascade line open */
    pic_write_mask();
}

/* Both PICs fully masked, the cascade line too: the I/O APIC has taken over. */
void pic_mask_all(void)
{
    irq_mask = 0xffff;
    pic_write_mask();
}

void pic_unmask(int irq)
{
    irq_mask &= ~(1 << irq);
    pic_write_mask();
}

void pic_end_of_interrupt(int irq)
{
    if (irq >= 8)
        outb(PIC2_COMMAND, PIC_EOI);
    outb(PIC1_COMMAND, PIC_EOI);
}

void keyboard_interrupt(void) __attribute__((weak));

const char *irq_device_name(int irq)
{
    switch (irq) {
    case IRQ_COM1:
        return "ttyS0";
    case IRQ_KEYBOARD:
        return "i8042";
    default:
        return "";
    }
}

/* Route an IRQ to its driver. */
void irq_dispatch(int irq)
{
    switch (irq) {
    case IRQ_COM1:
        serial_interrupt();
        break;
    case IRQ_KEYBOARD:
        if (keyboard_interrupt)
            keyboard_interrupt();
        break;
    default:
        break;
    }
}
