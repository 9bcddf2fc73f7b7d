/*
 * rm: remove files, and with -r directory trees, like coreutils rm (-f: ignore missing files).
 * It never prompts, and with -r refuses ".", ".." and "/".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive; /* -r: remove directories and their contents */
static int force;     /* -f: ignore missing files, never complain about them */

static int remove_path(const char *path);

/* Print "rm: cannot remove 'PATH': reason" for ERROR and return 1. */
static int report(const char *path, int error)
{
    fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(error));
    return 1;
}

/* Return a new string "DIRECTORY/NAME", or NULL if memory ran out. */
static char *join_path(const char *directory, const char *name)
{
    size_t length = strlen(directory);
    char *path = malloc(length + strlen(name) + 2);

    if (path != NULL)
        sprintf(path, "%s%s%s", directory,
                length > 0 && directory[length - 1] == '/' ? "" : "/", name);
    return path;
}

/* Read the names in DIRECTORY (without "." and "..") into a NULL-terminated
 * array. The names are read first and removed afterwards so that no file
 * system has to cope with entries vanishing during a readdir. */
static char **read_names(const char *directory)
{
    DIR *stream = opendir(directory);
    struct dirent *entry;
    char **names = NULL;
    size_t count = 0;

    if (stream == NULL)
        return NULL;
    while ((entry = readdir(stream)) != NULL) {
        char **grown;
        char *path;

        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        path = join_path(directory, entry->d_name);
        grown = path == NULL ? NULL : realloc(names, (count + 2) * sizeof(*names));
        if (grown == NULL) {
            free(path);
            break;
        }
        names = grown;
        names[count++] = path;
        names[count] = NULL;
    }
    closedir(stream);
    if (names == NULL)
        names = calloc(1, sizeof(*names));
    return names;
}

/* Remove everything inside DIRECTORY, then DIRECTORY itself. */
static int remove_directory(const char *directory)
{
    char **names = read_names(directory);
    int status = 0;

    if (names == NULL)
        return report(directory, errno);
    for (char **name = names; *name != NULL; name++) {
        status |= remove_path(*name);
        free(*name);
    }
    free(names);
    if (status == 0 && rmdir(directory) < 0)
        status = report(directory, errno);
    return status;
}

/* Remove PATH: a file, a symbolic link, or (with -r) a directory tree. */
static int remove_path(const char *path)
{
    struct stat info;

    if (lstat(path, &info) < 0) {
        if (force && (errno == ENOENT || errno == ENOTDIR))
            return 0;
        return report(path, errno);
    }
    if (!S_ISDIR(info.st_mode)) {
        if (unlink(path) < 0)
            return report(path, errno);
        return 0;
    }
    if (!recursive)
        return report(path, EISDIR);
    return remove_directory(path);
}

/* Return 1 if the last component of PATH is "." or "..". */
static int is_dot_or_dot_dot(const char *path)
{
    const char *end = path + strlen(path);
    const char *base;

    while (end > path + 1 && end[-1] == '/')
        end--;
    base = end;
    while (base > path && base[-1] != '/')
        base--;
    return (end - base == 1 && base[0] == '.') ||
           (end - base == 2 && base[0] == '.' && base[1] == '.');
}

/* Return 1 if PATH names the root directory, such as "/" or "//". */
static int is_root(const char *path)
{
    return path[0] == '/' && strspn(path, "/") == strlen(path);
}

/* Check one operand for the cases rm refuses, then remove it. */
static int remove_operand(const char *path)
{
    if (recursive && is_dot_or_dot_dot(path)) {
        fprintf(stderr, "rm: refusing to remove '.' or '..' directory: skipping '%s'\n", path);
        return 1;
    }
    if (recursive && is_root(path)) {
        fprintf(stderr, "rm: it is dangerous to operate recursively on '%s'%s\n", path,
                strcmp(path, "/") == 0 ? "" : " (same as '/')");
        fprintf(stderr, "rm: use --no-preserve-root to override this failsafe\n");
        return 1;
    }
    return remove_path(path);
}

/* Parse -r, -R and -f, then remove each operand. */
int main(int argc, char **argv)
{
    int status = 0;
    int option;

    while ((option = getopt(argc, argv, "+:rRf")) != -1) {
        if (option == 'r' || option == 'R') {
            recursive = 1;
        } else if (option == 'f') {
            force = 1;
        } else {
            fprintf(stderr, "rm: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: rm [-rf] FILE...\n");
            return 1;
        }
    }
    if (optind == argc && !force) {
        fprintf(stderr, "rm: missing operand\nUsage: rm [-rf] FILE...\n");
        return 1;
    }
    for (int i = optind; i < argc; i++)
        status |= remove_operand(argv[i]);
    return status;
}
