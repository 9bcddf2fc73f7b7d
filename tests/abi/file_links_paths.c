/* file_links_paths.c - path resolution: symlinks (readlink, relative targets, dangling links,
 * O_CREAT through a link, loops giving ELOOP, O_NOFOLLOW), "." and ".." and repeated slashes,
 * ENOTDIR, ENAMETOOLONG for long names and paths, and a file that lives on after unlink while
 * it is open.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",     [ENOENT] = "ENOENT", [EBADF] = "EBADF",
        [EACCES] = "EACCES",   [EFAULT] = "EFAULT", [EEXIST] = "EEXIST",
        [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR", [EINVAL] = "EINVAL",
        [ENOSYS] = "ENOSYS",   [ELOOP] = "ELOOP",   [ENAMETOOLONG] = "ENAMETOOLONG",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT": the value, or "-1 ENAME" for a failure with errno ERROR. */
static void report(const char *what, long result, int error)
{
    if (result == -1)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report((what), result_, errno);                                                            \
    } while (0)

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

static char base[64]; /* this run's directory; the test works inside it */

/* open PATH with FLAGS; print "ok" (and close) or the error. */
static void try_open(const char *what, const char *path, int flags)
{
    errno = 0;
    int fd = open(path, flags, 0644);

    if (fd < 0) {
        printf("%s -> -1 %s\n", what, errno_name(errno));
    } else {
        printf("%s -> opened\n", what);
        close(fd);
    }
}

/* Write TEXT into a new file PATH. */
static void make_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        printf("cannot write %s: %s\n", path, errno_name(errno));
    if (fd >= 0)
        close(fd);
}

/* The first line of file PATH, or the error. */
static void print_first_line(const char *what, const char *path)
{
    char buffer[64] = { 0 };
    int fd = open(path, O_RDONLY);

    if (fd < 0) {
        printf("%s: -1 %s\n", what, errno_name(errno));
        return;
    }
    if (read(fd, buffer, sizeof(buffer) - 1) < 0)
        printf("%s: read failed\n", what);
    buffer[strcspn(buffer, "\n")] = '\0';
    printf("%s: \"%s\"\n", what, buffer);
    close(fd);
}

/* Symbolic links and readlink. */
static void check_symlinks(void)
{
    char target[64];
    long length;

    mkdir("dir", 0755);
    make_file("dir/real", "real file\n");
    CHECK("symlink(\"real\", dir/rel)", symlink("real", "dir/rel"));
    CHECK("symlink(\"dir/real\", top)", symlink("dir/real", "top"));
    print_first_line("read through dir/rel (target relative to the link's directory)", "dir/rel");
    print_first_line("read through top", "top");
    memset(target, 'x', sizeof(target));
    length = readlink("top", target, sizeof(target));
    printf("readlink(top) -> %ld \"%.*s\", no NUL added: %s\n", length,
           (int)(length > 0 ? length : 0), target, yes_no(length > 0 && target[length] == 'x'));
    length = readlink("top", target, 3);
    printf("readlink(top) into 3 bytes -> %ld \"%.3s\"\n", length, target);
    CHECK("readlink(a regular file)", readlink("dir/real", target, sizeof(target)));
    CHECK("readlink(missing)", readlink("missing", target, sizeof(target)));
    CHECK("symlink(\"x\", top) where top exists", symlink("x", "top"));
    CHECK("symlink(\"\", empty-target)", symlink("", "empty-target"));
    CHECK("symlink(\"missing-target\", dangling)", symlink("missing-target", "dangling"));
    try_open("open(dangling, O_RDONLY)", "dangling", O_RDONLY);
    struct stat st;
    CHECK("lstat(dangling)", lstat("dangling", &st));
    try_open("open(dangling, O_WRONLY | O_CREAT) creates the target", "dangling",
             O_WRONLY | O_CREAT);
    printf("missing-target exists now: %s\n", yes_no(access("missing-target", F_OK) == 0));
    try_open("open(top, O_RDONLY | O_NOFOLLOW)", "top", O_RDONLY | O_NOFOLLOW);
    CHECK("symlink(\"dir\", dirlink)", symlink("dir", "dirlink"));
    print_first_line("read dirlink/real (a symlink as a directory in the path)", "dirlink/real");
    CHECK("unlink(top) removes the link", unlink("top"));
    printf("its target is still there: %s\n", yes_no(access("dir/real", F_OK) == 0));
    CHECK("rmdir(dirlink) on a symlink to a directory", rmdir("dirlink"));
}

/* Loops and long chains. */
static void check_loops(void)
{
    char from[32], to[32];

    symlink("loop-b", "loop-a");
    symlink("loop-a", "loop-b");
    try_open("open(loop-a) where loop-a -> loop-b -> loop-a", "loop-a", O_RDONLY);
    struct stat st;
    CHECK("stat(loop-a)", stat("loop-a", &st));
    CHECK("lstat(loop-a)", lstat("loop-a", &st));
    symlink("self", "self");
    try_open("open(self) where self -> self", "self", O_RDONLY);
    try_open("open(loop-a/x)", "loop-a/x", O_RDONLY);
    make_file("chain-0", "end of the chain\n");
    for (int i = 1; i <= 30; i++) {
        snprintf(from, sizeof(from), "chain-%d", i - 1);
        snprintf(to, sizeof(to), "chain-%d", i);
        symlink(from, to);
    }
    print_first_line("read chain-30 (30 links to follow)", "chain-30");
}

/* ".", "..", extra slashes, and paths through files. */
static void check_path_forms(void)
{
    struct stat root, parent_of_root, plain, odd;

    print_first_line("read ./dir/../dir/./real", "./dir/../dir/./real");
    print_first_line("read dir//real", "dir//real");
    stat("/", &root);
    stat("/..", &parent_of_root);
    printf("\"/..\" is \"/\": %s\n", yes_no(root.st_ino == parent_of_root.st_ino));
    stat("/tmp", &plain);
    stat("//tmp/../tmp/.//", &odd);
    printf("\"//tmp/../tmp/.//\" is /tmp: %s\n", yes_no(plain.st_ino == odd.st_ino));
    try_open("open(dir/real/x) through a file", "dir/real/x", O_RDONLY);
    try_open("open(dir/real/) with a trailing slash", "dir/real/", O_RDONLY);
    try_open("open(dir/real/.)", "dir/real/.", O_RDONLY);
    try_open("open(dir/missing/x)", "dir/missing/x", O_RDONLY);
    try_open("open(\"\")", "", O_RDONLY);
    try_open("open(dir/, O_RDONLY)", "dir/", O_RDONLY);
    try_open("open(dir/new/, O_CREAT)", "dir/new/", O_WRONLY | O_CREAT);
}

/* Names longer than NAME_MAX and paths longer than PATH_MAX. */
static void check_long_names(void)
{
    char name[300], path[PATH_MAX + 100];

    memset(name, 'n', 255);
    name[255] = '\0';
    try_open("open(255-byte name, O_CREAT)", name, O_WRONLY | O_CREAT);
    CHECK("unlink(255-byte name)", unlink(name));
    memset(name, 'n', 256);
    name[256] = '\0';
    try_open("open(256-byte name, O_CREAT)", name, O_WRONLY | O_CREAT);
    CHECK("mkdir(256-byte name)", mkdir(name, 0755));
    struct stat st;
    CHECK("stat(256-byte name)", stat(name, &st));
    memset(path, 0, sizeof(path));
    for (size_t at = 0; at + 2 < PATH_MAX + 50; at += 2)
        memcpy(path + at, "./", 2);
    path[PATH_MAX + 50] = '\0';
    CHECK("stat(a 4146-byte path of \"./\")", stat(path, &st));
    path[PATH_MAX - 2] = '\0';
    CHECK("stat(a 4094-byte path of \"./\")", stat(path, &st));
}

/* A file stays readable through an open descriptor after its last name is removed. */
static void check_unlinked_open_file(void)
{
    char buffer[32] = { 0 };
    struct stat st;

    make_file("doomed", "still here\n");
    int fd = open("doomed", O_RDWR);
    CHECK("unlink(doomed) while open", unlink("doomed"));
    printf("the name is gone: %s\n", yes_no(access("doomed", F_OK) < 0));
    CHECK("read through the open descriptor", read(fd, buffer, sizeof(buffer) - 1));
    printf("it read \"%.10s\"\n", buffer);
    CHECK("write through it", write(fd, "more", 4));
    fstat(fd, &st);
    printf("fstat: link count %ld, size %ld\n", (long)st.st_nlink, (long)st.st_size);
    close(fd);
}

/* Remove PATH and everything below it (symlinks are removed, not followed). */
static void remove_tree(const char *path)
{
    DIR *directory;
    struct dirent *entry;
    char child[600];
    struct stat st;

    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || (directory = opendir(path)) == NULL) {
        unlink(path);
        return;
    }
    while ((entry = readdir(directory)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
            snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
            remove_tree(child);
        }
    }
    closedir(directory);
    rmdir(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    snprintf(base, sizeof(base), "/tmp/abi-file_links_paths.%d", (int)getpid());
    if (mkdir(base, 0755) < 0 || chdir(base) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    check_symlinks();
    check_loops();
    check_path_forms();
    check_long_names();
    check_unlinked_open_file();
    chdir("/");
    remove_tree(base);
    return 0;
}
