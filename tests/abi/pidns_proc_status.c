// ABI: pidns
/* pidns_proc_status.c - /proc as seen from a fresh PID namespace: the status lines Name, State,
 * Pid, PPid and NSpid of the init, of a child, and of processes in a nested namespace (one
 * number per level, from this namespace down), /proc/PID/stat, the /proc/self link, the PID
 * directories listed, and the form of /proc/PID/ns/pid. Only this namespace's processes read
 * /proc, the one mounted for it (a /proc shows its mounter's PID namespace).
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Read the whole file PATH into BUFFER (NUL-terminated); returns its length or -1. */
static long read_file(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    size_t length = 0;
    long got;

    if (fd < 0)
        return -1;
    while (length + 1 < size && (got = read(fd, buffer + length, size - 1 - length)) > 0)
        length += got;
    buffer[length] = '\0';
    close(fd);
    return (long)length;
}

/* Print the lines KEYS of /proc/WHO/status (WHO is "self" or a PID), tabs shown as "\t";
 * for State only the letter. */
static void print_status(const char *label, const char *who)
{
    static const char *const keys[] = { "Name", "State", "Pid", "PPid", "NSpid" };
    char path[64], buffer[4096];

    snprintf(path, sizeof(path), "/proc/%s/status", who);
    if (read_file(path, buffer, sizeof(buffer)) < 0) {
        printf("%s: cannot read %s: errno %d\n", label, path, errno);
        return;
    }
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        size_t key_length = strlen(keys[k]);
        char *line = buffer;
        while (line != NULL &&
               !(strncmp(line, keys[k], key_length) == 0 && line[key_length] == ':')) {
            line = strchr(line, '\n');
            if (line != NULL)
                line++;
        }
        if (line == NULL) {
            printf("%s: no %s line\n", label, keys[k]);
            continue;
        }
        size_t length = strcspn(line, "\n");
        if (strcmp(keys[k], "State") == 0) {
            char *value = line + key_length + 1;
            while (*value == '\t' || *value == ' ')
                value++;
            printf("%s: State letter %c\n", label, *value);
            continue;
        }
        printf("%s: \"", label);
        for (size_t i = 0; i < length; i++) {
            if (line[i] == '\t')
                printf("\\t");
            else
                putchar(line[i]);
        }
        printf("\"\n");
    }
}

/* Print the first four fields of /proc/WHO/stat: pid (comm) state ppid. */
static void print_stat(const char *label, const char *who)
{
    char path[64], buffer[1024];

    snprintf(path, sizeof(path), "/proc/%s/stat", who);
    if (read_file(path, buffer, sizeof(buffer)) < 0) {
        printf("%s: cannot read %s\n", label, path);
        return;
    }
    char *close_paren = strrchr(buffer, ')');
    int pid = atoi(buffer), ppid = 0;
    char state = '?';
    if (close_paren != NULL)
        sscanf(close_paren + 1, " %c %d", &state, &ppid);
    printf("%s: stat pid %d, comm %.*s, state %c, ppid %d\n", label, pid,
           close_paren ? (int)(close_paren - strchr(buffer, '(') + 1) : 0,
           strchr(buffer, '(') ? strchr(buffer, '(') : "", state, ppid);
}

static int compare_ints(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Print the numeric entries of /proc, sorted. */
static void list_proc(const char *label)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int pids[64], count = 0;

    if (proc == NULL) {
        printf("%s: cannot open /proc\n", label);
        return;
    }
    while ((entry = readdir(proc)) != NULL && count < 64) {
        if (isdigit((unsigned char)entry->d_name[0]))
            pids[count++] = atoi(entry->d_name);
    }
    closedir(proc);
    qsort(pids, count, sizeof(pids[0]), compare_ints);
    printf("%s:", label);
    for (int i = 0; i < count; i++)
        printf(" %d", pids[i]);
    printf("\n");
}

/* Wait up to five seconds for the State of PID to be LETTER. */
static void wait_for_state(pid_t pid, char letter)
{
    char path[64], buffer[4096];
    struct timespec delay = { 0, 10 * 1000 * 1000 };

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    for (int i = 0; i < 500; i++) {
        if (read_file(path, buffer, sizeof(buffer)) > 0) {
            char *state = strstr(buffer, "State:");
            if (state != NULL && strchr(state, letter) != NULL &&
                strchr(state, letter) < strchr(state, '\n'))
                return;
        }
        nanosleep(&delay, NULL);
    }
}

int main(void)
{
    char link[64], who[16];
    int gate[2], status = 0;

    setvbuf(stdout, NULL, _IONBF, 0);
    print_status("init /proc/self/status", "self");
    print_status("init /proc/1/status", "1");
    print_stat("init /proc/self/stat", "self");
    long length = readlink("/proc/self", link, sizeof(link) - 1);
    link[length > 0 ? length : 0] = '\0';
    printf("readlink(/proc/self) -> \"%s\"\n", link);
    length = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
    link[length > 0 ? length : 0] = '\0';
    size_t digits = strspn(link + (length > 5 ? 5 : 0), "0123456789");
    printf("readlink(/proc/self/ns/pid) has the form pid:[digits]: %s\n",
           strncmp(link, "pid:[", 5) == 0 && digits > 0 && strcmp(link + 5 + digits, "]") == 0
               ? "yes"
               : "no");
    errno = 0;
    printf("open(/proc/30000/status), a PID outside the namespace: %s\n",
           open("/proc/30000/status", O_RDONLY) < 0 && errno == ENOENT ? "ENOENT" : "opened");

    pid_t child = fork();
    if (child == 0) {
        print_status("  child /proc/self/status", "self");
        print_stat("  child /proc/self/stat", "self");
        _exit(0);
    }
    waitpid(child, &status, 0);

    if (pipe(gate) < 0)
        return 1;
    pid_t maker = fork();
    if (maker == 0) {
        close(gate[1]);
        unshare(CLONE_NEWPID);
        pid_t nested_init = fork();
        if (nested_init == 0) {
            pid_t nested_child = fork();
            if (nested_child == 0) {
                char byte;
                while (read(gate[0], &byte, 1) > 0)
                    continue;
                _exit(0);
            }
            waitpid(nested_child, NULL, 0);
            _exit(0);
        }
        waitpid(nested_init, NULL, 0);
        _exit(0);
    }
    close(gate[0]);
    printf("the namespace maker is pid %d; the nested init and its child come next\n", (int)maker);
    for (pid_t pid = maker; pid <= maker + 2; pid++)
        wait_for_state(pid, 'S');
    list_proc("PIDs listed in /proc");
    for (pid_t pid = maker; pid <= maker + 2; pid++) {
        snprintf(who, sizeof(who), "%d", (int)pid);
        char label[64];
        snprintf(label, sizeof(label), "/proc/%d/status", (int)pid);
        print_status(label, who);
    }
    snprintf(who, sizeof(who), "%d", (int)maker + 2);
    print_stat("the nested child's /proc/PID/stat", who);
    close(gate[1]);
    waitpid(maker, &status, 0);
    list_proc("PIDs listed in /proc after they exited");
    return 0;
}
