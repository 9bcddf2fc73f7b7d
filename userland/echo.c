/*
 * echo: print the arguments, like coreutils echo (-n: no newline, -e: backslash escapes, -E: none).
 * Options are parsed by hand, as coreutils does: any word that is not one is text to print.
 */
#include <stdio.h>
#include <string.h>

/* Return 1 if ARG is a word such as "-n" or "-neE" made only of option letters. */
static int is_option_word(const char *arg)
{
    if (arg[0] != '-' || arg[1] == '\0')
        return 0;
    return strspn(arg + 1, "neE") == strlen(arg + 1);
}

/* Return the value of hexadecimal digit C, or -1 if it is not one. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read up to MAX octal digits from *S into *VALUE, advancing *S. */
static void read_octal(const char **s, int max, int *value)
{
    while (max-- > 0 && **s >= '0' && **s <= '7')
        *value = *value * 8 + (*(*s)++ - '0');
}

/* Print the escape that follows a backslash at *S and advance *S past it.
 * Returns 1 for "\c", which ends all output. */
static int print_escape(const char **s)
{
    static const char letters[] = "abefnrtv\\";
    static const char codes[] = "\a\b\033\f\n\r\t\v\\";
    const char *found;
    char c = *(*s)++;
    int value = 0;

    if (c == 'c')
        return 1;
    if (c != '\0' && (found = strchr(letters, c)) != NULL) {
        putchar(codes[found - letters]);
    } else if (c == 'x' && hex_value(**s) >= 0) {
        value = hex_value(*(*s)++);
        if (hex_value(**s) >= 0)
            value = value * 16 + hex_value(*(*s)++);
        putchar(value);
    } else if (c == '0') {
        read_octal(s, 3, &value);
        putchar(value);
    } else if (c >= '1' && c <= '7') {
        value = c - '0';
        read_octal(s, 2, &value);
        putchar(value);
    } else {
        putchar('\\');
        if (c == '\0')
            (*s)--;
        else
            putchar(c);
    }
    return 0;
}

/* Print TEXT, interpreting escapes. Returns 1 if "\c" stopped the output. */
static int print_with_escapes(const char *text)
{
    while (*text != '\0') {
        if (*text != '\\') {
            putchar(*text++);
            continue;
        }
        text++;
        if (print_escape(&text))
            return 1;
    }
    return 0;
}

/* Parse the option words, then print the remaining arguments. */
int main(int argc, char **argv)
{
    int newline = 1;
    int escapes = 0;
    int i = 1;

    for (; i < argc && is_option_word(argv[i]); i++) {
        for (const char *p = argv[i] + 1; *p != '\0'; p++) {
            if (*p == 'n')
                newline = 0;
            else
                escapes = (*p == 'e');
        }
    }
    for (int first = i; i < argc; i++) {
        if (i > first)
            putchar(' ');
        if (!escapes) {
            fputs(argv[i], stdout);
        } else if (print_with_escapes(argv[i])) {
            newline = 0;
            break;
        }
    }
    if (newline)
        putchar('\n');
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("echo: write error");
        return 1;
    }
    return 0;
}
