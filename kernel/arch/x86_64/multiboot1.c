/* multiboot1.c - turn Multiboot1 information (QEMU's -kernel) into struct boot_info.
 *
 * The only file that knows the Multiboot1 format. Unlike Multiboot2's one block of tags, the
 * information is a fixed structure whose fields point at other places in memory (command
 * line, module list, memory map), so it reads them through `memory`, where physical address 0
 * lies: the kernel's direct map, or a buffer in tests/unit/test_multiboot1.c.
 */
#include "boot_info.h"
#include "multiboot1.h"
#include "string.h"

#define INFO_CMDLINE (1u << 2)    /* cmdline is valid */
#define INFO_MODULES (1u << 3)    /* mods_count and mods_addr are valid */
#define INFO_MEMORY_MAP (1u << 6) /* mmap_length and mmap_addr are valid */

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t symbols[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb1_module {
    uint32_t start, end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

/* A memory map entry; size counts the bytes after itself, so the next entry is size + 4 on. */
struct mb1_memory_entry {
    uint32_t size;
    uint64_t base, length;
    uint32_t type;
} __attribute__((packed));

/* Loaders begin the command line with the kernel's own file name (QEMU writes "FILE ARGS",
 * GRUB's multiboot command likewise): nest's command line is what follows it. */
static void copy_cmdline(const char *line, struct boot_info *bi)
{
    while (*line && *line != ' ')
        line++;
    if (*line == ' ')
        line++;
    strlcpy(bi->cmdline, line, sizeof(bi->cmdline));
}

static void parse_modules(const struct mb1_info *info, const uint8_t *memory,
                          struct boot_info *bi)
{
    const struct mb1_module *m = (const void *)(memory + info->mods_addr);
    for (uint32_t i = 0; i < info->mods_count && bi->module_count < BOOT_MAX_MODULES; i++) {
        struct boot_module *out = &bi->modules[bi->module_count++];
        out->start = m[i].start;
        out->end = m[i].end;
        if (m[i].string)
            strlcpy(out->name, (const char *)(memory + m[i].string), sizeof(out->name));
    }
}

static void parse_memory_map(const struct mb1_info *info, const uint8_t *memory,
                             struct boot_info *bi)
{
    const uint8_t *p = memory + info->mmap_addr;
    const uint8_t *end = p + info->mmap_length;
    while (p + sizeof(struct mb1_memory_entry) <= end &&
           bi->memory_region_count < BOOT_MAX_MEMORY_REGIONS) {
        const struct mb1_memory_entry *e = (const void *)p;
        if (e->size < sizeof(*e) - sizeof(e->size))
            return; /* too short to hold an entry: the map is malformed, stop here */
        bi->memory[bi->memory_region_count++] = (struct boot_memory_region){
            .base = e->base, .length = e->length, .type = boot_memory_type_e820(e->type)};
        p += e->size + sizeof(e->size);
    }
}

/* See multiboot1.h. */
const char *multiboot1_parse(uint64_t magic, uint64_t info_phys, const uint8_t *memory,
                             struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->loader = "multiboot1";
    if (magic != MULTIBOOT1_BOOTLOADER_MAGIC)
        return "not started by a Multiboot1 loader (bad magic)";
    const struct mb1_info *info = (const void *)(memory + info_phys);
    if (info->flags & INFO_CMDLINE)
        copy_cmdline((const char *)(memory + info->cmdline), bi);
    if (info->flags & INFO_MODULES)
        parse_modules(info, memory, bi);
    if (info->flags & INFO_MEMORY_MAP)
        parse_memory_map(info, memory, bi);
    if (bi->memory_region_count == 0)
        return "the boot loader gave no memory map";
    return NULL;
}
