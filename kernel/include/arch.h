/* arch.h - the machine-dependent services the rest of the kernel calls
 * (kernel/arch/x86_64/: serial, interrupt controller, timer, power).
 */
#ifndef NEST_ARCH_H
#define NEST_ARCH_H

#include "types.h"

struct trap_frame;

#define IRQ_BASE 32 /* ISA IRQ n arrives as vector IRQ_BASE + n (from the PIC or I/O APIC) */
#define IRQ_COUNT 16 /* the ISA IRQs, 0-15 */
#define VECTOR_TIMER 48     /* the local APIC timer, just above the PIC's vectors */
#define VECTOR_IPI_RESCHEDULE 49 /* another CPU gave this one work (smp_reschedule) */
#define VECTOR_IPI_TLB 50   /* another CPU changed a mapping this one may cache (vm.c) */
#define VECTOR_SPURIOUS 255 /* the local APIC's spurious interrupt */
#define IRQ_KEYBOARD 1
#define IRQ_COM1 4

void serial_init(void);
void serial_write(const char *text, size_t len);
void serial_enable_input(void);
void serial_interrupt(void);

/* The legacy 8259 PICs (pic.c): remapped at boot and used when there is no I/O APIC. */
void pic_init(void);
void pic_mask_all(void);
void pic_unmask(int irq);
void pic_end_of_interrupt(int irq);
void irq_dispatch(int irq);          /* run the driver of ISA IRQ irq */
const char *irq_device_name(int irq); /* its driver's name, as /proc/interrupts shows it */

/* Device interrupts, through whichever controller delivers them (ioapic.c). */
void ioapic_init(void); /* after lapic_init: route through the I/O APIC if the MADT has one */
void irq_unmask(int irq); /* a driver is ready for ISA IRQ irq */
void irq_end_of_interrupt(int irq);
struct irq_description {
    const char *controller; /* "IO-APIC" or "XT-PIC", as Linux names them */
    uint32_t input;         /* the controller's input: the GSI, or the PIC's line */
    const char *trigger;    /* "edge", or "fasteoi" (level-triggered) as Linux says */
};
/* How IRQ irq is delivered; false if no driver has unmasked it. */
bool irq_describe(int irq, struct irq_description *d);

/* The clock reads nanoseconds from the TSC; the one-shot timer (the local APIC's) interrupts
 * at a deadline on that clock. The scheduler's slice tick runs HZ times a second, and only
 * while a process runs; user space counts USER_HZ clock ticks a second. */
#define HZ 1000     /* slice ticks a second while a process runs */
#define USER_HZ 100 /* clock ticks as user space counts them (times, /proc, AT_CLKTCK) */
#define NS_TO_CLOCK_T(ns) ((ns) / (1000000000UL / USER_HZ))
void timer_init(void);
void timer_init_cpu(void); /* another CPU: its APIC timer as the boot CPU's */
uint64_t clock_monotonic_ns(void);
void timer_hardware_program(uint64_t deadline); /* interrupt at this monotonic ns; 0: none */
extern uint64_t tsc_khz;
extern uint64_t boot_epoch_seconds; /* wall-clock time at boot, from the CMOS clock */
void timer_interrupt(void);

void trap_handler(struct trap_frame *tf);

void power_init(void); /* after acpi_init (acpi.h) */
__noreturn void machine_power_off(void);
__noreturn void machine_reboot(void);

/* Backtraces (backtrace.c) follow the frame-pointer chain from a frame's rbp. */
#define BACKTRACE_MAX 32 /* frames a panic prints */
void backtrace_from(uint64_t rbp); /* print the chain, at most BACKTRACE_MAX frames */
int backtrace_save(uint64_t rbp, uint64_t *addresses, int max);
void backtrace_print(const uint64_t *addresses, int n);
const char *symbol_for(uint64_t address, uint64_t *offset);

/* The console tty receives every input byte (kernel/fs/tty.c). */
void tty_input_byte(char c);

#endif
