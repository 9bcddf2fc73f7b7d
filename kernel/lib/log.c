/* log.c - the kernel log: printk, the ring buffer of records it writes, and syslog(2).
 *
 * Every line printk prints becomes one record (sequence number, time, facility, level, text)
 * in a byte ring; when a new record does not fit, the oldest ones go, as in Linux. Readers
 * (syslog(2), each open /dev/kmsg) keep a cursor; a cursor older than the oldest record was
 * overrun. The ring and every cursor here are guarded by turning interrupts off (one CPU),
 * because printk is called from interrupt handlers too.
 */
#include "arch.h"
#include "errno.h"
#include "fs.h"
#include "log.h"
#include "mm.h"
#include "printk.h"
#include "spinlock.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"

/* A record's header in the ring; its text follows, and the whole is padded to 8 bytes. */
struct log_record {
    uint64_t seq;
    uint64_t ts_nsec;
    uint16_t size;    /* header, text and padding; 0: no record here, go on at offset 0 */
    uint16_t len;     /* text bytes */
    uint8_t facility;
    uint8_t level;
};

/* The ring, guarded by log_lock: every CPU and interrupt handler logs. It starts in the
 * kernel image, so that the first messages of the boot are kept, and moves once to a bigger
 * area if log_buf_len= asks. */
static struct spinlock log_lock = SPINLOCK_INIT("log", RANK_LOG);
static char static_buf[LOG_BUF_DEFAULT] __attribute__((aligned(8)));
static char *log_buf = static_buf;
static uint64_t log_buf_size = LOG_BUF_DEFAULT;
static uint64_t first_seq, first_idx; /* the oldest record */
static uint64_t next_seq, next_idx;   /* where the next record goes */
static struct log_cursor clear_cursor;  /* after syslog's CLEAR: where READ_ALL starts */
static bool wake_pending;               /* a record came; readers not woken yet */

/* syslog(2)'s READ position. Only system calls change it, under the kernel lock (none of
 * them sleeps while it is half changed). */
static struct log_cursor syslog_cursor; /* the next unread record */
static size_t syslog_partial;           /* bytes of that record READ already returned */

struct wait_queue log_wait = WAIT_QUEUE_INIT(log_wait);

static struct log_record *record_at(uint64_t idx)
{
    return (struct log_record *)(log_buf + idx);
}

/* The position of the record at idx, past a wrap mark. */
static uint64_t skip_wrap(uint64_t idx)
{
    return record_at(idx)->size == 0 ? 0 : idx;
}

static uint64_t record_size(size_t len)
{
    return ALIGN_UP(sizeof(struct log_record) + len, 8);
}

/* Is there room for a record of size bytes without dropping anything? One header more is
 * always kept free at the end, so that a wrap mark fits there. */
static bool has_space(uint64_t size)
{
    uint64_t free;
    if (next_idx > first_idx || first_seq == next_seq)
        free = MAX(log_buf_size - next_idx, first_idx);
    else
        free = first_idx - next_idx;
    return free >= size + sizeof(struct log_record);
}

static void drop_oldest(void)
{
    first_idx = skip_wrap(first_idx);
    first_idx += record_at(first_idx)->size;
    first_seq++;
}

static uint64_t log_now(void)
{
    return clock_monotonic_ns();
}

/* Append one record. Interrupts must be off. */
static void append(int facility, int level, const char *text, size_t len)
{
    len = MIN(len, (size_t)LOG_LINE_MAX);
    uint64_t size = record_size(len);
    while (first_seq < next_seq && !has_space(size))
        drop_oldest();
    if (next_idx + size + sizeof(struct log_record) > log_buf_size) {
        record_at(next_idx)->size = 0; /* the wrap mark */
        next_idx = 0;
    }
    struct log_record *r = record_at(next_idx);
    *r = (struct log_record){.seq = next_seq, .ts_nsec = log_now(), .size = (uint16_t)size,
                             .len = (uint16_t)len, .facility = (uint8_t)facility,
                             .level = (uint8_t)level};
    memcpy(r + 1, text, len);
    next_idx += size;
    next_seq++;
    wake_pending = true;
}

/* printk may run inside the scheduler, with its queues half changed, so a new record only
 * marks the log; the readers are woken at the next safe place: on the way back to user mode
 * (return_to_user) or in the idle loop, each after every interrupt. */
__hot void log_wake_readers(void)
{
    if (wake_pending) {
        wake_pending = false;
        wake_up(&log_wait);
        poll_notify();
    }
}

/* Store text as records, one per line; a trailing newline ends the last one. */
void log_store(int facility, int level, const char *text, size_t len)
{
    bool locking = !panicking; /* a panic may come with the lock held: it writes anyway */
    if (locking)
        spin_lock(&log_lock);
    while (len > 0) {
        size_t line = 0;
        while (line < len && text[line] != '\n')
            line++;
        append(facility, level, text, line);
        line += line < len; /* and the newline */
        text += line;
        len -= line;
    }
    if (locking)
        spin_unlock(&log_lock);
}

int printk(const char *fmt, ...)
{
    char buf[1024];
    int level = LOGLEVEL_DEFAULT;
    if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '7') {
        level = fmt[1] - '0';
        fmt += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    log_store(LOG_FACILITY_KERN, level, buf, len);
    if (level <= console_loglevel)
        console_write_all(buf, len);
    return n;
}

/* log_buf_len=: move the log to a bigger area of its own, as Linux does, keeping what is in
 * it. The size is rounded up to a power of two; a size no bigger than the buffer's is
 * ignored. */
void log_grow(uint64_t requested)
{
    uint64_t size = LOG_BUF_DEFAULT;
    while (size < requested && size < LOG_BUF_MAX)
        size *= 2;
    if (size <= log_buf_size)
        return;
    char *area = vm_map_kernel_pages(LOG_AREA_BASE, size);
    if (!area) {
        pr_err("log: no memory for a %lu KiB log buffer; keeping %lu KiB\n", size >> 10,
               log_buf_size >> 10);
        return;
    }
    spin_lock(&log_lock);
    /* Copy the records oldest first; a wrapped ring becomes one straight run. */
    uint64_t to = 0, idx = first_idx;
    for (uint64_t seq = first_seq; seq < next_seq; seq++) {
        idx = skip_wrap(idx);
        struct log_record *r = record_at(idx);
        memcpy(area + to, r, r->size);
        to += r->size;
        idx += r->size;
    }
    uint64_t moved = next_seq - first_seq;
    log_buf = area;
    log_buf_size = size;
    first_idx = 0;
    next_idx = to;
    /* Positions changed: the cursors start again from the oldest record. */
    clear_cursor = syslog_cursor = (struct log_cursor){first_seq, 0};
    syslog_partial = 0;
    spin_unlock(&log_lock);
    pr_info("log: %lu KiB buffer (log_buf_len=), %lu early records kept\n", size >> 10, moved);
}

void log_cursor_set(struct log_cursor *c, enum log_cursor_start where)
{
    spin_lock(&log_lock);
    if (where == LOG_START_FIRST || (where == LOG_START_CLEAR && clear_cursor.seq < first_seq))
        *c = (struct log_cursor){first_seq, first_idx};
    else if (where == LOG_START_CLEAR)
        *c = clear_cursor;
    else
        *c = (struct log_cursor){next_seq, next_idx};
    spin_unlock(&log_lock);
}

bool log_has_record(const struct log_cursor *c)
{
    return c->seq < next_seq;
}

bool log_overrun(const struct log_cursor *c)
{
    return c->seq < first_seq;
}

/* Copy the record at c into e and move c past it: 1. At the end of the log: 0. When the
 * record was overwritten, c moves to the oldest record and the answer is -EPIPE. */
int log_read(struct log_cursor *c, struct log_entry *e)
{
    spin_lock(&log_lock);
    int ret = 1;
    if (c->seq < first_seq) {
        *c = (struct log_cursor){first_seq, first_idx};
        ret = -EPIPE;
    } else if (c->seq >= next_seq) {
        ret = 0;
    } else {
        uint64_t idx = skip_wrap(c->idx);
        struct log_record *r = record_at(idx);
        *e = (struct log_entry){.seq = r->seq, .ts_nsec = r->ts_nsec, .facility = r->facility,
                                .level = r->level, .len = r->len};
        memcpy(e->text, r + 1, r->len);
        c->seq = r->seq + 1;
        c->idx = idx + r->size;
    }
    spin_unlock(&log_lock);
    return ret;
}

/* /dev/kmsg's line: "PRIORITY,SEQ,MICROSECONDS,-;TEXT\n", unprintable bytes as \xNN.
 * Returns the length (the text is cut if buf is too small). */
size_t log_format_kmsg(const struct log_entry *e, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%d,%lu,%lu,-;", (e->facility << 3) | e->level, e->seq,
                     e->ts_nsec / 1000);
    size_t len = (size_t)n;
    for (size_t i = 0; i < e->len; i++) {
        unsigned char ch = (unsigned char)e->text[i];
        if (ch < ' ' || ch >= 127 || ch == '\\')
            len += snprintf(buf + MIN(len, size), size - MIN(len, size), "\\x%02x", ch);
        else if (len + 1 < size)
            buf[len++] = (char)ch;
        else
            len++;
    }
    if (len + 1 < size)
        buf[len] = '\n';
    return len + 1;
}

/* syslog(2)'s line: "<PRIORITY>[SECONDS.MICROS] TEXT\n". Returns the full length; at most
 * size bytes are written. */
static size_t format_syslog(const struct log_entry *e, char *buf, size_t size)
{
    uint64_t usec = e->ts_nsec / 1000;
    int n = snprintf(buf, size, "<%d>[%5lu.%06lu] ", (e->facility << 3) | e->level,
                     usec / 1000000, usec % 1000000);
    size_t len = (size_t)n;
    if (len < size)
        memcpy(buf + len, e->text, MIN(e->len, size - len));
    len += e->len;
    if (len < size)
        buf[len] = '\n';
    return len + 1;
}

#define SYSLOG_LINE_MAX (LOG_LINE_MAX + 40)

/* ---- syslog(2) ---- */

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

/* syslog's console levels are Linux's: a message shows when its level is below the console
 * level. nest's console_loglevel is the highest level shown: one less. */
#define MINIMUM_CONSOLE_LEVEL 1
static int saved_console_loglevel = -1; /* CONSOLE_OFF's saved level; -1 when on */

/* A record and the syslog line made of it, too big for a kernel stack together. */
struct syslog_line {
    struct log_entry entry;
    char text[SYSLOG_LINE_MAX];
};

/* READ: wait for unread records, then return as many whole lines as fit; a line longer than
 * the whole buffer comes in pieces. What is returned is consumed. */
static long syslog_read(char *user_buf, int len, struct syslog_line *line)
{
    if (wait_event_interruptible(log_wait, log_has_record(&syslog_cursor)) == -EINTR)
        return -ERESTARTSYS;
    size_t done = 0;
    while (done < (size_t)len) {
        struct log_cursor c = syslog_cursor;
        int got = log_read(&c, &line->entry);
        if (got == -EPIPE) {
            syslog_cursor = c;
            syslog_partial = 0;
            continue;
        }
        if (got == 0)
            break;
        size_t full = format_syslog(&line->entry, line->text, sizeof(line->text));
        size_t chunk = MIN(full - syslog_partial, (size_t)len - done);
        if (chunk < full - syslog_partial && done > 0)
            break; /* the next line does not fit: leave it for the next call */
        if (copy_to_user(user_buf + done, line->text + syslog_partial, chunk))
            return done ? (long)done : -EFAULT;
        done += chunk;
        syslog_partial += chunk;
        if (syslog_partial == full) {
            syslog_cursor = c;
            syslog_partial = 0;
        }
    }
    return (long)done;
}

/* READ_ALL: the newest lines since the last CLEAR that fit in len bytes, oldest first. */
static long syslog_read_all(char *user_buf, int len, bool clear, struct syslog_line *line)
{
    struct log_cursor start, c;
    log_cursor_set(&start, LOG_START_CLEAR);
    size_t total = 0;
    c = start;
    while (log_read(&c, &line->entry) == 1)
        total += format_syslog(&line->entry, line->text, 0);
    /* Skip the oldest lines until the rest fits. */
    c = start;
    while (total > (size_t)len && log_read(&c, &line->entry) == 1)
        total -= format_syslog(&line->entry, line->text, 0);
    size_t done = 0;
    for (;;) {
        int got = log_read(&c, &line->entry);
        if (got == -EPIPE)
            continue;
        if (got == 0)
            break;
        size_t full = format_syslog(&line->entry, line->text, sizeof(line->text));
        if (done + full > (size_t)len)
            break; /* records came meanwhile */
        if (copy_to_user(user_buf + done, line->text, full))
            return -EFAULT;
        done += full;
    }
    if (clear) {
        spin_lock(&log_lock);
        clear_cursor = c;
        spin_unlock(&log_lock);
    }
    return (long)done;
}

/* SIZE_UNREAD: the bytes READ would return now. */
static long syslog_size_unread(struct syslog_line *line)
{
    struct log_cursor c = syslog_cursor;
    size_t total = 0;
    int got;
    while ((got = log_read(&c, &line->entry)) != 0) {
        if (got == -EPIPE) {
            syslog_cursor = c;
            syslog_partial = 0;
            continue;
        }
        total += format_syslog(&line->entry, line->text, 0);
    }
    return (long)(total - MIN(total, syslog_partial));
}

long log_syslog(int action, char *user_buf, int len)
{
    struct syslog_line *line;
    long ret;
    switch (action) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
        return 0;
    case SYSLOG_ACTION_READ:
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR:
        if (!user_buf || len < 0)
            return -EINVAL;
        if (len == 0)
            return 0;
        line = kmalloc(sizeof(*line));
        if (!line)
            return -ENOMEM;
        if (action == SYSLOG_ACTION_READ)
            ret = syslog_read(user_buf, len, line);
        else
            ret = syslog_read_all(user_buf, len, action == SYSLOG_ACTION_READ_CLEAR, line);
        kfree(line);
        return ret;
    case SYSLOG_ACTION_CLEAR:
        log_cursor_set(&clear_cursor, LOG_START_END);
        return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
        if (saved_console_loglevel == -1)
            saved_console_loglevel = console_loglevel;
        console_loglevel = MINIMUM_CONSOLE_LEVEL - 1;
        return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
        if (saved_console_loglevel != -1) {
            console_loglevel = saved_console_loglevel;
            saved_console_loglevel = -1;
        }
        return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8)
            return -EINVAL;
        console_loglevel = MAX(len, MINIMUM_CONSOLE_LEVEL) - 1;
        saved_console_loglevel = -1;
        return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
        line = kmalloc(sizeof(*line));
        if (!line)
            return -ENOMEM;
        ret = syslog_size_unread(line);
        kfree(line);
        return ret;
    case SYSLOG_ACTION_SIZE_BUFFER:
        return (long)log_buf_size;
    default:
        return -EINVAL;
    }
}
