/* sys_syslog_kmsg.c - the kernel log's interfaces where Linux and nest can be compared (the
 * log's contents differ): syslog(2)'s errors and sizes, and /dev/kmsg's record format, its
 * priorities for written records, its seeks and its errors.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * It adds five short info-level records to the host's log when it runs there (and reads the
 * host's log through syslog(2) and /dev/kmsg).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

static void show(const char *what, long result)
{
    if (result < 0)
        printf("%s: -1 %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, result);
}

static void check_syslog(void)
{
    char buffer[64];
    int writer = open("/dev/kmsg", O_WRONLY);
    const char *record = "<6>nest-abi-syslog\n";
    show("write a record for READ_ALL", writer < 0 ? -1 : write(writer, record, strlen(record)));
    close(writer);
    show("action -1", klogctl(-1, NULL, 0));
    show("action 11", klogctl(11, NULL, 0));
    show("close", klogctl(0, NULL, 0));
    show("open", klogctl(1, NULL, 0));
    show("read_all into NULL", klogctl(3, NULL, 10));
    show("read_all with a negative length", klogctl(3, buffer, -1));
    show("read_all of 0 bytes", klogctl(3, buffer, 0));
    /* READ_ALL copies only whole lines that fit, newest last, and touches the buffer only
     * to copy one: with a bad pointer it fails with EFAULT when a line fits (4096 bytes
     * hold any line; the record written above makes sure there is one since the last
     * CLEAR) and returns 0 when none does (no line fits in 1 byte). Linux and nest alike:
     * with 64 bytes the answer would depend on how long the newest line in the log is. */
    show("read_all into a bad pointer", klogctl(3, (char *)8, 4096));
    show("read_all of 1 byte into a bad pointer", klogctl(3, (char *)8, 1));
    show("read into NULL", klogctl(2, NULL, 10));
    show("read of 0 bytes", klogctl(2, buffer, 0));
    show("console_level 0", klogctl(8, NULL, 0));
    show("console_level 9", klogctl(8, NULL, 9));
    long size = klogctl(10, NULL, 0);
    printf("size_buffer is a power of two of at least 64 KiB: %s\n",
           size >= 65536 && (size & (size - 1)) == 0 ? "yes" : "no");
    show("size_unread is not negative", klogctl(9, NULL, 0) >= 0 ? 0 : -1);
    int n = klogctl(3, buffer, 1);
    printf("read_all of 1 byte: %d, '%c'\n", n, n == 1 ? buffer[0] : '?');
}

/* Read records until ours (TEXT) comes; print its priority and text (its sequence number and
 * time differ between the systems). */
static void find_record(int fd, const char *text)
{
    char record[8192];
    for (int i = 0; i < 1000; i++) {
        ssize_t n = read(fd, record, sizeof(record) - 1);
        if (n < 0) {
            printf("read: %s\n", strerror(errno));
            return;
        }
        record[n] = 0;
        char *semicolon = strchr(record, ';');
        if (!semicolon || strncmp(semicolon + 1, text, strlen(text)) != 0)
            continue;
        int fields = 0;
        for (char *p = record; p < semicolon; p++)
            fields += *p == ',';
        printf("record: priority %d, %d commas before ';', text '%.*s', ends in a newline: %s\n",
               atoi(record), fields, (int)strlen(text), semicolon + 1,
               record[n - 1] == '\n' ? "yes" : "no");
        return;
    }
    printf("record '%s' not found\n", text);
}

static void check_kmsg(void)
{
    int reader = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    int writer = open("/dev/kmsg", O_WRONLY);
    if (reader < 0 || writer < 0) {
        printf("open /dev/kmsg: %s\n", strerror(errno));
        return;
    }
    char tiny[8];
    show("read into 8 bytes", read(reader, tiny, sizeof(tiny)));
    show("lseek 1 SEEK_SET", lseek(reader, 1, SEEK_SET));
    show("lseek 0 SEEK_CUR", lseek(reader, 0, SEEK_CUR));
    show("lseek 0 SEEK_DATA", lseek(reader, 0, SEEK_DATA));
    show("lseek 0 SEEK_END", lseek(reader, 0, SEEK_END));
    /* Each ends in a newline: Linux keeps a record without one open for a continuation. The
     * level is info, which neither system's console shows under "quiet". */
    const char *info = "<6>nest-abi-kmsg info\n";
    const char *user = "<14>nest-abi-kmsg user\n";
    const char *mail = "<22>nest-abi-kmsg mail\n";
    const char *masked = "<1030>nest-abi-kmsg masked\n"; /* facility 128: no name, kept */
    show("write an info record", write(writer, info, strlen(info)));
    show("write a user-facility record", write(writer, user, strlen(user)));
    show("write a mail-facility record", write(writer, mail, strlen(mail)));
    show("write a record with a priority beyond the facilities", write(writer, masked, strlen(masked)));
    find_record(reader, "nest-abi-kmsg info");
    find_record(reader, "nest-abi-kmsg user");
    find_record(reader, "nest-abi-kmsg mail");
    find_record(reader, "nest-abi-kmsg masked");
    char big[2048];
    memset(big, 'x', sizeof(big));
    show("write 2048 bytes", write(writer, big, sizeof(big)));
    show("write from a bad pointer", write(writer, (char *)8, 10));
    close(reader);
    close(writer);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_syslog();
    check_kmsg();
    return 0;
}
