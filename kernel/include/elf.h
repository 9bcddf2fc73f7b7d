/* elf.h - checking ELF64 executables (kernel/proc/elf.c). The checks are a pure function
 * of the file's first bytes, so tests/unit/test_elf.c runs them on the host.
 */
#ifndef NEST_ELF_H
#define NEST_ELF_H

#include "types.h"

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ELF_MAX_PHDRS 32
#define ELF_INTERP_MAX 256        /* longest interpreter path, NUL included */
#define ELF_DYN_SPAN (1UL << 40)  /* an ET_DYN image's addresses all lie below this */

/* What exec needs from a checked executable. For a relocatable one (ET_DYN: a PIE, ld.so)
 * every address here is relative to the base exec loads it at. */
struct elf_image {
    bool relocatable;      /* ET_DYN: exec chooses the base */
    uint64_t entry;
    uint64_t phdr_address; /* where the program headers are in memory (AT_PHDR) */
    uint16_t phnum;
    uint64_t start;        /* lowest page of any segment */
    uint64_t end;          /* highest address of any segment: the heap starts after it */
    char interp[ELF_INTERP_MAX]; /* PT_INTERP: the dynamic linker's path, "" if none */
    int load_count;
    struct elf64_phdr loads[ELF_MAX_PHDRS];
};

/* Check an executable whose first head_size bytes are head and whose size is file_size.
 * Returns 0 and fills image, or -ENOEXEC with *why set to the reason. */
int elf_check(const void *head, size_t head_size, uint64_t file_size, struct elf_image *image,
              const char **why);

#endif
