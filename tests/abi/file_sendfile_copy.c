/* file_sendfile_copy.c - sendfile and copy_file_range: file to file, to a pipe and to
 * /dev/null, with and without an offset pointer (which moves, and which file position does),
 * end of file, transfers longer than a page, the pipe's capacity, and the errors (EBADF,
 * EINVAL, ESPIPE, EFAULT, EISDIR, EXDEV, EAGAIN) as Linux orders them.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

#define SOURCE_SIZE (3 * 4096 + 1000) /* more than one page, not a whole number of them */
#define BIG_SIZE (200 * 1024)         /* more than a pipe holds */

static char dir[64], path[128];
static unsigned char pattern[BIG_SIZE]; /* what the source files hold */

/* The path of NAME in this run's directory (one static buffer). */
static const char *in_dir(const char *name)
{
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

/* A new file NAME holding the first SIZE bytes of pattern, opened with FLAGS. */
static int make_file(const char *name, size_t size, int flags)
{
    int fd = open(in_dir(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, pattern, size) != (ssize_t)size) {
        printf("cannot make %s: %s\n", name, errno_name(errno));
        exit(1);
    }
    close(fd);
    return open(in_dir(name), flags);
}

/* Does file NAME hold exactly SIZE bytes equal to pattern from FROM on? */
static const char *holds(const char *name, size_t from, size_t size)
{
    static unsigned char buffer[BIG_SIZE + 1];
    int fd = open(in_dir(name), O_RDONLY);
    ssize_t got = fd < 0 ? -1 : read(fd, buffer, sizeof(buffer));
    if (fd >= 0)
        close(fd);
    return yes_no(got == (ssize_t)size && memcmp(buffer, pattern + from, size) == 0);
}

static long position(int fd)
{
    return (long)lseek(fd, 0, SEEK_CUR);
}

/* sendfile between regular files: which offset moves, end of file, a zero count. */
static void sendfile_files(void)
{
    int in = make_file("source", SOURCE_SIZE, O_RDONLY);
    int out = open(in_dir("copy"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK("sendfile(copy, source, NULL, more than its size)", sendfile(out, in, NULL, SOURCE_SIZE + 500));
    printf("source position %ld, copy position %ld\n", position(in), position(out));
    printf("copy holds the source: %s\n", holds("copy", 0, SOURCE_SIZE));
    CHECK("sendfile again at end of file", sendfile(out, in, NULL, 100));
    close(out);

    lseek(in, 7, SEEK_SET);
    off_t offset = 100;
    out = open(in_dir("part"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK("sendfile(part, source, &100, 5000)", sendfile(out, in, &offset, 5000));
    printf("offset now %ld, source position still %ld\n", (long)offset, position(in));
    printf("part holds source[100, 5100): %s\n", holds("part", 100, 5000));
    offset = SOURCE_SIZE - 10;
    CHECK("sendfile from 10 bytes before the end, count 100", sendfile(out, in, &offset, 100));
    printf("offset now %ld\n", (long)offset);
    CHECK("sendfile at the end", sendfile(out, in, &offset, 100));
    CHECK("sendfile of 0 bytes", sendfile(out, in, &offset, 0));
    printf("offset now %ld\n", (long)offset);
    close(out);

    out = open("/dev/null", O_WRONLY);
    offset = 0;
    CHECK("sendfile to /dev/null", sendfile(out, in, &offset, SOURCE_SIZE));
    close(out);
    int zero = open("/dev/zero", O_RDONLY);
    out = open(in_dir("zeros"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("sendfile from /dev/zero, 10000 bytes", sendfile(out, zero, NULL, 10000));
    struct stat st;
    fstat(out, &st);
    printf("the file of zeros has %ld bytes\n", (long)st.st_size);
    close(out);
    close(zero);

    int version = open("/proc/version", O_RDONLY);
    char expected[4096], got[4096];
    ssize_t length = read(version, expected, sizeof(expected));
    lseek(version, 0, SEEK_SET);
    out = open(in_dir("version"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    ssize_t sent = sendfile(out, version, NULL, sizeof(expected));
    printf("sendfile from /proc/version sends what read gives: %s\n",
           yes_no(length > 0 && sent == length && pread(out, got, sizeof(got), 0) == length &&
                  memcmp(got, expected, (size_t)length) == 0));
    close(out);
    close(version);
    close(in);
}

/* sendfile into a pipe: the data arrives; one call fills the pipe at most. */
static void sendfile_pipe(void)
{
    int in = make_file("big", BIG_SIZE, O_RDONLY);
    int fds[2];
    static unsigned char buffer[BIG_SIZE];
    pipe(fds);
    off_t offset = 10;
    CHECK("sendfile(pipe, big, &10, 1000)", sendfile(fds[1], in, &offset, 1000));
    printf("the pipe gives it back: %s\n",
           yes_no(read(fds[0], buffer, sizeof(buffer)) == 1000 &&
                  memcmp(buffer, pattern + 10, 1000) == 0));
    CHECK("sendfile(pipe, big, NULL, all of it) into an empty pipe",
          sendfile(fds[1], in, NULL, BIG_SIZE));
    printf("big's position %ld\n", position(in));
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    CHECK("sendfile into the full pipe, O_NONBLOCK", sendfile(fds[1], in, NULL, 100));
    size_t drained = 0;
    ssize_t got;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    while ((got = read(fds[0], buffer + drained, sizeof(buffer) - drained)) > 0)
        drained += (size_t)got;
    printf("drained %zu bytes, equal to big's start: %s\n", drained,
           yes_no(memcmp(buffer, pattern, drained) == 0));

    CHECK("sendfile from a pipe, offset NULL", sendfile(fds[1], fds[0], NULL, 10));
    offset = 0;
    CHECK("sendfile from a pipe, with an offset", sendfile(fds[1], fds[0], &offset, 10));
    close(fds[0]);
    close(fds[1]);
    close(in);
}

/* sendfile's errors. */
static void sendfile_errors(void)
{
    int in = open(in_dir("source"), O_RDONLY);
    int out = open(in_dir("copy"), O_WRONLY);
    int write_only = open(in_dir("source"), O_WRONLY);
    int append = open(in_dir("copy"), O_WRONLY | O_APPEND);
    int directory = open(dir, O_RDONLY | O_DIRECTORY);
    off_t offset = 0;

    CHECK("sendfile from a bad descriptor", sendfile(out, 99, NULL, 10));
    CHECK("sendfile to a bad descriptor", sendfile(99, in, NULL, 10));
    CHECK("sendfile from a write-only descriptor", sendfile(out, write_only, NULL, 10));
    CHECK("sendfile to a read-only descriptor", sendfile(in, in, NULL, 10));
    CHECK("sendfile to an O_APPEND file", sendfile(append, in, &offset, 10));
    CHECK("sendfile from a directory", sendfile(out, directory, NULL, 10));
    CHECK("sendfile with a bad offset pointer", sendfile(out, in, (off_t *)8, 10));
    CHECK("sendfile with a bad offset pointer and a bad descriptor",
          sendfile(out, 99, (off_t *)8, 10));
    offset = -1;
    CHECK("sendfile from offset -1", sendfile(out, in, &offset, 10));
    offset = 0;
    CHECK("sendfile of (size_t)-1 bytes", sendfile(out, in, &offset, (size_t)-1));
    close(in);
    close(out);
    close(write_only);
    close(append);
    close(directory);
}

/* copy_file_range between regular files: both offsets, holes, end of file, zero length. */
static void copy_range_files(void)
{
    int in = open(in_dir("source"), O_RDONLY);
    int out = open(in_dir("copied"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK("copy_file_range(source, NULL, copied, NULL, more than its size)",
          copy_file_range(in, NULL, out, NULL, SOURCE_SIZE + 100, 0));
    printf("source position %ld, copied position %ld\n", position(in), position(out));
    printf("copied holds the source: %s\n", holds("copied", 0, SOURCE_SIZE));
    CHECK("copy_file_range at the end", copy_file_range(in, NULL, out, NULL, 100, 0));
    close(out);

    out = open(in_dir("holey"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    off_t from = 10, to = 5000;
    CHECK("copy_file_range(source, &10, holey, &5000, 100)",
          copy_file_range(in, &from, out, &to, 100, 0));
    printf("offsets now %ld and %ld; positions %ld and %ld\n", (long)from, (long)to,
           position(in), position(out));
    struct stat st;
    fstat(out, &st);
    char head[5000], tail[100];
    pread(out, head, sizeof(head), 0);
    pread(out, tail, sizeof(tail), 5000);
    int zeros = 1;
    for (size_t i = 0; i < sizeof(head); i++)
        zeros &= head[i] == 0;
    printf("holey: size %ld, a hole of zeros first: %s, then source[10, 110): %s\n",
           (long)st.st_size, yes_no(zeros), yes_no(memcmp(tail, pattern + 10, 100) == 0));
    from = SOURCE_SIZE - 1;
    CHECK("copy_file_range from the last byte, 100", copy_file_range(in, &from, out, &to, 100, 0));
    CHECK("copy_file_range of 0 bytes", copy_file_range(in, &from, out, &to, 0, 0));
    printf("offsets now %ld and %ld\n", (long)from, (long)to);
    close(out);

    int same = open(in_dir("copied"), O_RDWR);
    from = 0, to = 50;
    CHECK("copy_file_range within one file, overlapping",
          copy_file_range(same, &from, same, &to, 100, 0));
    to = SOURCE_SIZE;
    CHECK("copy_file_range within one file, apart", copy_file_range(same, &from, same, &to, 100, 0));
    fstat(same, &st);
    printf("copied's size now %ld\n", (long)st.st_size);
    close(same);
    close(in);
}

/* copy_file_range's errors. */
static void copy_range_errors(void)
{
    int in = open(in_dir("source"), O_RDONLY);
    int out = open(in_dir("copied"), O_WRONLY);
    int write_only = open(in_dir("source"), O_WRONLY);
    int append = open(in_dir("copied"), O_WRONLY | O_APPEND);
    int directory = open(dir, O_RDONLY | O_DIRECTORY);
    int proc = open("/proc/self/cmdline", O_RDONLY);
    int null = open("/dev/null", O_RDWR);
    int fds[2];
    off_t offset = 0;
    pipe(fds);

    CHECK("copy_file_range with flags 1", copy_file_range(in, NULL, out, NULL, 10, 1));
    CHECK("copy_file_range from a bad descriptor", copy_file_range(99, NULL, out, NULL, 10, 0));
    CHECK("copy_file_range to a bad descriptor", copy_file_range(in, NULL, 99, NULL, 10, 0));
    CHECK("copy_file_range from a write-only descriptor",
          copy_file_range(write_only, NULL, out, NULL, 10, 0));
    CHECK("copy_file_range to a read-only descriptor", copy_file_range(in, NULL, in, NULL, 10, 0));
    CHECK("copy_file_range to an O_APPEND file", copy_file_range(in, NULL, append, NULL, 10, 0));
    CHECK("copy_file_range from a directory", copy_file_range(directory, NULL, out, NULL, 10, 0));
    CHECK("copy_file_range to a directory", copy_file_range(in, NULL, directory, NULL, 10, 0));
    CHECK("copy_file_range from a pipe", copy_file_range(fds[0], NULL, out, NULL, 10, 0));
    CHECK("copy_file_range to a pipe", copy_file_range(in, NULL, fds[1], NULL, 10, 0));
    CHECK("copy_file_range from /dev/null", copy_file_range(null, NULL, out, NULL, 10, 0));
    CHECK("copy_file_range from /proc (another file system)",
          copy_file_range(proc, NULL, out, NULL, 10, 0));
    CHECK("copy_file_range with a bad offset pointer",
          copy_file_range(in, (off_t *)8, out, NULL, 10, 0));
    CHECK("copy_file_range with a bad offset pointer and flags 1",
          copy_file_range(in, NULL, out, (off_t *)8, 10, 1));
    offset = -1;
    CHECK("copy_file_range from offset -1", copy_file_range(in, &offset, out, NULL, 10, 0));
    close(in);
    close(out);
    close(write_only);
    close(append);
    close(directory);
    close(proc);
    close(null);
    close(fds[0]);
    close(fds[1]);
}

static volatile sig_atomic_t alarms;

static void count_alarm(int signal_number)
{
    (void)signal_number;
    alarms++;
}

/* A long transfer under a storm of signals (handlers without SA_RESTART): whether it stops
 * early is the kernel's business, but what it returns must be what it moved. */
static void under_signals(void)
{
    enum { SIZE = 8 << 20 };
    int in = open(in_dir("large"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    int out = open(in_dir("large-copy"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ftruncate(in, SIZE);
    struct sigaction action = { .sa_handler = count_alarm };
    sigaction(SIGALRM, &action, NULL);
    struct itimerval every = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &every, NULL);
    ssize_t sent = sendfile(out, in, NULL, SIZE);
    off_t copy_from = 0;
    ssize_t copied = copy_file_range(in, &copy_from, out, NULL, SIZE, 0);
    setitimer(ITIMER_REAL, &off, NULL);
    struct stat st;
    fstat(out, &st);
    printf("under signals: sendfile moved something: %s, and its position agrees: %s\n",
           yes_no(sent > 0), yes_no(sent > 0 && position(in) == sent));
    printf("under signals: copy_file_range moved something: %s, offset and size agree: %s\n",
           yes_no(copied > 0),
           yes_no(copied > 0 && copy_from == copied && st.st_size == sent + copied));
    close(in);
    close(out);
    unlink(in_dir("large"));
    unlink(in_dir("large-copy"));
}

int main(void)
{
    static const char *const names[] = { "source", "copy", "part", "version", "zeros", "big",
                                         "copied", "holey" };
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (unsigned char)(i * 7 + i / 251);
    snprintf(dir, sizeof(dir), "/tmp/abi-file_sendfile_copy.%d", (int)getpid());
    if (mkdir(dir, 0755) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    sendfile_files();
    sendfile_pipe();
    sendfile_errors();
    copy_range_files();
    copy_range_errors();
    under_signals();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        unlink(in_dir(names[i]));
    rmdir(dir);
    return 0;
}
