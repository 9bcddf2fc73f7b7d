// SOURCES: kernel/lib/string.c
/* test_string.c - the kernel's memset, memcpy and memmove (kernel/lib/string.c), which move
 * 8 bytes per step and then the rest one by one: every length from 0 to 40 at every
 * alignment, with guard bytes around the target that must stay as they were.
 */
#include "unit.h"

#include "string.h"

#define ROOM 64
#define GUARD 0x5a

static unsigned char buffer[ROOM + 16] __attribute__((aligned(8)));
static unsigned char source[ROOM + 16] __attribute__((aligned(8)));

static void fill_guard(void)
{
    for (int i = 0; i < (int)sizeof(buffer); i++)
        buffer[i] = GUARD;
}

/* Is buffer exactly GUARD outside [start, start + n)? */
static bool guards_intact(size_t start, size_t n)
{
    for (size_t i = 0; i < sizeof(buffer); i++)
        if ((i < start || i >= start + n) && buffer[i] != GUARD)
            return false;
    return true;
}

TEST(memset_fills_exactly_n_bytes_at_any_alignment)
{
    for (size_t offset = 0; offset < 8; offset++) {
        for (size_t n = 0; n <= 40; n++) {
            fill_guard();
            CHECK(memset(buffer + offset, 0x1a7, n) == buffer + offset); /* the low byte: 0xa7 */
            size_t wrong = 0;
            for (size_t i = 0; i < n; i++)
                wrong += buffer[offset + i] != 0xa7;
            CHECK_EQ(wrong, 0);
            CHECK(guards_intact(offset, n));
        }
    }
}

TEST(memcpy_copies_exactly_n_bytes_at_any_alignments)
{
    for (size_t i = 0; i < sizeof(source); i++)
        source[i] = (unsigned char)(i * 7 + 1);
    for (size_t to = 0; to < 8; to++) {
        for (size_t from = 0; from < 8; from++) {
            for (size_t n = 0; n <= 40; n++) {
                fill_guard();
                CHECK(memcpy(buffer + to, source + from, n) == buffer + to);
                CHECK(memcmp(buffer + to, source + from, n) == 0);
                CHECK(guards_intact(to, n));
            }
        }
    }
}

TEST(memmove_handles_overlap_both_ways)
{
    for (size_t shift = 1; shift < 12; shift++) {
        for (size_t i = 0; i < sizeof(buffer); i++)
            buffer[i] = source[i] = (unsigned char)(i + 1);
        memmove(buffer, buffer + shift, 40); /* down: a forward copy, 8 bytes a step */
        CHECK(memcmp(buffer, source + shift, 40) == 0);
        for (size_t i = 0; i < sizeof(buffer); i++)
            buffer[i] = (unsigned char)(i + 1);
        memmove(buffer + shift, buffer, 40); /* up: copied from the end */
        CHECK(memcmp(buffer + shift, source, 40) == 0);
    }
}

int main(void)
{
    RUN(memset_fills_exactly_n_bytes_at_any_alignment);
    RUN(memcpy_copies_exactly_n_bytes_at_any_alignments);
    RUN(memmove_handles_overlap_both_ways);
    UNIT_EXIT();
}
