/* printk.c - vsnprintf and the kernel log.
 *
 * vsnprintf understands the subset of C's printf that kernel code uses: flags "-0 ",
 * a width, a precision (also "*"), the length modifiers l, ll, z, and the conversions
 * d i u x X o p s c %. printk formats into a buffer and hands the text to every console sink.
 */
#include "printk.h"
#include "string.h"

int console_loglevel = LOGLEVEL_DEFAULT;

#define MAX_SINKS 4
static console_sink_fn sinks[MAX_SINKS];
static int sink_count;

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, even past size */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padding(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Format one unsigned number with its sign, padding and base. */
static void put_number(struct out *o, uint64_t v, int base, bool negative, bool upper,
                       int width, bool left, bool zero, int precision)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (n < precision && n < (int)sizeof(tmp))
        tmp[n++] = '0';
    int total = n + (negative ? 1 : 0);
    if (!left && !zero)
        put_padding(o, ' ', width - total);
    if (negative)
        put(o, '-');
    if (!left && zero)
        put_padding(o, '0', width - total);
    while (n)
        put(o, tmp[--n]);
    if (left)
        put_padding(o, ' ', width - total);
}

static void put_string(struct out *o, const char *s, int width, bool left, int precision)
{
    if (!s)
        s = "(null)";
    int n = precision >= 0 ? (int)strnlen(s, precision) : (int)strlen(s);
    if (!left)
        put_padding(o, ' ', width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        put_padding(o, ' ', width - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        bool left = false, zero = false, alternate = false;
        int width = 0, precision = -1, longs = 0;
        for (fmt++; *fmt == '-' || *fmt == '0' || *fmt == ' ' || *fmt == '#'; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alternate = true;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            precision = 0;
            fmt++;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                precision = precision * 10 + (*fmt++ - '0');
        }
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            longs++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, mag, 10, v < 0, false, width, left, zero, precision);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            if (alternate && base == 16) {
                put(&o, '0');
                put(&o, 'x');
                width -= 2;
            }
            put_number(&o, v, base, false, *fmt == 'X', width, left, zero, precision);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uint64_t)va_arg(ap, void *), 16, false, false, 16, false, true, -1);
            break;
        case 's':
            put_string(&o, va_arg(ap, const char *), width, left, precision);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void console_register_sink(console_sink_fn sink)
{
    if (sink_count < MAX_SINKS)
        sinks[sink_count++] = sink;
}

void console_write_all(const char *text, size_t len)
{
    for (int i = 0; i < sink_count; i++)
        sinks[i](text, len);
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
    if (level <= console_loglevel)
        console_write_all(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}
