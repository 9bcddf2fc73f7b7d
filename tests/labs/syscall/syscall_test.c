/* syscall_test.c - the syscall lab's guest program (tests/labs/syscall/grade.py runs it).
 *
 *   syscall_test getpid K       trace getpid, call it K times, print "pid=N"
 *   syscall_test errors FD LEN  trace read and write: read from the bad FD, write LEN bytes
 *   syscall_test fork K         trace getpid, fork; the child calls getpid K times and also
 *                               getppid (not traced); the parent once; print both PIDs
 * The grader counts the kernel's "PID: syscall NAME -> RESULT" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_TRACE 1000

static void trace(unsigned long mask)
{
    if (syscall(SYS_TRACE, mask) < 0) {
        perror("syscall_test: trace");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 3)
        return 2;
    if (strcmp(argv[1], "getpid") == 0) {
        int k = atoi(argv[2]);
        trace(1UL << SYS_getpid);
        long pid = 0;
        for (int i = 0; i < k; i++)
            pid = syscall(SYS_getpid); /* not musl's getpid(), which a libc may cache */
        trace(0);
        printf("pid=%ld\n", pid);
        return 0;
    }
    if (strcmp(argv[1], "errors") == 0 && argc == 4) {
        int fd = atoi(argv[2]);
        size_t len = (size_t)atoi(argv[3]);
        char buf[256];
        memset(buf, 'x', sizeof(buf));
        buf[len - 1] = '\n';
        trace(1UL << SYS_read | 1UL << SYS_write);
        long got = syscall(SYS_read, fd, buf, 1);
        long put = syscall(SYS_write, 1, buf, len);
        trace(0);
        printf("read=%ld write=%ld\n", got, put);
        return 0;
    }
    if (strcmp(argv[1], "fork") == 0) {
        int k = atoi(argv[2]);
        trace(1UL << SYS_getpid);
        pid_t child = fork();
        if (child == 0) {
            for (int i = 0; i < k; i++)
                syscall(SYS_getpid);
            syscall(SYS_getppid);
            _exit(0);
        }
        waitpid(child, NULL, 0);
        long me = syscall(SYS_getpid);
        trace(0);
        printf("parent=%ld child=%d\n", me, child);
        return 0;
    }
    return 2;
}
