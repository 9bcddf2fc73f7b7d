/* file_stat_modes.c - what stat, fstat and lstat report: file types, permission bits as set by
 * umask, chmod and fchmod, sizes, link counts and inode numbers of hard links, the owner of a
 * new file, times set by utimensat and by a write, and access(2) as root. (chown is
 * file_chown_owner.c.)
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [EBADF] = "EBADF",     [EACCES] = "EACCES",
        [EFAULT] = "EFAULT", [EEXIST] = "EEXIST", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
        [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS", [ELOOP] = "ELOOP",
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

/* The file type of MODE as a word. */
static const char *type_name(mode_t mode)
{
    if (S_ISREG(mode))
        return "regular";
    if (S_ISDIR(mode))
        return "directory";
    if (S_ISLNK(mode))
        return "symlink";
    if (S_ISCHR(mode))
        return "char-device";
    if (S_ISBLK(mode))
        return "block-device";
    if (S_ISFIFO(mode))
        return "fifo";
    if (S_ISSOCK(mode))
        return "socket";
    return "unknown";
}

/* Print type and permission bits from stat (or lstat if NOFOLLOW) of PATH, shown as NAME. */
static void show(const char *name, const char *path, int nofollow)
{
    struct stat st;
    int result = nofollow ? lstat(path, &st) : stat(path, &st);

    if (result < 0)
        printf("%s %s -> -1 %s\n", nofollow ? "lstat" : "stat", name, errno_name(errno));
    else
        printf("%s %s: %s mode %04o\n", nofollow ? "lstat" : "stat", name, type_name(st.st_mode),
               (unsigned)(st.st_mode & 07777));
}

static char dir[64], file[96], link_path[96], symlink_path[96], sub[96]; /* this run's paths */

/* Types of the standard files, and of what this test creates. */
static void check_types(void)
{
    struct stat st;
    int fds[2];

    show("/", "/", 0);
    show("/tmp", "/tmp", 0);
    show("/dev/null", "/dev/null", 0);
    if (stat("/dev/null", &st) == 0)
        printf("/dev/null device number: %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
    if (stat("/dev/zero", &st) == 0)
        printf("/dev/zero device number: %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
    if (pipe(fds) == 0) {
        fstat(fds[0], &st);
        printf("fstat of a pipe: %s\n", type_name(st.st_mode));
        close(fds[0]);
        close(fds[1]);
    }
    CHECK("stat(missing)", stat("/tmp/abi-no-such-file", &st));
    CHECK("stat(\"\")", stat("", &st));
    CHECK("fstat(fd 999)", fstat(999, &st));
}

/* Permission bits: umask on creation, chmod, fchmod, special bits. */
static void check_modes(void)
{
    umask(027);
    printf("umask(022) returns the mask set before, 027: %s\n", yes_no(umask(022) == 027));
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    show("file created 0666 under umask 022", file, 0);
    CHECK("mkdir(sub, 0777)", mkdir(sub, 0777));
    show("directory made 0777 under umask 022", sub, 0);
    printf("umask(077) returns 022: %s\n", yes_no(umask(077) == 022));
    unlink(link_path);
    int fd2 = open(link_path, O_WRONLY | O_CREAT, 0666);
    show("file created 0666 under umask 077", link_path, 0);
    close(fd2);
    unlink(link_path);
    umask(022);
    CHECK("chmod(file, 0600)", chmod(file, 0600));
    show("file", file, 0);
    CHECK("fchmod(fd, 04755)", fchmod(fd, 04755));
    show("file", file, 0);
    CHECK("chmod(file, 02711)", chmod(file, 02711));
    show("file", file, 0);
    CHECK("chmod(dir, 01777)", chmod(sub, 01777));
    show("directory", sub, 0);
    CHECK("chmod(missing, 0600)", chmod("/tmp/abi-no-such-file", 0600));
    CHECK("chmod(file, 0640)", chmod(file, 0640));
    close(fd);
}

/* Sizes, link counts and inode numbers. */
static void check_sizes_and_links(void)
{
    struct stat st, st2;
    int fd = open(file, O_WRONLY | O_TRUNC);

    fstat(fd, &st);
    printf("size of an empty file: %ld\n", (long)st.st_size);
    if (write(fd, "0123456789", 10) != 10)
        printf("cannot write to the file\n");
    fstat(fd, &st);
    printf("size after writing 10 bytes: %ld, link count %ld\n", (long)st.st_size,
           (long)st.st_nlink);
    close(fd);
    CHECK("link(file, link)", link(file, link_path));
    stat(file, &st);
    stat(link_path, &st2);
    printf("link count of both names: %ld %ld, same inode: %s\n", (long)st.st_nlink,
           (long)st2.st_nlink, yes_no(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev));
    CHECK("link(file, link) again", link(file, link_path));
    CHECK("link(directory, somewhere)", link(sub, symlink_path));
    CHECK("unlink(link)", unlink(link_path));
    stat(file, &st);
    printf("link count after unlinking the other name: %ld\n", (long)st.st_nlink);
    CHECK("symlink(\"file\", symlink)", symlink("file", symlink_path));
    show("symlink", symlink_path, 1);
    show("symlink (followed)", symlink_path, 0);
    lstat(symlink_path, &st2);
    printf("lstat size of the symlink is the length of its target (4): %ld\n", (long)st2.st_size);
    stat(symlink_path, &st2);
    printf("stat through the symlink gives the file's inode and size: %s %ld\n",
           yes_no(st2.st_ino == st.st_ino), (long)st2.st_size);
    stat(sub, &st2);
    printf("a directory and a file have different inodes: %s\n", yes_no(st2.st_ino != st.st_ino));
    printf("st_blksize is positive: %s\n", yes_no(st.st_blksize > 0));
}

/* The owner of a new file, and times. */
static void check_owner_and_times(void)
{
    struct stat st;
    struct timespec times[2] = { { 1000000000, 500 }, { 1234567890, 0 } };

    stat(file, &st);
    printf("a new file belongs to uid %u gid %u (root)\n", (unsigned)st.st_uid,
           (unsigned)st.st_gid);
    CHECK("utimensat(file, atime 1000000000.000000500, mtime 1234567890)",
          utimensat(AT_FDCWD, file, times, 0));
    stat(file, &st);
    printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    int fd = open(file, O_WRONLY);
    struct timespec before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    if (write(fd, "x", 1) != 1)
        printf("cannot write to the file\n");
    clock_gettime(CLOCK_REALTIME, &after);
    close(fd);
    stat(file, &st);
    printf("a write set mtime to the current CLOCK_REALTIME second: %s\n",
           yes_no(st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1));
}

/* access(2) as root: read and write always, execute only with some x bit. */
static void check_access(void)
{
    chmod(file, 0000);
    CHECK("access(mode 0000 file, R_OK | W_OK) as root", access(file, R_OK | W_OK));
    CHECK("access(mode 0000 file, X_OK) as root", access(file, X_OK));
    chmod(file, 0100);
    CHECK("access(mode 0100 file, X_OK) as root", access(file, X_OK));
    CHECK("access(missing, F_OK)", access("/tmp/abi-no-such-file", F_OK));
    CHECK("access(directory, X_OK)", access(sub, X_OK));
    CHECK("access(file, 8) (bad mode)", access(file, 8));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(dir, sizeof(dir), "/tmp/abi-file_stat_modes.%d", (int)getpid());
    snprintf(file, sizeof(file), "%s/file", dir);
    snprintf(link_path, sizeof(link_path), "%s/link", dir);
    snprintf(symlink_path, sizeof(symlink_path), "%s/symlink", dir);
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    if (mkdir(dir, 0755) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    check_types();
    check_modes();
    check_sizes_and_links();
    check_owner_and_times();
    check_access();
    unlink(file);
    unlink(symlink_path);
    rmdir(sub);
    rmdir(dir);
    return 0;
}
