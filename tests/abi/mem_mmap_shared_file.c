/* mem_mmap_shared_file.c - shared file-backed mmap of a file in /tmp: a child's store through
 * the mapping is seen by its parent's mapping and by read(2), a pwrite is seen through the
 * mapping, the file keeps the data after munmap, and PROT_WRITE needs a descriptor opened for
 * writing (EACCES).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

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

/* mmap through syscall(2) so the kernel checks everything; print how it ended. */
static void *map(const char *what, size_t length, int prot, int flags, int fd)
{
    errno = 0;
    long result = syscall(SYS_mmap, 0, length, prot, flags, fd, 0);
    if (result == -1) {
        printf("%s -> MAP_FAILED %s\n", what, errno_name(errno));
        return NULL;
    }
    printf("%s -> a mapping\n", what);
    return (void *)result;
}

int main(void)
{
    char path[64], buffer[16] = { 0 };
    static char page[PAGE];
    int status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(path, sizeof(path), "/tmp/abi-mem_mmap_shared_file.%d", (int)getpid());
    memset(page, '.', sizeof(page));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, page, sizeof(page)) != (long)sizeof(page)) {
        printf("cannot create the test file: %s\n", errno_name(errno));
        return 1;
    }
    char *mapping = map("mmap(file, PROT_READ|PROT_WRITE, MAP_SHARED)", PAGE,
                        PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    if (mapping != NULL) {
        pid_t child = fork();
        if (child == 0) {
            memcpy(mapping, "shared", 6);
            _exit(0);
        }
        waitpid(child, &status, 0);
        printf("the parent's mapping shows the child's store: %s\n",
               yes_no(memcmp(mapping, "shared", 6) == 0));
        printf("pread shows it in the file: %s\n",
               yes_no(pread(fd, buffer, 6, 0) == 6 && memcmp(buffer, "shared", 6) == 0));
        if (pwrite(fd, "PWRITE", 6, 10) == 6)
            printf("a pwrite to the file shows in the mapping: %s\n",
                   yes_no(memcmp(mapping + 10, "PWRITE", 6) == 0));
        memcpy(mapping + 100, "last", 4);
        printf("munmap -> %d\n", munmap(mapping, PAGE));
        memset(buffer, 0, sizeof(buffer));
        printf("after munmap, the file holds the last store: %s\n",
               yes_no(pread(fd, buffer, 4, 100) == 4 && memcmp(buffer, "last", 4) == 0));
    }
    close(fd);
    fd = open(path, O_RDONLY);
    mapping =
        map("mmap(file opened O_RDONLY, PROT_READ, MAP_SHARED)", PAGE, PROT_READ, MAP_SHARED, fd);
    if (mapping != NULL) {
        printf("it shows the file: %s\n", yes_no(memcmp(mapping, "shared", 6) == 0));
        munmap(mapping, PAGE);
    }
    map("mmap(file opened O_RDONLY, PROT_READ|PROT_WRITE, MAP_SHARED)", PAGE,
        PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    close(fd);
    unlink(path);
    return 0;
}
