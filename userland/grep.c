/*
 * grep: print lines matching a regular expression, like GNU grep for -v -c -i -n -E -q -l -h -H
 * -s -e, using musl's regcomp/regexec. The second half of the demonstration's "ps | grep sleep".
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct line_reader {
    int fd;         /* where the lines come from */
    char *buffer;   /* bytes read but not yet consumed */
    size_t size;    /* capacity of buffer */
    size_t start;   /* first unconsumed byte */
    size_t end;     /* one past the last byte read */
    int at_eof;     /* read() has returned 0 */
    int binary;     /* a NUL byte has been seen: the input is binary data */
};

static int invert;         /* -v: select the lines that do not match */
static int count_only;     /* -c: print only the number of selected lines */
static int line_numbers;   /* -n: prefix lines with their number */
static int quiet;          /* -q: print nothing, exit at the first selected line */
static int list_files;     /* -l: print only the names of files with a selected line */
static int silent;         /* -s: no messages about unreadable files */
static int show_names = -1; /* -1: when there are several files; 0: -h; 1: -H */

static regex_t *patterns;  /* the compiled expressions; a line matches if any does */
static size_t pattern_count;

/* Print a usage error and exit with status 2, as GNU grep does. */
static void usage_error(const char *message, char option)
{
    if (message != NULL)
        fprintf(stderr, "grep: %s -- '%c'\n", message, option);
    fprintf(stderr, "Usage: grep [-vcinEqlhHs] [-e PATTERN | PATTERN] [FILE]...\n");
    exit(2);
}

/* Compile TEXT, one expression per line, adding to PATTERNS. Exits on a bad expression. */
static void add_patterns(const char *text, int flags)
{
    const char *newline;

    do {
        char *one;
        int error;

        newline = strchr(text, '\n');
        one = newline ? strndup(text, (size_t)(newline - text)) : strdup(text);
        patterns = realloc(patterns, (pattern_count + 1) * sizeof(*patterns));
        if (one == NULL || patterns == NULL) {
            fprintf(stderr, "grep: memory exhausted\n");
            exit(2);
        }
        error = regcomp(&patterns[pattern_count], one, flags);
        if (error != 0) {
            char message[256];

            regerror(error, &patterns[pattern_count], message, sizeof(message));
            fprintf(stderr, "grep: %s\n", message);
            exit(2);
        }
        pattern_count++;
        free(one);
        text = newline + 1;
    } while (newline != NULL);
}

/* Return 1 if LINE (NUL-terminated) is selected: it matches, or with -v it does not. */
static int is_selected(const char *line)
{
    for (size_t i = 0; i < pattern_count; i++) {
        if (regexec(&patterns[i], line, 0, NULL, 0) == 0)
            return !invert;
    }
    return invert;
}

/* Make room in READER for more input, moving unconsumed bytes to the front. */
static void make_room(struct line_reader *reader)
{
    memmove(reader->buffer, reader->buffer + reader->start, reader->end - reader->start);
    reader->end -= reader->start;
    reader->start = 0;
    if (reader->end < reader->size)
        return;
    reader->size = reader->size ? reader->size * 2 : 32768;
    reader->buffer = realloc(reader->buffer, reader->size + 1);
    if (reader->buffer == NULL) {
        fprintf(stderr, "grep: memory exhausted\n");
        exit(2);
    }
}

/* Set *LINE to the next line of READER without its newline, NUL-terminated,
 * and return its length. Returns -1 at end of input, -2 on a read error. */
static long next_line(struct line_reader *reader, char **line)
{
    char *newline;
    ssize_t count;

    while ((newline = memchr(reader->buffer + reader->start, '\n',
                             reader->end - reader->start)) == NULL && !reader->at_eof) {
        make_room(reader);
        count = read(reader->fd, reader->buffer + reader->end, reader->size - reader->end);
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0)
            return -2;
        if (memchr(reader->buffer + reader->end, '\0', (size_t)count) != NULL)
            reader->binary = 1;
        reader->end += (size_t)count;
        reader->at_eof = (count == 0);
    }
    if (newline == NULL && reader->start == reader->end)
        return -1;
    if (newline == NULL)
        newline = reader->buffer + reader->end;
    *newline = '\0';
    *line = reader->buffer + reader->start;
    reader->start = (size_t)(newline - reader->buffer) + (newline < reader->buffer + reader->end);
    return newline - *line;
}

/* Print selected LINE of LENGTH bytes from file NAME, number NUMBER. */
static void print_line(const char *name, long number, const char *line, long length)
{
    if (show_names == 1)
        printf("%s:", name);
    if (line_numbers)
        printf("%ld:", number);
    fwrite(line, 1, (size_t)length, stdout);
    putchar('\n');
}

/* Search the lines of FD, shown as NAME. Returns the number of selected
 * lines, or -1 on a read error. */
static long search(int fd, const char *name)
{
    struct line_reader reader = { fd, NULL, 0, 0, 0, 0, 0 };
    long selected = 0;
    long number = 0;
    int hidden = 0;
    long length;
    char *line;

    make_room(&reader);
    while ((length = next_line(&reader, &line)) >= 0) {
        number++;
        if (!is_selected(line))
            continue;
        selected++;
        if (quiet)
            exit(0);
        if (list_files)
            break;
        if (count_only)
            continue;
        if (reader.binary)
            hidden = 1;
        else
            print_line(name, number, line, length);
    }
    free(reader.buffer);
    if (hidden)
        fprintf(stderr, "grep: %s: binary file matches\n", name);
    return length == -2 ? -1 : selected;
}

/* Search the file PATH ("-" is standard input) and print what the options
 * ask for. Returns 0 if a line was selected, 1 if none, 2 on error. */
static int grep_file(const char *path)
{
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    long selected;

    if (fd < 0) {
        if (!silent)
            fprintf(stderr, "grep: %s: %s\n", name, strerror(errno));
        return 2;
    }
    selected = search(fd, name);
    if (selected < 0 && !silent)
        fprintf(stderr, "grep: %s: %s\n", name, strerror(errno));
    if (fd != STDIN_FILENO)
        close(fd);
    if (count_only && !list_files && selected >= 0) {
        if (show_names == 1)
            printf("%s:", name);
        printf("%ld\n", selected);
    }
    if (list_files && selected > 0)
        printf("%s\n", name);
    fflush(stdout);
    return selected < 0 ? 2 : selected > 0 ? 0 : 1;
}

/* Append -e's TEXT to the newline-separated list of expressions *LIST. */
static void add_expression(char **list, const char *text)
{
    size_t old_length = *list != NULL ? strlen(*list) + 1 : 0;
    char *grown = realloc(*list, old_length + strlen(text) + 1);

    if (grown == NULL) {
        fprintf(stderr, "grep: memory exhausted\n");
        exit(2);
    }
    if (old_length > 0)
        grown[old_length - 1] = '\n';
    strcpy(grown + old_length, text);
    *list = grown;
}

/* Set the option flags; returns the regcomp flags, and the -e expressions
 * (joined by newlines) in *EXPRESSIONS. */
static int parse_options(int argc, char **argv, char **expressions)
{
    int flags = REG_NOSUB;
    int option;

    while ((option = getopt(argc, argv, "+:vcinEqlhHse:")) != -1) {
        if (option == 'v')
            invert = 1;
        else if (option == 'c')
            count_only = 1;
        else if (option == 'i')
            flags |= REG_ICASE;
        else if (option == 'n')
            line_numbers = 1;
        else if (option == 'E')
            flags |= REG_EXTENDED;
        else if (option == 'q')
            quiet = 1;
        else if (option == 'l')
            list_files = 1;
        else if (option == 'h' || option == 'H')
            show_names = (option == 'H');
        else if (option == 's')
            silent = 1;
        else if (option == 'e')
            add_expression(expressions, optarg);
        else if (option == ':')
            usage_error("option requires an argument", (char)optopt);
        else
            usage_error("invalid option", (char)optopt);
    }
    return flags;
}

/* Compile the pattern, search each file (or standard input), and combine
 * the results into GNU grep's exit status. */
int main(int argc, char **argv)
{
    char *expressions = NULL;
    int flags = parse_options(argc, argv, &expressions);
    int result = 1;

    if (expressions == NULL && optind == argc)
        usage_error(NULL, 0);
    if (expressions == NULL)
        expressions = argv[optind++];
    add_patterns(expressions, flags);
    if (show_names == -1)
        show_names = (argc - optind > 1);
    if (optind == argc)
        return grep_file("-");
    for (int i = optind; i < argc; i++) {
        int status = grep_file(argv[i]);

        if (status == 0 && result == 1)
            result = 0;
        if (status == 2)
            result = 2;
    }
    return result;
}
