/* log.h - the kernel log (kernel/lib/log.c): every printk line is a record in a ring
 * buffer, which syslog(2) (klogctl), /dev/kmsg and the dmesg program read, as in Linux.
 */
#ifndef NEST_LOG_H
#define NEST_LOG_H

#include "sched.h"
#include "types.h"

#define LOG_BUF_DEFAULT (128 * 1024) /* bytes, as Linux's usual LOG_BUF_SHIFT=17 */
#define LOG_BUF_MAX (32UL << 20)     /* the largest log_buf_len= nest honours */
#define LOG_LINE_MAX (1024 - 32)     /* text bytes in one record (Linux's limit) */

#define LOG_FACILITY_KERN 0
#define LOG_FACILITY_USER 1 /* what a write to /dev/kmsg is, unless it says otherwise */

/* One record, as a reader gets it. */
struct log_entry {
    uint64_t seq;     /* its sequence number: 0 for the first record since boot */
    uint64_t ts_nsec; /* when it was logged, nanoseconds since boot */
    int facility;     /* LOG_FACILITY_* */
    int level;        /* 0 (emergency) .. 7 (debug) */
    size_t len;       /* bytes of text, no newline */
    char text[LOG_LINE_MAX];
};

/* Where a reader is in the log: the next record's sequence number and position. */
struct log_cursor {
    uint64_t seq;
    uint64_t idx;
};

enum log_cursor_start {
    LOG_START_FIRST, /* the oldest record still in the buffer */
    LOG_START_CLEAR, /* the first record after the last syslog CLEAR */
    LOG_START_END,   /* the next record to be written */
};

/* A reader that found nothing sleeps here until a record arrives. */
extern struct wait_queue log_wait;

void log_store(int facility, int level, const char *text, size_t len);
void log_grow(uint64_t requested); /* log_buf_len=: once memory is up */
void log_wake_readers(void);       /* at safe places only: see log.c */
void log_cursor_set(struct log_cursor *c, enum log_cursor_start where);
int log_read(struct log_cursor *c, struct log_entry *e); /* 1, 0 (none) or -EPIPE */
bool log_has_record(const struct log_cursor *c);
bool log_overrun(const struct log_cursor *c);
size_t log_format_kmsg(const struct log_entry *e, char *buf, size_t size);
long log_syslog(int action, char *user_buf, int len); /* syslog(2) */

#endif
