// ABI: pidns
// tools_differential.c - nest's own tools (grep, wc, head, sleep, ps, pgrep, pkill, taskset) on the
// same input on Linux and on nest: their output and exit codes must agree. On Linux the tools
// are the build's userland binaries (build/userland/, found beside build/abi/), on nest /bin's.
// Runs in a fresh PID namespace so that ps -e and pgrep list the same small PIDs on both.
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tool_dir[512];

/* Where the tools are: build/userland next to build/abi on Linux, /bin on nest. */
static void find_tools(const char *argv0)
{
    char copy[512], candidate[600];
    struct stat st;
    snprintf(copy, sizeof copy, "%s", argv0);
    snprintf(candidate, sizeof candidate, "%s/../userland/grep", dirname(copy));
    if (stat(candidate, &st) == 0) {
        snprintf(copy, sizeof copy, "%s", argv0);
        snprintf(tool_dir, sizeof tool_dir, "%s/../userland", dirname(copy));
    } else {
        snprintf(tool_dir, sizeof tool_dir, "/bin");
    }
}

/* Run args[0] with args, stdin from input_path (or /dev/null); print its output and status. */
static void run(const char *input_path, char *const args[])
{
    const char *tool = args[0];
    char path[700];
    /* pkill is pgrep run under that name: build/userland has only pgrep. */
    snprintf(path, sizeof path, "%s/%s", tool_dir, strcmp(tool, "pkill") == 0 ? "pgrep" : tool);
    printf("$ %s", tool);
    for (int i = 1; args[i]; i++)
        printf(" %s", args[i]);
    printf("\n");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(input_path ? input_path : "/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(1, 2);
        execv(path, args);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("[%s %d]\n", WIFEXITED(status) ? "exit" : "signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

#define RUN(input, ...) run(input, (char *[]){__VA_ARGS__, NULL})

/* Start "sleep 100" and return once it has exec'd (the close-on-exec pipe reads end of file),
 * so that pgrep finds it by name. */
static pid_t start_sleep(void)
{
    char path[700], byte;
    int ready[2];
    snprintf(path, sizeof path, "%s/sleep", tool_dir);
    pipe2(ready, O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, (char *[]){"sleep", "100", NULL});
        _exit(127);
    }
    close(ready[1]);
    while (read(ready[0], &byte, 1) > 0)
        ;
    close(ready[0]);
    return pid;
}

/* pgrep and pkill on one sleep: selected by name, parent and regex, then signalled. */
static void pgrep_and_pkill(void)
{
    pid_t sleeper = start_sleep();
    int status;
    RUN(NULL, "pgrep", "sleep");
    RUN(NULL, "pgrep", "-l", "-x", "sle+p");
    RUN(NULL, "pgrep", "-a", "-f", "^sleep 1");
    RUN(NULL, "pgrep", "-c", "-P", "1");
    RUN(NULL, "pgrep", "-x", "slee");
    RUN(NULL, "pgrep", "-v", "-l", "-d", ",", "tools");
    RUN(NULL, "pgrep", "-o", "-l", "-s", "0");
    RUN(NULL, "pgrep", "pgrep");
    RUN(NULL, "pgrep", "-u", "0", "sleep");
    RUN(NULL, "pgrep", "(");
    RUN(NULL, "pgrep");
    RUN(NULL, "pkill", "-l", "sleep");
    RUN(NULL, "pkill", "-USR1", "-c", "-e", "sleep");
    waitpid(sleeper, &status, 0);
    printf("sleep: %s\n", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "not signalled");
    RUN(NULL, "pkill", "sleep");
}

/* taskset on a sleep, pinned to CPU 0 first so that every mask shown (and ps's PSR) is the
 * same on any number of CPUs: show, set, errors, and a program run with a mask. */
static void taskset_on_a_sleep(void)
{
    cpu_set_t cpu0;
    CPU_ZERO(&cpu0);
    CPU_SET(0, &cpu0);
    sched_setaffinity(0, sizeof(cpu0), &cpu0);
    pid_t sleeper = start_sleep();
    char pid[16];
    snprintf(pid, sizeof pid, "%d", sleeper);
    RUN(NULL, "taskset", "-p", pid);
    RUN(NULL, "ps", "-o", "pid,psr,comm", "-p", pid);
    RUN(NULL, "taskset", "-c", "-p", pid);
    RUN(NULL, "taskset", "-p", "0x1", pid);
    RUN(NULL, "taskset", "-pc", "0", pid);
    RUN(NULL, "taskset", "-p", "0", pid);
    RUN(NULL, "taskset", "-p", "zz", pid);
    RUN(NULL, "taskset", "-cp", "0-", pid);
    RUN(NULL, "taskset", "-p", "nonsense");
    RUN(NULL, "taskset", "-p", "99999");
    RUN(NULL, "taskset", "1");
    RUN(NULL, "taskset", "1", "/bin/no-such-program");
    kill(sleeper, SIGKILL);
    waitpid(sleeper, NULL, 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    find_tools(argv[0]);
    char *text = "/tmp/tools_differential.txt";
    FILE *f = fopen(text, "w");
    fputs("alpha one\nBeta two\ngamma three\n\nalphabet soup\nthe end of alpha\n", f);
    fclose(f);

    RUN(text, "grep", "alpha");
    RUN(text, "grep", "-n", "-i", "beta");
    RUN(text, "grep", "-c", "a");
    RUN(text, "grep", "-v", "-E", "al+pha|two");
    RUN(text, "grep", "nothing-matches");
    RUN(text, "grep", "-E", "(");
    RUN(text, "wc");
    RUN(text, "wc", "-l");
    RUN(text, "wc", "-w", text);
    RUN(text, "head", "-n", "2");
    RUN(text, "head", "-c", "7");
    RUN(NULL, "sleep", "0.05");
    RUN(NULL, "sleep", "1x");
    RUN(NULL, "sleep", "0.01", "0.01s");
    RUN(NULL, "sleep");
    RUN(NULL, "ps", "-e", "-o", "pid,ppid,comm");
    pgrep_and_pkill();
    taskset_on_a_sleep();
    unlink(text);
    return 0;
}
