/* file_basic_io.c - reading and writing regular files: open flags (O_CREAT, O_EXCL, O_TRUNC,
 * O_APPEND, access modes), read/write/lseek/pread/pwrite/readv/writev, holes, truncate and
 * ftruncate, /dev/null and /dev/zero, and stdout redirected into a file with dup2.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [EBADF] = "EBADF",     [EACCES] = "EACCES",
        [EFAULT] = "EFAULT", [EEXIST] = "EEXIST", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL", [EFBIG] = "EFBIG",   [ESPIPE] = "ESPIPE",   [ENOSYS] = "ENOSYS",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure with errno ERROR. */
static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

/* Like CHECK for calls that return a descriptor: "ok" rather than its number. */
#define CHECK_FD(what, fd_variable, call)                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        (fd_variable) = (call);                                                                    \
        if ((fd_variable) < 0)                                                                     \
            printf("%s -> -1 %s\n", (what), errno_name(errno));                                    \
        else                                                                                       \
            printf("%s -> a descriptor\n", (what));                                                \
    } while (0)

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static char dir[64], file[96], other[96]; /* this run's directory and files */

/* The whole content of PATH, printed as a quoted string (at most 200 bytes). */
static void print_content(const char *what, const char *path)
{
    char buffer[256];
    int fd = open(path, O_RDONLY);
    long length = fd < 0 ? -1 : read(fd, buffer, 200);

    if (length < 0) {
        printf("%s: cannot read: %s\n", what, errno_name(errno));
    } else {
        printf("%s: \"", what);
        for (long i = 0; i < length; i++) {
            if (buffer[i] == '\n')
                fputs("\\n", stdout);
            else if (buffer[i] == '\0')
                fputs("\\0", stdout);
            else
                putchar(buffer[i]);
        }
        printf("\"\n");
    }
    if (fd >= 0)
        close(fd);
}

/* open flags and their errors. */
static void check_open(void)
{
    int fd;

    CHECK_FD("open(missing file, O_RDONLY)", fd, open(file, O_RDONLY));
    CHECK_FD("open(file, O_WRONLY | O_CREAT, 0644)", fd, open(file, O_WRONLY | O_CREAT, 0644));
    CHECK("write(\"hello world\\n\")", write(fd, "hello world\n", 12));
    CHECK("read from an O_WRONLY descriptor", read(fd, (char[4]){ 0 }, 4));
    close(fd);
    CHECK_FD("open(existing file, O_CREAT | O_EXCL)", fd,
             open(file, O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK_FD("open(file, O_RDONLY)", fd, open(file, O_RDONLY));
    CHECK("write to an O_RDONLY descriptor", write(fd, "x", 1));
    close(fd);
    CHECK_FD("open(file, O_WRONLY | O_APPEND)", fd, open(file, O_WRONLY | O_APPEND));
    CHECK("lseek(0, SEEK_SET) on it", lseek(fd, 0, SEEK_SET));
    CHECK("write(\"appended\\n\") goes to the end anyway", write(fd, "appended\n", 9));
    CHECK("the offset afterwards (lseek 0 SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    CHECK("pwrite(\"X\", offset 0) on an O_APPEND descriptor", pwrite(fd, "X", 1, 0));
    close(fd);
    print_content("file after appends", file);
    CHECK_FD("open(file, O_RDWR | O_TRUNC)", fd, open(file, O_RDWR | O_TRUNC));
    struct stat st;
    fstat(fd, &st);
    printf("size after O_TRUNC: %ld\n", (long)st.st_size);
    close(fd);
    CHECK_FD("open(directory, O_WRONLY)", fd, open(dir, O_WRONLY));
    CHECK_FD("open(directory, O_RDONLY)", fd, open(dir, O_RDONLY));
    if (fd >= 0) {
        CHECK("read from a directory descriptor", read(fd, (char[16]){ 0 }, 16));
        close(fd);
    }
    CHECK_FD("open(file/, O_RDONLY) with a trailing slash", fd,
             open(strcat(strcpy(other, file), "/"), O_RDONLY));
    CHECK_FD("open(file, O_RDONLY | O_DIRECTORY)", fd, open(file, O_RDONLY | O_DIRECTORY));
    CHECK_FD("open(missing, O_CREAT) with mode 0", fd,
             open(strcat(strcpy(other, dir), "/zero-mode"), O_WRONLY | O_CREAT, 0));
    if (fd >= 0) {
        CHECK("write to it (the mode applies only to later opens)", write(fd, "z", 1));
        close(fd);
    }
    CHECK_FD("creat(file, 0600)", fd, creat(file, 0600));
    if (fd >= 0) {
        fstat(fd, &st);
        printf("creat truncated the file: %s\n", yes_no(st.st_size == 0));
        close(fd);
    }
}

/* read, write and the file offset. */
static void check_offsets(void)
{
    char buffer[64] = { 0 };
    int fd = open(file, O_RDWR | O_TRUNC);

    CHECK("write(\"0123456789\")", write(fd, "0123456789", 10));
    CHECK("lseek(3, SEEK_SET)", lseek(fd, 3, SEEK_SET));
    CHECK("read(4)", read(fd, buffer, 4));
    printf("read gave \"%s\"\n", buffer);
    CHECK("lseek(-2, SEEK_CUR)", lseek(fd, -2, SEEK_CUR));
    CHECK("lseek(-1, SEEK_END)", lseek(fd, -1, SEEK_END));
    CHECK("read at the last byte", read(fd, buffer, 10));
    CHECK("read at end of file", read(fd, buffer, 10));
    CHECK("read(count 0)", read(fd, buffer, 0));
    CHECK("write(count 0)", write(fd, buffer, 0));
    CHECK("lseek(-1, SEEK_SET)", lseek(fd, -1, SEEK_SET));
    CHECK("lseek(0, whence 7)", lseek(fd, 0, 7));
    memset(buffer, 0, sizeof(buffer));
    CHECK("pread(4, offset 6)", pread(fd, buffer, 4, 6));
    printf("pread gave \"%s\"\n", buffer);
    CHECK("the offset after pread is unchanged (lseek 0 SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    CHECK("pwrite(\"AB\", offset 1)", pwrite(fd, "AB", 2, 1));
    CHECK("pread at offset 100 (past the end)", pread(fd, buffer, 4, 100));
    CHECK("pread(offset -1)", pread(fd, buffer, 4, -1));
    CHECK("lseek(20, SEEK_SET) past the end", lseek(fd, 20, SEEK_SET));
    CHECK("write(\"end\") there", write(fd, "end", 3));
    close(fd);
    print_content("file with a hole", file);

    struct iovec out[3] = { { "one ", 4 }, { "two ", 4 }, { "three\n", 6 } };
    fd = open(file, O_RDWR | O_TRUNC);
    CHECK("writev of three pieces", writev(fd, out, 3));
    char a[3] = { 0 }, b[5] = { 0 }, c[16] = { 0 };
    struct iovec in[3] = { { a, 2 }, { b, 4 }, { c, 15 } };
    lseek(fd, 0, SEEK_SET);
    CHECK("readv into 2 + 4 + 15 bytes", readv(fd, in, 3));
    printf("readv gave \"%s\" \"%s\" \"%.7s\"\n", a, b, c);
    close(fd);
    int fds[2];
    if (pipe(fds) == 0) {
        CHECK("lseek on a pipe", lseek(fds[0], 0, SEEK_SET));
        CHECK("pread on a pipe", pread(fds[0], buffer, 1, 0));
        close(fds[0]);
        close(fds[1]);
    }
    CHECK("read(fd 999)", read(999, buffer, 1));
    CHECK("close(fd 999)", close(999));
}

/* truncate and ftruncate grow with zeros and shrink. */
static void check_truncate(void)
{
    struct stat st;
    int fd = open(file, O_RDWR | O_TRUNC);
    char buffer[16];

    write(fd, "abcdef", 6);
    CHECK("ftruncate(fd, 3)", ftruncate(fd, 3));
    CHECK("ftruncate(fd, 10000)", ftruncate(fd, 10000));
    fstat(fd, &st);
    printf("size now %ld\n", (long)st.st_size);
    CHECK("pread(8 bytes at 0)", pread(fd, buffer, 8, 0));
    printf("the bytes are \"abc\" and then zeros: %s\n",
           yes_no(memcmp(buffer, "abc\0\0\0\0\0", 8) == 0));
    CHECK("the offset did not move (lseek 0 SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    close(fd);
    CHECK("truncate(path, 2)", truncate(file, 2));
    stat(file, &st);
    printf("size now %ld\n", (long)st.st_size);
    CHECK("truncate(path, -1)", truncate(file, -1));
    CHECK("truncate(directory, 0)", truncate(dir, 0));
    CHECK("truncate(missing, 0)", truncate(strcat(strcpy(other, dir), "/missing"), 0));
    fd = open(file, O_RDONLY);
    CHECK("ftruncate on an O_RDONLY descriptor", ftruncate(fd, 0));
    close(fd);
}

/* A larger file written in pieces reads back the same. */
static void check_large(void)
{
    static unsigned char block[65536], back[65536];
    int fd = open(file, O_RDWR | O_TRUNC);
    unsigned long total = 0, equal = 1;

    for (int round = 0; round < 16; round++) {
        for (size_t i = 0; i < sizeof(block); i++)
            block[i] = (unsigned char)(i * 13 + round);
        total += write(fd, block, sizeof(block));
    }
    printf("wrote %lu bytes in 16 writes of 64 KB\n", total);
    lseek(fd, 0, SEEK_SET);
    for (int round = 0; round < 16; round++) {
        long got = 0, n;
        while (got < (long)sizeof(back) && (n = read(fd, back + got, sizeof(back) - got)) > 0)
            got += n;
        for (size_t i = 0; i < sizeof(block); i++)
            equal &= back[i] == (unsigned char)(i * 13 + round);
    }
    printf("read back 1 MB equal to what was written: %s\n", yes_no(equal));
    close(fd);
}

/* The device files. */
static void check_devices(void)
{
    char buffer[16];
    int fd;

    CHECK_FD("open(/dev/null, O_RDWR)", fd, open("/dev/null", O_RDWR));
    CHECK("write 5 bytes to /dev/null", write(fd, "abcde", 5));
    CHECK("read from /dev/null", read(fd, buffer, sizeof(buffer)));
    close(fd);
    CHECK_FD("open(/dev/zero, O_RDONLY)", fd, open("/dev/zero", O_RDONLY));
    memset(buffer, 1, sizeof(buffer));
    CHECK("read 16 bytes from /dev/zero", read(fd, buffer, sizeof(buffer)));
    printf("they are all zero: %s\n", yes_no(memcmp(buffer, (char[16]){ 0 }, 16) == 0));
    close(fd);
}

/* Redirect standard output into a file with dup2, print, restore, read the file back. */
static void check_redirect(void)
{
    int saved = dup(1);
    int fd = open(file, O_WRONLY | O_TRUNC);

    CHECK("dup2(file, 1)", dup2(fd, 1));
    close(fd);
    printf("this line went into the file\n");
    printf("and so did this one\n");
    dup2(saved, 1);
    close(saved);
    printf("standard output restored\n");
    print_content("the file holds", file);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    snprintf(dir, sizeof(dir), "/tmp/abi-file_basic_io.%d", (int)getpid());
    snprintf(file, sizeof(file), "%s/file", dir);
    if (mkdir(dir, 0755) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    check_open();
    check_offsets();
    check_truncate();
    check_large();
    check_devices();
    check_redirect();
    unlink(file);
    unlink(strcat(strcpy(other, dir), "/zero-mode"));
    rmdir(dir);
    return 0;
}
