/* mem_protect_fault.c - protection and faults: mprotect, access to unmapped, read-only,
 * PROT_NONE, kernel and non-exec memory; each CPU fault kills only the faulting child with the
 * signal Linux uses (SIGSEGV, SIGILL, SIGFPE, SIGTRAP). A SIGSEGV handler sees si_addr and
 * si_code, and can fix the page and return to retry the write. MADV_DONTNEED zeroes a page.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* Run ACTION(ADDRESS) in a child and print how the child ended. */
static void in_child(const char *what, void (*action)(volatile char *), volatile char *address)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        struct rlimit no_core = { 0, 0 };

        setrlimit(RLIMIT_CORE, &no_core);
        action(address);
        _exit(0);
    }
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status))
        printf("%s -> killed by signal %d\n", what, WTERMSIG(status));
    else
        printf("%s -> exited %d\n", what, WEXITSTATUS(status));
}

static void write_byte(volatile char *address)
{
    *address = 1;
}

static void read_byte(volatile char *address)
{
    if (*address == 42)
        _exit(42);
}

/* Call ADDRESS as a function returning int; exit with its value. */
static void call_code(volatile char *address)
{
    int (*function)(void) = (int (*)(void))(uintptr_t)address;

    _exit(function());
}

static void divide_by_zero(volatile char *unused)
{
    volatile int zero = 0;

    (void)unused;
    _exit(100 / zero);
}

static void invalid_instruction(volatile char *unused)
{
    (void)unused;
    __asm__ volatile("ud2");
}

static void breakpoint(volatile char *unused)
{
    (void)unused;
    __asm__ volatile("int3");
}

/* mprotect and munmap on a small mapping. */
static void check_protection(void)
{
    char *pages = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (pages == MAP_FAILED)
        return;
    memset(pages, 7, 3 * PAGE);
    in_child("write to a fresh read-write page", write_byte, pages);
    printf("mprotect(page 0, PROT_READ) -> %d\n", mprotect(pages, PAGE, PROT_READ));
    in_child("read from the read-only page", read_byte, pages);
    in_child("write to the read-only page", write_byte, pages);
    in_child("write to the next page, still read-write", write_byte, pages + PAGE);
    printf("mprotect(page 0, PROT_READ | PROT_WRITE) -> %d\n",
           mprotect(pages, PAGE, PROT_READ | PROT_WRITE));
    in_child("write to it after making it writable again", write_byte, pages);
    printf("mprotect(page 1, PROT_NONE) -> %d\n", mprotect(pages + PAGE, PAGE, PROT_NONE));
    in_child("read from the PROT_NONE page", read_byte, pages + PAGE);
    printf("the data kept through the changes: %s\n",
           yes_no(pages[0] == 7 && pages[2 * PAGE] == 7));
    printf("munmap(page 2) -> %d\n", munmap(pages + 2 * PAGE, PAGE));
    in_child("read from the unmapped page", read_byte, pages + 2 * PAGE);
    errno = 0;
    long result = syscall(SYS_mprotect, pages + 1, PAGE, PROT_READ);
    printf("mprotect(unaligned address) -> %ld%s\n", result, errno == EINVAL ? " EINVAL" : "");
    errno = 0;
    result = syscall(SYS_mprotect, pages + 2 * PAGE, PAGE, PROT_READ);
    printf("mprotect(unmapped page) -> %ld%s\n", result, errno == ENOMEM ? " ENOMEM" : "");
    munmap(pages, 2 * PAGE);
}

/* Addresses that are never user memory, and program text. */
static void check_bad_addresses(void)
{
    in_child("read from address 0", read_byte, (volatile char *)0);
    in_child("read from a kernel address", read_byte, (volatile char *)0xffffffff80000000UL);
    in_child("read from a non-canonical address", read_byte, (volatile char *)0x0000800000000000UL);
    in_child("write into the program's own code", write_byte,
             (volatile char *)(uintptr_t)check_bad_addresses);
}

/* Execute permission: code copied into memory runs only where PROT_EXEC allows. */
static void check_execute(void)
{
    static const unsigned char return_42[] = {
        0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3
    }; /* mov eax,42; ret */
    char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        return;
    memcpy(page, return_42, sizeof(return_42));
    in_child("call code in a read-write page", call_code, page);
    printf("mprotect(PROT_READ | PROT_EXEC) -> %d\n", mprotect(page, PAGE, PROT_READ | PROT_EXEC));
    in_child("call code in a read-exec page", call_code, page);
    munmap(page, PAGE);
}

/* CPU exceptions other than page faults. */
static void check_exceptions(void)
{
    in_child("integer division by zero", divide_by_zero, NULL);
    in_child("ud2 (invalid opcode)", invalid_instruction, NULL);
    in_child("int3 (breakpoint)", breakpoint, NULL);
}

static char *fault_page;             /* the page the SIGSEGV handler repairs */
static void *volatile fault_address; /* si_addr it saw */
static volatile int fault_code;      /* si_code it saw */
static volatile int fault_count;

/* Note the fault and map a fresh writable page there, so the faulting write is retried and
 * succeeds. */
static void repair(int signal, siginfo_t *info, void *context)
{
    (void)signal, (void)context;
    fault_address = info->si_addr;
    fault_code = info->si_code;
    fault_count++;
    mmap(fault_page, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* Write to byte 123 of fault_page and print what the handler saw. */
static void fault_and_repair(const char *what)
{
    fault_count = 0;
    fault_address = NULL;
    ((volatile char *)fault_page)[123] = 9;
    printf("%s: handler ran %d time(s), si_addr is the faulting byte: %s, si_code %s\n", what,
           fault_count, yes_no(fault_address == fault_page + 123),
           fault_code == SEGV_ACCERR   ? "SEGV_ACCERR"
           : fault_code == SEGV_MAPERR ? "SEGV_MAPERR"
                                       : "other");
    printf("%s: the retried write landed: %s\n", what, yes_no(fault_page[123] == 9));
}

/* A SIGSEGV handler that repairs the page; si_code tells a protection fault from a hole. */
static void check_handler(void)
{
    struct sigaction action;

    fault_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fault_page == MAP_FAILED)
        return;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = repair;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, NULL);
    fault_and_repair("write to a read-only page");
    munmap(fault_page, PAGE);
    fault_and_repair("write to an unmapped page");
    signal(SIGSEGV, SIG_DFL);
    munmap(fault_page, PAGE);
}

/* A fault while SIGSEGV is blocked cannot be delivered: the process is killed by it. */
static void blocked_fault(volatile char *address)
{
    sigset_t block;

    sigemptyset(&block);
    sigaddset(&block, SIGSEGV);
    sigprocmask(SIG_BLOCK, &block, NULL);
    write_byte(address);
}

/* MADV_DONTNEED drops the pages of a private anonymous mapping: they read as zero again. */
static void check_madvise(void)
{
    char *pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (pages == MAP_FAILED)
        return;
    memset(pages, 5, 2 * PAGE);
    printf("madvise(MADV_DONTNEED) -> %d\n", madvise(pages, 2 * PAGE, MADV_DONTNEED));
    printf("the pages read as zero afterwards: %s\n",
           yes_no(pages[0] == 0 && pages[PAGE + 5] == 0));
    munmap(pages, 2 * PAGE);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_protection();
    check_bad_addresses();
    check_execute();
    check_exceptions();
    check_handler();
    in_child("write to address 0 with SIGSEGV blocked", blocked_fault, NULL);
    check_madvise();
    return 0;
}
