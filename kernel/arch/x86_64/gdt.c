/* gdt.c - segments, the TSS and the per-CPU area.
 *
 * Long mode ignores most of segmentation, but the CPU still needs a GDT for the code
 * segments' privilege levels and a TSS for the kernel stack it switches to when an
 * interrupt arrives in user mode (rsp0) and for the double-fault stack (ist1).
 */
#include "cpu.h"
#include "string.h"
#include "x86.h"

/* syscall loads CS = STAR[47:32] and SS = CS + 8; sysret loads SS = STAR[63:48] + 8 and
 * CS = STAR[63:48] + 16. Hence the order: kernel code, kernel data, user data, user code. */
static const uint64_t gdt_template[GDT_ENTRIES] = {
    0,
    0x00209a0000000000, /* 0x08 kernel code: present, ring 0, executable, long mode */
    0x0000920000000000, /* 0x10 kernel data: present, ring 0, writable */
    0x0000f20000000000, /* 0x18 user data: present, ring 3, writable */
    0x0020fa0000000000, /* 0x20 user code: present, ring 3, executable, long mode */
    0,                  /* 0x28 TSS, low half (filled in gdt_prepare) */
    0,                  /* 0x30 TSS, high half */
};

static uint8_t double_fault_stack[8192] __attribute__((aligned(16))); /* the boot CPU's */

struct cpu cpu0;
uint8_t fpu_initial_state[512] __attribute__((aligned(16)));

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __packed;

/* Fill in a CPU's GDT and TSS: the shared segments, and a TSS with its double-fault stack
 * (the other CPUs get theirs from smp.c, with a guard page below). */
void gdt_prepare(struct cpu *c, uint64_t double_fault_stack_top)
{
    memcpy(c->gdt, gdt_template, sizeof(c->gdt));
    memset(&c->tss, 0, sizeof(c->tss));
    c->tss.ist[0] = double_fault_stack_top;
    c->tss.iopb_offset = sizeof(c->tss); /* no I/O permission bitmap: ring 3 gets no ports */
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
                (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    c->gdt[6] = base >> 32;
    c->self = c;
}

/* Load c's GDT and TSS on this CPU and point %gs at c. */
void gdt_load(struct cpu *c)
{
    struct descriptor_pointer p = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq $0x08\n\t" /* reload CS with a far return */
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw $0x10, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w1"
                     :
                     : "m"(p), "r"((uint16_t)SEL_TSS)
                     : "rax", "memory");
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* The first thing the boot CPU does: point %gs at cpu0, for this_cpu(), which every
 * spinlock (and so the first printk) uses. gdt_init loads the rest. */
void cpu0_early_init(void)
{
    cpu0.self = &cpu0;
    wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
}

void gdt_init(void)
{
    gdt_prepare(&cpu0, (uint64_t)double_fault_stack + sizeof(double_fault_stack));
    gdt_load(&cpu0);
}

/* Called on every switch: interrupts and system calls from ring 3 land on this stack. */
__hot void tss_set_kernel_stack(uint64_t top)
{
    struct cpu *c = this_cpu();
    c->tss.rsp0 = top;
    c->kernel_rsp = top;
}

/* Let user code use x87/SSE on this CPU: the kernel saves each process's state on switches. */
void fpu_enable(void)
{
    uint64_t cr0 = read_cr0();
    cr0 &= ~(1UL << 2); /* EM off: no emulation */
    cr0 |= (1UL << 1);  /* MP on */
    cr0 &= ~(1UL << 3); /* TS off: no lazy switching */
    write_cr0(cr0);
    write_cr4(read_cr4() | (1UL << 9) | (1UL << 10)); /* OSFXSR, OSXMMEXCPT */
}

/* On the boot CPU: enable the FPU and record the state every new program starts with. */
void fpu_init(void)
{
    fpu_enable();
    uint32_t mxcsr = 0x1f80; /* all SIMD exceptions masked, round to nearest */
    __asm__ volatile("fninit; ldmxcsr %1; fxsave64 %0" : "=m"(fpu_initial_state) : "m"(mxcsr));
}

extern void syscall_entry(void);

/* Program this CPU's syscall instruction: entry point, segments, and the flags it clears. */
void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* SCE: syscall enabled */
    wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_DATA - 8 - 3) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* Clear IF (no interrupt before the stack switch), DF, TF and AC on entry. */
    wrmsr(MSR_FMASK, (1 << 9) | (1 << 10) | (1 << 8) | (1 << 18));
}
