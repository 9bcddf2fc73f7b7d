// SOURCES: kernel/arch/x86_64/fbcon.c kernel/arch/x86_64/font.c kernel/lib/string.c
/* test_fbcon.c - the framebuffer console (fbcon.c) drawing into a malloc'd fake framebuffer.
 *
 * The fake screen is 10 columns by 4 rows of text plus a few pixels of margin, with padding
 * at the end of each scan line that fbcon must never touch. Checks look at pixels only: a
 * cell "shows" a character when its 8x16 pixels are exactly the font's glyph.
 */
#include "unit.h"

#include "console.h"
#include "mm.h"
#include "printk.h"

#define COLUMNS 10
#define ROWS 4
#define WIDTH (COLUMNS * FONT_WIDTH + 3)
#define HEIGHT (ROWS * FONT_HEIGHT + 5)
#define STRIDE (WIDTH + 4) /* pixels per scan line, padding included */
#define PADDING 0xdeadbeef
#define BLACK 0x000000
#define GREY 0xaaaaaa /* the default foreground */
#define RED 0xaa0000
#define BRIGHT_BLUE 0x5555ff
#define GREEN 0x00aa00

/* ---- what fbcon needs from the kernel ---- */

static console_sink_fn registered_sink;

void console_register_sink(console_sink_fn sink) { registered_sink = sink; }
void *vm_map_physical(uint64_t phys, uint64_t size) { return (void *)(uintptr_t)phys; }
void *kmalloc(size_t size) { return size <= PAGE_SIZE ? malloc(size) : NULL; }
void kfree(void *p) { free(p); }
int printk(const char *fmt, ...) { return 0; }

/* ---- the fake screen ---- */

static uint32_t *framebuffer;

/* A new console on a new framebuffer whose every pixel starts as PADDING. */
static void fresh_console(void)
{
    free(framebuffer);
    framebuffer = malloc(STRIDE * HEIGHT * sizeof(uint32_t));
    for (int i = 0; i < STRIDE * HEIGHT; i++)
        framebuffer[i] = PADDING;
    struct boot_framebuffer fb = {
        .address = (uintptr_t)framebuffer, .width = WIDTH, .height = HEIGHT,
        .pitch = STRIDE * sizeof(uint32_t), .bpp = 32,
        .red_shift = 16, .green_shift = 8, .blue_shift = 0,
    };
    registered_sink = NULL;
    fbcon_init(&fb);
}

/* Send text through the sink fbcon registered, as console_write_all would. */
static void write_text(const char *text)
{
    if (registered_sink)
        registered_sink(text, strlen(text));
}

static uint32_t pixel(int x, int y) { return framebuffer[y * STRIDE + x]; }

/* Pixels in the rectangle that are not the black background. */
static int lit_pixels(int x0, int y0, int width, int height)
{
    int lit = 0;
    for (int y = y0; y < y0 + height; y++)
        for (int x = x0; x < x0 + width; x++)
            lit += pixel(x, y) != BLACK;
    return lit;
}

static int lit_in_cell(int column, int row)
{
    return lit_pixels(column * FONT_WIDTH, row * FONT_HEIGHT, FONT_WIDTH, FONT_HEIGHT);
}

/* Lit pixels in the bottom two pixel rows of a cell, where the cursor underline goes. */
static int lit_in_underline(int column, int row)
{
    return lit_pixels(column * FONT_WIDTH, row * FONT_HEIGHT + FONT_HEIGHT - 2, FONT_WIDTH, 2);
}

/* Does the cell show exactly this glyph, lit pixels in colour, the rest black? */
static int cell_shows_glyph(int column, int row, uint8_t glyph, uint32_t colour)
{
    for (int y = 0; y < FONT_HEIGHT; y++) {
        for (int x = 0; x < FONT_WIDTH; x++) {
            bool ink = font_bitmaps[glyph][y] & (0x80 >> x);
            if (pixel(column * FONT_WIDTH + x, row * FONT_HEIGHT + y) != (ink ? colour : BLACK))
                return 0;
        }
    }
    return 1;
}

static int cell_shows(int column, int row, char c)
{
    return cell_shows_glyph(column, row, (uint8_t)c, GREY);
}

static int glyph_pixels(char c)
{
    int n = 0;
    for (int y = 0; y < FONT_HEIGHT; y++)
        n += __builtin_popcount(font_bitmaps[(uint8_t)c][y]);
    return n;
}

/* ---- tests ---- */

TEST(init_clears_the_screen_and_draws_the_cursor_only)
{
    fresh_console();
    CHECK(registered_sink == fbcon_write);
    CHECK_EQ(lit_pixels(0, 0, WIDTH, HEIGHT), FONT_WIDTH * 2);
    CHECK_EQ(lit_in_underline(0, 0), FONT_WIDTH * 2);
}

TEST(init_never_touches_the_padding_after_each_line)
{
    fresh_console();
    write_text("0123456789abcdefghijklmnopqrstuvwxyz0123456789\n\n\n\n");
    int touched = 0;
    for (int y = 0; y < HEIGHT; y++)
        for (int x = WIDTH; x < STRIDE; x++)
            touched += pixel(x, y) != PADDING;
    CHECK_EQ(touched, 0);
}

TEST(no_console_without_a_32_bit_framebuffer)
{
    struct boot_framebuffer none = {0}, wrong_depth = {.address = 0x1000, .width = 640,
                                                        .height = 480, .pitch = 1920, .bpp = 24};
    registered_sink = NULL;
    fbcon_init(&none);
    CHECK(registered_sink == NULL);
    fbcon_init(&wrong_depth);
    CHECK(registered_sink == NULL);
}

TEST(a_letter_lights_its_own_cell_and_nothing_else)
{
    fresh_console();
    write_text("A");
    CHECK(cell_shows(0, 0, 'A'));
    CHECK_EQ(lit_in_cell(0, 0), glyph_pixels('A'));
    CHECK_EQ(lit_in_underline(1, 0), FONT_WIDTH * 2); /* the cursor moved on */
    CHECK_EQ(lit_pixels(0, 0, WIDTH, HEIGHT), glyph_pixels('A') + FONT_WIDTH * 2);
}

TEST(newline_goes_to_the_start_of_the_next_line)
{
    fresh_console();
    write_text("AB\nC");
    CHECK(cell_shows(0, 0, 'A'));
    CHECK(cell_shows(1, 0, 'B'));
    CHECK(cell_shows(0, 1, 'C'));
    CHECK_EQ(lit_in_underline(1, 1), FONT_WIDTH * 2);
}

TEST(carriage_return_and_tab_move_along_the_line)
{
    fresh_console();
    write_text("abc\rX\tY");
    CHECK(cell_shows(0, 0, 'X'));
    CHECK(cell_shows(1, 0, 'b'));
    CHECK(cell_shows(8, 0, 'Y'));
}

TEST(writing_past_the_last_row_scrolls_the_text_up)
{
    fresh_console();
    write_text("A\nB\nC\nD");
    CHECK(cell_shows(0, 0, 'A'));
    CHECK(cell_shows(0, 3, 'D'));
    write_text("\nE");
    CHECK(cell_shows(0, 0, 'B'));
    CHECK(cell_shows(0, 1, 'C'));
    CHECK(cell_shows(0, 2, 'D'));
    CHECK(cell_shows(0, 3, 'E'));
    CHECK_EQ(lit_in_underline(0, 2), 0); /* no cursor left behind */
}

TEST(many_lines_in_one_write_leave_the_last_ones_on_screen)
{
    fresh_console();
    write_text("1\n2\n3\n4\n5\n6\n7\n8\n9");
    for (int row = 0; row < ROWS; row++)
        CHECK(cell_shows(0, row, '6' + row));
}

TEST(a_full_line_wraps_at_the_next_character)
{
    fresh_console();
    write_text("0123456789");
    CHECK_EQ(lit_in_underline(9, 0), FONT_WIDTH * 2); /* the cursor waits on the last cell */
    CHECK_EQ(lit_pixels(0, FONT_HEIGHT, WIDTH, FONT_HEIGHT), 0);
    write_text("x");
    CHECK(cell_shows(9, 0, '9'));
    CHECK(cell_shows(0, 1, 'x'));
}

TEST(csi_2j_clears_the_screen_and_csi_h_homes_the_cursor)
{
    fresh_console();
    write_text("hello\nworld\x1b[H\x1b[2J");
    CHECK_EQ(lit_pixels(0, 0, WIDTH, HEIGHT), FONT_WIDTH * 2);
    CHECK_EQ(lit_in_underline(0, 0), FONT_WIDTH * 2);
}

TEST(csi_k_erases_to_the_end_of_the_line)
{
    fresh_console();
    write_text("abcdef\nnext\x1b[A\x1b[2D\x1b[K");
    CHECK(cell_shows(0, 0, 'a'));
    CHECK(cell_shows(1, 0, 'b'));
    CHECK_EQ(lit_pixels(2 * FONT_WIDTH, 0, WIDTH - 2 * FONT_WIDTH, FONT_HEIGHT),
             FONT_WIDTH * 2); /* only the cursor, in column 2 */
    CHECK_EQ(lit_in_underline(2, 0), FONT_WIDTH * 2);
    CHECK(cell_shows(0, 1, 'n'));
}

TEST(csi_row_column_h_and_cursor_moves_with_counts)
{
    fresh_console();
    write_text("\x1b[3;5HX");
    CHECK(cell_shows(4, 2, 'X'));
    write_text("\x1b[2AY\x1b[3DZ\x1b[3B\x1b[2CW");
    CHECK(cell_shows(5, 0, 'Y'));
    CHECK(cell_shows(3, 0, 'Z'));
    CHECK(cell_shows(6, 3, 'W'));
    write_text("\x1b[99;99H");
    CHECK_EQ(lit_in_underline(9, 3), FONT_WIDTH * 2); /* kept inside the screen */
}

TEST(csi_31m_draws_red_and_csi_0m_restores_grey)
{
    fresh_console();
    write_text("\x1b[31mR\x1b[0mG");
    CHECK(cell_shows_glyph(0, 0, 'R', RED));
    CHECK(cell_shows_glyph(1, 0, 'G', GREY));
}

TEST(bold_brightens_and_background_colours_fill_the_cell)
{
    fresh_console();
    write_text("\x1b[1;34mB\x1b[22;39;42m \x1b[49m");
    CHECK(cell_shows_glyph(0, 0, 'B', BRIGHT_BLUE));
    CHECK_EQ(pixel(FONT_WIDTH, 0), GREEN);
    CHECK_EQ(pixel(2 * FONT_WIDTH, 0), BLACK);
}

TEST(backspace_moves_the_cursor_back_one_cell)
{
    fresh_console();
    write_text("AB\b");
    CHECK_EQ(lit_in_underline(1, 0), FONT_WIDTH * 2);
    CHECK_EQ(lit_in_underline(2, 0), 0);
    write_text("C");
    CHECK(cell_shows(0, 0, 'A'));
    CHECK(cell_shows(1, 0, 'C'));
    write_text("\b\b\b\b");
    CHECK_EQ(lit_in_underline(0, 0), FONT_WIDTH * 2); /* stops at the left edge */
}

TEST(the_cursor_can_be_hidden_and_shown)
{
    fresh_console();
    write_text("\x1b[?25l");
    CHECK_EQ(lit_pixels(0, 0, WIDTH, HEIGHT), 0);
    write_text("\x1b[?25h");
    CHECK_EQ(lit_in_underline(0, 0), FONT_WIDTH * 2);
}

TEST(box_drawing_characters_from_utf8_draw_lines)
{
    fresh_console();
    write_text("\xe2\x94\x80\xe2\x94\x82\xe2\x94\x9c\xe2\x94\x94\xe2\x94\xac");
    CHECK(cell_shows_glyph(0, 0, font_glyph(0x2500), GREY));
    CHECK(cell_shows_glyph(1, 0, font_glyph(0x2502), GREY));
    CHECK(cell_shows_glyph(2, 0, font_glyph(0x251c), GREY));
    CHECK(cell_shows_glyph(3, 0, font_glyph(0x2514), GREY));
    CHECK(cell_shows_glyph(4, 0, font_glyph(0x252c), GREY));
    CHECK(font_glyph(0x2500) != '?');
    CHECK(font_bitmaps[font_glyph(0x2502)][0] != 0); /* vertical lines reach the cell's top */
}

TEST(other_non_ascii_shows_one_question_mark_per_character)
{
    fresh_console();
    write_text("\xc3\xa9|\xe4\xb8\xad|\x80|\xe2\x94Z");
    const char *expected = "?|?|?|?Z";
    for (int column = 0; expected[column]; column++)
        CHECK(cell_shows(column, 0, expected[column]));
}

TEST(an_unfinished_escape_sequence_does_not_swallow_text)
{
    fresh_console();
    write_text("\x1b[12\nok\x1b[5n");
    CHECK(cell_shows(0, 1, 'o'));
    CHECK(cell_shows(1, 1, 'k'));
    CHECK_EQ(lit_in_underline(2, 1), FONT_WIDTH * 2);
}

int main(void)
{
    RUN(init_clears_the_screen_and_draws_the_cursor_only);
    RUN(init_never_touches_the_padding_after_each_line);
    RUN(no_console_without_a_32_bit_framebuffer);
    RUN(a_letter_lights_its_own_cell_and_nothing_else);
    RUN(newline_goes_to_the_start_of_the_next_line);
    RUN(carriage_return_and_tab_move_along_the_line);
    RUN(writing_past_the_last_row_scrolls_the_text_up);
    RUN(many_lines_in_one_write_leave_the_last_ones_on_screen);
    RUN(a_full_line_wraps_at_the_next_character);
    RUN(csi_2j_clears_the_screen_and_csi_h_homes_the_cursor);
    RUN(csi_k_erases_to_the_end_of_the_line);
    RUN(csi_row_column_h_and_cursor_moves_with_counts);
    RUN(csi_31m_draws_red_and_csi_0m_restores_grey);
    RUN(bold_brightens_and_background_colours_fill_the_cell);
    RUN(backspace_moves_the_cursor_back_one_cell);
    RUN(the_cursor_can_be_hidden_and_shown);
    RUN(box_drawing_characters_from_utf8_draw_lines);
    RUN(other_non_ascii_shows_one_question_mark_per_character);
    RUN(an_unfinished_escape_sequence_does_not_swallow_text);
    UNIT_EXIT();
}
