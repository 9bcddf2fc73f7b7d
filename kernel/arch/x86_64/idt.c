/* idt.c - the interrupt descriptor table and the C side of every trap.
 *
 * trap_handler() is called by trap.S with the saved registers. Exceptions in user mode
 * become signals for the process; exceptions in kernel mode are bugs and end in a panic
 * report. IRQs go to their device and are acknowledged at the controller that sent them.
 */
#include "apic.h"
#include "arch.h"
#include "cpu.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "signal.h"
#include "uaccess.h"
#include "x86.h"

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;   /* which TSS stack to use; 0 for the current one */
    uint8_t flags; /* present, privilege level allowed to use "int n", type */
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
} __packed;

static struct idt_entry idt[256];

#define DECLARE_STUB(n) extern void trap_stub_##n(void);
#define STUBS_8(a) DECLARE_STUB(a##0) DECLARE_STUB(a##1) DECLARE_STUB(a##2) DECLARE_STUB(a##3) \
    DECLARE_STUB(a##4) DECLARE_STUB(a##5) DECLARE_STUB(a##6) DECLARE_STUB(a##7)
DECLARE_STUB(0) DECLARE_STUB(1) DECLARE_STUB(2) DECLARE_STUB(3) DECLARE_STUB(4) DECLARE_STUB(5)
DECLARE_STUB(6) DECLARE_STUB(7) DECLARE_STUB(8) DECLARE_STUB(9) STUBS_8(1) DECLARE_STUB(18)
DECLARE_STUB(19) STUBS_8(2) DECLARE_STUB(28) DECLARE_STUB(29) STUBS_8(3) DECLARE_STUB(38)
DECLARE_STUB(39) STUBS_8(4) DECLARE_STUB(48) DECLARE_STUB(49) DECLARE_STUB(50)
DECLARE_STUB(255)

static void (*const stubs[48])(void) = {
    trap_stub_0,  trap_stub_1,  trap_stub_2,  trap_stub_3,  trap_stub_4,  trap_stub_5,
    trap_stub_6,  trap_stub_7,  trap_stub_8,  trap_stub_9,  trap_stub_10, trap_stub_11,
    trap_stub_12, trap_stub_13, trap_stub_14, trap_stub_15, trap_stub_16, trap_stub_17,
    trap_stub_18, trap_stub_19, trap_stub_20, trap_stub_21, trap_stub_22, trap_stub_23,
    trap_stub_24, trap_stub_25, trap_stub_26, trap_stub_27, trap_stub_28, trap_stub_29,
    trap_stub_30, trap_stub_31, trap_stub_32, trap_stub_33, trap_stub_34, trap_stub_35,
    trap_stub_36, trap_stub_37, trap_stub_38, trap_stub_39, trap_stub_40, trap_stub_41,
    trap_stub_42, trap_stub_43, trap_stub_44, trap_stub_45, trap_stub_46, trap_stub_47,
};

static const char *const exception_names[32] = {
    "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow",
    "bound range exceeded", "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present", "stack fault",
    "general protection fault", "page fault", "reserved", "x87 floating-point error",
    "alignment check", "machine check", "SIMD floating-point error", "virtualization",
    "control protection", "reserved", "reserved", "reserved", "reserved", "reserved",
    "reserved", "hypervisor injection", "VMM communication", "security", "reserved",
};

#define VECTOR_DIVIDE 0
#define VECTOR_DEBUG 1
#define VECTOR_BREAKPOINT 3
#define VECTOR_INVALID_OPCODE 6
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT 14
#define VECTOR_X87 16
#define VECTOR_SIMD 19

static void set_gate(int vector, void (*handler)(void), int ist, int dpl)
{
    uint64_t a = (uint64_t)handler;
    idt[vector] = (struct idt_entry){
        .offset_low = a & 0xffff,
        .selector = SEL_KERNEL_CODE,
        .ist = ist,
        .flags = 0x8e | (dpl << 5), /* present, 64-bit interrupt gate (IF cleared) */
        .offset_middle = (a >> 16) & 0xffff,
        .offset_high = a >> 32,
    };
}

void idt_init(void)
{
    for (int v = 0; v < 48; v++)
        set_gate(v, stubs[v], v == VECTOR_DOUBLE_FAULT ? 1 : 0, 0);
    set_gate(VECTOR_BREAKPOINT, stubs[VECTOR_BREAKPOINT], 0, 3); /* int3 allowed in user mode */
    set_gate(VECTOR_TIMER, trap_stub_48, 0, 0);
    set_gate(VECTOR_IPI_RESCHEDULE, trap_stub_49, 0, 0);
    set_gate(VECTOR_IPI_TLB, trap_stub_50, 0, 0);
    set_gate(VECTOR_SPURIOUS, trap_stub_255, 0, 0);
    idt_load();
}

/* Load the IDT on this CPU: every CPU uses the same one. */
void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

/* Print everything known about a fatal kernel-mode trap, then stop the machine. */
static __noreturn void kernel_trap_panic(struct trap_frame *tf)
{
    cli();
    const char *name = tf->vector < 32 ? exception_names[tf->vector] : "unexpected interrupt";
    printk(KERN_EMERG "\nnest: kernel panic: %s (vector %lu) error code %#lx\n", name,
           tf->vector, tf->error);
    if (tf->vector == VECTOR_PAGE_FAULT)
        printk(KERN_EMERG "  cr2 %016lx (%s, %s)\n", read_cr2(),
               tf->error & 1 ? "protection violation" : "page not present",
               tf->error & 2 ? "write" : tf->error & 16 ? "instruction fetch" : "read");
    uint64_t offset;
    const char *sym = symbol_for(tf->rip, &offset);
    printk(KERN_EMERG "  rip %016lx <%s+%#lx>  cs %lx  rflags %016lx\n", tf->rip,
           sym ? sym : "?", offset, tf->cs, tf->rflags);
    printk(KERN_EMERG "  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", tf->rax, tf->rbx,
           tf->rcx, tf->rdx);
    printk(KERN_EMERG "  rsi %016lx  rdi %016lx  rbp %016lx  rsp %016lx\n", tf->rsi, tf->rdi,
           tf->rbp, tf->rsp);
    printk(KERN_EMERG "  r8  %016lx  r9  %016lx  r10 %016lx  r11 %016lx\n", tf->r8, tf->r9,
           tf->r10, tf->r11);
    printk(KERN_EMERG "  r12 %016lx  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r12, tf->r13,
           tf->r14, tf->r15);
    printk(KERN_EMERG "  cr3 %016lx  process %s\n", read_cr3(),
           this_cpu()->current ? this_cpu()->current->name : "(none)");
    printk(KERN_EMERG "backtrace:\n");
    printk(KERN_EMERG "  %016lx <%s+%#lx>\n", tf->rip, sym ? sym : "?", offset);
    backtrace_from(tf->rbp);
    panic("%s in kernel mode", name);
}

/* The signal a user-mode exception turns into, as Linux chooses it. */
static int signal_for_exception(uint64_t vector)
{
    switch (vector) {
    case VECTOR_DIVIDE:
    case VECTOR_X87:
    case VECTOR_SIMD:
        return SIGFPE;
    case VECTOR_INVALID_OPCODE:
        return SIGILL;
    case VECTOR_DEBUG:
    case VECTOR_BREAKPOINT:
        return SIGTRAP;
    default:
        return SIGSEGV;
    }
}

/* An exception: fixable page faults are fixed, user faults become signals, the rest panic. */
static void handle_exception(struct trap_frame *tf, uint64_t address)
{
    int fault = 0;
    if (tf->vector == VECTOR_PAGE_FAULT) {
        fault = vm_handle_fault(address, tf->error);
        if (fault == 0)
            return;
        if (fault == -ENOMEM) /* in user mode or in a copy for a system call alike */
            vm_out_of_memory(this_cpu()->current);
        if (!from_user(tf) && uaccess_fixup(tf))
            return;
    }
    if (!from_user(tf))
        kernel_trap_panic(tf);
    if (fault == -ENOMEM)
        return; /* SIGKILL is pending: the way back to user mode ends the process */
    struct proc *p = this_cpu()->current;
    int sig = fault == -EIO ? SIGBUS : signal_for_exception(tf->vector);
    int code = SI_KERNEL;
    if (tf->vector == VECTOR_PAGE_FAULT) {
        code = sig == SIGBUS ? BUS_ADRERR : vm_find_area(p->mm, address) ? SEGV_ACCERR : SEGV_MAPERR;
        printk(KERN_NOTICE "nest: %s[%d]: page fault at rip 0x%lx, address 0x%lx; signal %d\n",
               p->name, proc_root_pid(p), tf->rip, address, sig);
    } else {
        printk(KERN_NOTICE "nest: %s[%d]: %s at rip 0x%lx; signal %d\n", p->name,
               proc_root_pid(p), exception_names[tf->vector], tf->rip, sig);
    }
    signal_force(p, sig, code, address);
}

void trap_handler(struct trap_frame *tf)
{
    if (from_user(tf))
        cputime_enter_kernel();
    if (tf->vector < 32) {
        uint64_t address = tf->vector == VECTOR_PAGE_FAULT ? read_cr2() : 0; /* before a
                                                          * sleep lets another fault in */
        if (from_user(tf)) { /* the process's own work; in the kernel, it holds the lock */
            sti();
            klock_take();
        }
        handle_exception(tf, address);

    } else if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
        int irq = tf->vector - IRQ_BASE;
        this_cpu()->stats.interrupts++;
        this_cpu()->irq_counts[irq]++;
        irq_dispatch(irq);
        irq_end_of_interrupt(irq);
    } else if (tf->vector == VECTOR_TIMER) {
        timer_interrupt();
    } else if (tf->vector == VECTOR_IPI_RESCHEDULE) {
        lapic_eoi(); /* its work is the need_resched check on the way out */
    } else if (tf->vector == VECTOR_IPI_TLB) {
        tlb_shootdown_interrupt();
        lapic_eoi();
    }
    if (from_user(tf))
        return_to_user(tf);
}
