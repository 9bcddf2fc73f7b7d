// SOURCES: kernel/lib/string.c kernel/proc/elf.c
/* test_elf.c - checking ELF64 executables before exec loads them (kernel/proc/elf.c).
 *
 * Each test builds the first page of a small executable in memory (an ELF header, then
 * program headers at offset 64), static or a PIE with an interpreter, spoils one thing, and
 * checks that elf_check rejects it with -ENOEXEC and a reason.
 */
#include "unit.h"

#include "elf.h"
#include "errno.h"
#include "layout.h"

#define FILE_SIZE 0x3000UL

/* The file's first page, and a page of guard before it (see the wrap-around test). */
static struct {
    uint8_t before[PAGE_SIZE];
    uint8_t head[PAGE_SIZE];
} file __attribute__((aligned(PAGE_SIZE)));

static struct elf_image image;
static const char *why;

static struct elf64_header *eh(void) { return (struct elf64_header *)file.head; }
static struct elf64_phdr *ph(int i) { return (struct elf64_phdr *)(file.head + 64) + i; }

/* A good static executable: PT_PHDR, text (with the headers) and data + bss. */
static void build_valid(void)
{
    memset(&file, 0, sizeof(file));
    struct elf64_header *h = eh();
    memcpy(h->ident, "\177ELF", 4);
    h->ident[4] = 2; /* ELFCLASS64 */
    h->ident[5] = 1; /* ELFDATA2LSB */
    h->ident[6] = 1; /* EV_CURRENT */
    h->type = 2;     /* ET_EXEC */
    h->machine = 62; /* EM_X86_64 */
    h->version = 1;
    h->entry = 0x401000;
    h->phoff = 64;
    h->ehsize = 64;
    h->phentsize = sizeof(struct elf64_phdr);
    h->phnum = 3;
    *ph(0) = (struct elf64_phdr){.type = PT_PHDR, .flags = PF_R, .offset = 64,
                                 .vaddr = 0x400040, .paddr = 0x400040, .filesz = 3 * 56,
                                 .memsz = 3 * 56, .align = 8};
    *ph(1) = (struct elf64_phdr){.type = PT_LOAD, .flags = PF_R | PF_X, .offset = 0,
                                 .vaddr = 0x400000, .paddr = 0x400000, .filesz = 0x1200,
                                 .memsz = 0x1200, .align = PAGE_SIZE};
    *ph(2) = (struct elf64_phdr){.type = PT_LOAD, .flags = PF_R | PF_W, .offset = 0x2100,
                                 .vaddr = 0x403100, .paddr = 0x403100, .filesz = 0x100,
                                 .memsz = 0x3000, .align = PAGE_SIZE};
}

static int check(void) { return elf_check(file.head, PAGE_SIZE, FILE_SIZE, &image, &why); }

/* Does s contain text? (The kernel's string.h, which the tests see, has no strstr.) */
static bool contains(const char *s, const char *text)
{
    for (; s && *s; s++)
        if (strncmp(s, text, strlen(text)) == 0)
            return true;
    return false;
}

/* elf_check must give -ENOEXEC with a reason that mentions what. */
#define CHECK_REJECTED(what)                                                               \
    do {                                                                                   \
        why = NULL;                                                                        \
        CHECK_EQ(check(), -ENOEXEC);                                                       \
        CHECK(why != NULL);                                                                \
        if (why && !contains(why, what))                                                   \
            printf("  reason \"%s\" does not mention \"%s\"\n", why, what);                \
        CHECK(contains(why, what));                                                        \
    } while (0)

TEST(valid_static_executable_is_accepted)
{
    build_valid();
    why = NULL;
    CHECK_EQ(check(), 0);
    CHECK(why == NULL);
    CHECK_EQ(image.entry, 0x401000);
    CHECK_EQ(image.phdr_address, 0x400040);
    CHECK_EQ(image.phnum, 3);
    CHECK_EQ(image.load_count, 2);
    CHECK_EQ(image.end, 0x403100 + 0x3000);
    CHECK_EQ(image.loads[0].vaddr, 0x400000);
    CHECK_EQ(image.loads[0].flags, PF_R | PF_X);
    CHECK_EQ(image.loads[1].vaddr, 0x403100);
    CHECK_EQ(image.loads[1].offset, 0x2100);
    CHECK_EQ(image.loads[1].filesz, 0x100);
    CHECK_EQ(image.loads[1].memsz, 0x3000);
}

TEST(phdr_address_is_found_in_the_first_segment_without_pt_phdr)
{
    build_valid();
    ph(0)->type = 0; /* PT_NULL */
    ph(1)->vaddr = 0x500000;
    eh()->entry = 0x500100;
    CHECK_EQ(check(), 0);
    CHECK_EQ(image.phdr_address, 0x500040);
    CHECK_EQ(image.load_count, 2);
    CHECK_EQ(image.entry, 0x500100);
}

TEST(end_is_the_highest_segment_end_whatever_the_order)
{
    build_valid();
    struct elf64_phdr text = *ph(1);
    *ph(1) = *ph(2);
    *ph(2) = text;
    CHECK_EQ(check(), 0);
    CHECK_EQ(image.end, 0x406100);
    CHECK_EQ(image.loads[0].vaddr, 0x403100);
}

TEST(empty_pt_load_is_skipped)
{
    build_valid();
    ph(0)->type = PT_LOAD; /* memsz 0 below: nothing to load, nothing to check */
    ph(0)->memsz = 0;
    ph(0)->filesz = 0;
    ph(0)->vaddr = 0xffff800000000000UL;
    CHECK_EQ(check(), 0);
    CHECK_EQ(image.load_count, 2);
}

TEST(bad_magic_is_rejected)
{
    build_valid();
    file.head[1] = 'e';
    CHECK_REJECTED("ELF");
}

TEST(header_shorter_than_an_elf_header_is_rejected)
{
    build_valid();
    why = NULL;
    CHECK_EQ(elf_check(file.head, 63, FILE_SIZE, &image, &why), -ENOEXEC);
    CHECK(why != NULL);
}

TEST(elf32_class_is_rejected)
{
    build_valid();
    eh()->ident[4] = 1;
    CHECK_REJECTED("64-bit");
}

TEST(big_endian_is_rejected)
{
    build_valid();
    eh()->ident[5] = 2;
    CHECK_REJECTED("little-endian");
}

TEST(relocatable_object_is_rejected)
{
    build_valid();
    eh()->type = 1; /* ET_REL: a .o file */
    CHECK_REJECTED("ET_EXEC");
    build_valid();
    eh()->type = 4; /* ET_CORE */
    CHECK_REJECTED("ET_DYN");
}

/* A PIE as gcc makes it: ET_DYN, the first segment at address 0. */
static void build_pie(void)
{
    build_valid();
    eh()->type = 3; /* ET_DYN */
    eh()->entry = 0x1000;
    ph(0)->vaddr = ph(0)->paddr = 0x40;
    ph(1)->vaddr = ph(1)->paddr = 0;
    ph(2)->vaddr = ph(2)->paddr = 0x3100;
}

TEST(pie_at_address_zero_is_accepted_as_relocatable)
{
    build_pie();
    why = NULL;
    CHECK_EQ(check(), 0);
    CHECK(image.relocatable);
    CHECK_EQ(image.start, 0);
    CHECK_EQ(image.entry, 0x1000);
    CHECK_EQ(image.phdr_address, 0x40);
    CHECK_EQ(image.end, 0x6100);
    CHECK_EQ(image.interp[0], 0);
    build_valid();
    CHECK_EQ(check(), 0);
    CHECK(!image.relocatable);
    CHECK_EQ(image.start, 0x400000);
}

TEST(pie_larger_than_its_span_is_rejected)
{
    build_pie();
    ph(2)->vaddr = ELF_DYN_SPAN - 0x1000 + 0x100; /* the bss runs past the span */
    CHECK_REJECTED("user space");
    build_pie();
    eh()->entry = ELF_DYN_SPAN;
    CHECK_REJECTED("entry");
}

TEST(linux_os_abi_values_are_accepted_and_others_rejected)
{
    build_valid();
    eh()->ident[7] = 3; /* ELFOSABI_GNU, as glibc's static programs say */
    CHECK_EQ(check(), 0);
    build_valid();
    eh()->ident[7] = 9; /* ELFOSABI_FREEBSD */
    CHECK_REJECTED("OS/ABI");
}

/* Add a PT_INTERP header (replacing PT_PHDR) naming path, stored at offset 0x300. */
static void add_interp(const char *path, uint64_t size)
{
    *ph(0) = (struct elf64_phdr){.type = PT_INTERP, .flags = PF_R, .offset = 0x300,
                                 .vaddr = 0x300, .filesz = size, .memsz = size, .align = 1};
    memcpy(file.head + 0x300, path, strlen(path) + 1);
}

TEST(interpreter_path_is_collected)
{
    build_pie();
    add_interp("/lib64/ld-linux-x86-64.so.2", 28);
    why = NULL;
    CHECK_EQ(check(), 0);
    CHECK(strcmp(image.interp, "/lib64/ld-linux-x86-64.so.2") == 0);
    CHECK_EQ(image.phdr_address, 0x40); /* found in the first segment instead */
}

TEST(malformed_interpreter_path_is_rejected)
{
    build_pie();
    add_interp("/lib/ld.so", 8); /* the size stops before the NUL */
    CHECK_REJECTED("NUL");
    build_pie();
    add_interp("/lib/ld.so", 16); /* a NUL inside the path */
    CHECK_REJECTED("NUL");
    build_pie();
    add_interp("/lib/ld.so", 11);
    ph(0)->offset = PAGE_SIZE - 4; /* runs off the first page */
    CHECK_REJECTED("interpreter");
    build_pie();
    add_interp("/lib/ld.so", ELF_INTERP_MAX + 1);
    CHECK_REJECTED("interpreter");
    build_pie();
    add_interp("/lib/ld.so", 11);
    ph(2)->type = PT_INTERP;
    ph(2)->offset = 0x300;
    ph(2)->filesz = 11;
    CHECK_REJECTED("more than one");
}

TEST(wrong_machine_is_rejected)
{
    build_valid();
    eh()->machine = 183; /* EM_AARCH64 */
    CHECK_REJECTED("x86-64");
}

TEST(wrong_phentsize_is_rejected)
{
    build_valid();
    eh()->phentsize = 32;
    CHECK_REJECTED("program header");
}

TEST(no_program_headers_is_rejected)
{
    build_valid();
    eh()->phnum = 0;
    CHECK_REJECTED("program header");
}

TEST(too_many_program_headers_is_rejected)
{
    build_valid();
    eh()->phnum = ELF_MAX_PHDRS + 1;
    CHECK_REJECTED("program header");
}

TEST(program_headers_beyond_the_first_page_are_rejected)
{
    build_valid();
    eh()->phoff = PAGE_SIZE - 2 * sizeof(struct elf64_phdr); /* 2 of the 3 fit */
    CHECK_REJECTED("program headers");
    build_valid();
    why = NULL;
    CHECK_EQ(elf_check(file.head, PAGE_SIZE, 200, &image, &why), -ENOEXEC); /* short file */
    CHECK(why != NULL);
}

TEST(program_header_offset_that_wraps_around_is_rejected)
{
    /* phoff + phnum * 56 overflows to 64: a bounds check on the sum alone lets the headers
     * be read from before the buffer. Put a plausible table there so that only the bounds
     * check can reject the file. */
    build_valid();
    struct elf64_phdr *outside = (struct elf64_phdr *)(file.head - 1728);
    outside[0] = *ph(1);
    outside[1] = *ph(2);
    eh()->phnum = 32;
    eh()->phoff = (uint64_t)0 - 1728; /* + 32 * 56 = 64, modulo 2^64 */
    CHECK_REJECTED("program headers");
}

TEST(file_size_above_memory_size_is_rejected)
{
    build_valid();
    ph(2)->filesz = 0x4000;
    ph(2)->memsz = 0x3000;
    CHECK_REJECTED("file size");
}

TEST(segment_outside_the_file_is_rejected)
{
    build_valid();
    ph(2)->offset = 0x2f00; /* 0x2f00 + 0x200 > FILE_SIZE */
    ph(2)->vaddr = 0x403f00;
    ph(2)->filesz = 0x200;
    CHECK_REJECTED("outside the file");
    build_valid();
    ph(2)->offset = (uint64_t)0 - 0x100; /* offset + filesz wraps to 0 */
    ph(2)->vaddr = 0x403f00;
    CHECK_REJECTED("outside the file");
}

TEST(segment_above_user_space_is_rejected)
{
    build_valid();
    ph(2)->vaddr = USER_TOP - 0x1000 + 0x100; /* the bss runs past USER_TOP */
    CHECK_REJECTED("user space");
    build_valid();
    ph(2)->vaddr = 0xffffffff80000000UL + 0x100; /* the kernel image */
    CHECK_REJECTED("user space");
    build_valid();
    ph(2)->vaddr = 0xfffffffffffff100UL; /* vaddr + memsz wraps around */
    CHECK_REJECTED("user space");
}

TEST(segment_in_page_zero_is_rejected)
{
    build_valid();
    ph(1)->vaddr = 0;
    eh()->entry = 0x1000;
    CHECK_REJECTED("user space");
}

TEST(segment_just_below_user_top_is_accepted)
{
    build_valid();
    ph(2)->vaddr = USER_TOP - 0x3000 + 0x100;
    ph(2)->memsz = 0x2f00; /* ends exactly at USER_TOP */
    CHECK_EQ(check(), 0);
    CHECK_EQ(image.end, USER_TOP);
}

TEST(misaligned_address_and_offset_are_rejected)
{
    build_valid();
    ph(2)->vaddr = 0x403000; /* offset 0x2100 */
    CHECK_REJECTED("page size");
}

TEST(no_loadable_segment_is_rejected)
{
    build_valid();
    ph(1)->type = 4; /* PT_NOTE */
    ph(2)->memsz = 0;
    ph(2)->filesz = 0;
    CHECK_REJECTED("loadable");
}

TEST(entry_outside_user_space_is_rejected)
{
    build_valid();
    eh()->entry = 0xffffffff80100000UL;
    CHECK_REJECTED("entry");
    build_valid();
    eh()->entry = 0;
    CHECK_REJECTED("entry");
    build_valid();
    eh()->entry = USER_TOP;
    CHECK_REJECTED("entry");
}

int main(void)
{
    RUN(valid_static_executable_is_accepted);
    RUN(phdr_address_is_found_in_the_first_segment_without_pt_phdr);
    RUN(end_is_the_highest_segment_end_whatever_the_order);
    RUN(empty_pt_load_is_skipped);
    RUN(bad_magic_is_rejected);
    RUN(header_shorter_than_an_elf_header_is_rejected);
    RUN(elf32_class_is_rejected);
    RUN(big_endian_is_rejected);
    RUN(relocatable_object_is_rejected);
    RUN(pie_at_address_zero_is_accepted_as_relocatable);
    RUN(pie_larger_than_its_span_is_rejected);
    RUN(linux_os_abi_values_are_accepted_and_others_rejected);
    RUN(wrong_machine_is_rejected);
    RUN(wrong_phentsize_is_rejected);
    RUN(no_program_headers_is_rejected);
    RUN(too_many_program_headers_is_rejected);
    RUN(program_headers_beyond_the_first_page_are_rejected);
    RUN(program_header_offset_that_wraps_around_is_rejected);
    RUN(interpreter_path_is_collected);
    RUN(malformed_interpreter_path_is_rejected);
    RUN(file_size_above_memory_size_is_rejected);
    RUN(segment_outside_the_file_is_rejected);
    RUN(segment_above_user_space_is_rejected);
    RUN(segment_in_page_zero_is_rejected);
    RUN(segment_just_below_user_top_is_accepted);
    RUN(misaligned_address_and_offset_are_rejected);
    RUN(no_loadable_segment_is_rejected);
    RUN(entry_outside_user_space_is_rejected);
    UNIT_EXIT();
}
