/* proc_clone_settid.c - clone with CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID and
 * CLONE_PARENT_SETTID, as glibc's fork calls it: the child's id lands in the child's copy of
 * the variable only, the parent's id in the parent's, and a bad child address is ignored.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* clone with fork's semantics plus FLAGS. The child exits 0 if it finds its own pid in
 * *CHILD_TID (when READABLE: a bad address is only passed, never read). */
static void try_clone(const char *what, unsigned long flags, int *parent_tid, int *child_tid,
                      int readable)
{
    long pid = syscall(SYS_clone, flags | SIGCHLD, 0, parent_tid, child_tid, 0);
    if (pid == 0)
        _exit(!readable || *child_tid == (int)syscall(SYS_getpid) ? 0 : 1);
    if (pid < 0) {
        printf("%s: clone failed\n", what);
        return;
    }
    int status = -1;
    waitpid((pid_t)pid, &status, 0);
    printf("%s: child's check %s\n", what, status == 0 ? "passed" : "failed");
    if (readable)
        printf("%s: parent's copy of the child tid: %d\n", what, *child_tid);
    if (parent_tid)
        printf("%s: parent tid is the child's pid: %s\n", what,
               *parent_tid == (int)pid ? "yes" : "no");
}

int main(void)
{
    int tid = 0, ptid = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    try_clone("child settid", CLONE_CHILD_SETTID, NULL, &tid, 1);
    tid = 0;
    try_clone("glibc fork", CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, NULL, &tid, 1);
    tid = 0;
    try_clone("both", CLONE_CHILD_SETTID | CLONE_PARENT_SETTID, &ptid, &tid, 1);
    try_clone("kernel address", CLONE_CHILD_SETTID, NULL, (int *)0xffff800000001000UL, 0);
    try_clone("unmapped address", CLONE_CHILD_SETTID, NULL, (int *)0x1000UL, 0);
    return 0;
}
