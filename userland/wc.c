/*
 * wc: count lines, words and bytes (-l -w -c) like coreutils wc in the C locale, including
 * its column width: the digits of the files' total size, at least 7 if a pipe or tty is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
    unsigned long long lines;
    unsigned long long words;
    unsigned long long bytes;
};

static int show_lines, show_words, show_bytes; /* which counts to print */
static int number_width = 1;                   /* width of each count */

/* Add the counts of LENGTH bytes of DATA to TOTAL; *IN_WORD carries a word
 * across calls. Only printable characters make words, as in coreutils 9.1. */
static void count_buffer(const unsigned char *data, size_t length,
                         struct counts *total, int *in_word)
{
    for (size_t i = 0; i < length; i++) {
        unsigned char c = data[i];

        if (c == '\n')
            total->lines++;
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            total->words += *in_word;
            *in_word = 0;
        } else if (c > ' ' && c < 0x7f) {
            *in_word = 1;
        }
    }
    total->bytes += length;
}

/* Count everything readable from FD into RESULT. Returns -1 on a read error. */
static int count_fd(int fd, struct counts *result)
{
    unsigned char buffer[65536];
    int in_word = 0;
    ssize_t length;
    int status = 0;

    while ((length = read(fd, buffer, sizeof(buffer))) != 0) {
        if (length < 0) {
            if (errno == EINTR)
                continue;
            status = -1;
            break;
        }
        count_buffer(buffer, (size_t)length, result, &in_word);
    }
    result->words += in_word;
    return status;
}

/* Print one line of counts, followed by NAME unless it is NULL. */
static void print_counts(const struct counts *counts, const char *name)
{
    const char *separator = "";

    if (show_lines) {
        printf("%*llu", number_width, counts->lines);
        separator = " ";
    }
    if (show_words) {
        printf("%s%*llu", separator, number_width, counts->words);
        separator = " ";
    }
    if (show_bytes)
        printf("%s%*llu", separator, number_width, counts->bytes);
    if (name != NULL)
        printf(" %s", name);
    putchar('\n');
}

/* Count the file NAME ("-" is standard input), print its counts labelled
 * PRINT_NAME (no label if NULL) and add them to TOTAL. Returns 0, or 1 on error. */
static int count_file(const char *name, const char *print_name, struct counts *total)
{
    struct counts counts = { 0, 0, 0 };
    int fd = STDIN_FILENO;
    int status = 0;

    if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY)) < 0) {
        fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
        return 1;
    }
    if (count_fd(fd, &counts) < 0) {
        fprintf(stderr, "wc: %s: %s\n", name, strerror(errno));
        status = 1;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    print_counts(&counts, print_name);
    total->lines += counts.lines;
    total->words += counts.words;
    total->bytes += counts.bytes;
    return status;
}

/* Stat NAME ("-" is standard input) into INFO. Returns 0 on success. */
static int stat_input(const char *name, struct stat *info)
{
    if (strcmp(name, "-") == 0)
        return fstat(STDIN_FILENO, info);
    return stat(name, info);
}

/* Choose the column width the way coreutils' compute_number_width does. */
static int choose_width(char **names, int count)
{
    unsigned long long regular_total = 0;
    int minimum = 1;
    int width = 1;
    struct stat info;

    if (count == 1 && show_lines + show_words + show_bytes == 1)
        return 1;
    if (stat_input(names[0], &info) < 0)
        return 1;
    for (int i = 0; i < count; i++) {
        if (stat_input(names[i], &info) < 0)
            continue;
        if (S_ISREG(info.st_mode))
            regular_total += (unsigned long long)info.st_size;
        else
            minimum = 7;
    }
    for (; regular_total >= 10; regular_total /= 10)
        width++;
    return width > minimum ? width : minimum;
}

/* Parse -l, -w and -c; with none of them, show all three. */
static void parse_options(int argc, char **argv)
{
    int option;

    while ((option = getopt(argc, argv, "+:lwc")) != -1) {
        if (option == 'l') {
            show_lines = 1;
        } else if (option == 'w') {
            show_words = 1;
        } else if (option == 'c') {
            show_bytes = 1;
        } else {
            fprintf(stderr, "wc: invalid option -- '%c'\n", optopt);
            fprintf(stderr, "Usage: wc [-lwc] [FILE]...\n");
            _exit(1);
        }
    }
    if (!show_lines && !show_words && !show_bytes)
        show_lines = show_words = show_bytes = 1;
}

/* Count each operand (or standard input) and print a total for several. */
int main(int argc, char **argv)
{
    static char *standard_input[] = { "-", NULL };
    struct counts total = { 0, 0, 0 };
    char **names;
    int count;
    int status = 0;

    parse_options(argc, argv);
    names = argv + optind;
    count = argc - optind;
    if (count == 0) {
        names = standard_input;
        count = 1;
    }
    number_width = choose_width(names, count);
    for (int i = 0; i < count; i++)
        status |= count_file(names[i], argc == optind ? NULL : names[i], &total);
    if (count > 1)
        print_counts(&total, "total");
    return status;
}
