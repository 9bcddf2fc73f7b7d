// ABI: pidns
/* pidns_procfs_format.c - /proc in the formats procps-ng 4 and util-linux parse: stat's 52
 * fields with comm in parentheses (split as procps does, at the last ')'), statm's 7 numbers,
 * status as "Key:\tvalue" lines, NSpid of a process in a nested PID namespace from both views
 * (the outer /proc, and a /proc its init mounted), /proc/stat's lines, meminfo, uptime,
 * loadavg, mounts, filesystems, sys/kernel, and the links exe, cwd, root, fd/N, ns/.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NESTED_PROC "/tmp/abi-procfs-format"

/* Read the whole file PATH into BUFFER (NUL-terminated); its length, or -1. */
static long read_file(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    size_t length = 0;
    long got;
    if (fd < 0)
        return -1;
    while (length < size - 1 && (got = read(fd, buffer + length, size - 1 - length)) > 0)
        length += (size_t)got;
    close(fd);
    buffer[length] = '\0';
    return (long)length;
}

/* The words of TEXT separated by single spaces (after the comm), as procps counts them. */
static int count_words(const char *text)
{
    int words = 0;
    for (const char *c = text; *c && *c != '\n'; c++)
        if (*c != ' ' && (c == text || c[-1] == ' '))
            words++;
    return words;
}

/* stat: "pid (comm) state ..." — comm between the first '(' and the last ')', then 50 more. */
static void check_stat(const char *path, const char *expect_comm)
{
    char text[1024], comm[64];
    if (read_file(path, text, sizeof(text)) < 0) {
        printf("stat: cannot read\n");
        return;
    }
    char *open_paren = strchr(text, '('), *close_paren = strrchr(text, ')');
    size_t length = open_paren && close_paren ? (size_t)(close_paren - open_paren - 1) : 0;
    snprintf(comm, sizeof(comm), "%.*s", (int)length, open_paren ? open_paren + 1 : "");
    int after = close_paren ? count_words(close_paren + 2) : 0;
    char state = close_paren ? close_paren[2] : '?';
    int pid = atoi(text);
    printf("stat: fields %d, comm %s (%s), state letter %s, pid field %s\n", after + 2,
           strcmp(comm, expect_comm) ? "wrong" : "right", length <= 15 ? "<= 15" : "> 15",
           strchr("RSDTZ", state) ? "ok" : "bad", pid > 0 ? "positive" : "bad");
}

/* statm: seven numbers. */
static void check_statm(void)
{
    char text[256];
    unsigned long v[7];
    read_file("/proc/self/statm", text, sizeof(text));
    int n = sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6]);
    printf("statm: %d numbers, resident <= size: %s, resident > 0: %s\n", n,
           v[1] <= v[0] ? "yes" : "no", v[1] > 0 ? "yes" : "no");
}

/* status: every line "Key:\tvalue" (or "Key:" alone), and the keys procps looks for. */
static void check_status(void)
{
    static const char *const keys[] = {"Name:", "Umask:", "State:", "Tgid:", "Pid:", "PPid:",
                                       "Uid:", "Gid:", "NStgid:", "NSpid:", "NSpgid:", "NSsid:",
                                       "VmSize:", "VmRSS:", "Threads:", "SigPnd:", "SigBlk:",
                                       "SigIgn:", "SigCgt:", "CapEff:"};
    char text[4096];
    read_file("/proc/self/status", text, sizeof(text));
    int bad = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *colon = strchr(line, ':');
        bad += !colon || (colon[1] != '\t' && colon[1] != '\0') ||
               strcspn(line, " \t") < (size_t)(colon - line);
    }
    read_file("/proc/self/status", text, sizeof(text));
    int missing = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char wanted[32];
        snprintf(wanted, sizeof(wanted), "\n%s\t", keys[i]);
        missing += strncmp(text, keys[i], strlen(keys[i])) != 0 && !strstr(text, wanted);
    }
    printf("status: malformed lines %d, missing keys %d\n", bad, missing);
}

/* The NSpid line of a status file, without its label. */
static void nspid_of(const char *path, char *out, size_t size)
{
    char text[4096];
    snprintf(out, size, "none");
    if (read_file(path, text, sizeof(text)) < 0)
        return;
    char *line = strstr(text, "\nNSpid:\t");
    if (line)
        snprintf(out, size, "%.*s", (int)strcspn(line + 8, "\n"), line + 8);
}

/* A nested PID namespace: its init's NSpid read from here (two numbers, the first its PID
 * here) and from a /proc the init mounted (just 1). */
static void check_nested_nspid(void)
{
    int ready[2], done[2];
    char byte;
    if (pipe(ready) < 0 || pipe(done) < 0 || unshare(CLONE_NEWPID) < 0)
        return;
    mkdir(NESTED_PROC, 0755);
    pid_t init = fork();
    if (init == 0) {
        char inside[64];
        unshare(CLONE_NEWNS);
        mount("proc", NESTED_PROC, "proc", 0, NULL);
        nspid_of(NESTED_PROC "/self/status", inside, sizeof(inside));
        printf("nested init, its own /proc: NSpid %s\n", inside);
        check_stat(NESTED_PROC "/1/stat", "pidns_procfs_fo");
        write(ready[1], "r", 1);
        read(done[0], &byte, 1);
        exit(0);
    }
    char path[64], outside[64], expect[64];
    read(ready[0], &byte, 1);
    snprintf(path, sizeof(path), "/proc/%d/status", init);
    nspid_of(path, outside, sizeof(outside));
    snprintf(expect, sizeof(expect), "%d\t1", init);
    printf("nested init, from outside: NSpid is \"PID\\t1\": %s\n",
           strcmp(outside, expect) ? outside : "yes");
    write(done[1], "d", 1);
    waitpid(init, NULL, 0);
    rmdir(NESTED_PROC);
}

/* /proc/stat: the lines procps and vmstat need. */
static void check_cpu_stat(void)
{
    char text[8192];
    read_file("/proc/stat", text, sizeof(text));
    unsigned long long v[10];
    int cpu = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                     &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    printf("stat: cpu numbers >= 8: %s, cpu0 %s, btime %s, processes %s, procs_running %s, "
           "procs_blocked %s, ctxt %s, intr %s\n",
           cpu >= 8 ? "yes" : "no", strstr(text, "\ncpu0 ") ? "yes" : "no",
           strstr(text, "\nbtime ") ? "yes" : "no", strstr(text, "\nprocesses ") ? "yes" : "no",
           strstr(text, "\nprocs_running ") ? "yes" : "no",
           strstr(text, "\nprocs_blocked ") ? "yes" : "no", strstr(text, "\nctxt ") ? "yes" : "no",
           strstr(text, "\nintr ") ? "yes" : "no");
}

/* The small files of /proc and /proc/sys/kernel. */
static void check_small_files(void)
{
    char text[8192], link[256];
    double up, idle;
    unsigned long total;
    float l1, l2, l3;
    int running, all, last;
    read_file("/proc/uptime", text, sizeof(text));
    printf("uptime: %d numbers\n", sscanf(text, "%lf %lf", &up, &idle));
    read_file("/proc/meminfo", text, sizeof(text));
    printf("meminfo: MemTotal %s\n",
           sscanf(text, "MemTotal: %lu kB", &total) == 1 && total > 0 ? "read" : "missing");
    read_file("/proc/loadavg", text, sizeof(text));
    printf("loadavg: %d fields\n",
           sscanf(text, "%f %f %f %d/%d %d", &l1, &l2, &l3, &running, &all, &last));
    read_file("/proc/cpuinfo", text, sizeof(text));
    printf("cpuinfo: processor 0 %s\n", strncmp(text, "processor\t: 0", 13) ? "missing" : "first");
    read_file("/proc/filesystems", text, sizeof(text));
    printf("filesystems: proc %s, tmpfs %s\n", strstr(text, "nodev\tproc\n") ? "yes" : "no",
           strstr(text, "nodev\ttmpfs\n") ? "yes" : "no");
    ssize_t n = readlink("/proc/mounts", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = '\0';
    read_file("/proc/mounts", text, sizeof(text));
    printf("mounts: link to %s, a proc on /proc: %s\n", link,
           strstr(text, " /proc proc ") ? "yes" : "no");
    read_file("/proc/sys/kernel/pid_max", text, sizeof(text));
    printf("pid_max: %s\n", atoi(text) >= 32768 ? ">= 32768" : text);
    read_file("/proc/sys/kernel/osrelease", text, sizeof(text));
    printf("osrelease: %s\n", text[0] && text[0] != '\n' ? "text" : "empty");
    read_file("/proc/sys/kernel/hostname", text, sizeof(text));
    printf("hostname: %s\n", text[0] && text[0] != '\n' ? "text" : "empty");
    read_file("/proc/sys/kernel/ns_last_pid", text, sizeof(text));
    printf("ns_last_pid: %s\n", atoi(text) > 0 ? "a number" : "bad");
}

/* The links of /proc/self, and who owns /proc/self. */
static void check_links(const char *program)
{
    char link[256];
    struct stat exe, real, dir;
    int same = stat("/proc/self/exe", &exe) == 0 && stat(program, &real) == 0 &&
               exe.st_ino == real.st_ino && exe.st_dev == real.st_dev;
    printf("exe: the program itself: %s\n", same ? "yes" : "no");
    ssize_t n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = '\0';
    printf("cwd -> %s\n", link);
    n = readlink("/proc/self/root", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = '\0';
    printf("root -> %s\n", link);
    int fd = open("/proc/version", O_RDONLY);
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    n = readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = '\0';
    printf("fd link of an open /proc/version -> %s\n", link);
    close(fd);
    DIR *fds = opendir("/proc/self/fd");
    int count = 0;
    for (struct dirent *e; fds && (e = readdir(fds));)
        count += e->d_name[0] != '.';
    printf("fd entries beyond 0-2 and the listing's own: %d\n", count - 4);
    if (fds)
        closedir(fds);
    n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
    printf("ns/pid form: %s\n", n > 5 && strncmp(link, "pid:[", 5) == 0 ? "pid:[N]" : "bad");
    printf("/proc/self owner: %s\n",
           stat("/proc/self", &dir) == 0 && dir.st_uid == getuid() ? "the process's uid" : "other");
}

int main(int argc, char **argv)
{
    (void)argc;
    setvbuf(stdout, NULL, _IONBF, 0);
    check_stat("/proc/self/stat", "pidns_procfs_fo");
    check_statm();
    check_status();
    check_cpu_stat();
    check_small_files();
    check_links(argv[0]);
    check_nested_nspid();
    return 0;
}
