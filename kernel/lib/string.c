/* string.c - memory and string functions for the freestanding kernel.
 * Written for clarity; the compiler turns the simple loops into reasonable code.
 */
#include "string.h"

/* memset and memcpy move 8 bytes per step with rep stosq/movsq, then the last few bytes one
 * at a time. Under QEMU's TCG each step costs about what a loop iteration costs, whatever its
 * width, and boot with the 31 MiB Debian image zeroes and fills a ramfs page for every 4 KiB
 * of it: byte steps took that unpacking from about 0.4 G to 1.5 G cycles. */
void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    size_t words = n / 8, bytes = n % 8;
    uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c; /* c in every byte */
    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(bytes) : "a"(pattern) : "memory");
    return ret;
}

__hot void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t words = n / 8, bytes = n % 8;
    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

/* Copy src into dst of size bytes, always NUL-terminated; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

/* Parse a decimal (or 0x-prefixed hexadecimal) number that is the whole string. */
int parse_long(const char *s, long *out)
{
    int base = 10, neg = 0;
    long v = 0;
    if (*s == '-')
        neg = 1, s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, s += 2;
    if (!*s)
        return -1;
    for (; *s; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return -1;
        v = v * base + d;
    }
    *out = neg ? -v : v;
    return 0;
}
