/* loader_check.h - what loader_static.c, loader_static_pie.c and loader_dynamic.c check: one
 * glibc program built three ways (gcc on the host; the first line of each .c names the link
 * flags) and run on Linux and on nest. It prints the auxiliary vector as a program can judge
 * it (keys; fixed values; addresses that must point at the program's own headers, entry
 * point and ld.so; /proc/self/auxv the same bytes), that its data and bss start right, whether
 * its load address changes from one exec to the next (a PIE's must), what running it
 * through ld.so as a command gives (dynamic only), and that a bad ELF file gives ENOEXEC.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start; /* the linker's name for the program's ELF header */
extern char _start[];

static int initialised_data = 42;
static char bss[3 * 4096 + 123];

/* Keys left out: the vDSO (nest has none), and the rseq keys of Linux >= 6.3. */
static int ignored_key(unsigned long key)
{
    return key == AT_SYSINFO_EHDR || key == 27 || key == 28;
}

static const char *yes_no(int condition) { return condition ? "yes" : "no"; }

static void print_auxv(Elf64_auxv_t *auxv, char **argv)
{
    printf("auxv keys:");
    for (Elf64_auxv_t *a = auxv; a->a_type != AT_NULL; a++)
        if (!ignored_key(a->a_type))
            printf(" %lu", (unsigned long)a->a_type);
    printf("\n");
    for (Elf64_auxv_t *a = auxv; a->a_type != AT_NULL; a++) {
        unsigned long v = a->a_un.a_val;
        switch (a->a_type) {
        case AT_PAGESZ: case AT_CLKTCK: case AT_PHENT: case AT_FLAGS: case AT_UID:
        case AT_EUID: case AT_GID: case AT_EGID: case AT_SECURE:
            printf("key %lu = %lu\n", (unsigned long)a->a_type, v);
            break;
        case AT_PHDR:
            printf("AT_PHDR is the program's headers: %s\n",
                   yes_no(v == (unsigned long)&__ehdr_start + __ehdr_start.e_phoff));
            break;
        case AT_PHNUM:
            printf("AT_PHNUM is the header count: %s\n", yes_no(v == __ehdr_start.e_phnum));
            break;
        case AT_ENTRY:
            printf("AT_ENTRY is _start: %s\n", yes_no(v == (unsigned long)_start));
            break;
        case AT_BASE:
            if (v == 0)
                printf("AT_BASE is 0\n");
            else
                printf("AT_BASE holds an ELF shared object: %s\n",
                       yes_no(memcmp((void *)v, ELFMAG, SELFMAG) == 0 &&
                              ((Elf64_Ehdr *)v)->e_type == ET_DYN));
            break;
        case AT_HWCAP:
            printf("AT_HWCAP says FPU: %s\n", yes_no(v & 1));
            break;
        case AT_RANDOM:
            printf("AT_RANDOM points at 16 bytes: %s\n", yes_no(v != 0));
            break;
        case AT_EXECFN:
            printf("AT_EXECFN is argv[0]: %s\n", yes_no(strcmp((char *)v, argv[0]) == 0));
            break;
        case AT_PLATFORM:
            printf("AT_PLATFORM = %s\n", (char *)v);
            break;
        }
    }
}

/* /proc/self/auxv must hold the very entries the stack holds, AT_NULL included. */
static void compare_proc_auxv(Elf64_auxv_t *auxv)
{
    size_t size = sizeof(*auxv);
    for (Elf64_auxv_t *a = auxv; a->a_type != AT_NULL; a++)
        size += sizeof(*a);
    char buf[4096];
    int fd = open("/proc/self/auxv", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
    if (fd >= 0)
        close(fd);
    printf("/proc/self/auxv matches the stack: %s\n",
           yes_no(n == (ssize_t)size && memcmp(buf, auxv, size) == 0));
}

static void check_memory(void)
{
    int zero = 1;
    for (size_t i = 0; i < sizeof(bss); i++)
        zero &= bss[i] == 0;
    printf("data intact: %s, bss zero: %s\n", yes_no(initialised_data == 42), yes_no(zero));
}

/* Where a fresh exec of this program puts its ELF header, read from a child's output. */
static unsigned long load_address_of_a_new_run(const char *self)
{
    int fds[2];
    if (pipe(fds) < 0)
        return 0;
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[1], 1);
        execl(self, self, "--print-load-address", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char text[64] = "";
    ssize_t n = read(fds[0], text, sizeof(text) - 1);
    close(fds[0]);
    waitpid(child, NULL, 0);
    return n > 0 ? strtoul(text, NULL, 16) : 0;
}

static void check_bad_elf(void)
{
    const char *path = "/tmp/loader-bad-elf";
    static const char bad[64] = "\177ELF\002\001\001"; /* a header with nothing right after */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, bad, sizeof(bad)) != sizeof(bad))
        printf("cannot write %s\n", path);
    close(fd);
    char *args[] = {(char *)path, NULL};
    execv(path, args);
    printf("exec of a bad ELF file: %s\n", errno == ENOEXEC ? "ENOEXEC" : strerror(errno));
    unlink(path);
}

/* Run this program through ld.so as a command, as `ld.so PROGRAM` does. */
static void run_through_ld_so(const char *self)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        execl("/lib64/ld-linux-x86-64.so.2", "ld.so", self, "--through-ld.so", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    printf("ld.so as a command: exit status %d\n", WEXITSTATUS(status));
}

static int loader_check(int argc, char **argv, char **envp, int dynamic)
{
    if (argc > 1 && strcmp(argv[1], "--print-load-address") == 0) {
        printf("%lx\n", (unsigned long)&__ehdr_start);
        return 0;
    }
    char **p = envp;
    while (*p)
        p++;
    Elf64_auxv_t *auxv = (Elf64_auxv_t *)(p + 1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "--through-ld.so") == 0) {
        printf("through ld.so: AT_ENTRY is _start: %s\n",
               yes_no(getauxval(AT_ENTRY) == (unsigned long)_start));
        printf("through ld.so: AT_PHDR is the program's headers: %s\n",
               yes_no(getauxval(AT_PHDR) ==
                      (unsigned long)&__ehdr_start + __ehdr_start.e_phoff));
        check_memory();
        return 3;
    }
    printf("ELF type: %s\n", __ehdr_start.e_type == ET_DYN ? "ET_DYN" : "ET_EXEC");
    print_auxv(auxv, argv);
    compare_proc_auxv(auxv);
    check_memory();
    unsigned long first = load_address_of_a_new_run(argv[0]);
    unsigned long second = load_address_of_a_new_run(argv[0]);
    printf("load address differs between runs: %s\n", yes_no(first && second && first != second));
    if (dynamic)
        run_through_ld_so(argv[0]);
    check_bad_elf();
    return 0;
}
