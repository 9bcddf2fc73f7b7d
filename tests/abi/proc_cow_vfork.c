/* proc_cow_vfork.c - fork copies the address space (copy-on-write: neither side sees the other's
 * writes to globals, heap or stack), vfork suspends the parent until the child's _exit or
 * execve and shares its memory meanwhile.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * "PROGRAM --exit-code N" exits with N (the program the vfork child executes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEAP_BYTES (1024 * 1024) /* a heap buffer of many pages, copied page by page */

static int global_value = 1;          /* in .data */
static int zeroed_value;              /* in .bss */
static volatile int vfork_shared = 1; /* written by the vfork child */

/* Sleep for MILLISECONDS. */
static void sleep_ms(long milliseconds)
{
    struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000 };

    while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
        continue;
}

/* A simple checksum of LENGTH bytes at DATA. */
static unsigned long checksum(const unsigned char *data, size_t length)
{
    unsigned long sum = 0;

    for (size_t i = 0; i < length; i++)
        sum = sum * 31 + data[i];
    return sum;
}

/* The child writes to a global, a .bss variable, the heap and the stack; the parent's copies
 * keep their values. Then the parent writes and the child, still running, keeps the old ones. */
static void check_copy_on_write(void)
{
    int stack_value = 1;
    unsigned char *heap = malloc(HEAP_BYTES);
    int *heap_value = malloc(sizeof(int));
    int to_child[2], from_child[2];
    int status = 0;
    char byte = 0;

    if (heap == NULL || heap_value == NULL || pipe(to_child) < 0 || pipe(from_child) < 0)
        return;
    *heap_value = 1;
    memset(heap, 0x5a, HEAP_BYTES);
    unsigned long before = checksum(heap, HEAP_BYTES);
    pid_t child = fork();
    if (child == 0) {
        global_value = 2;
        zeroed_value = 2;
        *heap_value = 2;
        stack_value = 2;
        for (size_t i = 0; i < HEAP_BYTES; i += 4096)
            heap[i] = 0;
        printf("child after its writes sees global %d bss %d heap %d stack %d\n", global_value,
               zeroed_value, *heap_value, stack_value);
        if (write(from_child[1], "w", 1) != 1)
            _exit(1);
        if (read(to_child[0], &byte, 1) != 1)
            _exit(1);
        printf("child after the parent's writes still sees global %d bss %d heap %d stack %d\n",
               global_value, zeroed_value, *heap_value, stack_value);
        _exit(0);
    }
    if (read(from_child[0], &byte, 1) != 1)
        printf("parent: no word from the child\n");
    printf("parent after the child's writes sees global %d bss %d heap %d stack %d\n", global_value,
           zeroed_value, *heap_value, stack_value);
    printf("parent's 1 MB heap buffer unchanged by the child's writes: %s\n",
           checksum(heap, HEAP_BYTES) == before ? "yes" : "no");
    global_value = 3;
    zeroed_value = 3;
    *heap_value = 3;
    stack_value = 3;
    if (write(to_child[1], "w", 1) != 1)
        printf("parent: cannot wake the child\n");
    waitpid(child, &status, 0);
    printf("child exited normally: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    printf("parent after its own writes sees global %d bss %d heap %d stack %d\n", global_value,
           zeroed_value, *heap_value, stack_value);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    free(heap);
    free(heap_value);
}

/* vfork: the parent resumes only after the child's _exit. The child sleeps, then writes a byte
 * into a pipe and a value into shared memory; the parent finds both at once. */
static void check_vfork_exit(void)
{
    int fds[2];
    int status = 0;
    char byte;

    if (pipe2(fds, O_NONBLOCK) < 0)
        return;
    vfork_shared = 1;
    pid_t child = vfork();
    if (child == 0) {
        sleep_ms(100);
        if (write(fds[1], "v", 1) != 1)
            _exit(1);
        vfork_shared = 2;
        _exit(7);
    }
    long got = read(fds[0], &byte, 1);
    printf("vfork: the parent resumed only after the child's _exit (its byte is there): %s\n",
           got == 1 ? "yes" : "no");
    printf("vfork: the child's store to memory is seen by the parent: %s\n",
           vfork_shared == 2 ? "yes" : "no");
    printf("vfork: waitpid returns the child: %s\n",
           waitpid(child, &status, 0) == child ? "yes" : "no");
    printf("vfork: child status -> exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(fds[0]);
    close(fds[1]);
}

/* vfork then execve: the parent resumes when the exec succeeds; the new program's exit code
 * arrives through wait. */
static void check_vfork_exec(const char *self)
{
    int status = 0;
    char *child_argv[] = { (char *)self, "--exit-code", "9", NULL };
    char *child_envp[] = { NULL };
    pid_t child = vfork();

    if (child == 0) {
        execve(self, child_argv, child_envp);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("vfork+execve: child status -> exited %d\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--exit-code") == 0)
        return atoi(argv[2]);
    setvbuf(stdout, NULL, _IONBF, 0);
    check_copy_on_write();
    check_vfork_exit();
    check_vfork_exec(argv[0]);
    return 0;
}
