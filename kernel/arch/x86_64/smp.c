/* smp.c - starting the other CPUs (the application processors, APs).
 *
 * The MADT (acpi.c) names every CPU by its local APIC id. The boot CPU copies the real-mode
 * trampoline (trampoline.S) to AP_TRAMPOLINE and wakes one AP at a time with INIT, STARTUP,
 * STARTUP (Intel SDM vol. 3, 9.4.4); the AP climbs to long mode and calls ap_main with its
 * own struct cpu, kernel stack, GDT, TSS and double-fault stack, all prepared here.
 * Once the boot CPU has counted it in, the AP starts its APIC timer and runs its idle
 * process: from then on it runs processes from its own run queue (sched.c).
 */
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "boot_info.h"
#include "cpu.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

#define AP_START_TIMEOUT_NS (5 * NSEC_PER_SEC) /* generous: TCG on a busy host is slow */

int cpu_count = 1;
struct cpu *cpus[MAX_CPUS] = {&cpu0};
uint64_t cpus_scheduling_mask = 1; /* grows as each AP is counted in */

/* What the next AP reads on its way in (trampoline.S uses the offsets): written by the boot
 * CPU before it sends STARTUP, read by that one AP. One AP starts at a time. */
struct ap_boot {
    uint64_t cr3;       /* 0: the kernel's page tables */
    uint64_t stack_top; /* 8: its kernel stack */
    struct cpu *cpu;    /* 16: its per-CPU area, ap_main's argument */
} ap_boot;

extern char ap_trampoline[], ap_trampoline_end[];

/* Busy-wait: only at boot, for the pauses the start-up protocol asks for. */
static void wait_ns(uint64_t ns)
{
    uint64_t end = clock_monotonic_ns() + ns;
    while (clock_monotonic_ns() < end)
        __asm__ volatile("pause");
}

/* An AP's first C code, on its own stack, interrupts off. */
__noreturn void ap_main(struct cpu *c)
{
    gdt_load(c); /* from here on, this_cpu() is c */
    idt_load();
    fpu_enable();
    syscall_init();
    lapic_init_ap();
    timer_init_cpu();
    sched_init_cpu();
    proc_init_idle();
    pr_info("cpu%d: online, APIC id %u\n", c->index, lapic_id());
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE); /* the boot CPU goes on */
    while (!(__atomic_load_n(&cpus_scheduling_mask, __ATOMIC_ACQUIRE) & (1UL << c->index)))
        cpu_relax(); /* until the boot CPU has counted it in: a moment */
    sti();
    sched_idle_loop();
}

/* The trampoline's page must be RAM that the memory map calls usable, with no boot module
 * in it. The frame allocator never hands it out: it keeps all of the first MiB (main.c). */
static bool trampoline_page_usable(const struct boot_info *bi)
{
    uint64_t start = AP_TRAMPOLINE, end = AP_TRAMPOLINE + PAGE_SIZE;
    bool usable = false;
    for (uint32_t i = 0; i < bi->memory_region_count; i++) {
        const struct boot_memory_region *r = &bi->memory[i];
        if (r->type == BOOT_MEMORY_USABLE && r->base <= start && end <= r->base + r->length)
            usable = true;
    }
    for (uint32_t i = 0; i < bi->module_count; i++)
        if (bi->modules[i].start < end && start < bi->modules[i].end)
            usable = false;
    return usable;
}

/* A new CPU's per-CPU area, kernel stack and double-fault stack (both with a guard page),
 * or NULL when memory is out. */
static struct cpu *prepare_cpu(int index, uint8_t apic_id)
{
    struct cpu *c = kzalloc(sizeof(*c));
    void *stack = kstack_alloc();
    void *double_fault_stack = kstack_alloc();
    if (!c || !stack || !double_fault_stack) {
        kfree(c);
        if (stack)
            kstack_free(stack);
        if (double_fault_stack)
            kstack_free(double_fault_stack);
        return NULL;
    }
    c->index = index;
    c->apic_id = apic_id;
    list_init(&c->timers);
    gdt_prepare(c, (uint64_t)double_fault_stack + KERNEL_STACK_SIZE);
    c->kernel_rsp = (uint64_t)stack + KERNEL_STACK_SIZE;
    return c;
}

/* Wake the CPU with this APIC id and wait until it is online. */
static bool start_cpu(uint8_t apic_id)
{
    int index = cpu_count;
    struct cpu *c = prepare_cpu(index, apic_id);
    if (!c) {
        pr_warn("cpu%d: out of memory for its stacks\n", index);
        return false;
    }
    ap_boot = (struct ap_boot){kernel_pml4(), c->kernel_rsp, c};
    bool sent = lapic_send_init(apic_id);
    wait_ns(10 * 1000000);               /* 10 ms for INIT to take effect */
    for (int i = 0; i < 2 && sent; i++) { /* a second STARTUP if the first was missed */
        sent = lapic_send_startup(apic_id, AP_TRAMPOLINE / PAGE_SIZE);
        wait_ns(200 * 1000);
    }
    uint64_t deadline = clock_monotonic_ns() + AP_START_TIMEOUT_NS;
    while (sent && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) &&
           clock_monotonic_ns() < deadline)
        __asm__ volatile("pause");
    if (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
        /* c and its stacks stay allocated: the CPU may yet come up and use them. */
        pr_warn("cpu%d: APIC id %u did not start%s\n", index, apic_id,
                sent ? "" : " (IPI not delivered)");
        return false;
    }
    cpus[cpu_count] = c;
    __atomic_store_n(&cpu_count, cpu_count + 1, __ATOMIC_RELEASE);
    __atomic_fetch_or(&cpus_scheduling_mask, 1UL << c->index, __ATOMIC_RELEASE);
    return true;
}

void smp_reschedule(int cpu)
{
    lapic_send_ipi(cpus[cpu]->apic_id, VECTOR_IPI_RESCHEDULE);
}

void smp_init(const struct boot_info *bi, int max_cpus)
{
    cpu0.apic_id = lapic_id();
    cpu0.online = true;
    pr_info("cpu0: online, APIC id %u (boot CPU)\n", cpu0.apic_id);
    int wanted = acpi_madt.cpu_count;
    if (max_cpus > 0 && max_cpus < wanted) {
        pr_info("smp: maxcpus=%d: starting %d of %d CPUs\n", max_cpus, max_cpus, wanted);
        wanted = max_cpus;
    }
    if (wanted > 1 && !trampoline_page_usable(bi)) {
        pr_warn("smp: page %#x is not free RAM: the other CPUs stay off\n", AP_TRAMPOLINE);
        wanted = 1;
    }
    if (wanted > 1)
        memcpy(P2V(AP_TRAMPOLINE), ap_trampoline, ap_trampoline_end - ap_trampoline);
    for (int i = 0; i < acpi_madt.cpu_count && cpu_count < wanted; i++)
        if (acpi_madt.apic_ids[i] != cpu0.apic_id && !start_cpu(acpi_madt.apic_ids[i]))
            break; /* a CPU that may still come up holds ap_boot: start no other */
    if (cpu_count > 1)
        pr_info("smp: %d CPUs online, each with its own run queue\n", cpu_count);
}
