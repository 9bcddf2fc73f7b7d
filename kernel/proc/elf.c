/* elf.c - decide whether a file is a static ELF64 x86-64 executable nest can run, and
 * collect its loadable segments. Everything that could make the loader misbehave is
 * rejected here with ENOEXEC: bad magic, wrong class or machine, a dynamic interpreter,
 * segments that overlap the kernel or point outside the file.
 */
#include "elf.h"
#include "errno.h"
#include "layout.h"
#include "string.h"

#define ET_EXEC 2
#define EM_X86_64 62

static int reject(const char **why, const char *reason)
{
    *why = reason;
    return -ENOEXEC;
}

/* Is [start, start + size) a sane user range? */
static bool user_range(uint64_t start, uint64_t size)
{
    return start + size >= start && start + size <= USER_TOP && start >= PAGE_SIZE;
}

static int check_segment(const struct elf64_phdr *ph, uint64_t file_size, const char **why)
{
    if (ph->filesz > ph->memsz)
        return reject(why, "segment's file size exceeds its memory size");
    if (ph->offset + ph->filesz < ph->offset || ph->offset + ph->filesz > file_size)
        return reject(why, "segment lies outside the file");
    if (!user_range(ph->vaddr, ph->memsz))
        return reject(why, "segment lies outside user space");
    if ((ph->vaddr - ph->offset) % PAGE_SIZE != 0)
        return reject(why, "segment address and file offset disagree modulo the page size");
    return 0;
}

int elf_check(const void *head, size_t head_size, uint64_t file_size, struct elf_image *image,
              const char **why)
{
    const struct elf64_header *eh = head;
    memset(image, 0, sizeof(*image));
    if (head_size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
        return reject(why, "not an ELF file");
    if (eh->ident[4] != 2 || eh->ident[5] != 1)
        return reject(why, "not a 64-bit little-endian ELF file");
    if (eh->type != ET_EXEC)
        return reject(why, "not a static executable (ET_EXEC)");
    if (eh->machine != EM_X86_64)
        return reject(why, "not an x86-64 program");
    if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > ELF_MAX_PHDRS)
        return reject(why, "bad program header table");
    uint64_t ph_size = (uint64_t)eh->phnum * sizeof(struct elf64_phdr);
    if (eh->phoff > head_size || ph_size > head_size - eh->phoff || eh->phoff + ph_size > file_size)
        return reject(why, "program headers lie outside the file's first page");
    uint64_t ph_end = eh->phoff + ph_size;

    const struct elf64_phdr *ph = (const void *)((const uint8_t *)head + eh->phoff);
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_INTERP)
            return reject(why, "dynamically linked (needs an interpreter)");
        if (ph[i].type == PT_PHDR)
            image->phdr_address = ph[i].vaddr;
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        int err = check_segment(&ph[i], file_size, why);
        if (err)
            return err;
        if (!image->phdr_address && eh->phoff >= ph[i].offset &&
            ph_end <= ph[i].offset + ph[i].filesz)
            image->phdr_address = ph[i].vaddr + (eh->phoff - ph[i].offset);
        image->loads[image->load_count++] = ph[i];
        if (ph[i].vaddr + ph[i].memsz > image->end)
            image->end = ph[i].vaddr + ph[i].memsz;
    }
    if (image->load_count == 0)
        return reject(why, "no loadable segment");
    if (!user_range(eh->entry, 1))
        return reject(why, "entry point outside user space");
    image->entry = eh->entry;
    image->phnum = eh->phnum;
    return 0;
}
