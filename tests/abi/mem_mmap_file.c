/* mem_mmap_file.c - private file-backed mmap of a file in /tmp: the mapping shows the contents
 * (zeros past the end of the file in its last page, SIGBUS on pages wholly past it), keeps its
 * writes private and survives close(); an offset maps later pages; checks on the offset and on
 * the descriptor's access mode. (Shared file mappings are mem_mmap_shared_file.c.)
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE      4096
#define FILE_SIZE 5000 /* one full page and part of a second */

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [EBADF] = "EBADF",   [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS", [ENODEV] = "ENODEV",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static char path[64];                 /* the test file */
static unsigned char data[FILE_SIZE]; /* what it holds */

/* Create the test file: a greeting, then a byte pattern. */
static int make_file(void)
{
    int fd;

    snprintf(path, sizeof(path), "/tmp/abi-mem_mmap_file.%d", (int)getpid());
    for (int i = 0; i < FILE_SIZE; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    memcpy(data, "hello, mapped file\n", 19);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, data, FILE_SIZE) != FILE_SIZE) {
        printf("cannot create the test file: %s\n", errno_name(errno));
        return -1;
    }
    return fd;
}

/* mmap through syscall(2) so the kernel checks everything; print failures. */
static void *map(const char *what, size_t length, int prot, int flags, int fd, off_t offset)
{
    errno = 0;
    long result = syscall(SYS_mmap, 0, length, prot, flags, fd, offset);
    if (result == -1) {
        printf("%s -> MAP_FAILED %s\n", what, errno_name(errno));
        return NULL;
    }
    printf("%s -> a mapping\n", what);
    return (void *)result;
}

/* Touch byte AT of MAPPING in a child; return the signal that killed it, or 0. */
static int touch_in_child(volatile unsigned char *mapping, size_t at)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        struct rlimit no_core = { 0, 0 };

        setrlimit(RLIMIT_CORE, &no_core);
        if (mapping[at] == 0xee)
            _exit(1);
        _exit(0);
    }
    waitpid(child, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* A private, writable mapping of the whole file. */
static void check_private(int fd)
{
    unsigned char *mapping = map("mmap(file, 5000 bytes, PROT_READ|PROT_WRITE, MAP_PRIVATE)",
                                 FILE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    unsigned char buffer[FILE_SIZE];

    if (mapping == NULL)
        return;
    printf("the mapping starts with: %.18s\n", (char *)mapping);
    printf("all 5000 bytes equal the file: %s\n", yes_no(memcmp(mapping, data, FILE_SIZE) == 0));
    int zero_tail = 1;
    for (int i = FILE_SIZE; i < 2 * PAGE; i++)
        zero_tail &= mapping[i] == 0;
    printf("the rest of the last page reads as zero: %s\n", yes_no(zero_tail));
    memcpy(mapping, "HELLO", 5);
    mapping[4999] ^= 0xff;
    printf("pread of the file after writing to the private mapping shows the old data: %s\n",
           yes_no(pread(fd, buffer, FILE_SIZE, 0) == FILE_SIZE &&
                  memcmp(buffer, data, FILE_SIZE) == 0));
    unsigned char *second =
        map("a second private mapping of the file", FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (second != NULL) {
        printf("it shows the file, not the first mapping's writes: %s\n",
               yes_no(memcmp(second, data, FILE_SIZE) == 0));
        munmap(second, FILE_SIZE);
    }
    munmap(mapping, FILE_SIZE);
}

/* A mapping outlives the descriptor; offsets pick later pages; pages past the file fault. */
static void check_offset_and_close(void)
{
    int fd = open(path, O_RDONLY);
    unsigned char *mapping = map("mmap(file, one page at offset 4096, read-only)", PAGE, PROT_READ,
                                 MAP_PRIVATE, fd, PAGE);
    unsigned char *whole =
        map("mmap(file, three pages, read-only)", 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);

    close(fd);
    if (mapping != NULL) {
        printf("after close(fd), the offset mapping holds bytes 4096..4999 of the file: %s\n",
               yes_no(memcmp(mapping, data + PAGE, FILE_SIZE - PAGE) == 0));
        munmap(mapping, PAGE);
    }
    if (whole != NULL) {
        printf("reading the second page (partly in the file) -> signal %d\n",
               touch_in_child(whole, PAGE + 1000));
        printf("reading the third page (wholly past the end) -> signal %d\n",
               touch_in_child(whole, 2 * PAGE + 10));
        munmap(whole, 3 * PAGE);
    }
    fd = open(path, O_RDONLY);
    map("mmap(file, offset 100, not page aligned)", PAGE, PROT_READ, MAP_PRIVATE, fd, 100);
    void *private_write = map("mmap(file opened O_RDONLY, PROT_WRITE, MAP_PRIVATE)", PAGE,
                              PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (private_write != NULL)
        munmap(private_write, PAGE);
    close(fd);
    fd = open(path, O_WRONLY);
    map("mmap(file opened O_WRONLY, PROT_READ)", PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGBUS, SIG_DFL);
    int fd = make_file();
    if (fd < 0)
        return 1;
    check_private(fd);
    close(fd);
    check_offset_and_close();
    unlink(path);
    return 0;
}
