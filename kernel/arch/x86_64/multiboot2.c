/* multiboot2.c - turn GRUB's Multiboot2 information into struct boot_info.
 *
 * The only file that knows the Multiboot2 format. It is a pure function of the bytes GRUB
 * left in memory, so tests/unit/test_multiboot2.c runs it on the host with made-up input.
 */
#include "boot_info.h"
#include "multiboot2.h"
#include "string.h"

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MEMORY_MAP 6
#define TAG_FRAMEBUFFER 8
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15

struct mb2_tag {
    uint32_t type;
    uint32_t size;
} __attribute__((packed));

struct mb2_module {
    struct mb2_tag tag;
    uint32_t start, end;
    char name[];
} __attribute__((packed));

struct mb2_memory_map {
    struct mb2_tag tag;
    uint32_t entry_size;
    uint32_t entry_version;
} __attribute__((packed));

struct mb2_memory_entry {
    uint64_t base, length;
    uint32_t type, reserved;
} __attribute__((packed));

struct mb2_framebuffer {
    struct mb2_tag tag;
    uint64_t address;
    uint32_t pitch, width, height;
    uint8_t bpp, type;
    uint16_t reserved;
    /* for type 1 (RGB): */
    uint8_t red_position, red_size, green_position, green_size, blue_position, blue_size;
} __attribute__((packed));

static void parse_memory_map(const struct mb2_memory_map *m, struct boot_info *bi)
{
    if (m->entry_size < sizeof(struct mb2_memory_entry))
        return;
    const uint8_t *p = (const uint8_t *)(m + 1);
    const uint8_t *end = (const uint8_t *)m + m->tag.size;
    for (; p + m->entry_size <= end; p += m->entry_size) {
        const struct mb2_memory_entry *e = (const void *)p;
        if (bi->memory_region_count == BOOT_MAX_MEMORY_REGIONS)
            return;
        bi->memory[bi->memory_region_count++] = (struct boot_memory_region){
            .base = e->base, .length = e->length, .type = boot_memory_type_e820(e->type)};
    }
}

static void parse_module(const struct mb2_module *m, struct boot_info *bi)
{
    if (bi->module_count == BOOT_MAX_MODULES || m->tag.size < sizeof(*m))
        return;
    struct boot_module *out = &bi->modules[bi->module_count++];
    out->start = m->start;
    out->end = m->end;
    size_t name_room = m->tag.size - sizeof(*m);
    size_t n = strnlen(m->name, name_room);
    if (n >= sizeof(out->name))
        n = sizeof(out->name) - 1;
    memcpy(out->name, m->name, n);
    out->name[n] = 0;
}

static void parse_framebuffer(const struct mb2_framebuffer *f, struct boot_info *bi)
{
    if (f->tag.size < sizeof(*f) || f->type != 1) /* only direct RGB colour is drawn on */
        return;
    bi->framebuffer = (struct boot_framebuffer){
        .address = f->address, .width = f->width, .height = f->height, .pitch = f->pitch,
        .bpp = f->bpp, .red_shift = f->red_position, .green_shift = f->green_position,
        .blue_shift = f->blue_position};
}

/* Fill bi from the Multiboot2 information, readable at info, which is at physical address
 * info_phys. Returns NULL on success or a sentence saying what is wrong with it. */
const char *multiboot2_parse(uint64_t magic, const void *info, uint64_t info_phys,
                             struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->loader = "multiboot2";
    if (magic != MULTIBOOT2_BOOTLOADER_MAGIC)
        return "not started by a Multiboot2 loader (bad magic)";
    if (!info)
        return "no Multiboot2 information";
    uint32_t total = *(const uint32_t *)info;
    if (total < 16 || total > (1u << 20))
        return "Multiboot2 information has an impossible size";
    const uint8_t *p = (const uint8_t *)info + 8;
    const uint8_t *end = (const uint8_t *)info + total;
    bool saw_end = false;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->size < 8 || p + tag->size > end)
            return "Multiboot2 information has a malformed tag";
        switch (tag->type) {
        case TAG_END:
            saw_end = true;
            break;
        case TAG_CMDLINE:
            strlcpy(bi->cmdline, (const char *)(tag + 1),
                    MIN(sizeof(bi->cmdline), (size_t)tag->size - 8 + 1));
            break;
        case TAG_MODULE:
            parse_module((const void *)tag, bi);
            break;
        case TAG_MEMORY_MAP:
            parse_memory_map((const void *)tag, bi);
            break;
        case TAG_FRAMEBUFFER:
            parse_framebuffer((const void *)tag, bi);
            break;
        case TAG_ACPI_OLD:
        case TAG_ACPI_NEW:
            if (!bi->acpi_rsdp || tag->type == TAG_ACPI_NEW)
                bi->acpi_rsdp = info_phys + (uint64_t)((const uint8_t *)(tag + 1) - (const uint8_t *)info);
            break;
        }
        if (saw_end)
            break;
        p += ALIGN_UP(tag->size, 8u);
    }
    if (!saw_end)
        return "Multiboot2 information has no end tag";
    if (bi->memory_region_count == 0)
        return "the boot loader gave no memory map";
    return NULL;
}
