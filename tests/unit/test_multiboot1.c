// SOURCES: kernel/lib/string.c kernel/arch/x86_64/multiboot1.c
/* test_multiboot1.c - turning Multiboot1 information into struct boot_info
 * (kernel/arch/x86_64/multiboot1.c). A buffer stands for the first 64 KiB of physical
 * memory; the information (at 0x9500, where QEMU's -kernel puts it), its memory map, module
 * list and strings are written into it.
 */
#include "unit.h"

#include "boot_info.h"
#include "multiboot1.h"

#define MAGIC MULTIBOOT1_BOOTLOADER_MAGIC
#define MAP_PHYS 0x1000u
#define INFO_PHYS 0x9500u
#define MODULES_PHYS 0xa000u
#define STRINGS_PHYS 0xb000u

/* The information's flags (Multiboot 0.6.96, section 3.3). */
#define HAS_CMDLINE (1u << 2)
#define HAS_MODULES (1u << 3)
#define HAS_MEMORY_MAP (1u << 6)

static uint8_t memory[0x10000] __attribute__((aligned(8)));
static uint32_t strings_end, map_length, module_count;
static struct boot_info bi;

static void put32(uint32_t at, uint32_t v) { memcpy(memory + at, &v, 4); }
static void put64(uint32_t at, uint64_t v) { memcpy(memory + at, &v, 8); }

/* Start new information with these flags and nothing in it yet. */
static void mb_begin(uint32_t flags)
{
    memset(memory, 0, sizeof(memory));
    strings_end = STRINGS_PHYS;
    map_length = module_count = 0;
    put32(INFO_PHYS, flags);
    put32(INFO_PHYS + 24, MODULES_PHYS);
    put32(INFO_PHYS + 48, MAP_PHYS);
}

/* Copy text into the string area; return its physical address. */
static uint32_t mb_string(const char *text)
{
    uint32_t at = strings_end;
    memcpy(memory + at, text, strlen(text) + 1);
    strings_end += (uint32_t)strlen(text) + 1;
    return at;
}

static void mb_cmdline(const char *text) { put32(INFO_PHYS + 16, mb_string(text)); }

/* A module; name NULL gives it no string (address 0). */
static void mb_module(uint32_t start, uint32_t end, const char *name)
{
    uint32_t at = MODULES_PHYS + 16 * module_count++;
    put32(at, start);
    put32(at + 4, end);
    put32(at + 8, name ? mb_string(name) : 0);
    put32(INFO_PHYS + 20, module_count);
}

/* A memory map entry whose size field says size (20 for the entry alone). */
static void mb_region_sized(uint64_t base, uint64_t length, uint32_t type, uint32_t size)
{
    uint32_t at = MAP_PHYS + map_length;
    put32(at, size);
    put64(at + 4, base);
    put64(at + 12, length);
    put32(at + 20, type);
    map_length += size + 4;
    put32(INFO_PHYS + 44, map_length);
}

static void mb_region(uint64_t base, uint64_t length, uint32_t type)
{
    mb_region_sized(base, length, type, 20);
}

static const char *parse(void) { return multiboot1_parse(MAGIC, INFO_PHYS, memory, &bi); }

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

TEST(information_as_qemu_gives_it_is_parsed)
{
    mb_begin(HAS_CMDLINE | HAS_MODULES | HAS_MEMORY_MAP);
    mb_cmdline("build/kernel.elf console=ttyS0 init=/sbin/init -- /bin/bash");
    mb_module(0x273000, 0x2173a00, "build/debian.cpio");
    mb_module(0x2174000, 0x2175000, "build/tests.cpio");
    mb_region(0, 0x9fc00, 1);
    mb_region(0x9fc00, 0x400, 2);
    mb_region(0x100000, 0x1fee0000, 1);
    mb_region(0xfffc0000, 0x40000, 2);
    CHECK(parse() == NULL);
    CHECK_STR(bi.loader, "multiboot1");
    CHECK_STR(bi.cmdline, "console=ttyS0 init=/sbin/init -- /bin/bash");
    CHECK_EQ(bi.module_count, 2);
    CHECK_EQ(bi.modules[0].start, 0x273000);
    CHECK_EQ(bi.modules[0].end, 0x2173a00);
    CHECK_STR(bi.modules[0].name, "build/debian.cpio");
    CHECK_EQ(bi.modules[1].start, 0x2174000);
    CHECK_STR(bi.modules[1].name, "build/tests.cpio");
    CHECK_EQ(bi.memory_region_count, 4);
    CHECK_EQ(bi.memory[2].base, 0x100000);
    CHECK_EQ(bi.memory[2].length, 0x1fee0000);
    CHECK_EQ(bi.memory[0].type, BOOT_MEMORY_USABLE);
    CHECK_EQ(bi.memory[1].type, BOOT_MEMORY_RESERVED);
    CHECK_EQ(bi.acpi_rsdp, 0); /* Multiboot1 has none: acpi_init searches the BIOS area */
    CHECK_EQ(bi.framebuffer.address, 0);
}

TEST(command_line_of_only_the_kernel_file_name_is_empty)
{
    mb_begin(HAS_CMDLINE | HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    mb_cmdline("kernel.elf "); /* QEMU with an empty -append */
    CHECK(parse() == NULL);
    CHECK_STR(bi.cmdline, "");
    mb_cmdline("/boot/kernel.elf");
    CHECK(parse() == NULL);
    CHECK_STR(bi.cmdline, "");
}

TEST(long_names_and_command_lines_are_cut_to_fit)
{
    char long_name[100], long_cmdline[600];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    memcpy(long_cmdline, "kernel ", 7);
    memset(long_cmdline + 7, 'c', sizeof(long_cmdline) - 8);
    long_cmdline[sizeof(long_cmdline) - 1] = 0;
    mb_begin(HAS_CMDLINE | HAS_MODULES | HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    mb_cmdline(long_cmdline);
    mb_module(0x300000, 0x301000, long_name);
    CHECK(parse() == NULL);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    CHECK_EQ(bi.cmdline[0], 'c');
    CHECK_EQ(strlen(bi.modules[0].name), BOOT_NAME_MAX - 1);
}

TEST(module_without_a_string_has_an_empty_name)
{
    mb_begin(HAS_MODULES | HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    mb_module(0x300000, 0x301000, NULL);
    CHECK(parse() == NULL);
    CHECK_EQ(bi.module_count, 1);
    CHECK_STR(bi.modules[0].name, "");
    CHECK_EQ(bi.modules[0].end, 0x301000);
}

TEST(more_modules_than_the_maximum_are_truncated)
{
    mb_begin(HAS_MODULES | HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    for (int i = 0; i < BOOT_MAX_MODULES + 4; i++) {
        char name[16];
        snprintf(name, sizeof(name), "m%d", i);
        mb_module(0x1000000 + 0x1000 * i, 0x1000000 + 0x1000 * (i + 1), name);
    }
    CHECK(parse() == NULL);
    CHECK_EQ(bi.module_count, BOOT_MAX_MODULES);
    CHECK_STR(bi.modules[BOOT_MAX_MODULES - 1].name, "m15");
}

TEST(fields_the_flags_leave_out_are_not_read)
{
    mb_begin(HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    mb_cmdline("kernel init=/not/meant");
    mb_module(0x300000, 0x301000, "not meant");
    CHECK(parse() == NULL);
    CHECK_STR(bi.cmdline, "");
    CHECK_EQ(bi.module_count, 0);
}

TEST(memory_types_are_translated)
{
    mb_begin(HAS_MEMORY_MAP);
    for (uint32_t type = 1; type <= 5; type++)
        mb_region(0x1000 * type, 0x1000, type);
    mb_region(0x6000, 0x1000, 7);
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, 6);
    CHECK_EQ(bi.memory[0].type, BOOT_MEMORY_USABLE);
    CHECK_EQ(bi.memory[1].type, BOOT_MEMORY_RESERVED);
    CHECK_EQ(bi.memory[2].type, BOOT_MEMORY_ACPI);
    CHECK_EQ(bi.memory[3].type, BOOT_MEMORY_NVS);
    CHECK_EQ(bi.memory[4].type, BOOT_MEMORY_BAD);
    CHECK_EQ(bi.memory[5].type, BOOT_MEMORY_RESERVED); /* unknown: do not touch */
}

TEST(memory_map_entries_are_stepped_over_by_their_size)
{
    mb_begin(HAS_MEMORY_MAP);
    mb_region_sized(0x100000, 0x100000, 1, 24);
    mb_region(0x300000, 0x200000, 1);
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, 2);
    CHECK_EQ(bi.memory[1].base, 0x300000);
    CHECK_EQ(bi.memory[1].length, 0x200000);
}

TEST(memory_map_stops_at_an_entry_too_short)
{
    mb_begin(HAS_MEMORY_MAP);
    mb_region(0x100000, 0x100000, 1);
    mb_region_sized(0x300000, 0x200000, 1, 12);
    mb_region(0x600000, 0x200000, 1);
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, 1);

    mb_begin(HAS_MEMORY_MAP);
    mb_region_sized(0x300000, 0x200000, 1, 0);
    CHECK_ERROR(parse(), "memory map");
}

TEST(memory_map_beyond_the_maximum_is_truncated)
{
    mb_begin(HAS_MEMORY_MAP);
    for (int i = 0; i < BOOT_MAX_MEMORY_REGIONS + 5; i++)
        mb_region(0x100000UL * (i + 1), 0x100000, 1);
    CHECK(parse() == NULL);
    CHECK_EQ(bi.memory_region_count, BOOT_MAX_MEMORY_REGIONS);
    CHECK_EQ(bi.memory[BOOT_MAX_MEMORY_REGIONS - 1].base, 0x100000UL * BOOT_MAX_MEMORY_REGIONS);
}

TEST(missing_memory_map_is_reported)
{
    mb_begin(HAS_CMDLINE);
    mb_cmdline("kernel init=/bin/sh");
    CHECK_ERROR(parse(), "memory map");
    mb_begin(HAS_CMDLINE | HAS_MEMORY_MAP); /* the flag, but no entries */
    mb_cmdline("kernel init=/bin/sh");
    CHECK_ERROR(parse(), "memory map");
}

TEST(bad_magic_is_reported)
{
    mb_begin(HAS_MEMORY_MAP);
    mb_region(0x100000, 0x1000000, 1);
    CHECK_ERROR(multiboot1_parse(0x36d76289, INFO_PHYS, memory, &bi), "magic");
    CHECK_STR(bi.loader, "multiboot1");
    CHECK_EQ(bi.memory_region_count, 0);
}

int main(void)
{
    RUN(information_as_qemu_gives_it_is_parsed);
    RUN(command_line_of_only_the_kernel_file_name_is_empty);
    RUN(long_names_and_command_lines_are_cut_to_fit);
    RUN(module_without_a_string_has_an_empty_name);
    RUN(more_modules_than_the_maximum_are_truncated);
    RUN(fields_the_flags_leave_out_are_not_read);
    RUN(memory_types_are_translated);
    RUN(memory_map_entries_are_stepped_over_by_their_size);
    RUN(memory_map_stops_at_an_entry_too_short);
    RUN(memory_map_beyond_the_maximum_is_truncated);
    RUN(missing_memory_map_is_reported);
    RUN(bad_magic_is_reported);
    UNIT_EXIT();
}
