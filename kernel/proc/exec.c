/* exec.c - execve: replace a process's program with a static ELF64 executable.
 *
 * Steps: gather argv and envp into kernel memory; find the file; run a "#!" script's
 * interpreter instead; check the ELF (elf.c); build the new address space beside the old
 * one (segments mapped from the file, filled on first touch; the stack with the System V
 * initial layout); only then, when nothing can fail any more, switch to it.
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
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

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
    static char bounce[PAGE_SIZE];
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

/* Build the System V initial stack: argc, argv[], NULL, envp[], NULL, auxv, with the
 * strings and AT_RANDOM's bytes above. Returns the initial stack pointer, or -errno. */
static long build_stack(struct mm *mm, struct exec_args *ea, const struct elf_image *image,
                        const char *execfn)
{
    uint64_t *argv_addr = kmalloc(PAGE_SIZE), *envp_addr = kmalloc(PAGE_SIZE);
    long ret = -ENOMEM;
    if (!argv_addr || !envp_addr)
        goto out;
    uint64_t sp = STACK_TOP;
    size_t execfn_len = strlen(execfn) + 1;
    sp -= execfn_len;
    uint64_t execfn_addr = sp;
    uint8_t random[16];
    random_bytes(random, sizeof(random));
    sp -= sizeof(random);
    uint64_t random_addr = sp;
    if ((ret = vm_write(mm, execfn_addr, execfn, execfn_len)) ||
        (ret = vm_write(mm, random_addr, random, sizeof(random))) ||
        (ret = push_strings(mm, &sp, ea->envp, ea->envc, envp_addr)))
        goto out;
    mm->env_start = mm->arg_end = sp;
    mm->env_end = random_addr;
    if ((ret = push_strings(mm, &sp, ea->argv, ea->argc, argv_addr)))
        goto out;
    mm->arg_start = sp;

    uint64_t auxv[] = {AT_PHDR,   image->phdr_address, AT_PHENT, sizeof(struct elf64_phdr),
                       AT_PHNUM,  image->phnum,        AT_PAGESZ, PAGE_SIZE,
                       AT_BASE,   0,                   AT_FLAGS,  0,
                       AT_ENTRY,  image->entry,        AT_UID,    0,
                       AT_EUID,   0,                   AT_GID,    0,
                       AT_EGID,   0,                   AT_HWCAP,  0,
                       AT_CLKTCK, USER_HZ,               AT_SECURE, 0,
                       AT_RANDOM, random_addr,         AT_EXECFN, execfn_addr,
                       AT_NULL,   0};
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

/* A new address space with the program's segments and a stack. */
static struct mm *build_mm(struct inode *file, const struct elf_image *image, int *error)
{
    struct mm *mm = mm_create();
    if (!mm) {
        *error = -ENOMEM;
        return NULL;
    }
    for (int i = 0; i < image->load_count; i++) {
        const struct elf64_phdr *ph = &image->loads[i];
        uint64_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
        uint64_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
        int err = vm_map_area(mm, start, end - start, prot_of(ph->flags), false, file,
                              ALIGN_DOWN(ph->offset, PAGE_SIZE),
                              ph->filesz + (ph->vaddr - start));
        if (err) {
            mm_destroy(mm);
            *error = err;
            return NULL;
        }
    }
    int err = vm_map_area(mm, STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE, false,
                          NULL, 0, 0);
    if (err) {
        mm_destroy(mm);
        *error = err;
        return NULL;
    }
    mm->brk_start = mm->brk = ALIGN_UP(image->end, PAGE_SIZE);
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

/* Check the file at path and, if it is a program nest can run, run it. */
static int exec_file(struct exec_args *ea, const char *path, int depth)
{
    struct inode *inode;
    int err = vfs_lookup(path, true, &inode);
    if (err)
        return err;
    char *head = kmalloc(PAGE_SIZE);
    if (!head) {
        inode_put(inode);
        return -ENOMEM;
    }
    mode_t mode = inode_mode(inode);
    ssize_t n = 0;
    if (S_ISDIR(mode) || !S_ISREG(mode) || !(mode & 0111))
        err = -EACCES;
    else if ((n = inode_read(inode, head, PAGE_SIZE, 0)) < 0)
        err = (int)n;
    if (!err && n >= 2 && head[0] == '#' && head[1] == '!') {
        char interp[256];
        err = depth >= MAX_SCRIPT_DEPTH ? -ELOOP
                                        : setup_script(ea, path, head, MIN((size_t)n, PAGE_SIZE - 1),
                                                       interp, sizeof(interp));
        if (!err)
            err = exec_file(ea, interp, depth + 1);
        if (!err)
            proc_set_name(current_proc(), path); /* a script is named after itself */
        goto out;
    }
    struct elf_image *image = NULL;
    if (!err && !(image = kmalloc(sizeof(*image))))
        err = -ENOMEM;
    const char *why = NULL;
    if (!err && (err = elf_check(head, n, inode_size(inode), image, &why)) != 0)
        pr_debug("exec %s: %s\n", path, why);
    struct mm *mm = NULL;
    if (!err)
        mm = build_mm(inode, image, &err);
    if (mm)
        mm->exe_path = vfs_absolute_path(NULL, path); /* NULL without memory: no exe link */
    long sp = 0;
    if (mm && (sp = build_stack(mm, ea, image, path)) < 0) {
        err = (int)sp;
        mm_destroy(mm);
        mm = NULL;
    }
    if (mm)
        commit_exec(current_proc(), mm, path, image->entry, (uint64_t)sp);
    kfree(image);
out:
    kfree(head);
    inode_put(inode);
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
