// SOURCES: kernel/lib/string.c kernel/lib/printk.c tests/unit/spinlock_host.c
/* test_printf.c - the kernel's vsnprintf/snprintf (kernel/lib/printk.c) against the host C
 * library's printf for the conversions, flags, widths and precisions printk.c claims to
 * understand; %p against nest's own format (0x and 16 hex digits).
 *
 * printk.c defines snprintf and vsnprintf, which take the place of the host's in this
 * program; the host's formatting is reached through vsprintf, which nest does not define.
 */
#include "unit.h"

#include <limits.h>

#include "printk.h"

/* nest's vsnprintf through a va_list, so the compiler cannot fold a call with a constant
 * format into a string of its own making. */
static int nest_format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int nest_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* The same without the compiler's format checks, for formats C leaves undefined. */
static int nest_format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Format with nest and with the host; report a difference in text or length. */
static void same_as_host(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void same_as_host(int line, const char *fmt, ...)
{
    char nest[256], host[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int nest_n = vsnprintf(nest, sizeof(nest), fmt, ap);
    int host_n = vsprintf(host, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    if (strcmp(nest, host) != 0 || nest_n != host_n) {
        printf("  %s:%d: format \"%s\": expected \"%s\" (%d), got \"%s\" (%d)\n", __FILE__,
               line, fmt, host, host_n, nest, nest_n);
        unit_failed_checks++;
    }
}

#define SAME(...) same_as_host(__LINE__, __VA_ARGS__)

/* Format with nest and compare with the expected text and length. */
#define FORMATS_AS(expected, ...)                                                          \
    do {                                                                                   \
        char unit_buf[256];                                                                \
        int unit_n = nest_format(unit_buf, sizeof(unit_buf), __VA_ARGS__);                 \
        CHECK_STR(unit_buf, expected);                                                     \
        CHECK_EQ(unit_n, strlen(expected));                                                \
    } while (0)

TEST(signed_integers_match_the_host)
{
    SAME("%d", 0);
    SAME("%d", 42);
    SAME("%d", -42);
    SAME("%d", INT_MAX);
    SAME("%d", INT_MIN);
    SAME("%i", -7);
    SAME("[%d|%i|%d]", 1, -2, 3);
    SAME("pid %d exited with %d\n", 300, 255);
}

TEST(unsigned_hex_and_octal_match_the_host)
{
    SAME("%u", 0u);
    SAME("%u", 3000000000u);
    SAME("%u", UINT_MAX);
    SAME("%x", 0u);
    SAME("%x", 255u);
    SAME("%x", 0xdeadbeefu);
    SAME("%X", 0xdeadbeefu);
    SAME("%o", 0u);
    SAME("%o", 8u);
    SAME("%o", 0777u);
    SAME("%o", UINT_MAX);
}

TEST(long_and_size_modifiers_match_the_host)
{
    SAME("%ld", (long)INT64_MIN);
    SAME("%ld", (long)INT64_MAX);
    SAME("%ld", -1L);
    SAME("%ld", 0L);
    SAME("%lu", (unsigned long)UINT64_MAX);
    SAME("%lx", (unsigned long)UINT64_MAX);
    SAME("%lx", 0xffff800000000000UL);
    SAME("%lo", 01234567012345670UL);
    SAME("%lld", LLONG_MIN);
    SAME("%llu", ULLONG_MAX);
    SAME("%zu", (size_t)0);
    SAME("%zu", SIZE_MAX);
    SAME("%d %ld %d", 1, 2L, 3); /* a long between ints: the arguments stay in step */
}

TEST(widths_and_flags_match_the_host)
{
    SAME("[%5d]", 42);
    SAME("[%-5d]", 42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%5d]", -42);
    SAME("[%-5d]", -42);
    SAME("[%2d]", 12345);
    SAME("[%8x]", 0xbeefu);
    SAME("[%08X]", 0xbeefu);
    SAME("[%-8o]", 8u);
    SAME("[%016lx]", 0x1234UL);
    SAME("[%10s]", "abc");
    SAME("[%-10s]", "abc");
    SAME("[%2s]", "abcdef");
    SAME("[%*d]", 6, 42);
    SAME("[%-*d]", 6, 42);
    SAME("[%*s]", 4, "ab");
    SAME("[%-6d|%6ld|%03lu]", 7, 8L, 9UL);
}

TEST(precision_of_strings_matches_the_host)
{
    SAME("[%.3s]", "abcdef");
    SAME("[%.0s]", "abcdef");
    SAME("[%.10s]", "abc");
    SAME("[%8.3s]", "abcdef");
    SAME("[%-8.3s]", "abcdef");
    SAME("[%.*s]", 2, "abcdef");
    SAME("[%.*s]", 0, "abcdef");
    SAME("[%.*s]", -1, "abcdef"); /* a negative precision counts as none */
}

TEST(precision_of_numbers_matches_the_host)
{
    SAME("[%.3d]", 5);
    SAME("[%.3d]", -5);
    SAME("[%8.3d]", 5);
    SAME("[%-8.3d]", -5);
    SAME("[%.2d]", 12345);
    SAME("[%.5x]", 0xabu);
    SAME("[%.3u]", 7u);
    SAME("[%.*d]", 4, 9);
    SAME("[%.20ld]", (long)INT64_MIN);
}

TEST(hash_flag_prefixes_hex_with_0x)
{
    SAME("%#x", 255u);
    SAME("%#lx", 0xffff800000000000UL);
    SAME("[%#08x]", 42u);
    SAME("[%#-8x]", 42u);
    SAME("[%#018lx]", 0xfee00000UL);
}

TEST(percent_and_char_match_the_host)
{
    SAME("%%");
    SAME("100%%");
    SAME("%c", 'A');
    SAME("a%cb%c", '-', '!');
    SAME("%s%%%d", "load ", 99);
}

TEST(null_string_prints_null_in_parentheses)
{
    const char *volatile nothing = NULL;
    FORMATS_AS("(null)", "%s", nothing);
    FORMATS_AS("[  (null)]", "[%8s]", nothing);
}

TEST(pointer_is_0x_and_16_hex_digits)
{
    FORMATS_AS("0x0000000000001234", "%p", (void *)0x1234);
    FORMATS_AS("0x0000000000000000", "%p", (void *)0);
    FORMATS_AS("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
    FORMATS_AS("at 0xffff800000000010!", "at %p!", (void *)0xffff800000000010UL);
}

TEST(truncation_keeps_the_full_length_as_return_value)
{
    char buf[16];
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format(buf, 5, "%s", "hello world"), 11);
    CHECK_STR(buf, "hell");
    CHECK_EQ(buf[5], '#'); /* nothing written past size */

    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format(buf, 6, "hello"), 5);
    CHECK_STR(buf, "hello"); /* exactly fits with its NUL */

    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format(buf, 4, "%d", 123456), 6);
    CHECK_STR(buf, "123");

    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format(buf, 1, "%s", "abc"), 3);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(buf[1], '#');

    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format(buf, 0, "%d-%s", 42, "xyz"), 6);
    CHECK_EQ(buf[0], '#'); /* size 0: the buffer is not touched at all */

    CHECK_EQ(snprintf(NULL, 0, "%08x", 1u), 8); /* measuring only */
}

TEST(trailing_percent_does_not_read_past_the_format)
{
    /* "abc%" then, after the NUL, text that must not appear. */
    static const char format[] = "abc%\0zz%d";
    char buf[16];
    memset(buf, '#', sizeof(buf));
    CHECK_EQ(nest_format_unchecked(buf, sizeof(buf), format), 3);
    CHECK_STR(buf, "abc");
}

/* ---- C's rules for flags that printk.c says it understands ---- */

TEST(hash_flag_puts_0x_before_space_padding)
{
    SAME("[%#8x]", 42u);
    SAME("[%#14lx]", 0xfee00000UL);
}

TEST(hash_flag_with_upper_case_hex_gives_0X)
{
    SAME("%#X", 255u);
}

TEST(space_flag_puts_a_space_before_positive_numbers)
{
    SAME("[% d]", 42);
    SAME("[% d]", -42);
    SAME("[% 5d]", 42);
}

TEST(negative_star_width_means_left_justify)
{
    SAME("[%*d]", -6, 42);
    SAME("[%*s]", -4, "ab");
}

TEST(char_conversion_honours_width)
{
    SAME("[%3c]", 'a');
    SAME("[%-3c]", 'a');
}

TEST(zero_with_precision_0_prints_no_digits)
{
    SAME("[%.0d]", 0);
    SAME("[%5.0u]", 0u);
}

int main(void)
{
    RUN(signed_integers_match_the_host);
    RUN(unsigned_hex_and_octal_match_the_host);
    RUN(long_and_size_modifiers_match_the_host);
    RUN(widths_and_flags_match_the_host);
    RUN(precision_of_strings_matches_the_host);
    RUN(precision_of_numbers_matches_the_host);
    RUN(hash_flag_prefixes_hex_with_0x);
    RUN(percent_and_char_match_the_host);
    RUN(null_string_prints_null_in_parentheses);
    RUN(pointer_is_0x_and_16_hex_digits);
    RUN(truncation_keeps_the_full_length_as_return_value);
    RUN(trailing_percent_does_not_read_past_the_format);
    RUN(hash_flag_puts_0x_before_space_padding);
    RUN(hash_flag_with_upper_case_hex_gives_0X);
    RUN(space_flag_puts_a_space_before_positive_numbers);
    RUN(negative_star_width_means_left_justify);
    RUN(char_conversion_honours_width);
    RUN(zero_with_precision_0_prints_no_digits);
    UNIT_EXIT();
}
