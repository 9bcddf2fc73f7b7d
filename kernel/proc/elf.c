/* elf.c - decide whether a file is an ELF64 x86-64 program nest can run, and collect what
 * exec needs: its loadable segments, entry point, program headers and, for a dynamically
 * linked program, the path of its interpreter (ld.so). Everything that could make the loader
 * misbehave is rejected here with ENOEXEC: bad magic, wrong class, machine or OS/ABI,
 * segments that overlap the kernel or point outside the file, a malformed interpreter path.
 */
#include "elf.h"
#include "errno.h"
#include "layout.h"
#include "string.h"

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3 /* "GNU/Linux": glibc's static programs, ld.so and libc say this */

static int reject(const char **why, const char *reason)
{
    *why = reason;
    return -ENOEXEC;
}

/* Is [start, start + size) a sane place for a segment? A fixed-address program (ET_EXEC)
 * must stay in user space above page 0; a relocatable one (ET_DYN) is moved by a base
 * exec chooses, so its addresses only have to fit in ELF_DYN_SPAN. */
static bool segment_range(bool relocatable, uint64_t start, uint64_t size)
{
    if (start + size < start)
        return false;
    if (relocatable)
        return start + size <= ELF_DYN_SPAN;
    return start + size <= USER_TOP && start >= PAGE_SIZE;
}

static int check_segment(const struct elf64_phdr *ph, bool relocatable, uint64_t file_size,
                         const char **why)
{
    if (ph->filesz > ph->memsz)
        return reject(why, "segment's file size exceeds its memory size");
    if (ph->offset + ph->filesz < ph->offset || ph->offset + ph->filesz > file_size)
        return reject(why, "segment lies outside the file");
    if (!segment_range(relocatable, ph->vaddr, ph->memsz))
        return reject(why, "segment lies outside user space");
    if ((ph->vaddr - ph->offset) % PAGE_SIZE != 0)
        return reject(why, "segment address and file offset disagree modulo the page size");
    return 0;
}

/* PT_INTERP names the interpreter: a NUL-terminated path inside the first page. */
static int check_interp(const struct elf64_phdr *ph, const uint8_t *head, size_t head_size,
                        struct elf_image *image, const char **why)
{
    if (image->interp[0])
        return reject(why, "more than one interpreter");
    if (ph->offset > head_size || ph->filesz > head_size - ph->offset || ph->filesz < 2 ||
        ph->filesz > ELF_INTERP_MAX)
        return reject(why, "interpreter path outside the first page or too long");
    const char *path = (const char *)head + ph->offset;
    if (path[ph->filesz - 1] != 0 || strlen(path) != ph->filesz - 1)
        return reject(why, "interpreter path is not one NUL-terminated string");
    memcpy(image->interp, path, ph->filesz);
    return 0;
}

static int check_header(const struct elf64_header *eh, size_t head_size, uint64_t file_size,
                        const char **why)
{
    if (head_size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
        return reject(why, "not an ELF file");
    if (eh->ident[4] != 2 || eh->ident[5] != 1)
        return reject(why, "not a 64-bit little-endian ELF file");
    if (eh->ident[7] != ELFOSABI_SYSV && eh->ident[7] != ELFOSABI_GNU)
        return reject(why, "not a Linux program (OS/ABI)");
    if (eh->type != ET_EXEC && eh->type != ET_DYN)
        return reject(why, "not an executable (ET_EXEC or ET_DYN)");
    if (eh->machine != EM_X86_64)
        return reject(why, "not an x86-64 program");
    if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 || eh->phnum > ELF_MAX_PHDRS)
        return reject(why, "bad program header table");
    uint64_t ph_size = (uint64_t)eh->phnum * sizeof(struct elf64_phdr);
    if (eh->phoff > head_size || ph_size > head_size - eh->phoff || eh->phoff + ph_size > file_size)
        return reject(why, "program headers lie outside the file's first page");
    return 0;
}

int elf_check(const void *head, size_t head_size, uint64_t file_size, struct elf_image *image,
              const char **why)
{
    const struct elf64_header *eh = head;
    memset(image, 0, sizeof(*image));
    int err = check_header(eh, head_size, file_size, why);
    if (err)
        return err;
    image->relocatable = eh->type == ET_DYN;
    uint64_t ph_end = eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf64_phdr);
    const struct elf64_phdr *ph = (const void *)((const uint8_t *)head + eh->phoff);
    bool have_phdr = false;
    image->start = ~0UL;
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_INTERP && (err = check_interp(&ph[i], head, head_size, image, why)))
            return err;
        if (ph[i].type == PT_PHDR) {
            image->phdr_address = ph[i].vaddr;
            have_phdr = true;
        }
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        if ((err = check_segment(&ph[i], image->relocatable, file_size, why)))
            return err;
        if (!have_phdr && eh->phoff >= ph[i].offset && ph_end <= ph[i].offset + ph[i].filesz) {
            image->phdr_address = ph[i].vaddr + (eh->phoff - ph[i].offset);
            have_phdr = true;
        }
        image->loads[image->load_count++] = ph[i];
        image->start = MIN(image->start, ALIGN_DOWN(ph[i].vaddr, PAGE_SIZE));
        image->end = MAX(image->end, ph[i].vaddr + ph[i].memsz);
    }
    if (image->load_count == 0)
        return reject(why, "no loadable segment");
    if (!segment_range(image->relocatable, eh->entry, 1))
        return reject(why, "entry point outside user space");
    image->entry = eh->entry;
    image->phnum = eh->phnum;
    return 0;
}
