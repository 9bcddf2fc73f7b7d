/* pipe_transfer.c - data through pipes: 200 KB from a child to its parent in uneven pieces with
 * a checksum, end of file only once every write end is closed, a three-stage pipeline, and
 * writes of up to PIPE_BUF bytes from two writers that never interleave.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (200 * 1024) /* bytes sent through the pipe */

static const char *yes_no(int condition)
{
    return condition ? "yes" : "no";
}

/* The byte at position I of the stream. */
static unsigned char stream_byte(long i)
{
    return (unsigned char)((i * 131 + (i >> 9)) & 0xff);
}

/* Fletcher-style checksum over a stream, updated piece by piece. */
struct checksum {
    unsigned long a, b;
};

static void checksum_add(struct checksum *sum, const unsigned char *data, long length)
{
    for (long i = 0; i < length; i++) {
        sum->a = (sum->a + data[i]) % 65521;
        sum->b = (sum->b + sum->a) % 65521;
    }
}

/* Write all LENGTH bytes of DATA to FD; returns bytes written. */
static long write_all(int fd, const unsigned char *data, long length)
{
    long done = 0, n;

    while (done < length) {
        n = write(fd, data + done, length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    return done;
}

/* 200 KB from a child in pieces of 1..7919 bytes; the parent reads in pieces of 1..5003. */
static void check_transfer(void)
{
    static unsigned char buffer[8192];
    struct checksum sent = { 1, 0 }, received = { 1, 0 };
    int fds[2], status = 0;
    long total = 0, n, piece = 1;

    for (long i = 0; i < TOTAL; i++) {
        unsigned char byte = stream_byte(i);
        checksum_add(&sent, &byte, 1);
    }
    if (pipe(fds) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        long at = 0, size = 1;
        close(fds[0]);
        while (at < TOTAL) {
            long length = size < TOTAL - at ? size : TOTAL - at;
            for (long i = 0; i < length; i++)
                buffer[i] = stream_byte(at + i);
            if (write_all(fds[1], buffer, length) != length)
                _exit(1);
            at += length;
            size = size * 3 % 7919 + 1;
        }
        _exit(0);
    }
    close(fds[1]);
    while ((n = read(fds[0], buffer, piece)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            printf("read failed: errno %d\n", errno);
            break;
        }
        checksum_add(&received, buffer, n);
        total += n;
        piece = piece * 7 % 5003 + 1;
    }
    printf("parent received %ld bytes, then read returned 0 (EOF)\n", total);
    printf("the checksum matches what the child sent: %s\n",
           yes_no(sent.a == received.a && sent.b == received.b));
    waitpid(child, &status, 0);
    printf("the writer exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(fds[0]);
}

/* EOF needs every write end closed: while a duplicate lives, an empty pipe is not at EOF. */
static void check_eof(void)
{
    int fds[2];
    char byte;

    if (pipe(fds) < 0)
        return;
    int extra = dup(fds[1]);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    errno = 0;
    long n = read(fds[0], &byte, 1);
    printf("empty pipe, one duplicate write end open: read -> %ld%s\n", n,
           n < 0 && errno == EAGAIN ? " EAGAIN" : "");
    if (write(extra, "z", 1) != 1)
        printf("write failed\n");
    close(extra);
    n = read(fds[0], &byte, 1);
    printf("after the last write end closed, the byte written before is still read: %s\n",
           yes_no(n == 1 && byte == 'z'));
    n = read(fds[0], &byte, 1);
    printf("then read -> %ld (EOF)\n", n);
    close(fds[0]);
}

/* Run a pipeline: producer | doubler | the parent. The doubler writes each byte twice. */
static void check_pipeline(void)
{
    int first[2], second[2], status = 0;
    char buffer[256];
    long total = 0, n;

    if (pipe(first) < 0 || pipe(second) < 0)
        return;
    pid_t producer = fork();
    if (producer == 0) {
        dup2(first[1], 1);
        close(first[0]);
        close(first[1]);
        close(second[0]);
        close(second[1]);
        for (int i = 0; i < 10; i++) {
            if (write(1, "abcdefghij", 10) != 10)
                _exit(1);
        }
        _exit(0);
    }
    pid_t doubler = fork();
    if (doubler == 0) {
        char byte, twice[2];
        dup2(first[0], 0);
        dup2(second[1], 1);
        close(first[0]);
        close(first[1]);
        close(second[0]);
        close(second[1]);
        while (read(0, &byte, 1) == 1) {
            twice[0] = twice[1] = byte;
            if (write(1, twice, 2) != 2)
                _exit(1);
        }
        _exit(0);
    }
    close(first[0]);
    close(first[1]);
    close(second[1]);
    while ((n = read(second[0], buffer, sizeof(buffer))) > 0)
        total += n;
    close(second[0]);
    printf("pipeline producer | doubler delivered %ld bytes\n", total);
    waitpid(producer, &status, 0);
    printf("producer exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    waitpid(doubler, &status, 0);
    printf("doubler exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Two writers, 200 records of 512 bytes each; every record arrives whole. */
static void check_atomic_writes(void)
{
    int fds[2];
    unsigned char record[512];
    int whole = 0, torn = 0;
    long n;

    if (pipe(fds) < 0)
        return;
    for (int w = 0; w < 2; w++) {
        if (fork() == 0) {
            close(fds[0]);
            memset(record, 'A' + w, sizeof(record));
            for (int i = 0; i < 200; i++) {
                if (write(fds[1], record, sizeof(record)) != (long)sizeof(record))
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(fds[1]);
    for (;;) {
        long got = 0;
        while (got < (long)sizeof(record) &&
               (n = read(fds[0], record + got, sizeof(record) - got)) > 0)
            got += n;
        if (got == 0)
            break;
        int same = got == (long)sizeof(record);
        for (long i = 1; i < got; i++)
            same &= record[i] == record[0];
        if (same)
            whole++;
        else
            torn++;
    }
    close(fds[0]);
    while (wait(NULL) > 0)
        continue;
    printf("two writers of 512-byte records (PIPE_BUF is %d): %d whole records, %d torn\n",
           PIPE_BUF, whole, torn);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_transfer();
    check_eof();
    check_pipeline();
    check_atomic_writes();
    return 0;
}
