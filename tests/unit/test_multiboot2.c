// SOURCES: kernel/lib/string.c kernel/arch/x86_64/multiboot2.c
/* test_multiboot2.c - turning Multiboot2 information into struct boot_info
 * (kernel/arch/x86_64/multiboot2.c), with information blocks built here byte by byte as
 * GRUB lays them out: a total size, then tags padded to 8 bytes, then an end tag.
 */
#include "unit.h"

#include "boot_info.h"
#include "multiboot2.h"

#define INFO_PHYS 0x9000UL /* where the made-up information "is" in physical memory */
#define MAGIC MULTIBOOT2_BOOTLOADER_MAGIC

static uint8_t info[16384] __attribute__((aligned(8)));
static size_t info_len;
static struct boot_info bi;

static void put32(size_t offset, uint32_t v) { memcpy(info + offset, &v, 4); }
static void put64(size_t offset, uint64_t v) { memcpy(info + offset, &v, 8); }

/* Start a new information block: room for total_size and reserved. */
static void mb_begin(void)
{
    memset(info, 0, sizeof(info));
    info_len = 8;
}

/* Add a tag of size bytes (header included) and return its offset; the next tag starts at
 * the next multiple of 8. */
static size_t mb_tag(uint32_t type, uint32_t size)
{
    size_t at = info_len;
    put32(at, type);
    put32(at + 4, size);
    info_len += ALIGN_UP((size_t)size, 8);
    return at;
}

/* Add the end tag and write the total size. */
static void mb_end(void)
{
    mb_tag(0, 8);
    put32(0, (uint32_t)info_len);
}

static void mb_cmdline(const char *text)
{
    size_t at = mb_tag(1, (uint32_t)(8 + strlen(text) + 1));
    memcpy(info + at + 8, text, strlen(text) + 1);
}

static void mb_module(uint32_t start, uint32_t end, const char *name)
{
    size_t at = mb_tag(3, (uint32_t)(16 + strlen(name) + 1));
    put32(at + 8, start);
    put32(at + 12, end);
    memcpy(info + at + 16, name, strlen(name) + 1);
}

struct region {
    uint64_t base, length;
    uint32_t type;
};

/* A memory map tag with entries of entry_size bytes (24 in every GRUB so far). */
static void mb_memory_map_sized(const struct region *r, int n, uint32_t entry_size)
{
    size_t at = mb_tag(6, 16 + entry_size * (uint32_t)n);
    put32(at + 8, entry_size);
    put32(at + 12, 0);
    for (int i = 0; i < n; i++) {
        size_t e = at + 16 + (size_t)i * entry_size;
        put64(e, r[i].base);
        put64(e + 8, r[i].length);
        put32(e + 16, r[i].type);
    }
}

static void mb_memory_map(const struct region *r, int n) { mb_memory_map_sized(r, n, 24); }

/* One usable region, enough for the information to be accepted. */
static void mb_small_memory_map(void)
{
    struct region r = {0x100000, 0x7f00000, 1};
    mb_memory_map(&r, 1);
}

/* A framebuffer tag as GRUB writes it: common part, then the RGB field positions. */
static void mb_framebuffer(uint64_t address, uint32_t pitch, uint32_t width, uint32_t height,
                           uint8_t bpp, uint8_t type)
{
    size_t at = mb_tag(8, 38);
    put64(at + 8, address);
    put32(at + 16, pitch);
    put32(at + 20, width);
    put32(at + 24, height);
    info[at + 28] = bpp;
    info[at + 29] = type;
    const uint8_t fields[6] = {16, 8, 8, 8, 0, 8}; /* red, green, blue: position, size */
    memcpy(info + at + 32, fields, sizeof(fields));
}

/* An ACPI RSDP copy tag (14: version 1, 15: version 2); returns the offset of the copy. */
static size_t mb_acpi(uint32_t type)
{
    uint32_t rsdp_size = type == 14 ? 20 : 36;
    size_t at = mb_tag(type, 8 + rsdp_size);
    memcpy(info + at + 8, "RSD PTR ", 8);
    return at + 8;
}

static const char *parse(void) { return multiboot2_parse(MAGIC, info, INFO_PHYS, &bi); }

/* Does s contain text? (The kernel's string.h, which the tests see, has no strstr.) */
static bool contains(const char *s, const char *text)
{
    for (; s && *s; s++)
        if (strncmp(s, text, strlen(text)) == 0)
            return true;
    return false;
}

/* The parse must fail with a message that mentions what. */
#define CHECK_ERROR(error, what)                                                           \
    do {                                                                                   \
        const char *unit_error = (error);                                                  \
        CHECK(unit_error != NULL);                                                         \
        if (unit_error && !contains(unit_error, what))                                     \
            printf("  error \"%s\" does not mention \"%s\"\n", unit_error, what);          \
        CHECK(contains(unit_error, what));                                                 \
    } while (0)

TEST(complete_information_is_parsed)
{
    mb_begin();
    mb_cmdline("init=/bin/sh loglevel=7");
    mb_module(0x200000, 0x280000, "initrd");
    struct region map[] = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x7ee0000, 1},
                           {0x7fe0000, 0x20000, 3}};
    mb_memory_map(map, 4);
    mb_framebuffer(0xfd000000, 4096, 1024, 768, 32, 1);
    size_t rsdp = mb_acpi(14);
    mb_end();

    CHECK(parse() == NULL);
    CHECK_STR(bi.loader, "multiboot2");
    CHECK_STR(bi.cmdline, "init=/bin/sh loglevel=7");
    CHECK_EQ(bi.module_count, 1);
    CHECK_EQ(bi.modules[0].start, 0x200000);
    CHECK_EQ(bi.modules[0].end, 0x280000);
    CHECK_STR(bi.modules[0].name, "initrd");
    CHECK_EQ(bi.memory_region_count, 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(bi.memory[i].base, map[i].base);
        CHECK_EQ(bi.memory[i].length, map[i].length);
    }
    CHECK_EQ(bi.memory[0].type, BOOT_MEMORY_USABLE);
    CHECK_EQ(bi.memory[1].type, BOOT_MEMORY_RESERVED);
    CHECK_EQ(bi.memory[3].type, BOOT_MEMORY_ACPI);
    CHECK_EQ(bi.framebuffer.address, 0xfd000000);
    CHECK_EQ(bi.acpi_rsdp, INFO_PHYS + rsdp);
}

TEST(modules_keep_their_order_and_names)
{
    mb_begin();
    mb_small_memory_map();
    mb_module(0x300000, 0x301000, "first");
    mb_module(0x400000, 0x480123, "/boot/second.cpio arg");
    mb_module(0x500000, 0x500000, "");
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.module_count, 3);
    CHECK_STR(bi.modules[0].name, "first");
    CHECK_STR(bi.modules[1].name, "/boot/second.cpio arg");
    CHECK_EQ(bi.modules[1].start, 0x400000);
    CHECK_EQ(bi.modules[1].end, 0x480123);
    CHECK_STR(bi.modules[2].name, "");
    CHECK_EQ(bi.modules[2].start, 0x500000);
}

TEST(more_modules_than_the_maximum_are_truncated)
{
    mb_begin();
    mb_small_memory_map();
    for (int i = 0; i < BOOT_MAX_MODULES + 4; i++) {
        char name[16];
        snprintf(name, sizeof(name), "m%d", i);
        mb_module(0x1000000 + 0x1000 * i, 0x1000000 + 0x1000 * (i + 1), name);
    }
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.module_count, BOOT_MAX_MODULES);
    CHECK_STR(bi.modules[0].name, "m0");
    CHECK_STR(bi.modules[BOOT_MAX_MODULES - 1].name, "m15");
    CHECK_EQ(bi.modules[BOOT_MAX_MODULES - 1].start, 0x1000000 + 0x1000 * 15);
}

TEST(long_names_and_command_lines_are_cut_to_fit)
{
    char long_name[100], long_cmdline[600];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    memset(long_cmdline, 'c', sizeof(long_cmdline) - 1);
    long_cmdline[sizeof(long_cmdline) - 1] = 0;
    mb_begin();
    mb_cmdline(long_cmdline);
    mb_module(0x300000, 0x301000, long_name);
    mb_small_memory_map();
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
    CHECK_EQ(bi.modules[0].name[0], 'n');
}

TEST(memory_types_are_translated)
{
    mb_begin();
    struct region map[] = {{0x0, 0x1000, 1},    {0x1000, 0x1000, 2}, {0x2000, 0x1000, 3},
                           {0x3000, 0x1000, 4}, {0x4000, 0x1000, 5}, {0x5000, 0x1000, 7}};
    mb_memory_map(map, 6);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, 6);
    CHECK_EQ(bi.memory[0].type, BOOT_MEMORY_USABLE);
    CHECK_EQ(bi.memory[1].type, BOOT_MEMORY_RESERVED);
    CHECK_EQ(bi.memory[2].type, BOOT_MEMORY_ACPI);
    CHECK_EQ(bi.memory[3].type, BOOT_MEMORY_NVS);
    CHECK_EQ(bi.memory[4].type, BOOT_MEMORY_BAD);
    CHECK_EQ(bi.memory[5].type, BOOT_MEMORY_RESERVED); /* unknown: do not touch */
}

TEST(memory_map_with_larger_entries_is_read_by_entry_size)
{
    mb_begin();
    struct region map[] = {{0x100000, 0x100000, 1}, {0x300000, 0x200000, 1}};
    mb_memory_map_sized(map, 2, 32);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, 2);
    CHECK_EQ(bi.memory[1].base, 0x300000);
    CHECK_EQ(bi.memory[1].length, 0x200000);
}

TEST(memory_map_beyond_the_maximum_is_truncated)
{
    static struct region map[BOOT_MAX_MEMORY_REGIONS + 5];
    for (int i = 0; i < BOOT_MAX_MEMORY_REGIONS + 5; i++)
        map[i] = (struct region){0x100000UL * (i + 1), 0x100000, 1};
    mb_begin();
    mb_memory_map(map, BOOT_MAX_MEMORY_REGIONS + 5);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, BOOT_MAX_MEMORY_REGIONS);
    CHECK_EQ(bi.memory[BOOT_MAX_MEMORY_REGIONS - 1].base, 0x100000UL * BOOT_MAX_MEMORY_REGIONS);
}

TEST(rgb_framebuffer_is_recorded)
{
    mb_begin();
    mb_small_memory_map();
    mb_framebuffer(0xfd000000, 5120, 1280, 800, 32, 1);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.framebuffer.address, 0xfd000000);
    CHECK_EQ(bi.framebuffer.pitch, 5120);
    CHECK_EQ(bi.framebuffer.width, 1280);
    CHECK_EQ(bi.framebuffer.height, 800);
    CHECK_EQ(bi.framebuffer.bpp, 32);
    CHECK_EQ(bi.framebuffer.red_shift, 16);
    CHECK_EQ(bi.framebuffer.green_shift, 8);
    CHECK_EQ(bi.framebuffer.blue_shift, 0);
}

TEST(indexed_or_text_framebuffer_is_ignored)
{
    mb_begin();
    mb_small_memory_map();
    mb_framebuffer(0xb8000, 160, 80, 25, 16, 2); /* EGA text */
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.framebuffer.address, 0);
}

TEST(acpi_rsdp_is_the_physical_address_of_the_copy)
{
    mb_begin();
    mb_small_memory_map();
    size_t old_rsdp = mb_acpi(14);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.acpi_rsdp, INFO_PHYS + old_rsdp);

    mb_begin();
    mb_small_memory_map();
    mb_acpi(14);
    size_t new_rsdp = mb_acpi(15);
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.acpi_rsdp, INFO_PHYS + new_rsdp);

    mb_begin();
    new_rsdp = mb_acpi(15);
    mb_acpi(14);
    mb_small_memory_map();
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.acpi_rsdp, INFO_PHYS + new_rsdp); /* version 2 wins whatever the order */

    mb_begin();
    mb_small_memory_map();
    mb_end();
    CHECK(parse() == NULL);
    CHECK_EQ(bi.acpi_rsdp, 0);
}

TEST(unknown_tags_are_skipped)
{
    mb_begin();
    size_t name = mb_tag(2, 8 + 5); /* boot loader name, not used */
    memcpy(info + name + 8, "GRUB", 5);
    mb_tag(21, 12); /* image load base */
    mb_cmdline("quiet");
    mb_tag(99, 8 + 100);
    mb_small_memory_map();
    mb_end();
    CHECK(parse() == NULL);
    CHECK_STR(bi.cmdline, "quiet");
    CHECK_EQ(bi.memory_region_count, 1);
}

TEST(tags_after_the_end_tag_are_ignored)
{
    mb_begin();
    mb_small_memory_map();
    mb_tag(0, 8);
    mb_cmdline("after the end");
    put32(0, (uint32_t)info_len);
    CHECK(parse() == NULL);
    CHECK_STR(bi.cmdline, "");
}

TEST(bad_magic_is_reported)
{
    mb_begin();
    mb_small_memory_map();
    mb_end();
    CHECK_ERROR(multiboot2_parse(0x2badb002, info, INFO_PHYS, &bi), "magic");
    CHECK_STR(bi.loader, "multiboot2");
    CHECK_EQ(bi.memory_region_count, 0);
}

TEST(missing_information_is_reported)
{
    CHECK(multiboot2_parse(MAGIC, NULL, 0, &bi) != NULL);
}

TEST(tag_smaller_than_8_bytes_is_reported)
{
    mb_begin();
    mb_small_memory_map();
    mb_tag(1, 4);
    mb_end();
    CHECK_ERROR(parse(), "malformed tag");
}

TEST(tag_running_past_the_total_size_is_reported)
{
    mb_begin();
    mb_small_memory_map();
    size_t at = mb_tag(1, 16);
    mb_end();
    put32(at + 4, (uint32_t)(info_len - at + 8)); /* 8 bytes more than there are */
    CHECK_ERROR(parse(), "malformed tag");
}

TEST(missing_end_tag_is_reported)
{
    mb_begin();
    mb_small_memory_map();
    mb_cmdline("no end");
    put32(0, (uint32_t)info_len);
    CHECK_ERROR(parse(), "end tag");
}

TEST(missing_memory_map_is_reported)
{
    mb_begin();
    mb_cmdline("init=/bin/sh");
    mb_module(0x200000, 0x280000, "initrd");
    mb_end();
    CHECK_ERROR(parse(), "memory map");
}

TEST(absurd_total_size_is_reported)
{
    mb_begin();
    mb_small_memory_map();
    mb_end();
    put32(0, 0x40000000);
    CHECK_ERROR(parse(), "size");
    put32(0, 8); /* not even room for the end tag */
    CHECK_ERROR(parse(), "size");
    put32(0, 0);
    CHECK_ERROR(parse(), "size");
}

int main(void)
{
    RUN(complete_information_is_parsed);
    RUN(modules_keep_their_order_and_names);
    RUN(more_modules_than_the_maximum_are_truncated);
    RUN(long_names_and_command_lines_are_cut_to_fit);
    RUN(memory_types_are_translated);
    RUN(memory_map_with_larger_entries_is_read_by_entry_size);
    RUN(memory_map_beyond_the_maximum_is_truncated);
    RUN(rgb_framebuffer_is_recorded);
    RUN(indexed_or_text_framebuffer_is_ignored);
    RUN(acpi_rsdp_is_the_physical_address_of_the_copy);
    RUN(unknown_tags_are_skipped);
    RUN(tags_after_the_end_tag_are_ignored);
    RUN(bad_magic_is_reported);
    RUN(missing_information_is_reported);
    RUN(tag_smaller_than_8_bytes_is_reported);
    RUN(tag_running_past_the_total_size_is_reported);
    RUN(missing_end_tag_is_reported);
    RUN(missing_memory_map_is_reported);
    RUN(absurd_total_size_is_reported);
    UNIT_EXIT();
}
