/* proc_prctl.c - prctl(2) options glibc and util-linux programs call: the parent-death signal
 * (kept by its owner, cleared in a forked child, sent when the parent exits), the name, the
 * dumpable flag (execve sets it back), no_new_privs (kept across execve), the capability
 * bounding set of root, securebits, and EINVAL for bad arguments and unknown options.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --report" prints its dumpable and no_new_privs flags.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long result)
{
    if (result < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, result);
}

static int report_fd = -1;

static void on_parent_death(int sig)
{
    char message[64];
    int n = snprintf(message, sizeof(message), "grandchild got signal %d: its parent exited\n", sig);
    write(report_fd, message, (size_t)n);
    _exit(0);
}

/* A grandchild asks for SIGUSR1 when its parent dies; the parent exits; what the grandchild
 * says comes back through a pipe (it is no longer our child, so we cannot wait for it). */
static void check_parent_death_signal(void)
{
    int fds[2];
    pipe(fds);
    pid_t middle = fork();
    if (middle == 0) {
        close(fds[0]);
        int ready[2];
        pipe(ready);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            report_fd = fds[1];
            signal(SIGUSR1, on_parent_death);
            int sig = 0;
            show("grandchild's pdeathsig after fork", prctl(PR_GET_PDEATHSIG, &sig) ? -1 : sig);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            close(ready[1]); /* tells the parent it may exit now */
            alarm(20);       /* without the signal: no report, the pipe closes */
            for (;;)
                pause();
        }
        close(fds[1]);
        close(ready[1]);
        char byte;
        read(ready[0], &byte, 1); /* end of file: the grandchild has its signal set */
        _exit(0);
    }
    close(fds[1]);
    waitpid(middle, NULL, 0);
    char buffer[128];
    ssize_t n, total = 0;
    while ((n = read(fds[0], buffer + total, sizeof(buffer) - 1 - (size_t)total)) > 0)
        total += n;
    buffer[total] = 0;
    printf("%s", total ? buffer : "the grandchild did not get its parent-death signal\n");
    close(fds[0]);
}

static void check_pdeathsig_values(void)
{
    int sig = -1;
    show("set pdeathsig SIGKILL", prctl(PR_SET_PDEATHSIG, SIGKILL));
    show("get pdeathsig", prctl(PR_GET_PDEATHSIG, &sig) ? -1 : sig);
    show("set pdeathsig 64", prctl(PR_SET_PDEATHSIG, 64));
    show("set pdeathsig 65", prctl(PR_SET_PDEATHSIG, 65));
    show("set pdeathsig -1", prctl(PR_SET_PDEATHSIG, -1L));
    show("get pdeathsig to a bad pointer", prctl(PR_GET_PDEATHSIG, (int *)8));
    show("set pdeathsig 0", prctl(PR_SET_PDEATHSIG, 0));
    show("get pdeathsig", prctl(PR_GET_PDEATHSIG, &sig) ? -1 : sig);
}

static void check_name(void)
{
    char name[32];
    show("set name", prctl(PR_SET_NAME, "a-name-longer-than-fifteen"));
    memset(name, 'x', sizeof(name));
    show("get name", prctl(PR_GET_NAME, name));
    name[31] = 0;
    printf("name: %s\n", name);
    show("set name from a bad pointer", prctl(PR_SET_NAME, (char *)8));
}

static void check_flags(const char *self)
{
    show("get dumpable", prctl(PR_GET_DUMPABLE));
    show("set dumpable 2", prctl(PR_SET_DUMPABLE, 2));
    show("set dumpable 0", prctl(PR_SET_DUMPABLE, 0));
    show("get dumpable", prctl(PR_GET_DUMPABLE));
    show("get no_new_privs with an argument", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
    show("get no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    show("set no_new_privs 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
    show("set no_new_privs with a third argument", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
    show("set no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    show("get no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        char *argv[] = {(char *)self, "--report", NULL};
        execv(self, argv);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    printf("the execve child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void check_capabilities(void)
{
    show("capbset_read CAP_CHOWN", prctl(PR_CAPBSET_READ, 0));
    show("capbset_read CAP_SYS_ADMIN", prctl(PR_CAPBSET_READ, 21));
    show("capbset_read 40", prctl(PR_CAPBSET_READ, 40));
    show("capbset_read 41", prctl(PR_CAPBSET_READ, 41));
    show("capbset_read -1", prctl(PR_CAPBSET_READ, -1L));
    show("get securebits", prctl(PR_GET_SECUREBITS));
    show("an unknown option", prctl(9999));
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--report") == 0) {
        show("after execve: dumpable", prctl(PR_GET_DUMPABLE));
        show("after execve: no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    check_pdeathsig_values();
    check_parent_death_signal();
    check_name();
    check_capabilities();
    check_flags(argv[0]);
    return 0;
}
