/* fs_statfs_xattr.c - the calls Debian's ls, df and bash make about files and descriptors:
 * statfs/fstatfs of /proc (its magic number and block size) and their errors, getxattr on a
 * procfs file (EOPNOTSUPP: procfs has no extended attributes) and on a missing one, and
 * getpeername/getsockname on a descriptor that is not a socket (ENOTSOCK) or not open (EBADF).
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *outcome(long ret)
{
    if (ret >= 0)
        return "ok";
    switch (errno) {
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENODATA: return "ENODATA";
    default: return strerror(errno);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct statfs st;
    long ret = statfs("/proc", &st);
    printf("statfs /proc -> %s, procfs magic %s, block size %ld\n", outcome(ret),
           st.f_type == 0x9fa0 ? "yes" : "no", (long)st.f_bsize);
    int fd = open("/proc/uptime", O_RDONLY);
    memset(&st, 0, sizeof(st));
    ret = fstatfs(fd, &st);
    printf("fstatfs /proc/uptime -> %s, procfs magic %s\n", outcome(ret),
           st.f_type == 0x9fa0 ? "yes" : "no");
    close(fd);
    printf("statfs of a missing file -> %s\n", outcome(statfs("/no/such/file", &st)));
    printf("fstatfs of a closed descriptor -> %s\n", outcome(fstatfs(99, &st)));
    printf("statfs into a bad buffer -> %s\n", outcome(syscall(SYS_statfs, "/proc", (void *)8)));

    char value[64];
    printf("getxattr of a procfs file -> %s\n",
           outcome(getxattr("/proc/uptime", "user.test", value, sizeof(value))));
    printf("lgetxattr of a missing file -> %s\n",
           outcome(lgetxattr("/no/such/file", "user.test", value, sizeof(value))));
    printf("fgetxattr of a closed descriptor -> %s\n",
           outcome(fgetxattr(99, "user.test", value, sizeof(value))));

    int pipe_fds[2];
    if (pipe(pipe_fds) < 0)
        return 1;
    struct sockaddr_storage addr;
    socklen_t length = sizeof(addr);
    printf("getpeername of a pipe -> %s\n",
           outcome(getpeername(pipe_fds[0], (struct sockaddr *)&addr, &length)));
    printf("getsockname of a pipe -> %s\n",
           outcome(getsockname(pipe_fds[1], (struct sockaddr *)&addr, &length)));
    printf("getpeername of a closed descriptor -> %s\n",
           outcome(getpeername(99, (struct sockaddr *)&addr, &length)));
    return 0;
}
