/* boot_info.h - what a boot path hands the kernel.
 *
 * Every boot path (GRUB's Multiboot2 in kernel/arch/x86_64/multiboot2.c, QEMU's direct
 * kernel boot with Multiboot1 in kernel/arch/x86_64/multiboot1.c, and nest's own gnu-efi
 * loader in boot/efi/) fills this one structure; nothing after kmain() ever looks at a
 * Multiboot or UEFI structure. Every address in it is a physical address.
 */
#ifndef NEST_BOOT_INFO_H
#define NEST_BOOT_INFO_H

#include <stdint.h>

#define BOOT_MAX_MEMORY_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 512
#define BOOT_NAME_MAX 64

enum boot_memory_type {
    BOOT_MEMORY_USABLE = 1,   /* free RAM the kernel may hand out */
    BOOT_MEMORY_RESERVED = 2, /* firmware, MMIO, anything not to touch */
    BOOT_MEMORY_ACPI = 3,     /* ACPI tables, reclaimable after reading them */
    BOOT_MEMORY_NVS = 4,      /* ACPI non-volatile storage */
    BOOT_MEMORY_BAD = 5,      /* defective RAM */
};

/* Multiboot1, Multiboot2 and the BIOS's e820 map number memory types as the enum above does;
 * a type none of them defines is memory not to touch. */
static inline uint32_t boot_memory_type_e820(uint32_t firmware_type)
{
    if (firmware_type >= BOOT_MEMORY_USABLE && firmware_type <= BOOT_MEMORY_BAD)
        return firmware_type;
    return BOOT_MEMORY_RESERVED;
}

struct boot_memory_region {
    uint64_t base;   /* physical start */
    uint64_t length; /* bytes */
    uint32_t type;   /* enum boot_memory_type */
    uint32_t pad;
};

struct boot_module {
    uint64_t start; /* physical address of the first byte */
    uint64_t end;   /* physical address one past the last byte */
    char name[BOOT_NAME_MAX]; /* the module's string (GRUB, QEMU) or file name (EFI loader) */
};

struct boot_framebuffer {
    uint64_t address; /* physical address of pixel (0,0); 0 when there is none */
    uint32_t width, height;
    uint32_t pitch; /* bytes per line */
    uint8_t bpp;    /* bits per pixel; only 32 is drawn on */
    uint8_t red_shift, green_shift, blue_shift;
};

struct boot_info {
    const char *loader; /* "multiboot2", "multiboot1" or "nest-efi"; a kernel-side string */
    uint32_t memory_region_count;
    struct boot_memory_region memory[BOOT_MAX_MEMORY_REGIONS];
    uint32_t module_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    char cmdline[BOOT_CMDLINE_MAX];
    struct boot_framebuffer framebuffer;
    uint64_t acpi_rsdp; /* physical address of the RSDP; 0 when the loader gave none */
};

/* The gnu-efi loader's contract with the kernel.
 *
 * The loader copies every PT_LOAD segment of kernel.elf to its p_paddr, builds page tables
 * that map physical 0..4 GiB at 0 (identity) and physical 0..1 GiB at 0xffffffff80000000
 * (where kernel.elf is linked), fills a
 * struct boot_info in memory it keeps (identity-mapped, below 4 GiB), with boot_info.loader
 * set to NULL (the kernel names it), exits boot services, and jumps to the ELF entry point
 * (e_entry, a higher-half address) with interrupts off and:
 *   rdi = BOOT_EFI_MAGIC, rsi = physical address of the struct boot_info.
 * The kernel then builds its own GDT, IDT and page tables and never returns.
 */
#define BOOT_EFI_MAGIC 0x6e657374454649ULL /* "nestEFI" */

#endif
