/*
 * clear: clear the terminal by writing the VT100 escapes "cursor home" and "erase display",
 * which nest's console understands.
 */
#include <unistd.h>

/* Write the two escape sequences to standard output. */
int main(void)
{
    static const char sequence[] = "\x1b[H\x1b[2J";

    if (write(STDOUT_FILENO, sequence, sizeof(sequence) - 1) < 0)
        return 1;
    return 0;
}
