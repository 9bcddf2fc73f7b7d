// efault_before_blocking.c - nest-only: a call that would wait fails with EFAULT at once when
// its buffer cannot be reached, where Linux waits first and fails (or succeeds) afterwards:
// read from the console (run it at the console, with no input typed) into a kernel address
// and into a PROT_NONE page, read of an empty pipe into a PROT_NONE page, wait4 for a running
// child with a bad status pointer (the child is not reaped), nanosleep with a bad remainder.
// Prints one "NAME -> RESULT" line each; run by tests/system/test_processes.py.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long result)
{
    if (result == -1)
        printf("%s -> %s\n", what, errno == EFAULT ? "EFAULT" : strerror(errno));
    else
        printf("%s -> %ld\n", what, result);
}

int main(void)
{
    void *kernel = (void *)0xffff800000000000UL;
    char *no_access = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int p[2];

    setvbuf(stdout, NULL, _IONBF, 0);
    report("read(console, kernel address)", syscall(SYS_read, 0, kernel, 10));
    report("read(console, PROT_NONE page)", syscall(SYS_read, 0, no_access, 10));
    pipe(p);
    report("read(empty pipe, PROT_NONE page)", syscall(SYS_read, p[0], no_access, 10));

    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    report("wait4(running child, kernel address)", syscall(SYS_wait4, child, kernel, 0, NULL));
    kill(child, SIGKILL);
    int status = 0;
    pid_t got = waitpid(child, &status, 0);
    printf("the child was still there to reap: %s\n",
           got == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "yes" : "no");

    struct timespec ten_seconds = {10, 0};
    report("nanosleep(10 s, kernel address)", syscall(SYS_nanosleep, &ten_seconds, kernel));
    return 0;
}
