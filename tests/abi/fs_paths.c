/* fs_paths.c - paths and names: each operation's result or errno, stat fields, symlinks,
 * getdents, file data through read, write, lseek, pread and truncate. Works in a fresh
 * directory under /tmp and prints only what must be the same on every kernel.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",     [ENOENT] = "ENOENT",   [EBADF] = "EBADF",
        [EACCES] = "EACCES",   [EBUSY] = "EBUSY",     [EEXIST] = "EEXIST",
        [EXDEV] = "EXDEV",     [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL",   [ESPIPE] = "ESPIPE",   [ENAMETOOLONG] = "ENAMETOOLONG",
        [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ERANGE] = "ERANGE",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure. */
static void report(const char *what, long result)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(errno));
    else
        printf("%s -> %ld\n", what, result);
}

#define TRY(call) report(#call, (long)(call))

static void make_file(const char *name, const char *text)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) {
        perror(name);
        exit(1);
    }
    close(fd);
}

static void show_stat(const char *name, int follow)
{
    struct stat st;
    int result = follow ? stat(name, &st) : lstat(name, &st);
    if (result < 0) {
        printf("stat %s -> -1 %s\n", name, errno_name(errno));
        return;
    }
    /* a directory's size and a file's blocks depend on the file system: not shown */
    printf("stat %s: mode %o nlink %lu", name, (unsigned)st.st_mode, (unsigned long)st.st_nlink);
    if (!S_ISDIR(st.st_mode))
        printf(" size %ld", (long)st.st_size);
    printf("\n");
}

static void names_and_errors(void)
{
    char long_name[300];
    memset(long_name, 'x', sizeof(long_name));
    long_name[256] = 0;

    TRY(mkdir("dir", 0755));
    TRY(mkdir("dir", 0755));
    TRY(mkdir("dir/sub", 0700));
    TRY(mkdir("missing/sub", 0755));
    TRY(mkdir(long_name, 0755));
    make_file("file", "hello\n");
    TRY(mkdir("file/sub", 0755));
    TRY(open("file/", O_RDONLY));
    TRY(open("dir", O_WRONLY));
    TRY(open("file", O_RDONLY | O_DIRECTORY));
    TRY(open("file", O_RDWR | O_CREAT | O_EXCL, 0600));
    TRY(rmdir("dir"));
    TRY(rmdir("file"));
    TRY(rmdir("dir/sub/."));
    TRY(unlink("dir"));
    TRY(unlink("nothing"));
    TRY(rename("dir", "dir/sub/inside"));
    TRY(rename("file", "dir"));
    TRY(rename("dir", "file"));
    TRY(link("dir", "dir_link"));
    TRY(link("file", "file_link"));
    TRY(symlink("file", "sym"));
    TRY(symlink("loop_b", "loop_a"));
    TRY(symlink("loop_a", "loop_b"));
    TRY(open("loop_a", O_RDONLY));
    TRY(open("sym", O_RDONLY | O_NOFOLLOW));
    TRY(symlink("nowhere/new", "dangling"));
    TRY(open("dangling", O_WRONLY | O_CREAT, 0644));
    TRY(mkdir("dangling", 0755));
    TRY(access("file", R_OK | W_OK));
    TRY(access("file", X_OK));
    TRY(access("dir", X_OK));
}

static void metadata(void)
{
    char target[64] = {0};
    show_stat("file", 1);
    show_stat("sym", 1);
    show_stat("sym", 0);
    show_stat("dir", 1);
    show_stat("dir/sub", 1);
    TRY(readlink("sym", target, sizeof(target)));
    printf("sym -> %s\n", target);
    TRY(readlink("file", target, sizeof(target)));
    TRY(chmod("file", 04711));
    show_stat("file", 1);
    TRY(chown("file", 0, 0));
    TRY(truncate("file", 10000));
    show_stat("file", 1);
    TRY(truncate("dir", 0));
    TRY(unlink("file_link"));
    show_stat("file", 1);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a directory, sorted: their order is the file system's own business. */
static void list_directory(const char *name)
{
    DIR *dir = opendir(name);
    char *names[64];
    int count = 0;
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL && count < 64)
        names[count++] = strdup(entry->d_name);
    qsort(names, count, sizeof(names[0]), compare_names);
    printf("%s:", name);
    for (int i = 0; i < count; i++)
        printf(" %s", names[i]);
    printf("\n");
    if (dir)
        closedir(dir);
}

static void file_data(void)
{
    char buf[32] = {0};
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    TRY(write(fd, "0123456789", 10));
    TRY(lseek(fd, 0, SEEK_CUR));
    TRY(lseek(fd, -4, SEEK_END));
    TRY(read(fd, buf, sizeof(buf)));
    printf("read \"%s\"\n", buf);
    TRY(lseek(fd, -100, SEEK_SET));
    TRY(lseek(fd, 0, 42));
    TRY(pwrite(fd, "AB", 2, 20));
    TRY(pread(fd, buf, sizeof(buf), 8));
    printf("pread %02x %02x %02x %c%c\n", buf[0], buf[2], buf[11], buf[12], buf[13]);
    TRY(ftruncate(fd, 3));
    TRY(lseek(fd, 0, SEEK_END));
    int ro = open("data", O_RDONLY);
    TRY(write(ro, "x", 1));
    TRY(ftruncate(ro, 0));
    int appender = open("data", O_WRONLY | O_APPEND);
    TRY(write(appender, "zz", 2));
    TRY(lseek(fd, 0, SEEK_END));
    close(fd);
    close(ro);
    close(appender);
    int dirfd = open("dir", O_RDONLY | O_DIRECTORY);
    TRY(read(dirfd, buf, sizeof(buf)));
    TRY(openat(dirfd, "sub", O_RDONLY | O_DIRECTORY) >= 0);
    TRY(faccessat(dirfd, "../data", F_OK, 0));
    TRY(mkdirat(dirfd, "made_at", 0755));
    TRY(unlinkat(dirfd, "made_at", 0));
    TRY(unlinkat(dirfd, "made_at", AT_REMOVEDIR));
    TRY(fchdir(dirfd));
    close(dirfd);
    TRY(getcwd(buf, 3) == NULL);
    TRY(chdir(".."));
}

int main(void)
{
    char template[] = "/tmp/fs_paths.XXXXXX";
    if (!mkdtemp(template) || chdir(template) < 0) {
        perror("mkdtemp");
        return 1;
    }
    umask(022);
    names_and_errors();
    metadata();
    list_directory(".");
    list_directory("dir");
    file_data();
    return 0;
}
