/* proc_status_file.c - /proc/PID/status, stat and cmdline as a program reads them: the Name
 * (the executable's name cut to 15 characters), the State letter of running, sleeping,
 * stopped and zombie processes, Pid and PPid, and the argument vector after an execve.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper mode: "PROGRAM --report-self ARGS..." prints its own status Name and cmdline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* Read the whole file PATH into BUFFER (NUL-terminated); returns its length or -errno. */
static long read_file(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    size_t length = 0;
    long got;

    if (fd < 0)
        return -errno;
    while (length + 1 < size && (got = read(fd, buffer + length, size - 1 - length)) > 0)
        length += got;
    buffer[length] = '\0';
    close(fd);
    return (long)length;
}

/* The value of field KEY ("State") of the status file of PID (0: self), or "" if missing. */
static const char *status_field(pid_t pid, const char *key)
{
    static char buffer[4096], value[256];
    char path[64];
    size_t key_length = strlen(key);

    if (pid == 0)
        snprintf(path, sizeof(path), "/proc/self/status");
    else
        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    value[0] = '\0';
    if (read_file(path, buffer, sizeof(buffer)) < 0)
        return value;
    for (char *line = strtok(buffer, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, key, key_length) == 0 && line[key_length] == ':') {
            snprintf(value, sizeof(value), "%s", line + key_length + 1);
            break;
        }
    }
    return value;
}

/* The whole "Key:\tvalue" line with the tab shown as \t. */
static void print_status_line(const char *who, pid_t pid, const char *key)
{
    const char *value = status_field(pid, key);

    if (value[0] == '\t')
        printf("%s status line \"%s:\\t%s\"\n", who, key, value + 1);
    else
        printf("%s status line \"%s:%s\"\n", who, key, value);
}

/* The first letter of PID's State field. */
static char state_letter(pid_t pid)
{
    const char *value = status_field(pid, "State");

    while (*value == '\t' || *value == ' ')
        value++;
    return *value ? *value : '?';
}

/* Wait up to five seconds for PID's State to become LETTER; return the last letter seen. */
static char wait_for_state(pid_t pid, char letter)
{
    struct timespec delay = { 0, 10 * 1000 * 1000 };
    char seen = '?';

    for (int i = 0; i < 500; i++) {
        seen = state_letter(pid);
        if (seen == letter)
            break;
        nanosleep(&delay, NULL);
    }
    return seen;
}

/* The helper: print our status Name and the NUL-separated words of /proc/self/cmdline. */
static int report_self(void)
{
    char buffer[1024];
    long length = read_file("/proc/self/cmdline", buffer, sizeof(buffer));

    print_status_line("  after execve:", 0, "Name");
    printf("  after execve: cmdline has %ld bytes\n", length);
    for (long at = 0; at < length; at += strlen(buffer + at) + 1)
        printf("  after execve: cmdline word \"%s\"\n", buffer + at);
    return 0;
}

/* Our own status, stat and cmdline. */
static void check_self(void)
{
    char buffer[1024], expected[64], link[64];
    long length;

    print_status_line("self", 0, "Name");
    printf("self State letter: %c\n", state_letter(0));
    printf("self Pid field equals getpid(): %s\n",
           yes_no(atoi(status_field(0, "Pid")) == getpid()));
    printf("self PPid field equals getppid(): %s\n",
           yes_no(atoi(status_field(0, "PPid")) == getppid()));
    snprintf(expected, sizeof(expected), "\t%d", (int)getpid());
    printf("self NSpid field is just getpid() (root namespace): %s\n",
           yes_no(strcmp(status_field(0, "NSpid"), expected) == 0));
    if (read_file("/proc/self/stat", buffer, sizeof(buffer)) > 0) {
        char *open_paren = strchr(buffer, '('), *close_paren = strrchr(buffer, ')');
        printf("self stat pid field equals getpid(): %s\n", yes_no(atoi(buffer) == getpid()));
        if (open_paren && close_paren && close_paren[1] == ' ')
            printf("self stat comm and state: %.*s %c\n", (int)(close_paren - open_paren + 1),
                   open_paren, close_paren[2]);
    } else {
        printf("self stat: cannot read\n");
    }
    length = readlink("/proc/self", link, sizeof(link) - 1);
    link[length > 0 ? length : 0] = '\0';
    printf("readlink(/proc/self) is getpid() in decimal: %s\n", yes_no(atoi(link) == getpid()));
    length = read_file("/proc/self/cmdline", buffer, sizeof(buffer));
    printf("self cmdline is one word ending in a NUL: %s\n",
           yes_no(length > 0 && (long)strlen(buffer) + 1 == length));
}

/* A child's State while it sleeps, is stopped, and is a zombie; then /proc/PID is gone. */
static void check_child_states(void)
{
    int gate[2];
    int status = 0;
    char byte, path[64];

    if (pipe(gate) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        close(gate[1]);
        while (read(gate[0], &byte, 1) > 0)
            continue;
        _exit(0);
    }
    close(gate[0]);
    printf("child blocked in read: State %c\n", wait_for_state(child, 'S'));
    print_status_line("child", child, "Name");
    printf("child PPid field equals our getpid(): %s\n",
           yes_no(atoi(status_field(child, "PPid")) == getpid()));
    kill(child, SIGSTOP);
    waitpid(child, &status, WUNTRACED);
    printf("child after SIGSTOP: State %c\n", wait_for_state(child, 'T'));
    kill(child, SIGCONT);
    printf("child after SIGCONT: State %c\n", wait_for_state(child, 'S'));
    close(gate[1]);
    printf("child after exiting, not yet reaped: State %c\n", wait_for_state(child, 'Z'));
    waitpid(child, &status, 0);
    snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
    errno = 0;
    int fd = open(path, O_RDONLY);
    printf("open /proc/PID/status of the reaped child: %s\n",
           fd < 0 && errno == ENOENT ? "ENOENT" : "still there");
    if (fd >= 0)
        close(fd);
}

/* After execve with a chosen argv, Name follows the file and cmdline follows argv. */
static void check_after_exec(const char *self)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        char *argv[] = { "custom-argv0", "--report-self", "second arg", "", NULL };
        char *envp[] = { NULL };

        execve(self, argv, envp);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("the execve child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 2 && strcmp(argv[1], "--report-self") == 0)
        return report_self();
    signal(SIGCONT, SIG_DFL);
    check_self();
    check_child_states();
    check_after_exec(argv[0]);
    return 0;
}
