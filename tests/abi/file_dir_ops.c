/* file_dir_ops.c - directories: getdents64 listings (names and d_type, sorted before printing),
 * mkdir, rmdir (ENOTEMPTY, ENOTDIR, EINVAL), unlink (EISDIR), rename in all its cases,
 * chdir/fchdir/getcwd, and the *at calls relative to a directory descriptor.
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
        [EPERM] = "EPERM",     [ENOENT] = "ENOENT",       [EBADF] = "EBADF",   [EACCES] = "EACCES",
        [EFAULT] = "EFAULT",   [EBUSY] = "EBUSY",         [EEXIST] = "EEXIST", [EXDEV] = "EXDEV",
        [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",       [EINVAL] = "EINVAL", [ERANGE] = "ERANGE",
        [ENOSYS] = "ENOSYS",   [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
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

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static char base[64]; /* this run's directory; the test works inside it */

/* A linux_dirent64 as getdents64 fills it. */
struct dirent64_record {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* The letter for a d_type value. */
static char type_letter(unsigned char type)
{
    switch (type) {
    case DT_REG: return 'f';
    case DT_DIR: return 'd';
    case DT_LNK: return 'l';
    case DT_CHR: return 'c';
    case DT_FIFO: return 'p';
    case DT_UNKNOWN: return '?';
    default: return '!';
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List directory PATH with getdents64 using a buffer of BUFFER_SIZE bytes; print the entries
 * sorted as "name/type" and how many calls it took to reach the end (only whether > 1). */
static void list(const char *what, const char *path, size_t buffer_size)
{
    char buffer[4096], *entries[64], text[64][280];
    int count = 0, calls = 0, fd = open(path, O_RDONLY | O_DIRECTORY);
    long got;

    if (fd < 0) {
        printf("%s: cannot open: %s\n", what, errno_name(errno));
        return;
    }
    while ((got = syscall(SYS_getdents64, fd, buffer, buffer_size)) > 0) {
        calls++;
        for (long at = 0; at < got;) {
            struct dirent64_record *record = (struct dirent64_record *)(buffer + at);
            if (count < 64) {
                snprintf(text[count], sizeof(text[count]), "%s/%c", record->d_name,
                         type_letter(record->d_type));
                entries[count] = text[count];
                count++;
            }
            at += record->d_reclen;
        }
    }
    if (got < 0)
        printf("%s: getdents64 failed: %s\n", what, errno_name(errno));
    close(fd);
    qsort(entries, count, sizeof(entries[0]), compare_strings);
    printf("%s (%d entries%s):", what, count, calls > 1 ? ", several calls" : "");
    for (int i = 0; i < count; i++)
        printf(" %s", entries[i]);
    printf("\n");
}

/* Create an empty file NAME. */
static void touch(const char *name)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        printf("cannot create %s: %s\n", name, errno_name(errno));
    else
        close(fd);
}

/* Listings: a known set of entries, and the same with a tiny buffer. */
static void check_listing(void)
{
    char buffer[64];
    int fd;

    mkdir("list", 0755);
    touch("list/banana");
    touch("list/apple");
    touch("list/cherry");
    mkdir("list/dates", 0755);
    symlink("apple", "list/elder");
    list("listing of list", "list", 4096);
    list("the same with a 64-byte buffer", "list", 64);
    fd = open("list", O_RDONLY | O_DIRECTORY);
    CHECK("getdents64 with a 10-byte buffer", syscall(SYS_getdents64, fd, buffer, 10));
    close(fd);
    fd = open("list/apple", O_RDONLY);
    CHECK("getdents64 on a regular file", syscall(SYS_getdents64, fd, buffer, sizeof(buffer)));
    close(fd);
    CHECK("getdents64 on fd 999", syscall(SYS_getdents64, 999, buffer, sizeof(buffer)));
    unlink("list/banana");
    touch("list/fig");
    list("after removing banana and adding fig", "list", 4096);
    mkdir("empty", 0755);
    list("an empty directory", "empty", 4096);
}

/* mkdir, rmdir and unlink errors. */
static void check_mkdir_rmdir(void)
{
    CHECK("mkdir(existing directory)", mkdir("list", 0755));
    CHECK("mkdir(existing file)", mkdir("list/apple", 0755));
    CHECK("mkdir(missing/child)", mkdir("missing/child", 0755));
    CHECK("mkdir(file/child)", mkdir("list/apple/child", 0755));
    CHECK("rmdir(non-empty directory)", rmdir("list"));
    CHECK("rmdir(missing)", rmdir("missing"));
    CHECK("rmdir(a file)", rmdir("list/apple"));
    CHECK("rmdir(\".\")", rmdir("."));
    CHECK("rmdir(\"empty/.\")", rmdir("empty/."));
    CHECK("rmdir(\"empty/..\")", rmdir("empty/.."));
    CHECK("unlink(a directory)", unlink("list/dates"));
    CHECK("unlink(missing)", unlink("list/missing"));
    CHECK("rmdir(empty directory)", rmdir("empty"));
    CHECK("rmdir(it again)", rmdir("empty"));
    CHECK("mkdir(\"new/\") with a trailing slash", mkdir("new/", 0755));
    CHECK("rmdir(\"new/\") with a trailing slash", rmdir("new/"));
}

/* rename of files and directories. */
static void check_rename(void)
{
    struct stat before, after;

    touch("r1");
    touch("r2");
    stat("r1", &before);
    CHECK("rename(r1, r3)", rename("r1", "r3"));
    printf("r1 gone: %s, r3 is the same file: %s\n", yes_no(access("r1", F_OK) < 0),
           yes_no(stat("r3", &after) == 0 && after.st_ino == before.st_ino));
    CHECK("rename(r3, r2) over an existing file", rename("r3", "r2"));
    printf("r2 is now r3's file: %s, r3 gone: %s\n",
           yes_no(stat("r2", &after) == 0 && after.st_ino == before.st_ino),
           yes_no(access("r3", F_OK) < 0));
    CHECK("rename(r2, r2) onto itself", rename("r2", "r2"));
    CHECK("rename(missing, x)", rename("missing", "x"));
    mkdir("d1", 0755);
    mkdir("d1/inner", 0755);
    mkdir("d2", 0755);
    touch("d2/occupant");
    CHECK("rename(d1, d1/inner/d1) into itself", rename("d1", "d1/inner/d1"));
    CHECK("rename(d1, d2) over a non-empty directory", rename("d1", "d2"));
    CHECK("rename(d1, r2) a directory over a file", rename("d1", "r2"));
    CHECK("rename(r2, d1) a file over a directory", rename("r2", "d1"));
    mkdir("d3", 0755);
    CHECK("rename(d1, d3) over an empty directory", rename("d1", "d3"));
    printf("d3/inner exists: %s, d1 gone: %s\n", yes_no(access("d3/inner", F_OK) == 0),
           yes_no(access("d1", F_OK) < 0));
    CHECK("rename(r2, d3/inner/moved) into a subdirectory", rename("r2", "d3/inner/moved"));
    list("d3/inner", "d3/inner", 4096);
    CHECK("rename(d3/inner/moved, missing/x)", rename("d3/inner/moved", "missing/x"));
}

/* chdir, fchdir, getcwd, and relative paths. */
static void check_cwd(void)
{
    char cwd[512], buffer[8];
    int fd;

    CHECK("chdir(list/dates)", chdir("list/dates"));
    if (getcwd(cwd, sizeof(cwd)) != NULL && strncmp(cwd, base, strlen(base)) == 0)
        printf("getcwd is $TMP%s\n", cwd + strlen(base));
    else
        printf("getcwd is outside $TMP\n");
    CHECK("open(\"../apple\") relative to it", (fd = open("../apple", O_RDONLY)) >= 0 ? 0 : -1);
    if (fd >= 0)
        close(fd);
    CHECK("chdir(\"..\")", chdir(".."));
    getcwd(cwd, sizeof(cwd));
    printf("getcwd is $TMP%s\n", cwd + strlen(base));
    CHECK("chdir(a file)", chdir("apple"));
    CHECK("chdir(missing)", chdir("missing"));
    errno = 0;
    char *result = getcwd(buffer, 2);
    printf("getcwd with a 2-byte buffer -> %s %s\n", result ? "a path" : "NULL", errno_name(errno));
    CHECK("getcwd(buffer, 0) through the system call", syscall(SYS_getcwd, buffer, 0));
    fd = open(base, O_RDONLY | O_DIRECTORY);
    chdir("/");
    CHECK("fchdir(fd of $TMP)", fchdir(fd));
    getcwd(cwd, sizeof(cwd));
    printf("getcwd after fchdir is $TMP: %s\n", yes_no(strcmp(cwd, base) == 0));
    close(fd);
    fd = open("list/apple", O_RDONLY);
    CHECK("fchdir(fd of a file)", fchdir(fd));
    close(fd);
    CHECK("chdir(\"/\")", chdir("/"));
    getcwd(cwd, sizeof(cwd));
    printf("getcwd is \"%s\"\n", cwd);
    CHECK("chdir(\"/..\")", chdir("/.."));
    getcwd(cwd, sizeof(cwd));
    printf("getcwd after chdir(\"/..\") is \"%s\"\n", cwd);
    chdir(base);
    mkdir("doomed", 0755);
    chdir("doomed");
    CHECK("rmdir of the working directory by full path",
          rmdir(strcat(strcpy(cwd, base), "/doomed")));
    errno = 0;
    result = getcwd(cwd, sizeof(cwd));
    printf("getcwd in a removed directory -> %s %s\n", result ? "a path" : "NULL",
           errno_name(errno));
    CHECK("open(\"new\", O_CREAT) in a removed directory", open("new", O_WRONLY | O_CREAT, 0644));
    chdir(base);
}

/* The *at calls relative to a directory descriptor. */
static void check_at_calls(void)
{
    int dirfd = open("list", O_RDONLY | O_DIRECTORY), filefd = open("list/apple", O_RDONLY), fd;
    struct stat st;

    CHECK("openat(dirfd, \"apple\")", (fd = openat(dirfd, "apple", O_RDONLY)) >= 0 ? 0 : -1);
    if (fd >= 0)
        close(fd);
    CHECK("openat(fd of a file, \"x\")", openat(filefd, "x", O_RDONLY));
    CHECK("openat(fd 999, \"x\")", openat(999, "x", O_RDONLY));
    CHECK("openat(fd 999, absolute path) ignores the fd",
          (fd = openat(999, "/tmp", O_RDONLY)) >= 0 ? 0 : -1);
    if (fd >= 0)
        close(fd);
    CHECK("mkdirat(dirfd, \"grape\")", mkdirat(dirfd, "grape", 0755));
    CHECK("fstatat(dirfd, \"grape\")", fstatat(dirfd, "grape", &st, 0));
    printf("it is a directory: %s\n", yes_no(S_ISDIR(st.st_mode)));
    CHECK("fstatat(dirfd, \"elder\", AT_SYMLINK_NOFOLLOW)",
          fstatat(dirfd, "elder", &st, AT_SYMLINK_NOFOLLOW));
    printf("it is a symlink: %s\n", yes_no(S_ISLNK(st.st_mode)));
    CHECK("unlinkat(dirfd, \"grape\", 0) on a directory", unlinkat(dirfd, "grape", 0));
    CHECK("unlinkat(dirfd, \"grape\", AT_REMOVEDIR)", unlinkat(dirfd, "grape", AT_REMOVEDIR));
    CHECK("unlinkat(dirfd, \"fig\", AT_REMOVEDIR) on a file", unlinkat(dirfd, "fig", AT_REMOVEDIR));
    CHECK("renameat(dirfd, \"fig\", AT_FDCWD, \"fig2\")", renameat(dirfd, "fig", AT_FDCWD, "fig2"));
    CHECK("fstatat(AT_FDCWD, \"fig2\")", fstatat(AT_FDCWD, "fig2", &st, 0));
    CHECK("fstat of fd 999 through fstatat(AT_EMPTY_PATH)", fstatat(999, "", &st, AT_EMPTY_PATH));
    close(dirfd);
    close(filefd);
}

/* Remove PATH and everything below it. */
static void remove_tree(const char *path)
{
    DIR *directory = opendir(path);
    struct dirent *entry;
    char child[512];

    if (directory == NULL) {
        unlink(path);
        return;
    }
    while ((entry = readdir(directory)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
        if (entry->d_type == DT_DIR)
            remove_tree(child);
        else
            unlink(child);
    }
    closedir(directory);
    rmdir(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    snprintf(base, sizeof(base), "/tmp/abi-file_dir_ops.%d", (int)getpid());
    if (mkdir(base, 0755) < 0 || chdir(base) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    check_listing();
    check_mkdir_rmdir();
    check_rename();
    check_cwd();
    check_at_calls();
    chdir("/");
    remove_tree(base);
    return 0;
}
