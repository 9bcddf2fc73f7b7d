/* multiboot1.h - the Multiboot1 boot path (kernel/arch/x86_64/multiboot1.c), which QEMU's
 * direct kernel boot (-kernel, -initrd, -append) uses. */
#ifndef NEST_MULTIBOOT1_H
#define NEST_MULTIBOOT1_H

#include "types.h"

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2badb002

struct boot_info;
/* Fill bi from the Multiboot1 information at physical address info_phys. Its parts point
 * anywhere in the first 4 GiB: physical address p is read at memory + p. NULL on success,
 * else what is wrong. */
const char *multiboot1_parse(uint64_t magic, uint64_t info_phys, const uint8_t *memory,
                             struct boot_info *bi);

#endif
