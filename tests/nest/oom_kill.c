// oom_kill.c - nest-only: a process that touches twice the machine's memory is killed with
// SIGKILL when frames run out (the kernel logs "out of memory: killed process PID (oom_kill)"),
// a bystander process lives on, and the free memory comes back. The hog runs twice: the first
// run also brings the kernel's own allocators to their working size, so the second must give
// back exactly what it took. Prints "hog N: killed by signal S", "bystander alive: yes" and
// "free before A kB, after the first B kB, after the second C kB".
// Run by tests/system/test_processes.py.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* A field of /proc/meminfo, in kB; -1 if it cannot be read. */
static long meminfo_kb(const char *field)
{
    char line[128], name[64];
    long kb = -1, value;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63[^:]: %ld kB", name, &value) == 2 && !strcmp(name, field))
            kb = value;
    fclose(f);
    return kb;
}

/* Fork a child that writes to every page of twice MemTotal; its wait status. */
static int run_hog(void)
{
    unsigned long size = 2UL * (unsigned long)meminfo_kb("MemTotal") * 1024;
    pid_t pid = fork();
    if (pid == 0) {
        char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            _exit(2);
        for (unsigned long offset = 0; offset < size; offset += 4096)
            p[offset] = 1;
        _exit(0); /* survived: there was more memory than MemTotal said */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void describe(int round, int status)
{
    if (WIFSIGNALED(status))
        printf("hog %d: killed by signal %d\n", round, WTERMSIG(status));
    else
        printf("hog %d: exited with %d\n", round, WEXITSTATUS(status));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t bystander = fork();
    if (bystander == 0) {
        pause();
        _exit(0);
    }
    long before = meminfo_kb("MemFree");
    int first = run_hog();
    long after_first = meminfo_kb("MemFree");
    int second = run_hog();
    long after_second = meminfo_kb("MemFree");
    describe(1, first);
    describe(2, second);
    int alive = waitpid(bystander, NULL, WNOHANG) == 0 && kill(bystander, 0) == 0;
    printf("bystander alive: %s\n", alive ? "yes" : "no");
    kill(bystander, SIGKILL);
    waitpid(bystander, NULL, 0);
    printf("free before %ld kB, after the first %ld kB, after the second %ld kB\n", before,
           after_first, after_second);
    int killed = WIFSIGNALED(first) && WTERMSIG(first) == SIGKILL && WIFSIGNALED(second) &&
                 WTERMSIG(second) == SIGKILL;
    return killed && alive && after_second == after_first ? 0 : 1;
}
