/* exec.c - execve: replace a process's program with an ELF64 executable.
 *
 * Steps: gather argv and envp into kernel memory; find the file; run a "#!" script's
 * interpreter instead; check the ELF (elf.c) and, for a dynamically linked program, its
 * interpreter (ld.so, which then loads the libraries itself); build the new address space
 * beside the old one (segments mapped from the files, filled on first touch, a PIE at a
 * random base; the stack with the System V initial layout); only then, when nothing can
 * fail any more, switch to it.
 */
#include "arch.h"
#include "cpu.h"
#include "elf.h"
#include "fs.h"
#include "mm.h"
#include "printk.h"
#include "proc.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"

#define STACK_TOP 0x7ffffffff000UL
#define STACK_SIZE (8UL << 20)
#define MAX_STRINGS (PAGE_SIZE / sizeof(char *)) /* per list: argv, envp */
#define MAX_ARGS_BYTES (256UL << 10)
#define MAX_SCRIPT_DEPTH 4

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

/* AT_MINSIGSTKSZ's value: glibc's MINSIGSTKSZ, more than a signal frame (signal.c) needs. */
#define SIGNAL_FRAME_MIN 2048

/* The arguments and environment, copied out of the old program before it goes away. */
struct exec_args {
    char **argv; /* one page of pointers to kmalloc'd strings */
    char **envp;
    int argc, envc;
    size_t bytes; /* all strings, NULs included */
};

static void free_strings(char **list, int count)
{
    for (int i = 0; i < count; i++)
        kfree(list[i]);
}

static void exec_args_free(struct exec_args *ea)
{
    if (ea->argv) {
        free_strings(ea->argv, ea->argc);
        kfree(ea->argv);
    }
    if (ea->envp) {
        free_strings(ea->envp, ea->envc);
        kfree(ea->envp);
    }
}

/* Copy one string (from user space or the kernel) into a kmalloc'd block. */
static long copy_string(const char *src, bool user, char **out)
{
    static char bounce[PAGE_SIZE]; /* the kernel lock: nothing between fill and copy sleeps */
    long len;
    if (user) {
        len = strncpy_from_user(bounce, src, sizeof(bounce));
        if (len == -ENAMETOOLONG)
            return -E2BIG;
        if (len < 0)
            return len;
    } else {
        len = (long)strnlen(src, sizeof(bounce));
        if (len == (long)sizeof(bounce))
            return -E2BIG;
        memcpy(bounce, src, len + 1);
    }
    *out = kmalloc(len + 1);
    if (!*out)
        return -ENOMEM;
    memcpy(*out, bounce, len + 1);
    return len + 1;
}

/* Copy a NULL-terminated list of strings; list may be NULL (an empty list). */
static int copy_list(char *const *list, bool user, char **dst, int *count, size_t *bytes)
{
    for (*count = 0; list; (*count)++) {
        char *s;
        if (user) {
            if (get_user(s, &list[*count]) < 0)
                return -EFAULT;
        } else {
            s = list[*count];
        }
        if (!s)
            return 0;
        if (*count == (int)MAX_STRINGS - 1)
            return -E2BIG;
        long n = copy_string(s, user, &dst[*count]);
        if (n < 0)
            return (int)n;
        *bytes += n;
        if (*bytes > MAX_ARGS_BYTES) {
            (*count)++;
            return -E2BIG;
        }
    }
    return 0;
}

static int gather_args(struct exec_args *ea, char *const argv[], char *const envp[], bool user)
{
    ea->argv = kzalloc(PAGE_SIZE);
    ea->envp = kzalloc(PAGE_SIZE);
    if (!ea->argv || !ea->envp)
        return -ENOMEM;
    int err = copy_list(argv, user, ea->argv, &ea->argc, &ea->bytes);
    if (!err)
        err = copy_list(envp, user, ea->envp, &ea->envc, &ea->bytes);
    return err;
}

/* Put s in front of argv (for a script's interpreter line). */
static int prepend_arg(struct exec_args *ea, const char *s)
{
    if (ea->argc >= (int)MAX_STRINGS - 1)
        return -E2BIG;
    char *copy;
    long n = copy_string(s, false, &copy);
    if (n < 0)
        return (int)n;
    memmove(&ea->argv[1], &ea->argv[0], ea->argc * sizeof(char *));
    ea->argv[0] = copy;
    ea->argc++;
    ea->bytes += n;
    return 0;
}

/* "#!interpreter [one argument]": argv becomes interpreter, [argument], path, argv[1..]. */
static int setup_script(struct exec_args *ea, const char *path, char *line, size_t len,
                        char *interp, size_t interp_size)
{
    line[len] = 0;
    char *newline = strchr(line, '\n');
    if (!newline)
        return -ENOEXEC; /* interpreter line longer than the first page */
    *newline = 0;
    char *p = line + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *name = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    char *arg = NULL;
    if (*p) {
        *p++ = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        arg = *p ? p : NULL; /* like Linux: the rest of the line is one argument */
        for (char *end = p + strlen(p); arg && end > p && (end[-1] == ' ' || end[-1] == '\t');)
            *--end = 0;
    }
    if (!*name)
        return -ENOEXEC;
    strlcpy(interp, name, interp_size);
    if (ea->argc > 0) {
        kfree(ea->argv[0]);
        memmove(&ea->argv[0], &ea->argv[1], (ea->argc - 1) * sizeof(char *));
        ea->argc--;
    }
    int err = prepend_arg(ea, path);
    if (!err && arg)
        err = prepend_arg(ea, arg);
    if (!err)
        err = prepend_arg(ea, interp);
    return err;
}

/* Write the strings of list downward from *sp in mm, recording their user addresses. */
static int push_strings(struct mm *mm, uint64_t *sp, char **list, int count, uint64_t *addrs)
{
    for (int i = count - 1; i >= 0; i--) {
        size_t n = strlen(list[i]) + 1;
        *sp -= n;
        int err = vm_write(mm, *sp, list[i], n);
        if (err)
            return err;
        addrs[i] = *sp;
    }
    return 0;
}

/* Where exec put the program (and its interpreter): what the entry point and auxv say. */
struct exec_layout {
    uint64_t entry;         /* where the process starts: ld.so's entry when there is one */
    uint64_t program_entry; /* the program's own entry point (AT_ENTRY) */
    uint64_t phdr;          /* the program's headers in memory (AT_PHDR) */
    uint64_t phnum;
    uint64_t interp_base;   /* where ld.so was loaded (AT_BASE), 0 without one */
};

/* AT_HWCAP on x86-64 is CPUID leaf 1's EDX, as Linux gives it. */
static uint64_t hardware_capabilities(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    return d;
}

/* Build the System V initial stack: argc, argv[], NULL, envp[], NULL, auxv, with the
 * strings, the platform name and AT_RANDOM's bytes above. The auxv is also kept in mm for
 * /proc/PID/auxv. Returns the initial stack pointer, or -errno. */
static long build_stack(struct mm *mm, struct exec_args *ea, const struct exec_layout *layout,
                        const char *execfn)
{
    static const char platform[] = "x86_64";
    uint64_t *argv_addr = kmalloc(PAGE_SIZE), *envp_addr = kmalloc(PAGE_SIZE);
    long ret = -ENOMEM;
    if (!argv_addr || !envp_addr)
        goto out;
    uint64_t sp = STACK_TOP;
    size_t execfn_len = strlen(execfn) + 1;
    sp -= execfn_len;
    uint64_t execfn_addr = sp;
    sp -= sizeof(platform);
    uint64_t platform_addr = sp;
    uint8_t random[16];
    random_bytes(random, sizeof(random));
    sp = ALIGN_DOWN(sp, 16) - sizeof(random);
    uint64_t random_addr = sp;
    if ((ret = vm_write(mm, execfn_addr, execfn, execfn_len)) ||
        (ret = vm_write(mm, platform_addr, platform, sizeof(platform))) ||
        (ret = vm_write(mm, random_addr, random, sizeof(random))) ||
        (ret = push_strings(mm, &sp, ea->envp, ea->envc, envp_addr)))
        goto out;
    mm->env_start = mm->arg_end = sp;
    mm->env_end = random_addr;
    if ((ret = push_strings(mm, &sp, ea->argv, ea->argc, argv_addr)))
        goto out;
    mm->arg_start = sp;

    /* Linux's order. No AT_SYSINFO_EHDR: nest has no vDSO, and glibc then makes real calls. */
    const uint64_t auxv[] = {
        AT_MINSIGSTKSZ, SIGNAL_FRAME_MIN, AT_HWCAP,  hardware_capabilities(),
        AT_PAGESZ,      PAGE_SIZE,        AT_CLKTCK, USER_HZ,
        AT_PHDR,        layout->phdr,     AT_PHENT,  sizeof(struct elf64_phdr),
        AT_PHNUM,       layout->phnum,    AT_BASE,   layout->interp_base,
        AT_FLAGS,       0,                AT_ENTRY,  layout->program_entry,
        AT_UID,         0,                AT_EUID,   0,
        AT_GID,         0,                AT_EGID,   0,
        AT_SECURE,      0,                AT_RANDOM, random_addr,
        AT_HWCAP2,      0,                AT_EXECFN, execfn_addr,
        AT_PLATFORM,    platform_addr,    AT_NULL,   0};
    _Static_assert(sizeof(auxv) <= sizeof(mm->saved_auxv), "mm->saved_auxv too small");
    memcpy(mm->saved_auxv, auxv, sizeof(auxv));
    size_t words = 1 + ea->argc + 1 + ea->envc + 1 + ARRAY_SIZE(auxv);
    sp = ALIGN_DOWN(sp, 16);
    if (words & 1)
        sp -= 8; /* so that rsp is 16-byte aligned at the entry point */
    sp -= words * 8;
    uint64_t w = sp;
    uint64_t argc = ea->argc, zero = 0;
    if ((ret = vm_write(mm, w, &argc, 8)) ||
        (ret = vm_write(mm, w += 8, argv_addr, ea->argc * 8)) ||
        (ret = vm_write(mm, w += ea->argc * 8, &zero, 8)) ||
        (ret = vm_write(mm, w += 8, envp_addr, ea->envc * 8)) ||
        (ret = vm_write(mm, w += ea->envc * 8, &zero, 8)) ||
        (ret = vm_write(mm, w += 8, auxv, sizeof(auxv))))
        goto out;
    ret = (long)sp;
out:
    kfree(argv_addr);
    kfree(envp_addr);
    return ret;
}

static int prot_of(uint32_t flags)
{
    return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
           ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Map an image's segments, each address moved by bias, from file. The part of a segment's
 * last page past its file data reads as zeros (fill_page), as the bss needs. */
static int map_image(struct mm *mm, struct inode *file, const struct elf_image *image,
                     uint64_t bias)
{
    for (int i = 0; i < image->load_count; i++) {
        const struct elf64_phdr *ph = &image->loads[i];
        uint64_t start = ALIGN_DOWN(ph->vaddr + bias, PAGE_SIZE);
        uint64_t end = ALIGN_UP(ph->vaddr + bias + ph->memsz, PAGE_SIZE);
        int err = vm_map_area(mm, start, end - start, prot_of(ph->flags), false, file,
                              ALIGN_DOWN(ph->offset, PAGE_SIZE),
                              ph->filesz + (ph->vaddr + bias - start));
        if (err)
            return err;
    }
    return 0;
}

/* Where a PIE goes: Linux's ELF_ET_DYN_BASE (two thirds of user space, rounded) moved up by
 * a random number of pages, so that addresses differ from one run to the next. */
#define PIE_BASE 0x555555554000UL
#define PIE_RANDOM_PAGES (1UL << 20)

static uint64_t random_pie_base(void)
{
    uint64_t r;
    random_bytes(&r, sizeof(r));
    return PIE_BASE + (r % PIE_RANDOM_PAGES) * PAGE_SIZE;
}

/* A new address space with the program's segments, its interpreter's (if interp_image is
 * not NULL) and a stack. Fills layout with where things went. */
static struct mm *build_mm(struct inode *file, const struct elf_image *image,
                           struct inode *interp, const struct elf_image *interp_image,
                           struct exec_layout *layout, int *error)
{
    struct mm *mm = mm_create();
    if (!mm) {
        *error = -ENOMEM;
        return NULL;
    }
    uint64_t bias = image->relocatable ? random_pie_base() - image->start : 0;
    int err = map_image(mm, file, image, bias);
    *layout = (struct exec_layout){.entry = image->entry + bias,
                                   .program_entry = image->entry + bias,
                                   .phdr = image->phdr_address + bias,
                                   .phnum = image->phnum};
    if (!err && interp_image) {
        /* ld.so goes at the top of the mmap area, where it would map a library. */
        uint64_t span = ALIGN_UP(interp_image->end, PAGE_SIZE) - interp_image->start;
        uint64_t interp_bias = 0;
        if (interp_image->relocatable) {
            uint64_t base = vm_find_free(mm, span);
            interp_bias = base - interp_image->start;
            err = base ? 0 : -ENOMEM;
        }
        if (!err)
            err = map_image(mm, interp, interp_image, interp_bias);
        layout->entry = interp_image->entry + interp_bias;
        layout->interp_base = interp_image->start + interp_bias;
    }
    if (!err)
        err = vm_map_area(mm, STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE, false,
                          NULL, 0, 0);
    if (err) {
        mm_destroy(mm);
        *error = err;
        return NULL;
    }
    mm->brk_start = mm->brk = ALIGN_UP(image->end + bias, PAGE_SIZE);
    return mm;
}

/* Past the point of no return: the process becomes the new program. */
static void commit_exec(struct proc *p, struct mm *mm, const char *path, uint64_t entry,
                        uint64_t sp)
{
    struct mm *old = p->mm;
    p->mm = mm;
    mm_activate(mm);
    if (old)
        mm_destroy(old); /* after vfork this only drops the borrowed reference */
    vfork_release(p);
    files_close_on_exec(p->files);
    signal_reset_on_exec(p);
    posix_timers_delete_all(p); /* as Linux: POSIX timers do not survive execve */
    p->alt_stack = (struct signal_stack){0, 0, 0, 0};
    proc_set_name(p, path);
    p->did_exec = true;
    p->dump_disabled = false; /* nest has no set-user-ID programs: pdeath_signal stays too */
    p->fs_base = 0;
    wrmsr(MSR_FS_BASE, 0);
    memcpy(p->fpu, fpu_initial_state, sizeof(p->fpu));
    __asm__ volatile("fxrstor64 %0" : : "m"(p->fpu));

    struct trap_frame *tf = p->tf;
    memset(tf, 0, sizeof(*tf));
    tf->rip = entry;
    tf->rsp = sp;
    tf->rflags = RFLAGS_IF;
    tf->cs = SEL_USER_CODE;
    tf->ss = SEL_USER_DATA;
}

/* Open path as a program file: a regular file with an execute bit. Reads its first page
 * into head (PAGE_SIZE bytes); returns the bytes read, or -errno. */
static ssize_t open_program(const char *path, char *head, struct inode **out)
{
    int err = vfs_lookup(path, true, out);
    if (err)
        return err;
    mode_t mode = inode_mode(*out);
    ssize_t n = !S_ISREG(mode) || !(mode & 0111) ? -EACCES : inode_read(*out, head, PAGE_SIZE, 0);
    if (n < 0) {
        inode_put(*out);
        *out = NULL;
    }
    return n;
}

/* The dynamic linker a program names (PT_INTERP), opened and checked. It must itself be a
 * program without an interpreter; a broken one is ELIBBAD, as on Linux. */
static int load_interpreter(const char *path, char *head, struct inode **inode,
                            struct elf_image *image)
{
    ssize_t n = open_program(path, head, inode);
    if (n < 0)
        return (int)n;
    const char *why = NULL;
    int err = elf_check(head, n, inode_size(*inode), image, &why);
    if (!err && image->interp[0]) {
        why = "the interpreter wants an interpreter";
        err = -ELIBBAD;
    }
    if (err) {
        pr_debug("exec: interpreter %s: %s\n", path, why);
        inode_put(*inode);
        *inode = NULL;
        return -ELIBBAD;
    }
    return 0;
}

/* Run the ELF file inode (path), whose first n bytes are head. */
static int exec_elf(struct exec_args *ea, const char *path, struct inode *inode, char *head,
                    ssize_t n)
{
    struct elf_image *image = kmalloc(sizeof(*image));
    struct elf_image *interp_image = kmalloc(sizeof(*interp_image));
    const char *why = NULL;
    struct inode *interp = NULL;
    int err = image && interp_image ? elf_check(head, n, inode_size(inode), image, &why) : -ENOMEM;
    if (why)
        pr_debug("exec %s: %s\n", path, why);
    if (!err && image->interp[0])
        err = load_interpreter(image->interp, head, &interp, interp_image);
    struct exec_layout layout;
    struct mm *mm = NULL;
    if (!err)
        mm = build_mm(inode, image, interp, interp ? interp_image : NULL, &layout, &err);
    if (mm)
        mm->exe_path = vfs_absolute_path(NULL, path); /* NULL without memory: no exe link */
    long sp = 0;
    if (mm && (sp = build_stack(mm, ea, &layout, path)) < 0) {
        err = (int)sp;
        mm_destroy(mm);
        mm = NULL;
    }
    if (mm)
        commit_exec(current_proc(), mm, path, layout.entry, (uint64_t)sp);
    if (interp)
        inode_put(interp);
    kfree(image);
    kfree(interp_image);
    return err;
}

/* Check the file at path and, if it is a program nest can run, run it. */
static int exec_file(struct exec_args *ea, const char *path, int depth)
{
    char *head = kmalloc(PAGE_SIZE);
    if (!head)
        return -ENOMEM;
    struct inode *inode;
    ssize_t n = open_program(path, head, &inode);
    int err = n < 0 ? (int)n : 0;
    if (!err && n >= 2 && head[0] == '#' && head[1] == '!') {
        char interp[256];
        err = depth >= MAX_SCRIPT_DEPTH ? -ELOOP
                                        : setup_script(ea, path, head, MIN((size_t)n, PAGE_SIZE - 1),
                                                       interp, sizeof(interp));
        if (!err)
            err = exec_file(ea, interp, depth + 1);
        if (!err)
            proc_set_name(current_proc(), path); /* a script is named after itself */
    } else if (!err) {
        err = exec_elf(ea, path, inode, head, n);
    }
    if (n >= 0)
        inode_put(inode);
    kfree(head);
    return err;
}

/* execve: 0 on success (the caller then returns into the new program), else -errno with
 * the old program untouched. user_pointers: path/argv/envp point into user space. */
int do_execve(const char *path, char *const argv[], char *const envp[], bool user_pointers)
{
    struct exec_args ea;
    memset(&ea, 0, sizeof(ea));
    char *kpath = kmalloc(PAGE_SIZE);
    int err = kpath ? 0 : -ENOMEM;
    if (!err && user_pointers) {
        long n = strncpy_from_user(kpath, path, PAGE_SIZE);
        err = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
    } else if (!err) {
        strlcpy(kpath, path, PAGE_SIZE);
    }
    if (!err)
        err = gather_args(&ea, argv, envp, user_pointers);
    if (!err)
        err = exec_file(&ea, kpath, 0);
    exec_args_free(&ea);
    kfree(kpath);
    return err;
}

long sys_execve(const char *user_path, char *const *user_argv, char *const *user_envp)
{
    return do_execve(user_path, user_argv, user_envp, true);
}
