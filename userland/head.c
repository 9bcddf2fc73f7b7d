/*
 * head: print the first lines (-n N, -N) or bytes (-c N) of files, like coreutils head, with
 * "==> NAME <==" headers for several files (-q: never, -v: always).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long limit = 10;  /* how many lines or bytes to print */
static int count_bytes;       /* -c: LIMIT counts bytes, not lines */
static int headers = -1;      /* -1: only with several files; 0: -q; 1: -v */

/* Print a usage error and exit with status 1, as coreutils head does. */
static void usage_error(const char *message, char option)
{
    fprintf(stderr, "head: %s -- '%c'\n", message, option);
    fprintf(stderr, "Usage: head [-n LINES | -c BYTES | -LINES] [-qv] [FILE]...\n");
    exit(1);
}

/* Set LIMIT from TEXT, a decimal count; exit with a message if it is not one. */
static void set_limit(const char *text, const char *what)
{
    char *end;

    errno = 0;
    limit = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || limit < 0 || errno != 0) {
        fprintf(stderr, "head: invalid number of %s: '%s'\n", what, text);
        exit(1);
    }
}

/* Return how many bytes of DATA to print so that the line limit is kept,
 * counting the lines printed so far in *LINES. */
static size_t bytes_within_limit(const char *data, size_t length, long long *lines)
{
    size_t used = 0;

    while (used < length && *lines < limit) {
        if (data[used++] == '\n')
            ++*lines;
    }
    return used;
}

/* Copy the first LIMIT lines or bytes of FD to standard output; if more was
 * read than printed, seek FD back so a later reader starts after our part. */
static int copy_head(int fd)
{
    char buffer[65536];
    long long done = 0;
    ssize_t count;
    size_t used;

    while (done < limit && (count = read(fd, buffer, sizeof(buffer))) != 0) {
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (count_bytes) {
            used = (size_t)count;
            if ((long long)used > limit - done)
                used = (size_t)(limit - done);
            done += (long long)used;
        } else {
            used = bytes_within_limit(buffer, (size_t)count, &done);
        }
        fwrite(buffer, 1, used, stdout);
        if (used < (size_t)count)
            lseek(fd, (off_t)used - count, SEEK_CUR);
    }
    return 0;
}

/* Print the header for NAME if headers are on, after a blank line unless
 * it is the first header printed. */
static void print_header(const char *name)
{
    static int first = 1;

    if (headers != 1)
        return;
    printf("%s==> %s <==\n", first ? "" : "\n",
           strcmp(name, "-") == 0 ? "standard input" : name);
    first = 0;
}

/* Print the head of NAME. Returns 0 on success, 1 on error. */
static int head_file(const char *name)
{
    int fd = STDIN_FILENO;
    int status = 0;

    if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY)) < 0) {
        fprintf(stderr, "head: cannot open '%s' for reading: %s\n", name, strerror(errno));
        return 1;
    }
    print_header(name);
    if (copy_head(fd) < 0) {
        fprintf(stderr, "head: error reading '%s': %s\n", name, strerror(errno));
        status = 1;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    fflush(stdout);
    return status;
}

/* Return 1 if ARG is the old-style "-N" line count, such as "-5". */
static int is_old_count(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0' && strspn(arg + 1, "0123456789") == strlen(arg + 1);
}

/* Parse the options into LIMIT, COUNT_BYTES and HEADERS. */
static void parse_options(int argc, char **argv)
{
    int option;

    if (argc > 1 && is_old_count(argv[1])) {
        set_limit(argv[1] + 1, "lines");
        optind = 2;
    }
    while ((option = getopt(argc, argv, "+:n:c:qv")) != -1) {
        if (option == 'n' || option == 'c') {
            count_bytes = (option == 'c');
            set_limit(optarg, count_bytes ? "bytes" : "lines");
        } else if (option == 'q' || option == 'v') {
            headers = (option == 'v');
        } else if (option == ':') {
            usage_error("option requires an argument", (char)optopt);
        } else {
            usage_error("invalid option", (char)optopt);
        }
    }
}

/* Print the head of each operand, or of standard input. */
int main(int argc, char **argv)
{
    int status = 0;

    parse_options(argc, argv);
    if (optind == argc)
        return head_file("-");
    if (headers == -1)
        headers = (argc - optind > 1);
    for (int i = optind; i < argc; i++)
        status |= head_file(argv[i]);
    return status;
}
