// frame_share_limit.c - nest-only: one page mapped more often than a frame's reference count
// can record. The page of a file is mapped 512 times (MAP_SHARED) and the process forks until
// fork fails: nest's 16-bit count stops at its limit, so fork must fail with ENOMEM before the
// count wraps, and once the children are gone the page still holds the file's data (a
// wrapped count would have freed it while mapped). At the limit, a new private mapping of
// the page still reads the file (it gets a copy). Prints "fork failed with ENOMEM after N
// children" and "page intact: yes"; exits 0 when both hold. Run by tests/system/test_processes.py.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAPPINGS 512
#define MAX_CHILDREN 300 /* the limit is reached after about 127 */
#define PATH "/frame-share-limit.dat"

static unsigned char pattern[4096];
static unsigned char *maps[MAPPINGS];
static pid_t children[MAX_CHILDREN];

static int all_mappings_intact(void)
{
    for (int i = 0; i < MAPPINGS; i++)
        if (memcmp(maps[i], pattern, sizeof(pattern)) != 0)
            return 0;
    return 1;
}

int main(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (unsigned char)(i * 7 + 1);
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, pattern, sizeof(pattern)) != (ssize_t)sizeof(pattern)) {
        perror(PATH);
        return 1;
    }
    for (int i = 0; i < MAPPINGS; i++) {
        maps[i] = mmap(NULL, sizeof(pattern), PROT_READ, MAP_SHARED, fd, 0);
        if (maps[i] == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        (void)*(volatile unsigned char *)maps[i]; /* fault it in: one more reference */
    }

    int count = 0, fork_errno = 0;
    while (count < MAX_CHILDREN) {
        pid_t pid = fork();
        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid < 0) {
            fork_errno = errno;
            break;
        }
        children[count++] = pid;
    }
    if (fork_errno)
        printf("fork failed with %s after %d children\n",
               fork_errno == ENOMEM ? "ENOMEM" : strerror(fork_errno), count);
    else
        printf("fork never failed: %d children\n", count);

    unsigned char *private = mmap(NULL, sizeof(pattern), PROT_READ, MAP_PRIVATE, fd, 0);
    int private_ok = private != MAP_FAILED && memcmp(private, pattern, sizeof(pattern)) == 0;
    printf("private mapping at the limit reads the file: %s\n", private_ok ? "yes" : "no");

    for (int i = 0; i < count; i++)
        kill(children[i], SIGKILL);
    for (int i = 0; i < count; i++)
        waitpid(children[i], NULL, 0);
    int intact = all_mappings_intact();
    printf("page intact: %s\n", intact ? "yes" : "no");
    unlink(PATH);
    return fork_errno == ENOMEM && intact && private_ok ? 0 : 1;
}
