/* cpu.h - per-CPU state, segments and the trap frame.
 *
 * Each CPU has its own struct cpu, and %gs points at it while the CPU is in the kernel: the
 * syscall entry finds the kernel stack through %gs (swapgs), and this_cpu() reads %gs:0.
 */
#ifndef NEST_CPU_H
#define NEST_CPU_H

#include "list.h"
#include "timer.h"
#include "types.h"

/* GDT selectors. The order is fixed by syscall/sysret (see gdt.c). */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_DATA 0x1b /* 0x18 | ring 3 */
#define SEL_USER_CODE 0x23 /* 0x20 | ring 3 */
#define SEL_TSS 0x28

/* The registers saved on every entry to the kernel: by trap.S for interrupts and exceptions,
 * by syscall.S (in the same layout) for system calls. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector; /* exception or IRQ number; VECTOR_SYSCALL for a system call */
    uint64_t error;  /* the CPU's error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU (or syscall.S) */
};

#define VECTOR_SYSCALL 256

/* The task-state segment: in long mode only a table of stacks. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp0; /* kernel stack used when an interrupt arrives in ring 3 */
    uint64_t rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7]; /* stacks chosen per vector by the IDT; ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb_offset;
} __packed;

#define GDT_ENTRIES 7

struct proc;
struct mm;

/* Counts for /proc/stat: changed only by their CPU, with its interrupts off. */
struct cpu_stats {
    uint64_t context_switches; /* switches from one process to another */
    uint64_t interrupts;       /* hardware interrupts taken */
};

/* The per-CPU area; %gs points here while in the kernel. syscall.S uses the offsets. */
struct cpu {
    struct cpu *self;     /* 0: this structure's own address */
    uint64_t user_rsp;    /* 8: user stack pointer, saved by the syscall entry */
    uint64_t kernel_rsp;  /* 16: top of the current process's kernel stack */
    struct proc *current; /* 24: the running process */
    struct proc *idle;    /* the idle process, run when nothing else can */
    bool need_resched;    /* set by the timer: switch at the next return to user mode */
    int preempt_count;    /* spinlocks and push_off()s held (spinlock.c); no sleep unless 0 */
    bool irq_were_on;     /* interrupts were on before the first of them */

    /* The run queue's core part (the policy keeps the order): sched_lock guards these. */
    struct list_head queued;  /* processes on this CPU's queue, via proc.queue_link */
    int nr_queued;            /* how many */
    struct proc *free_after_switch; /* a process that reaped itself: freed after the switch
                                     * (only this CPU, interrupts off) */
    struct proc *zombie_with_klock; /* an exiting process's kernel lock, let go after the
                                     * switch (only this CPU, interrupts off) */
    struct cpu_stats stats;   /* only this CPU, interrupts off */

    /* Time: the queue and what the hardware is armed for are timer.c's timer_lock's; the
     * rest only this CPU's, with interrupts off. */
    struct list_head timers; /* the timer queue (timer.h), earliest deadline first */
    uint64_t timer_armed;    /* the deadline the hardware timer is set for; 0: none */
    struct timer *running_timer; /* the timer whose function runs here now, if any */
    int balance_ticks;       /* slice ticks since the last balancing look (sched_lock) */
    struct timer slice_tick; /* pending only while a process (not idle) runs */
    uint64_t time_mark;      /* clock at the last kernel entry, exit or switch (cputime.c) */
    uint64_t timer_interrupts; /* taken so far (/proc/interrupts) */
    uint64_t irq_counts[16];   /* device interrupts taken, by ISA IRQ (IRQ_COUNT) (/proc/interrupts) */
    uint64_t tlb_shootdowns;   /* other CPUs' flush requests this one carried out (vm.c) */
    struct mm *active_mm;      /* the user address space in CR3, NULL for the kernel's own;
                                * set by mm_activate on this CPU only */

    /* Which CPU this is, and its own descriptor tables: each CPU loads its own GDT, since
     * the TSS in it holds that CPU's stacks and the CPU marks its TSS descriptor busy. The
     * boot CPU sets all of them before the CPU starts (smp.c); afterwards index, apic_id
     * and gdt are read-only, online is set once by the CPU itself, and tss only by it. */
    int index;                  /* 0 for the boot CPU, then in the order CPUs started */
    uint8_t apic_id;            /* its local APIC id: the hardware's name for it */
    bool online;                /* set by the CPU itself once it runs in the kernel */
    uint64_t gdt[GDT_ENTRIES];  /* this CPU's GDT: the shared segments and its TSS */
    struct tss tss;             /* rsp0 changes on every switch, by this CPU only */

    /* This CPU's time by kind, for /proc/stat (cputime.c): touched only by this CPU,
     * interrupts off; other CPUs read them while time_seq stays the same even number. */
    uint64_t time_seq;  /* odd while this CPU charges time */
    uint64_t user_ns;   /* running user code */
    uint64_t system_ns; /* in the kernel for a process */
    uint64_t idle_ns;   /* in its idle process */
};

extern struct cpu cpu0; /* the boot CPU's */

#ifdef NEST_HOST_TEST
static inline struct cpu *this_cpu(void) { return &cpu0; } /* unit tests: one CPU */
#else
/* This CPU's struct cpu: its first field points at itself, so %gs:0 is its address. */
static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(c));
    return c;
}
#endif

void cpu0_early_init(void); /* %gs at cpu0 before anything else */
void gdt_init(void);
void gdt_prepare(struct cpu *c, uint64_t double_fault_stack_top);
void gdt_load(struct cpu *c);
void idt_load(void);
void fpu_enable(void);
void tss_set_kernel_stack(uint64_t top);
void idt_init(void);
void syscall_init(void);
void fpu_init(void);
extern uint8_t fpu_initial_state[512]; /* x87/SSE state a new program starts with */

static inline bool from_user(const struct trap_frame *tf) { return (tf->cs & 3) == 3; }

#endif
