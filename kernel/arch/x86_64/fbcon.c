/* fbcon.c - a text console drawn on the boot framebuffer: one more sink for console output.
 *
 * Output goes into a grid of character cells, `text`: what the screen should show. After each
 * write, flush() draws only the cells that differ from a second grid, `shown`: what the
 * framebuffer shows now. Scrolling is then just a rotation of the rows of `text`, and a write
 * of a hundred lines costs one redraw instead of a hundred copies of the framebuffer. Under
 * QEMU's TCG, where every pixel store is emulated, that is the difference that matters.
 * The escape sequences understood are the VT100/xterm subset that nest's shell and tools use.
 */
#include "boot_info.h"
#include "console.h"
#include "mm.h"
#include "printk.h"
#include "string.h"

#ifndef NEST_HOST_TEST
#include "x86.h"
#else
/* The host unit test runs in user mode, where cli would fault, and it has no interrupts. */
static bool irq_save(void) { return false; }
static void irq_restore(bool was) { (void)was; }
#endif

#define MAX_ROWS 256     /* 4096 pixels high */
#define MAX_PARAMS 8     /* numbers in one control sequence, as in ESC [ 1 ; 31 m */
#define TAB_WIDTH 8
#define CURSOR_HEIGHT 2  /* the cursor underlines the bottom pixel rows of its cell */
#define BRIGHT 8         /* palette index of the first bright colour */
#define DEFAULT_FOREGROUND 7
#define DEFAULT_BACKGROUND 0

/* The 16 terminal colours as 0xRRGGBB: black, red, green, yellow, blue, magenta, cyan, white,
 * then the same eight bright (the VGA text-mode palette). */
static const uint32_t palette_rgb[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

/* One character position on the screen. */
struct cell {
    uint8_t glyph;      /* index into font_bitmaps */
    uint8_t foreground; /* palette index */
    uint8_t background; /* palette index */
    uint8_t cursor;     /* 1 if the cursor underlines this cell */
};

/* A row of cells is one kmalloc, so it can be no longer than a page. */
#define MAX_COLUMNS ((int)(PAGE_SIZE / sizeof(struct cell)))

/* Where the parser is in the output stream. */
enum parser_state {
    PLAIN,            /* text and control characters */
    ESCAPE,           /* after ESC */
    CONTROL_SEQUENCE, /* after ESC [, collecting parameters up to the final byte */
};

/* The console. Interrupts are off while it changes (see fbcon_write). */
static struct {
    uint32_t *pixels;             /* pixel (0,0) of the mapped framebuffer; NULL: no console */
    uint32_t stride;              /* pixels from one scan line to the next */
    uint32_t colours[16];         /* palette_rgb in this framebuffer's pixel format */
    int columns, rows;            /* the grid's size in cells */
    struct cell *text[MAX_ROWS];  /* what the screen should show; scrolling rotates the rows */
    struct cell *shown[MAX_ROWS]; /* what the framebuffer shows, cursor included */
    int dirty_top, dirty_bottom;  /* rows of text changed since the last flush, if top <= bottom */
    int cursor_row_shown;         /* the row where flush last drew the cursor */
    int x, y;                     /* the cursor; x == columns once the last column is written */
    bool cursor_visible;          /* ESC [ ? 25 l hides it, ESC [ ? 25 h shows it */
    uint8_t foreground;           /* colour of new text, before bold brightens it */
    uint8_t background;           /* colour behind new text and erased cells */
    bool bold;                    /* draw colours 0-7 in their bright versions */
    enum parser_state state;
    int params[MAX_PARAMS];       /* numbers of the control sequence being read */
    int param_index;              /* the one being read; the count is one more */
    bool private_sequence;        /* it began ESC [ ? (a DEC private mode) */
    uint32_t code_point;          /* the UTF-8 character being assembled */
    int continuation_bytes;       /* how many more bytes it needs */
} screen;

/* ---- drawing ---- */

/* A colour as a pixel of this framebuffer: 8 bits each of red, green and blue, where the
 * boot loader says they go. */
static uint32_t pixel_value(const struct boot_framebuffer *fb, uint32_t rgb)
{
    uint32_t red = (rgb >> 16) & 0xff, green = (rgb >> 8) & 0xff, blue = rgb & 0xff;
    return red << fb->red_shift | green << fb->green_shift | blue << fb->blue_shift;
}

/* Paint one cell: one 32-bit store per pixel, each bit of the glyph picking foreground or
 * background. This loop is where all the console's drawing time goes. */
static void draw_cell(int column, int row, struct cell c)
{
    const uint8_t *bitmap = font_bitmaps[c.glyph];
    uint32_t foreground = screen.colours[c.foreground];
    uint32_t background = screen.colours[c.background];
    uint32_t stride = screen.stride;
    uint32_t *line =
        screen.pixels + (size_t)row * FONT_HEIGHT * stride + (size_t)column * FONT_WIDTH;
    for (int y = 0; y < FONT_HEIGHT; y++, line += stride) {
        uint8_t bits = bitmap[y];
        if (c.cursor && y >= FONT_HEIGHT - CURSOR_HEIGHT)
            bits = 0xff;
        for (int x = 0; x < FONT_WIDTH; x++)
            line[x] = (bits & (0x80 >> x)) ? foreground : background;
    }
}

/* Fill the whole framebuffer, margins included, with the background colour. */
static void clear_framebuffer(uint32_t width, uint32_t height)
{
    uint32_t background = screen.colours[DEFAULT_BACKGROUND];
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            screen.pixels[(size_t)y * screen.stride + x] = background;
}

/* Would drawing a show the same pixels as drawing b? */
static bool same_cell(struct cell a, struct cell b)
{
    return a.glyph == b.glyph && a.foreground == b.foreground &&
           a.background == b.background && a.cursor == b.cursor;
}

/* The column the cursor is drawn in: after the last column is written it stays on that
 * column until the next character wraps the line. */
static int cursor_column(void) { return MIN(screen.x, screen.columns - 1); }

/* Row is to be compared with what the framebuffer shows at the next flush. */
static void mark_dirty(int row)
{
    screen.dirty_top = MIN(screen.dirty_top, row);
    screen.dirty_bottom = MAX(screen.dirty_bottom, row);
}

/* What cell (column, row) should look like, the cursor included. */
static struct cell wanted_cell(int column, int row)
{
    struct cell c = screen.text[row][column];
    c.cursor = screen.cursor_visible && row == screen.y && column == cursor_column();
    return c;
}

/* Draw the cells of one row that differ from what the framebuffer shows. */
static void flush_row(int row)
{
    for (int column = 0; column < screen.columns; column++) {
        struct cell want = wanted_cell(column, row);
        if (!same_cell(want, screen.shown[row][column])) {
            draw_cell(column, row, want);
            screen.shown[row][column] = want;
        }
    }
}

/* Bring the framebuffer up to date with the text grid and the cursor. */
static void flush(void)
{
    mark_dirty(screen.cursor_row_shown); /* the old cursor must go */
    mark_dirty(screen.y);
    for (int row = screen.dirty_top; row <= screen.dirty_bottom; row++)
        flush_row(row);
    screen.cursor_row_shown = screen.y;
    screen.dirty_top = screen.rows;
    screen.dirty_bottom = -1;
}

/* ---- the text grid ---- */

/* A cell showing glyph in the current colours. */
static struct cell styled_cell(uint8_t glyph)
{
    uint8_t foreground = screen.foreground;
    if (screen.bold && foreground < BRIGHT)
        foreground += BRIGHT;
    return (struct cell){glyph, foreground, screen.background, 0};
}

/* Blank the cells [from, to) of a row, in the current background colour. */
static void erase_cells(int row, int from, int to)
{
    struct cell blank = styled_cell(' ');
    for (int column = from; column < to; column++)
        screen.text[row][column] = blank;
    mark_dirty(row);
}

/* Move every row up one; the top row's cells, blanked, become the new bottom row. */
static void scroll_up(void)
{
    struct cell *top = screen.text[0];
    memmove(&screen.text[0], &screen.text[1], (screen.rows - 1) * sizeof(screen.text[0]));
    screen.text[screen.rows - 1] = top;
    erase_cells(screen.rows - 1, 0, screen.columns);
    mark_dirty(0);
}

/* Move the cursor down a line, scrolling when it is on the last one. */
static void line_feed(void)
{
    if (screen.y < screen.rows - 1)
        screen.y++;
    else
        scroll_up();
}

/* Write a glyph at the cursor and step right; a full line wraps first. */
static void put_glyph(uint8_t glyph)
{
    if (screen.x >= screen.columns) {
        screen.x = 0;
        line_feed();
    }
    screen.text[screen.y][screen.x] = styled_cell(glyph);
    mark_dirty(screen.y);
    screen.x++;
}

/* Put the cursor at (row, column), kept inside the grid. */
static void move_cursor(int row, int column)
{
    screen.y = MAX(0, MIN(row, screen.rows - 1));
    screen.x = MAX(0, MIN(column, screen.columns - 1));
}

/* ---- escape sequences ---- */

/* Parameter i of the control sequence, or fallback when it is missing or 0. */
static int param(int i, int fallback)
{
    return i <= screen.param_index && screen.params[i] ? screen.params[i] : fallback;
}

/* ESC [ n J: erase below the cursor (0), above it (1) or everything (2, 3). */
static void erase_display(int mode)
{
    int column = cursor_column();
    if (mode == 0) {
        erase_cells(screen.y, column, screen.columns);
        for (int row = screen.y + 1; row < screen.rows; row++)
            erase_cells(row, 0, screen.columns);
    } else if (mode == 1) {
        for (int row = 0; row < screen.y; row++)
            erase_cells(row, 0, screen.columns);
        erase_cells(screen.y, 0, column + 1);
    } else {
        for (int row = 0; row < screen.rows; row++)
            erase_cells(row, 0, screen.columns);
    }
}

/* ESC [ n K: erase the line right of the cursor (0), left of it (1) or all of it (2). */
static void erase_line(int mode)
{
    int column = cursor_column();
    if (mode == 0)
        erase_cells(screen.y, column, screen.columns);
    else if (mode == 1)
        erase_cells(screen.y, 0, column + 1);
    else
        erase_cells(screen.y, 0, screen.columns);
}

/* One number of ESC [ ... m. */
static void set_attribute(int code)
{
    if (code == 0) {
        screen.foreground = DEFAULT_FOREGROUND;
        screen.background = DEFAULT_BACKGROUND;
        screen.bold = false;
    } else if (code == 1) {
        screen.bold = true;
    } else if (code == 22) {
        screen.bold = false;
    } else if (code >= 30 && code <= 37) {
        screen.foreground = code - 30;
    } else if (code == 39) {
        screen.foreground = DEFAULT_FOREGROUND;
    } else if (code >= 40 && code <= 47) {
        screen.background = code - 40;
    } else if (code == 49) {
        screen.background = DEFAULT_BACKGROUND;
    } else if (code >= 90 && code <= 97) {
        screen.foreground = code - 90 + BRIGHT;
    } else if (code >= 100 && code <= 107) {
        screen.background = code - 100 + BRIGHT;
    }
}

/* ESC [ ... m: colours and brightness of the text that follows. */
static void select_graphic_rendition(void)
{
    for (int i = 0; i <= screen.param_index; i++) {
        if (screen.params[i] == 38 || screen.params[i] == 48)
            return; /* 256-colour and RGB forms: their numbers are not codes, skip them all */
        set_attribute(screen.params[i]);
    }
}

/* ESC [ ? 25 h / l show and hide the cursor; other private modes are ignored. */
static void private_mode(char final)
{
    if (screen.params[0] == 25 && (final == 'h' || final == 'l'))
        screen.cursor_visible = final == 'h';
}

/* A complete control sequence ESC [ params final: carry it out. */
static void control_sequence(char final)
{
    int count = param(0, 1), column = cursor_column();
    if (screen.private_sequence) {
        private_mode(final);
        return;
    }
    switch (final) {
    case 'A':
        move_cursor(screen.y - count, column);
        break;
    case 'B':
        move_cursor(screen.y + count, column);
        break;
    case 'C':
        move_cursor(screen.y, column + count);
        break;
    case 'D':
        move_cursor(screen.y, column - count);
        break;
    case 'G':
        move_cursor(screen.y, param(0, 1) - 1);
        break;
    case 'H':
    case 'f':
        move_cursor(param(0, 1) - 1, param(1, 1) - 1);
        break;
    case 'J':
        erase_display(screen.params[0]);
        break;
    case 'K':
        erase_line(screen.params[0]);
        break;
    case 'm':
        select_graphic_rendition();
        break;
    default: /* not used by nest's programs: ignored */
        break;
    }
}

/* ---- the byte stream ---- */

static void plain_byte(uint8_t byte);

/* A control character: move the cursor, or start an escape sequence. */
static void control_character(uint8_t c)
{
    switch (c) {
    case '\n': /* console text is not translated: "\n" means newline and return */
        screen.x = 0;
        line_feed();
        break;
    case '\r':
        screen.x = 0;
        break;
    case '\b':
        screen.x = cursor_column();
        if (screen.x > 0)
            screen.x--;
        break;
    case '\t':
        screen.x = MIN((screen.x / TAB_WIDTH + 1) * TAB_WIDTH, screen.columns - 1);
        break;
    case 0x1b:
        screen.state = ESCAPE;
        break;
    default: /* BEL and the rest have no picture */
        break;
    }
}

/* After ESC: '[' starts a control sequence; other escapes are not used by nest: dropped. */
static void escape_byte(uint8_t byte)
{
    screen.state = PLAIN;
    if (byte == '[') {
        memset(screen.params, 0, sizeof(screen.params));
        screen.param_index = 0;
        screen.private_sequence = false;
        screen.state = CONTROL_SEQUENCE;
    } else if (byte < 0x20) {
        control_character(byte); /* e.g. a second ESC */
    }
}

/* Inside ESC [: numbers separated by ';' until a final byte (0x40-0x7e) says what to do. */
static void control_sequence_byte(uint8_t byte)
{
    if (byte >= '0' && byte <= '9') {
        int *p = &screen.params[screen.param_index];
        if (*p < 10000)
            *p = *p * 10 + (byte - '0');
    } else if (byte == ';') {
        if (screen.param_index < MAX_PARAMS - 1)
            screen.param_index++;
    } else if (byte >= '<' && byte <= '?') {
        screen.private_sequence = true;
    } else if (byte >= 0x40 && byte <= 0x7e) {
        screen.state = PLAIN;
        control_sequence((char)byte);
    } else if (byte < 0x20 || byte >= 0x7f) {
        screen.state = PLAIN; /* not part of a sequence: abandon it, show the byte */
        plain_byte(byte);
    }
}

/* Start assembling a UTF-8 character of 1 + more bytes. */
static void utf8_start(uint32_t bits, int more)
{
    screen.code_point = bits;
    screen.continuation_bytes = more;
}

/* A byte of a UTF-8 character (0x80 and above): start, continue or finish one. */
static void utf8_byte(uint8_t byte)
{
    if ((byte & 0xc0) == 0x80) {
        if (!screen.continuation_bytes) {
            put_glyph('?'); /* a continuation byte without a start */
            return;
        }
        screen.code_point = screen.code_point << 6 | (byte & 0x3f);
        if (--screen.continuation_bytes == 0)
            put_glyph(font_glyph(screen.code_point));
    } else if ((byte & 0xe0) == 0xc0) {
        utf8_start(byte & 0x1f, 1);
    } else if ((byte & 0xf0) == 0xe0) {
        utf8_start(byte & 0x0f, 2);
    } else if ((byte & 0xf8) == 0xf0) {
        utf8_start(byte & 0x07, 3);
    } else {
        put_glyph('?');
    }
}

/* A byte outside any escape sequence. */
static void plain_byte(uint8_t byte)
{
    if (byte >= 0x80)
        utf8_byte(byte);
    else if (byte >= 0x20 && byte < 0x7f)
        put_glyph(byte);
    else
        control_character(byte);
}

/* Feed one byte of output to the parser, which changes the text grid. */
static void feed(uint8_t byte)
{
    if (screen.continuation_bytes && (byte & 0xc0) != 0x80) {
        screen.continuation_bytes = 0; /* a UTF-8 character cut short */
        put_glyph('?');
    }
    if (screen.state == PLAIN)
        plain_byte(byte);
    else if (screen.state == ESCAPE)
        escape_byte(byte);
    else
        control_sequence_byte(byte);
}

/* The console sink. Interrupts are off throughout: the tty echoes typed keys from the
 * keyboard interrupt, which must not land in the middle of another write's escape sequence. */
void fbcon_write(const char *text, size_t len)
{
    if (!screen.pixels)
        return;
    bool was = irq_save();
    for (size_t i = 0; i < len; i++)
        feed((uint8_t)text[i]);
    flush();
    irq_restore(was);
}

/* ---- start-up ---- */

/* Give back whatever allocate_grids got before it failed. */
static void free_grids(void)
{
    for (int row = 0; row < screen.rows; row++) {
        kfree(screen.text[row]);
        kfree(screen.shown[row]);
    }
}

/* Allocate both grids, every cell blank, as the cleared framebuffer shows. */
static bool allocate_grids(void)
{
    struct cell blank = {' ', DEFAULT_FOREGROUND, DEFAULT_BACKGROUND, 0};
    /* Whole pages, although a row needs 640 bytes: measured under QEMU TCG, 200 rows in
     * kmalloc's 1 KiB class (which struct pid shares) made fork four times slower for the
     * rest of the run. The cause is not understood yet; see docs/performance.md. */
    for (int row = 0; row < screen.rows; row++) {
        screen.text[row] = kmalloc(PAGE_SIZE);
        screen.shown[row] = kmalloc(PAGE_SIZE);
        if (!screen.text[row] || !screen.shown[row])
            return false;
        for (int column = 0; column < screen.columns; column++)
            screen.text[row][column] = screen.shown[row][column] = blank;
    }
    return true;
}

/* Map the framebuffer, clear it, draw the cursor and start receiving console output. */
void fbcon_init(const struct boot_framebuffer *fb)
{
    memset(&screen, 0, sizeof(screen));
    if (!fb->address || fb->bpp != 32 || fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
        return;
    screen.columns = MIN((int)(fb->width / FONT_WIDTH), MAX_COLUMNS);
    screen.rows = MIN((int)(fb->height / FONT_HEIGHT), MAX_ROWS);
    if (!allocate_grids()) {
        free_grids();
        pr_warn("fbcon: no memory for the text grid\n");
        return;
    }
    uint32_t *pixels = vm_map_physical(fb->address, (uint64_t)fb->pitch * fb->height);
    if (!pixels) {
        free_grids();
        pr_warn("fbcon: cannot map the framebuffer\n");
        return;
    }
    for (int i = 0; i < 16; i++)
        screen.colours[i] = pixel_value(fb, palette_rgb[i]);
    screen.stride = fb->pitch / sizeof(uint32_t);
    screen.foreground = DEFAULT_FOREGROUND;
    screen.background = DEFAULT_BACKGROUND;
    screen.cursor_visible = true;
    screen.dirty_top = screen.rows;
    screen.dirty_bottom = -1;
    screen.pixels = pixels;
    clear_framebuffer(fb->width, fb->height);
    flush();
    console_register_sink(fbcon_write);
    pr_info("fbcon: %ux%u framebuffer, %d columns by %d rows of text\n", fb->width, fb->height,
            screen.columns, screen.rows);
}
