/*
 * true: do nothing, successfully: exit status 0, whatever the arguments. The smallest
 * program for nest's shell scripts and tests, with false.
 */

/* Exit with status 0 whatever the arguments. */
int main(void)
{
    return 0;
}
