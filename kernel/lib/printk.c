/* printk.c - vsnprintf and the kernel log.
 *
 * vsnprintf understands the subset of C's printf that kernel code uses: flags "-0 ",
 * a width, a precision (also "*"), the length modifiers l, ll, z, and the conversions
 * d i u x X o p s c %. The console sinks are the screens printk (kernel/lib/log.c) and
 * console_printf write to.
 */
#include "printk.h"
#include "spinlock.h"
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

/* How one conversion is to be printed: the flags, width and precision of "%-08.3lx". */
struct spec {
    bool left;      /* '-': pad on the right */
    bool zero;      /* '0': pad numbers with zeros */
    bool space;     /* ' ': a space where a minus sign would go */
    bool alternate; /* '#': 0x before hexadecimal, 0 before octal */
    int width;
    int precision;  /* -1 when none was given */
};

/* Format one number: sign or prefix, padding, digits, as C's printf does. */
static void put_number(struct out *o, uint64_t v, int base, bool negative, bool upper,
                       const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    if (!(v == 0 && sp->precision == 0)) { /* "%.0d" prints no digit for 0 */
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v);
    }
    if (sp->alternate && base == 8 && (n == 0 || tmp[n - 1] != '0') && n < (int)sizeof(tmp))
        tmp[n++] = '0';
    int digit_count = MAX(n, sp->precision);
    const char *prefix = negative ? "-" : sp->space ? " " : "";
    if (sp->alternate && base == 16 && n > 0 && !(n == 1 && tmp[0] == '0'))
        prefix = upper ? "0X" : "0x";
    int total = digit_count + (int)strlen(prefix);
    bool zero_pad = sp->zero && !sp->left && sp->precision < 0;
    if (!sp->left && !zero_pad)
        put_padding(o, ' ', sp->width - total);
    for (const char *c = prefix; *c; c++)
        put(o, *c);
    if (zero_pad)
        put_padding(o, '0', sp->width - total);
    put_padding(o, '0', digit_count - n);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        put_padding(o, ' ', sp->width - total);
}

/* Print n characters of s within the field described by sp. */
static void put_field(struct out *o, const char *s, int n, const struct spec *sp)
{
    if (!sp->left)
        put_padding(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        put_padding(o, ' ', sp->width - n);
}

/* Read the flags, width and precision after a '%'; returns where the conversion starts. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.precision = -1};
    for (;; fmt++) {
        if (*fmt == '-')
            sp->left = true;
        else if (*fmt == '0')
            sp->zero = true;
        else if (*fmt == ' ')
            sp->space = true;
        else if (*fmt == '#')
            sp->alternate = true;
        else
            break;
    }
    if (*fmt == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) { /* a negative width means '-' and its magnitude */
            sp->left = true;
            sp->width = -sp->width;
        }
        fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9')
        sp->width = sp->width * 10 + (*fmt++ - '0');
    if (*fmt == '.') {
        sp->precision = 0;
        fmt++;
        if (*fmt == '*') {
            sp->precision = va_arg(*ap, int);
            if (sp->precision < 0)
                sp->precision = -1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            sp->precision = sp->precision * 10 + (*fmt++ - '0');
    }
    return fmt;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        struct spec sp;
        fmt = parse_spec(fmt + 1, &sp, &args);
        int longs = 0;
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            longs++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(args, int64_t) : va_arg(args, int);
            uint64_t magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, magnitude, 10, v < 0, false, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longs ? va_arg(args, uint64_t) : va_arg(args, unsigned int);
            int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            put_number(&o, v, base, false, *fmt == 'X', &sp);
            break;
        }
        case 'p': {
            /* Always 0x and 16 digits: addresses line up in panic reports. */
            struct spec pointer = {.zero = true, .width = 16, .precision = -1};
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uint64_t)va_arg(args, void *), 16, false, false, &pointer);
            break;
        }
        case 's': {
            const char *str = va_arg(args, const char *);
            if (!str)
                str = "(null)";
            int n = sp.precision >= 0 ? (int)strnlen(str, sp.precision) : (int)strlen(str);
            put_field(&o, str, n, &sp);
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
            put_field(&o, &c, 1, &sp);
            break;
        }
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
    va_end(args);
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

/* Guards the sinks' state (the serial port, the framebuffer console's cursor): every CPU
 * writes, and messages must not interleave mid-line. */
static struct spinlock console_lock = SPINLOCK_INIT("console", RANK_CONSOLE);
bool panicking; /* set once by panic(): from then on nothing waits for a lock to print */

void console_write_all(const char *text, size_t len)
{
    bool locking = !__atomic_load_n(&panicking, __ATOMIC_RELAXED);
    if (locking)
        spin_lock(&console_lock);
    for (int i = 0; i < sink_count; i++)
        sinks[i](text, len);
    if (locking)
        spin_unlock(&console_lock);
}

/* Print on the console whatever the log level: for output someone asked for (^P). */
int console_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write_all(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}
