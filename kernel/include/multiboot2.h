/* multiboot2.h - the Multiboot2 boot path (kernel/arch/x86_64/multiboot2.c). */
#ifndef NEST_MULTIBOOT2_H
#define NEST_MULTIBOOT2_H

#include "types.h"

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

struct boot_info;
/* Fill bi from the information readable at info, which lies at physical address info_phys.
 * NULL on success, else what is wrong. acpi_rsdp is the physical address of the RSDP copy
 * inside the information. */
const char *multiboot2_parse(uint64_t magic, const void *info, uint64_t info_phys,
                             struct boot_info *bi);

#endif
