/*
 * cat: copy files (or standard input, "-") to standard output, like coreutils cat; -n numbers
 * the lines, counting on across files. On nest it is how /proc files and pipes are looked at.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int number_lines;   /* -n: print a line number before each line */
static long line_number;   /* the number of the last line started */
static int at_line_start = 1; /* the next byte begins a new line */

/* Print "cat: NAME: reason" for the current errno. */
static void report(const char *name)
{
    fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
}

/* Write LENGTH bytes of DATA, numbering each line that starts in it. */
static void put_numbered(const char *data, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (at_line_start)
            printf("%6ld\t", ++line_number);
        putchar(data[i]);
        at_line_start = (data[i] == '\n');
    }
}

/* Copy everything readable from FD to standard output. Returns -1 on a read error. */
static int copy_fd(int fd)
{
    char buffer[65536];
    ssize_t count;

    while ((count = read(fd, buffer, sizeof(buffer))) != 0) {
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (number_lines)
            put_numbered(buffer, (size_t)count);
        else
            fwrite(buffer, 1, (size_t)count, stdout);
        if (fflush(stdout) != 0) {
            perror("cat: write error");
            _exit(1);
        }
    }
    return 0;
}

/* Copy the file NAME ("-" is standard input). Returns 0 on success, 1 on error. */
static int cat_file(const char *name)
{
    int fd = STDIN_FILENO;
    int status = 0;

    if (strcmp(name, "-") != 0)
        fd = open(name, O_RDONLY);
    if (fd < 0) {
        report(name);
        return 1;
    }
    if (copy_fd(fd) < 0) {
        report(name);
        status = 1;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    return status;
}

/* Parse -n, then copy each operand in turn. */
int main(int argc, char **argv)
{
    int option;
    int status = 0;

    while ((option = getopt(argc, argv, "+:n")) != -1) {
        if (option != 'n') {
            fprintf(stderr, "cat: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: cat [-n] [FILE]...\n");
            return 1;
        }
        number_lines = 1;
    }
    if (optind == argc)
        return cat_file("-");
    for (int i = optind; i < argc; i++)
        status |= cat_file(argv[i]);
    return status;
}
