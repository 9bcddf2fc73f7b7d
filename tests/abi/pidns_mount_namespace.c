// ABI: pidns
/* pidns_mount_namespace.c - mount namespaces as util-linux uses them: unshare(CLONE_NEWNS),
 * propagation flags on "/", mount(2) of tmpfs and proc with their errors, umount2 (and
 * MNT_DETACH), /proc/self/mounts, /proc/PID/ns/mnt and setns into it (what "nsenter -m"
 * does), and a proc mounted in a nested PID namespace showing that namespace.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMPFS_DIR "/tmp/abi-mntns-tmpfs"
#define PROC_DIR "/tmp/abi-mntns-proc"

/* Print what a call returned: "ok" or the errno's name. */
static void report(const char *what, int result)
{
    const char *name = result == 0 ? "ok" : errno == EINVAL ? "EINVAL" : errno == ENOENT ? "ENOENT"
                       : errno == ENODEV ? "ENODEV" : errno == ENOTDIR ? "ENOTDIR"
                       : errno == EBUSY ? "EBUSY" : errno == EPERM ? "EPERM" : "other";
    printf("%s: %s\n", what, name);
}

/* The text of a symlink, or "?" */
static void link_text(const char *path, char *text, size_t size)
{
    ssize_t n = readlink(path, text, size - 1);
    if (n < 0)
        n = snprintf(text, size, "?");
    text[n] = '\0';
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Print the source, place and type of the mount at PLACE in /proc/self/mounts (the options
 * differ: Linux's tmpfs shows its size and inode64). */
static void show_mount(const char *place)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    char source[256], where[256], type[64], options[512];
    int found = 0;
    while (f && fscanf(f, "%255s %255s %63s %511s %*d %*d", source, where, type, options) == 4)
        if (strcmp(where, place) == 0) {
            printf("mounts: %s %s %s\n", source, where, type);
            found = 1;
        }
    if (!found)
        printf("mounts: nothing at %s\n", place);
    if (f)
        fclose(f);
}

/* The errors of mount(2) and umount2(2) for arguments util-linux could pass. */
static void check_errors(void)
{
    report("mount of an unknown type", mount("none", TMPFS_DIR, "nestfs-none", 0, NULL));
    report("mount on a missing directory", mount("none", "/tmp/abi-missing/x", "tmpfs", 0, NULL));
    report("mount on a file", mount("none", "/proc/self/stat", "tmpfs", 0, NULL));
    report("propagation: two types", mount(NULL, "/", NULL, MS_SHARED | MS_PRIVATE, NULL));
    report("propagation: not a mount", mount(NULL, TMPFS_DIR, NULL, MS_PRIVATE, NULL));
    report("remount: not a mount", mount(NULL, TMPFS_DIR, NULL, MS_REMOUNT | MS_NOSUID, NULL));
    report("umount2: not a mount", umount2(TMPFS_DIR, 0));
    report("umount2: unknown flag", umount2(TMPFS_DIR, 0x10));
    report("umount2: expire and detach", umount2(TMPFS_DIR, MNT_EXPIRE | MNT_DETACH));
}

/* A tmpfs over TMPFS_DIR: files there are the mount's; umount2 brings back what was under. */
static void check_tmpfs(void)
{
    report("mount tmpfs", mount("none", TMPFS_DIR, "tmpfs", MS_NOSUID | MS_NODEV, NULL));
    show_mount(TMPFS_DIR);
    int fd = open(TMPFS_DIR "/file", O_CREAT | O_WRONLY, 0644);
    printf("file in tmpfs: %s\n", fd >= 0 ? "made" : "not made");
    close(fd);
    report("propagation of the tmpfs", mount(NULL, TMPFS_DIR, NULL, MS_SLAVE, NULL));
    report("remount of the tmpfs", mount(NULL, TMPFS_DIR, NULL, MS_REMOUNT | MS_NOEXEC, NULL));
    report("rmdir of the mount point", rmdir(TMPFS_DIR));
    pid_t child = fork();
    if (child == 0) {
        printf("child sees the file: %s\n", exists(TMPFS_DIR "/file") ? "yes" : "no");
        exit(0);
    }
    waitpid(child, NULL, 0);
    report("umount2 detach", umount2(TMPFS_DIR, MNT_DETACH));
    printf("after umount: %s\n", exists(TMPFS_DIR "/file") ? "file still there" : "file gone");
    show_mount(TMPFS_DIR);
}

/* A child in a mount namespace of its own mounts a tmpfs; a process that setns()es into it
 * through /proc/CHILD/ns/mnt sees the mount and starts at "/"; this namespace does not. */
static void check_setns(void)
{
    int ready[2], done[2];
    if (pipe(ready) < 0 || pipe(done) < 0)
        return;
    pid_t owner = fork();
    if (owner == 0) {
        char byte;
        report("owner: unshare CLONE_NEWNS", unshare(CLONE_NEWNS));
        mount("none", TMPFS_DIR, "tmpfs", 0, NULL);
        close(open(TMPFS_DIR "/owners", O_CREAT | O_WRONLY, 0644));
        write(ready[1], "r", 1);
        read(done[0], &byte, 1);
        exit(0);
    }
    char byte, path[64], mine[64], theirs[64];
    read(ready[0], &byte, 1);
    printf("here, the owner's file: %s\n", exists(TMPFS_DIR "/owners") ? "seen" : "not seen");
    snprintf(path, sizeof(path), "/proc/%d/ns/mnt", owner);
    link_text("/proc/self/ns/mnt", mine, sizeof(mine));
    link_text(path, theirs, sizeof(theirs));
    printf("ns/mnt form: %s, owner's differs: %s\n", strncmp(mine, "mnt:[", 5) ? "bad" : "mnt:[N]",
           strcmp(mine, theirs) ? "yes" : "no");
    int fd = open(path, O_RDONLY);
    pid_t entrant = fork();
    if (entrant == 0) {
        char cwd[64];
        chdir("/tmp");
        report("setns CLONE_NEWPID with an mnt fd", setns(fd, CLONE_NEWPID));
        report("setns CLONE_NEWNS", setns(fd, CLONE_NEWNS));
        printf("entrant: cwd %s, owner's file %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?",
               exists(TMPFS_DIR "/owners") ? "seen" : "not seen");
        link_text("/proc/self/ns/mnt", mine, sizeof(mine));
        printf("entrant's ns/mnt is the owner's: %s\n", strcmp(mine, theirs) ? "no" : "yes");
        exit(0);
    }
    waitpid(entrant, NULL, 0);
    close(fd);
    write(done[1], "d", 1);
    waitpid(owner, NULL, 0);
}

/* A new PID namespace's init mounts proc: that proc lists its own namespace, where it is 1;
 * the /proc of this namespace still shows this namespace's numbers. */
static void check_nested_proc(void)
{
    report("unshare CLONE_NEWPID", unshare(CLONE_NEWPID));
    pid_t init = fork();
    if (init == 0) {
        char self[32], outer[32];
        report("nested init: unshare CLONE_NEWNS", unshare(CLONE_NEWNS));
        report("mount proc", mount("proc", PROC_DIR, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                    NULL));
        link_text(PROC_DIR "/self", self, sizeof(self));
        link_text("/proc/self", outer, sizeof(outer));
        printf("new proc: self -> %s; 1 exists: %s; old proc: self -> %s\n", self,
               exists(PROC_DIR "/1/stat") ? "yes" : "no", strcmp(outer, "1") ? "not 1" : "1");
        show_mount(PROC_DIR);
        exit(0);
    }
    int status;
    waitpid(init, &status, 0);
    printf("nested init exit status %d\n", WEXITSTATUS(status));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir(TMPFS_DIR, 0755);
    mkdir(PROC_DIR, 0755);
    char before[64], after[64];
    link_text("/proc/self/ns/mnt", before, sizeof(before));
    report("unshare CLONE_NEWNS", unshare(CLONE_NEWNS));
    link_text("/proc/self/ns/mnt", after, sizeof(after));
    printf("ns/mnt changed: %s\n", strcmp(before, after) ? "yes" : "no");
    report("make / private", mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
    check_errors();
    check_tmpfs();
    check_setns();
    check_nested_proc();
    rmdir(TMPFS_DIR);
    rmdir(PROC_DIR);
    return 0;
}
