/* procfs_names.c - the procfs lab's guest program (tests/labs/procfs/grade.py runs it).
 *
 *   procfs_names NAME ARG...   copy this program to /tmp/NAME, run it there with ARGs, and
 *                              print what /proc/CHILD/stat and status say of it
 *   procfs_names --copy NAME   only copy this program to /tmp/NAME
 *   NAME --wait FD ARG...      write "r" to FD, then pause until killed
 * Prints "comm=", "Name=", "state=", "ppid=" lines and "procfs_names: ok" when every field
 * agrees with what the parent knows (its own PID, its process group, the child's state).
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void expect(const char *what, long expected, long got)
{
    printf("%s=%ld\n", what, got);
    if (expected != got) {
        printf("procfs_names: FAIL: %s: expected %ld, got %ld\n", what, expected, got);
        failures++;
    }
}

static void copy_self(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buf[4096];
    ssize_t n;
    if (in < 0 || out < 0) {
        printf("procfs_names: FAIL: cannot copy %s to %s\n", from, to);
        exit(1);
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            exit(1);
    close(in);
    close(out);
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
    if (fd >= 0)
        close(fd);
    buf[n < 0 ? 0 : n] = 0;
    return n;
}

/* The value of a "Key:\tvalue" line of status, or "" */
static const char *status_field(const char *status, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\n%s:\t", key);
    const char *at = strstr(status, pattern);
    out[0] = 0;
    if (at) {
        at += strlen(pattern);
        size_t n = strcspn(at, "\n");
        snprintf(out, size, "%.*s", (int)(n < size - 1 ? n : size - 1), at);
    }
    return out;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 3 && strcmp(argv[1], "--wait") == 0) {
        /* The child, under its new name: say it is ready, then wait to be killed. */
        int ready = atoi(argv[2]);
        if (write(ready, "r", 1) != 1)
            return 1;
        close(ready);
        for (;;)
            pause();
    }
    if (argc == 3 && strcmp(argv[1], "--copy") == 0) {
        char path[128];
        snprintf(path, sizeof(path), "/tmp/%s", argv[2]);
        copy_self("/tests/procfs_names", path);
        return 0;
    }
    if (argc < 3) {
        printf("usage: procfs_names NAME ARG...\n");
        return 1;
    }
    char path[128];
    snprintf(path, sizeof(path), "/tmp/%s", argv[1]);
    copy_self("/tests/procfs_names", path);
    int pipe_fds[2];
    if (pipe(pipe_fds) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        close(pipe_fds[0]);
        char fd_text[16];
        snprintf(fd_text, sizeof(fd_text), "%d", pipe_fds[1]);
        char *args[64] = {path, "--wait", fd_text};
        int n = 3;
        for (int i = 2; i < argc && n < 63; i++)
            args[n++] = argv[i];
        args[n] = NULL;
        execv(path, args);
        _exit(127);
    }
    close(pipe_fds[1]);
    char c;
    if (read(pipe_fds[0], &c, 1) != 1) {
        printf("procfs_names: FAIL: the child did not start\n");
        return 1;
    }
    /* The child is in pause() now, or about to be: wait until the kernel says it sleeps. */
    char stat[1024], status[4096], file[64], value[64];
    snprintf(file, sizeof(file), "/proc/%d/stat", child);
    char state = 0;
    for (int tries = 0; tries < 1000 && state != 'S'; tries++) {
        read_file(file, stat, sizeof(stat));
        char *close_paren = strrchr(stat, ')');
        state = close_paren ? close_paren[2] : 0;
        if (state != 'S')
            sched_yield();
    }
    char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
    if (!open_paren || !close_paren) {
        printf("procfs_names: FAIL: /proc/%d/stat is not 'PID (COMM) STATE ...': %s\n", child,
               stat);
        kill(child, SIGKILL);
        return 1;
    }
    printf("comm=%.*s\n", (int)(close_paren - open_paren - 1), open_paren + 1);
    printf("state=%c\n", close_paren[2]);
    int ppid = 0, pgrp = 0, session = 0;
    sscanf(close_paren + 4, "%d %d %d", &ppid, &pgrp, &session);
    expect("stat.pid", child, atol(stat));
    expect("stat.ppid", getpid(), ppid);
    expect("stat.pgrp", getpgrp(), pgrp);
    expect("stat.session", getsid(0), session);
    snprintf(file, sizeof(file), "/proc/%d/status", child);
    read_file(file, status + 1, sizeof(status) - 1);
    status[0] = '\n';
    printf("Name=%s\n", status_field(status, "Name", value, sizeof(value)));
    printf("State=%s\n", status_field(status, "State", value, sizeof(value)));
    expect("status.Pid", child, atol(status_field(status, "Pid", value, sizeof(value))));
    expect("status.PPid", getpid(), atol(status_field(status, "PPid", value, sizeof(value))));
    expect("status.NSpid", child, atol(status_field(status, "NSpid", value, sizeof(value))));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    unlink(path);
    if (failures)
        return 1;
    printf("procfs_names: ok\n");
    return 0;
}
