/* kmsg_wrap.c - the kernel log when it wraps: write enough records through /dev/kmsg to go
 * round the ring buffer three times, then check what readers see. A /dev/kmsg reader left at
 * the oldest record gets EPIPE once, then consecutive records up to the last one written;
 * syslog(2)'s READ_ALL returns whole lines that fit and end with the last record; SIZE_UNREAD
 * and READ agree. Prints one line per check and "kmsg_wrap: N failed" last (nest only).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

/* The sequence number of a /dev/kmsg record ("prio,seq,usec,-;text"). */
static long long record_seq(const char *record)
{
    const char *comma = strchr(record, ',');
    return comma ? atoll(comma + 1) : -1;
}

int main(void)
{
    int reader = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    int writer = open("/dev/kmsg", O_WRONLY);
    long size = klogctl(10, NULL, 0);
    if (reader < 0 || writer < 0 || size <= 0) {
        printf("kmsg_wrap: cannot open /dev/kmsg or size the log: %s\n", strerror(errno));
        return 1;
    }
    char text[900], record[8192];
    int count = (int)(3 * size / (sizeof(text) - 100)); /* three times round */
    for (int i = 0; i < count; i++) {
        int n = snprintf(text, sizeof(text), "<6>kmsg_wrap record %d ", i);
        memset(text + n, 'x', sizeof(text) - 1 - (size_t)n);
        text[sizeof(text) - 1] = 0;
        if (write(writer, text, strlen(text)) != (ssize_t)strlen(text)) {
            printf("kmsg_wrap: write %d failed: %s\n", i, strerror(errno));
            return 1;
        }
    }
    printf("wrote %d records of %zu bytes into a %ld-byte log\n", count, sizeof(text), size);

    ssize_t n = read(reader, record, sizeof(record));
    check(n < 0 && errno == EPIPE, "a reader left at the oldest record gets EPIPE");
    long long previous = -1;
    int consecutive = 1, records = 0;
    char last[64] = "";
    while ((n = read(reader, record, sizeof(record) - 1)) > 0) {
        record[n] = 0;
        long long seq = record_seq(record);
        if (previous >= 0 && seq != previous + 1)
            consecutive = 0;
        previous = seq;
        records++;
        const char *semicolon = strchr(record, ';');
        snprintf(last, sizeof(last), "%.*s", 26, semicolon ? semicolon + 1 : "");
    }
    check(n < 0 && errno == EAGAIN, "then records until EAGAIN at the end");
    check(consecutive && records > 10, "the records that follow are consecutive");
    char expected_last[64];
    snprintf(expected_last, sizeof(expected_last), "kmsg_wrap record %d ", count - 1);
    check(strncmp(last, expected_last, strlen(expected_last)) == 0, "the last is the last written");
    check((long)records * (long)sizeof(text) <= size, "no more records than the log holds");

    char *all = malloc((size_t)size);
    int length = klogctl(3, all, (int)size);
    check(length > 0 && length <= size && all[length - 1] == '\n', "READ_ALL gives whole lines");
    all[length > 0 ? length - 1 : 0] = 0;
    const char *tail = strrchr(all, '\n');
    check(tail && strstr(tail, expected_last) != NULL, "READ_ALL ends with the last record");
    int small = klogctl(3, all, 2000);
    check(small > 0 && small <= 2000 && strstr(all, expected_last) != NULL,
          "READ_ALL into 2000 bytes gives the newest lines");

    klogctl(5, NULL, 0); /* CLEAR: READ_ALL starts after it */
    check(klogctl(3, all, (int)size) == 0, "READ_ALL after CLEAR is empty");
    long unread = klogctl(9, NULL, 0);
    long read_total = 0;
    for (int i = 0; i < 1000 && klogctl(9, NULL, 0) > 0; i++)
        read_total += klogctl(2, all, (int)size);
    check(unread > 0 && read_total == unread, "READ returns what SIZE_UNREAD announced");
    check(klogctl(9, NULL, 0) == 0, "and then nothing is unread");
    printf("kmsg_wrap: %d failed\n", failures);
    return failures != 0;
}
