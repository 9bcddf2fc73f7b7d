/* file_chown_owner.c - file ownership as root: chown, fchown and lchown to other users and
 * groups, -1 for "no change", lchown changing the link and not its target, and what stat
 * reports afterwards.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ENOENT] = "ENOENT", [EBADF] = "EBADF",   [EACCES] = "EACCES",
        [EFAULT] = "EFAULT", [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS", [ELOOP] = "ELOOP",
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

/* Print the owner of PATH (of the link itself if NOFOLLOW). */
static void print_owner(const char *what, const char *path, int nofollow)
{
    struct stat st;

    if ((nofollow ? lstat(path, &st) : stat(path, &st)) < 0)
        printf("%s: stat failed: %s\n", what, errno_name(errno));
    else
        printf("%s: uid %u gid %u\n", what, (unsigned)st.st_uid, (unsigned)st.st_gid);
}

int main(void)
{
    char dir[64], file[96], link_path[96];

    setvbuf(stdout, NULL, _IONBF, 0);
    snprintf(dir, sizeof(dir), "/tmp/abi-file_chown_owner.%d", (int)getpid());
    snprintf(file, sizeof(file), "%s/file", dir);
    snprintf(link_path, sizeof(link_path), "%s/link", dir);
    if (mkdir(dir, 0755) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    symlink("file", link_path);
    printf("running as uid %u gid %u\n", (unsigned)getuid(), (unsigned)getgid());
    print_owner("a new file", file, 0);
    CHECK("chown(file, 1000, 1001)", chown(file, 1000, 1001));
    print_owner("the file", file, 0);
    CHECK("chown(file, -1, 2000) changes only the group", chown(file, -1, 2000));
    print_owner("the file", file, 0);
    CHECK("fchown(fd, 0, -1) changes only the user", fchown(fd, 0, -1));
    print_owner("the file", file, 0);
    CHECK("chown(file, -1, -1) changes nothing", chown(file, -1, -1));
    print_owner("the file", file, 0);
    CHECK("lchown(link, 7, 7)", lchown(link_path, 7, 7));
    print_owner("the link itself", link_path, 1);
    print_owner("the file behind it", file, 0);
    CHECK("chown(link, 5, 5) follows the link", chown(link_path, 5, 5));
    print_owner("the link itself", link_path, 1);
    print_owner("the file behind it", file, 0);
    CHECK("fchownat(AT_FDCWD, link, 9, 9, AT_SYMLINK_NOFOLLOW)",
          fchownat(AT_FDCWD, link_path, 9, 9, AT_SYMLINK_NOFOLLOW));
    print_owner("the link itself", link_path, 1);
    CHECK("chown(missing, 0, 0)", chown("/tmp/abi-no-such-file", 0, 0));
    CHECK("fchown(fd 999, 0, 0)", fchown(999, 0, 0));
    close(fd);
    unlink(link_path);
    unlink(file);
    rmdir(dir);
    return 0;
}
