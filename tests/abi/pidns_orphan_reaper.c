// ABI: pidns
/* pidns_orphan_reaper.c - orphans are adopted by the init of their own namespace: a grandchild
 * whose parent exits sees getppid() become 1, and the namespace's init reaps it with wait; in a
 * nested namespace the orphan goes to the nested init, not to the outer one.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Wait up to five seconds for getppid() to stop being OLD; return the new value. */
static pid_t wait_for_new_parent(pid_t old)
{
    struct timespec delay = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < 500 && getppid() == old; i++)
        nanosleep(&delay, NULL);
    return getppid();
}

/* As an init (of the test's namespace or a nested one): fork a child that forks a grandchild
 * and exits once the grandchild has noted its parent; the grandchild sends back its PID, its
 * first parent and its parent after the first one exited; then reap both and say who they
 * were. INDENT prefixes every line. */
static void orphan_scenario(const char *indent)
{
    int status = 0, report[2], noted[2];
    pid_t seen[3] = { 0, 0, 0 }; /* the grandchild's PID, first parent, adoptive parent */
    char byte;

    if (pipe(report) < 0 || pipe(noted) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            pid_t facts[3] = { getpid(), getppid(), 0 };
            close(report[0]);
            close(noted[0]);
            close(noted[1]);
            facts[2] = wait_for_new_parent(facts[1]);
            if (write(report[1], facts, sizeof(facts)) != sizeof(facts))
                _exit(1);
            _exit(4);
        }
        close(noted[1]);
        while (read(noted[0], &byte, 1) > 0)
            continue;
        _exit(3);
    }
    close(noted[0]);
    close(noted[1]);
    close(report[1]);
    pid_t first = waitpid(child, &status, 0);
    printf("%sinit %d reaped its child %d, exit %d\n", indent, (int)getpid(), (int)first,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (read(report[0], seen, sizeof(seen)) != sizeof(seen))
        printf("%sno word from the grandchild\n", indent);
    close(report[0]);
    printf("%sgrandchild %d: its parent %d exited, then its getppid() was %d\n", indent,
           (int)seen[0], (int)seen[1], (int)seen[2]);
    pid_t second = waitpid(-1, &status, 0);
    printf("%sinit %d then reaped %d, exit %d\n", indent, (int)getpid(), (int)second,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    errno = 0;
    pid_t none = waitpid(-1, &status, 0);
    printf("%sinit %d has no more children: %s\n", indent, (int)getpid(),
           none < 0 && errno == ECHILD ? "yes" : "no");
}

int main(void)
{
    int status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    printf("in the test's namespace:\n");
    orphan_scenario("");

    printf("in a nested namespace:\n");
    pid_t outer_child = fork();
    if (outer_child == 0) {
        unshare(CLONE_NEWPID);
        pid_t nested_init = fork();
        if (nested_init == 0) {
            orphan_scenario("    ");
            _exit(0);
        }
        waitpid(nested_init, &status, 0);
        printf("  the nested init (pid %d here) exited %d\n", (int)nested_init,
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        errno = 0;
        pid_t none = waitpid(-1, &status, 0);
        printf("  and the process that made the namespace adopted nothing: %s\n",
               none < 0 && errno == ECHILD ? "yes" : "no");
        _exit(0);
    }
    waitpid(outer_child, &status, 0);
    errno = 0;
    pid_t none = waitpid(-1, &status, 0);
    printf("the test's init adopted nothing from the nested namespace: %s\n",
           none < 0 && errno == ECHILD ? "yes" : "no");
    return 0;
}
