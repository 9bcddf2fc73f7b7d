/* console.h - the screen and keyboard console (kernel/arch/x86_64/: fbcon.c, font.c, keyboard.c).
 *
 * The framebuffer console is one more console sink (printk.h) beside the serial port: it
 * draws every kernel message and all console tty output. The PS/2 keyboard feeds the console
 * tty through tty_input_byte(), as the serial port does. Both are started by kmain once
 * memory is set up.
 */
#ifndef NEST_CONSOLE_H
#define NEST_CONSOLE_H

#include "boot_info.h"
#include "types.h"

/* ---- fbcon.c: text on the boot framebuffer ---- */

/* Map the framebuffer, clear it and register the console sink; does nothing without a 32-bpp
 * framebuffer. Call once. */
void fbcon_init(const struct boot_framebuffer *fb);
/* The console sink: text with VT100 escape sequences, "\n" meaning newline and return. */
void fbcon_write(const char *text, size_t len);

/* ---- font.c: the 8x16 bitmap font ---- */

#define FONT_WIDTH 8
#define FONT_HEIGHT 16

/* One byte per pixel row, the leftmost pixel in bit 7; indexed by font_glyph()'s result. */
extern const uint8_t font_bitmaps[][FONT_HEIGHT];
/* Which glyph shows a Unicode code point ('?' when the font has none). */
uint8_t font_glyph(uint32_t code_point);

/* ---- keyboard.c: the PS/2 keyboard ---- */

#define KEYBOARD_MAX_BYTES 4 /* the longest translation: ESC [ 3 ~ for Delete */

/* What keyboard_translate remembers between scancodes. */
struct keyboard_state {
    bool left_shift, right_shift; /* held down */
    bool left_ctrl, right_ctrl;   /* held down */
    bool caps_lock;               /* toggled on */
    bool caps_lock_down;          /* held: a held key repeats, and must toggle only once */
    bool extended;                /* the previous byte was the 0xE0 prefix */
    int bytes_to_skip;            /* the rest of a Pause key's 0xE1 sequence */
};

/* Turn one scancode (set 1) into the bytes a terminal sends: returns how many it put in out
 * (0 for releases, modifiers and keys that type nothing). Touches no hardware. */
int keyboard_translate(struct keyboard_state *state, uint8_t scancode,
                       char out[KEYBOARD_MAX_BYTES]);
/* Flush the controller, make sure it interrupts, and unmask IRQ 1. */
void keyboard_init(void);
/* IRQ 1: translate every waiting scancode and hand the bytes to the console tty. */
void keyboard_interrupt(void);

#endif
