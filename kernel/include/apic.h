/* apic.h - the local APIC, each CPU's own interrupt controller (kernel/arch/x86_64/apic.c).
 *
 * Register offsets within its 4 KiB page, from the Intel SDM vol. 3, chapter 11. Every CPU
 * reaches its own local APIC at the same address, so one mapping serves them all.
 */
#ifndef NEST_APIC_H
#define NEST_APIC_H

#include "types.h"

#define APIC_ID 0x020 /* bits 24-31: this CPU's APIC id */
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SPURIOUS 0x0f0
#define APIC_SOFTWARE_ENABLE (1U << 8)
#define APIC_ICR_LOW 0x300 /* writing it sends an inter-processor interrupt */
#define APIC_ICR_HIGH 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1U << 16)

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
void lapic_init(void);    /* boot CPU: map, enable, the PIC's interrupts through LINT0 */
void lapic_init_ap(void); /* another CPU: enable, LINT0 and the timer masked */
uint8_t lapic_id(void);   /* this CPU's APIC id */
void lapic_eoi(void);     /* end of the interrupt being handled */
/* Send INIT, or STARTUP at physical address page * 4096, to one CPU; false if the APIC
 * never reported the message delivered. */
bool lapic_send_init(uint8_t apic_id);
bool lapic_send_startup(uint8_t apic_id, uint8_t page);
/* Send interrupt vector to one CPU (fixed delivery); false if it was never delivered. */
bool lapic_send_ipi(uint8_t apic_id, uint8_t vector);

#endif
