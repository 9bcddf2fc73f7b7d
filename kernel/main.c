/* main.c - from the boot path to the first process.
 *
 * boot_entry() is called by boot/multiboot2.S (every boot path) with the boot loader's
 * magic number and the physical address of its information. It turns that into a struct
 * boot_info and calls kmain(), which brings the subsystems up in dependency order and
 * starts init.
 */
#include "acpi.h"
#include "apic.h"
#include "arch.h"
#include "boot_info.h"
#include "cmdline.h"
#include "console.h"
#include "cpu.h"
#include "fs.h"
#include "lockcheck.h"
#include "log.h"
#include "mm.h"
#include "multiboot1.h"
#include "multiboot2.h"
#include "pid.h"
#include "printk.h"
#include "proc.h"
#include "sched.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

#define NEST_VERSION "0.1"
#define BOOT_MAPPED_LIMIT (4UL << 30) /* the boot page tables map the first 4 GiB */
#define MIN_MEMORY (24UL << 20)       /* below this nest cannot run init and a shell */

extern char _kernel_start[], _kernel_end[];

static struct boot_info boot_info;
static struct kernel_options options;
static uint64_t boot_info_phys, boot_info_size;

static __noreturn void halt_forever(void)
{
    cli();
    for (;;)
        hlt();
}

/* Memory that holds something already: never give it to the frame allocator. */
static int collect_reserved(const struct boot_info *bi, struct phys_range *r, int max)
{
    int n = 0;
    r[n++] = (struct phys_range){0, 0x100000}; /* BIOS data, real-mode IVT, EBDA, ROMs */
    r[n++] = (struct phys_range){(uint64_t)_kernel_start - KERNEL_VMA,
                                 (uint64_t)_kernel_end - KERNEL_VMA};
    if (boot_info_size)
        r[n++] = (struct phys_range){boot_info_phys, boot_info_phys + boot_info_size};
    for (uint32_t i = 0; i < bi->module_count && n < max; i++)
        r[n++] = (struct phys_range){ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
                                     ALIGN_UP(bi->modules[i].end, PAGE_SIZE)};
    return n;
}

static void report_memory(const struct boot_info *bi)
{
    uint64_t usable = 0;
    for (uint32_t i = 0; i < bi->memory_region_count; i++)
        if (bi->memory[i].type == BOOT_MEMORY_USABLE)
            usable += bi->memory[i].length;
    pr_info("memory: %lu MiB usable in %u regions, %lu MiB free after the kernel\n",
            usable >> 20, bi->memory_region_count, (frames_free() * PAGE_SIZE) >> 20);
}

static void setup_memory(const struct boot_info *bi)
{
    struct phys_range reserved[BOOT_MAX_MODULES + 4];
    int n = collect_reserved(bi, reserved, ARRAY_SIZE(reserved));
    pmm_init(bi, reserved, n, BOOT_MAPPED_LIMIT);
    if (frames_free() * PAGE_SIZE < MIN_MEMORY) {
        printk(KERN_EMERG "nest: not enough memory: %lu KiB free, nest needs at least %lu MiB\n",
               (frames_free() * PAGE_SIZE) >> 10, MIN_MEMORY >> 20);
        halt_forever();
    }
    vm_init(pmm_highest_address());
    pmm_add_memory_above(bi, BOOT_MAPPED_LIMIT);
    heap_init();
    report_memory(bi);
}

static void apply_options(const char *cmdline)
{
    cmdline_parse(cmdline, &options);
    console_loglevel = options.loglevel;
    for (int i = 0; i < options.problem_count; i++)
        pr_warn("cmdline: %s\n", options.problems[i]);
}

__noreturn __attribute__((noinline)) void kmain(struct boot_info *bi)
{
    apply_options(bi->cmdline);
    pr_info("nest %s (x86_64) booted by %s; command line '%s'\n", NEST_VERSION, bi->loader,
            bi->cmdline);
    gdt_init();
    idt_init();
    fpu_init();
    pic_init();
    acpi_init(bi->acpi_rsdp);
    power_init();
    setup_memory(bi);
    log_grow(options.log_buf_len);
    fbcon_init(&bi->framebuffer); /* from here on, messages appear on the screen too */
    lapic_init();
    ioapic_init();
    timer_init();
    syscall_init();
    sched_init(options.sched);
    sched_init_cpu();
    proc_init_idle();
    smp_init(bi, options.maxcpus); /* from here on, the other CPUs wait for processes */
    pid_init();
    vfs_init();
    initramfs_unpack_all(bi);
    serial_enable_input();
    keyboard_init();
    sti();
    if (options.lockcheck_selftest[0])
        lockcheck_selftest(options.lockcheck_selftest);

    char *argv[CMDLINE_MAX_INIT_ARGS + 2];
    argv[0] = options.init;
    for (int i = 0; i < options.init_argc; i++)
        argv[i + 1] = options.init_argv[i];
    argv[options.init_argc + 1] = NULL;
    start_init(options.init, argv);
}

/* Called from boot/multiboot2.S on the boot stack, interrupts off. */
__noreturn void boot_entry(uint64_t magic, uint64_t info_phys)
{
    cpu0_early_init();
    serial_init();
    console_write_all("\n", 1); /* apart from the firmware's output; not a log message */
    const char *error = NULL;
    if (info_phys >= BOOT_MAPPED_LIMIT) {
        error = "boot information lies above 4 GiB";
    } else if (magic == BOOT_EFI_MAGIC) {
        memcpy(&boot_info, P2V(info_phys), sizeof(boot_info));
        boot_info.loader = "nest-efi";
        boot_info.cmdline[sizeof(boot_info.cmdline) - 1] = 0;
    } else if (magic == MULTIBOOT1_BOOTLOADER_MAGIC) {
        /* Everything it points at is copied into boot_info: nothing of it to keep. */
        error = multiboot1_parse(magic, info_phys, P2V(0), &boot_info);
    } else {
        error = multiboot2_parse(magic, P2V(info_phys), info_phys, &boot_info);
        boot_info_phys = info_phys;
        boot_info_size = error ? 0 : *(uint32_t *)P2V(info_phys);
    }
    if (error) {
        printk(KERN_EMERG "nest: cannot boot: %s\n", error);
        halt_forever();
    }
    kmain(&boot_info);
}
