/*
 * mkdir: create directories, like coreutils mkdir; -p also creates missing parents and accepts
 * existing directories. On nest they live in the writable ramfs that holds the initramfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Print "mkdir: cannot create directory 'PATH': reason" for ERROR. */
static int report(const char *path, int error)
{
    fprintf(stderr, "mkdir: cannot create directory '%s': %s\n", path, strerror(error));
    return 1;
}

/* Create PATH, succeeding if it is already a directory. LAST says whether
 * PATH is the whole operand, which decides the error for a non-directory. */
static int make_one_parent(const char *path, int last)
{
    struct stat info;

    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return report(path, errno);
    if (stat(path, &info) == 0 && S_ISDIR(info.st_mode))
        return 0;
    return report(path, last ? EEXIST : ENOTDIR);
}

/* Create PATH and each missing directory above it (-p). */
static int make_with_parents(const char *path)
{
    char *prefix = strdup(path);
    char *slash = prefix;
    int status = 0;

    if (prefix == NULL)
        return report(path, ENOMEM);
    while (status == 0 && (slash = strchr(slash + 1, '/')) != NULL) {
        if (slash[-1] == '/')
            continue;
        *slash = '\0';
        status = make_one_parent(prefix, 0);
        *slash = '/';
    }
    if (status == 0)
        status = make_one_parent(prefix, 1);
    free(prefix);
    return status;
}

/* Create each operand, with or without parents. */
int main(int argc, char **argv)
{
    int parents = 0;
    int status = 0;
    int option;

    while ((option = getopt(argc, argv, "+:p")) != -1) {
        if (option != 'p') {
            fprintf(stderr, "mkdir: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: mkdir [-p] DIRECTORY...\n");
            return 1;
        }
        parents = 1;
    }
    if (optind == argc) {
        fprintf(stderr, "mkdir: missing operand\nUsage: mkdir [-p] DIRECTORY...\n");
        return 1;
    }
    for (int i = optind; i < argc; i++) {
        if (parents)
            status |= make_with_parents(argv[i]);
        else if (mkdir(argv[i], 0777) < 0)
            status |= report(argv[i], errno);
    }
    return status;
}
