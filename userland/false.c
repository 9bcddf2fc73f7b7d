/*
 * false: do nothing, unsuccessfully: exit status 1, whatever the arguments. The smallest
 * program for nest's shell scripts and tests, with true.
 */

/* Exit with status 1 whatever the arguments. */
int main(void)
{
    return 1;
}
