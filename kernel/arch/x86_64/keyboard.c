/* keyboard.c - the PS/2 keyboard: scancodes from the i8042 controller become the bytes a
 * terminal would send, and go to the console tty like bytes from the serial port.
 *
 * The controller hands over scancode set 1: pressing a key sends one byte (its "make" code),
 * releasing it the same byte with bit 7 set, and keys the first PC keyboard lacked (arrows,
 * right Ctrl, keypad Enter) come after a 0xE0 prefix. keyboard_translate() turns them into
 * ASCII and VT100 escape sequences without touching hardware, so the unit tests run it on
 * the host; the interrupt handler at the end feeds it from port 0x60. Layout: US.
 */
#include "arch.h"
#include "console.h"

#define SCANCODE_RELEASED 0x80 /* bit 7: the key went up */
#define SCANCODE_EXTENDED 0xe0 /* the next scancode is one of the newer keys */
#define SCANCODE_PAUSE 0xe1    /* Pause sends E1 1D 45 E1 9D C5: two bytes after each E1 */

/* The keys that change what other keys type. */
#define KEY_CTRL 0x1d /* left Ctrl; right Ctrl is E0 1D */
#define KEY_LEFT_SHIFT 0x2a
#define KEY_RIGHT_SHIFT 0x36
#define KEY_CAPS_LOCK 0x3a
#define KEY_KEYPAD_7 0x47 /* the first of the keypad's 13 keys */

/* What the main keys type, indexed by scancode, laid out in the keyboard's rows: Esc; the
 * digits, Backspace, Tab; Q to ], Enter, Ctrl; A to `, left Shift, \; Z to /, right Shift,
 * keypad *, Alt, space. A 0 types nothing. Backspace sends DEL, Enter CR, as terminals do. */
static const char unshifted[] = "\0\x1b"
                                "1234567890-=\x7f\t"
                                "qwertyuiop[]\r\0"
                                "asdfghjkl;'`\0\\"
                                "zxcvbnm,./\0*\0 ";
static const char shifted[] = "\0\x1b"
                              "!@#$%^&*()_+\x7f\t"
                              "QWERTYUIOP{}\r\0"
                              "ASDFGHJKL:\"~\0|"
                              "ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(unshifted) == 0x3a + 1 && sizeof(shifted) == sizeof(unshifted),
               "a key table lost its place: space must be scancode 0x39");

/* The keypad from scancode 0x47 on, typing digits as with Num Lock on. */
static const char keypad[] = "789-456+1230.";

/* Keys after the 0xE0 prefix, and what an xterm sends for them. */
static const struct {
    uint8_t scancode;
    const char *bytes;
} extended_keys[] = {
    {0x48, "\x1b[A"},  /* up */
    {0x50, "\x1b[B"},  /* down */
    {0x4d, "\x1b[C"},  /* right */
    {0x4b, "\x1b[D"},  /* left */
    {0x47, "\x1b[H"},  /* Home */
    {0x4f, "\x1b[F"},  /* End */
    {0x52, "\x1b[2~"}, /* Insert */
    {0x53, "\x1b[3~"}, /* Delete */
    {0x49, "\x1b[5~"}, /* Page Up */
    {0x51, "\x1b[6~"}, /* Page Down */
    {0x1c, "\r"},      /* keypad Enter */
    {0x35, "/"},       /* keypad / */
};

/* Follow Shift, Ctrl and Caps Lock going down (down) or up; returns whether key is one. */
static bool update_modifiers(struct keyboard_state *state, uint8_t key, bool extended,
                             bool down)
{
    switch (key) {
    case KEY_LEFT_SHIFT:
    case KEY_RIGHT_SHIFT:
        /* E0 2A and E0 36 are "fake shifts" that some keys (Print Screen, and the arrows
         * with Num Lock on) wrap themselves in: ignore them, not the real Shift. */
        if (!extended && key == KEY_LEFT_SHIFT)
            state->left_shift = down;
        else if (!extended)
            state->right_shift = down;
        return true;
    case KEY_CTRL:
        if (extended)
            state->right_ctrl = down;
        else
            state->left_ctrl = down;
        return true;
    case KEY_CAPS_LOCK:
        if (down && !state->caps_lock_down) /* a held key repeats its make code */
            state->caps_lock = !state->caps_lock;
        state->caps_lock_down = down;
        return true;
    default:
        return false;
    }
}

/* Only letters have a case for Caps Lock to change. */
static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A key without the prefix: one character, as Shift, Caps Lock and Ctrl make it. */
static int plain_key(const struct keyboard_state *state, uint8_t key, char out[])
{
    char c = 0;
    if (key < sizeof(unshifted) - 1)
        c = (state->left_shift || state->right_shift) ? shifted[key] : unshifted[key];
    else if (key >= KEY_KEYPAD_7 && key < KEY_KEYPAD_7 + sizeof(keypad) - 1)
        c = keypad[key - KEY_KEYPAD_7];
    if (!c)
        return 0;
    if (state->caps_lock && is_letter(c))
        c ^= 0x20; /* Caps Lock swaps the case Shift chose */
    if ((state->left_ctrl || state->right_ctrl) && c >= 0x40 && c < 0x7f)
        c &= 0x1f; /* Ctrl keeps the low five bits: c and C give 0x03 (^C), [ gives ESC */
    out[0] = c;
    return 1;
}

/* A key after the 0xE0 prefix: copy its escape sequence, if it has one. */
static int extended_key(uint8_t key, char out[])
{
    for (size_t i = 0; i < ARRAY_SIZE(extended_keys); i++) {
        if (extended_keys[i].scancode != key)
            continue;
        int n = 0;
        for (const char *p = extended_keys[i].bytes; *p && n < KEYBOARD_MAX_BYTES; p++)
            out[n++] = *p;
        return n;
    }
    return 0;
}

/* Turn one scancode into the bytes a terminal sends; returns how many went into out. */
int keyboard_translate(struct keyboard_state *state, uint8_t scancode,
                       char out[KEYBOARD_MAX_BYTES])
{
    if (state->bytes_to_skip > 0) {
        state->bytes_to_skip--;
        return 0;
    }
    if (scancode == SCANCODE_EXTENDED) {
        state->extended = true;
        return 0;
    }
    if (scancode == SCANCODE_PAUSE) {
        state->bytes_to_skip = 2; /* they would look like Ctrl and Num Lock */
        return 0;
    }
    bool extended = state->extended, released = scancode & SCANCODE_RELEASED;
    uint8_t key = scancode & ~SCANCODE_RELEASED;
    state->extended = false;
    if (update_modifiers(state, key, extended, !released) || released)
        return 0;
    return extended ? extended_key(key, out) : plain_key(state, key, out);
}

/* ---- the i8042 controller (the kernel only: port I/O) ---- */

#ifndef NEST_HOST_TEST
#include "x86.h"

#define PS2_DATA 0x60
#define PS2_STATUS 0x64  /* reading port 0x64 gives the status */
#define PS2_COMMAND 0x64 /* writing it gives the controller a command */
#define STATUS_OUTPUT_FULL 0x01 /* a byte is waiting in PS2_DATA */
#define STATUS_INPUT_FULL 0x02  /* the controller has not taken the last byte written */
#define STATUS_FROM_MOUSE 0x20  /* the waiting byte came from the second (mouse) port */
#define COMMAND_READ_CONFIG 0x20
#define COMMAND_WRITE_CONFIG 0x60
#define COMMAND_ENABLE_KEYBOARD 0xae
#define CONFIG_KEYBOARD_INTERRUPT 0x01 /* raise IRQ 1 when a key byte arrives */
#define CONFIG_KEYBOARD_CLOCK_OFF 0x10 /* keyboard disabled */
#define CONFIG_TRANSLATE 0x40          /* turn the keyboard's own set 2 into set 1 */
#define SPIN_LIMIT 100000              /* polls before deciding the controller is not there */

static struct keyboard_state keyboard; /* changed only by the keyboard interrupt */

/* Wait until the status bit mask is set (want) or clear; false if that never happens. */
static bool wait_for_status(uint8_t mask, bool want)
{
    for (int spin = 0; spin < SPIN_LIMIT; spin++)
        if (((inb(PS2_STATUS) & mask) != 0) == want)
            return true;
    return false;
}

/* Send the controller a command, once it is ready to take one. */
static bool controller_command(uint8_t command)
{
    if (!wait_for_status(STATUS_INPUT_FULL, false))
        return false;
    outb(PS2_COMMAND, command);
    return true;
}

/* Throw away bytes already waiting: keys pressed during boot, or firmware leftovers. */
static void flush_output_buffer(void)
{
    for (int i = 0; i < 16 && (inb(PS2_STATUS) & STATUS_OUTPUT_FULL); i++)
        inb(PS2_DATA);
}

/* Turn on the keyboard, its interrupt and translation to set 1. UEFI firmware polls the
 * keyboard and may leave the interrupt off; a BIOS usually leaves all three on. */
static void enable_keyboard_interrupt(void)
{
    if (!controller_command(COMMAND_READ_CONFIG) || !wait_for_status(STATUS_OUTPUT_FULL, true))
        return;
    uint8_t config = inb(PS2_DATA);
    config |= CONFIG_KEYBOARD_INTERRUPT | CONFIG_TRANSLATE;
    config &= ~CONFIG_KEYBOARD_CLOCK_OFF;
    if (!controller_command(COMMAND_WRITE_CONFIG) || !wait_for_status(STATUS_INPUT_FULL, false))
        return;
    outb(PS2_DATA, config);
    controller_command(COMMAND_ENABLE_KEYBOARD);
}

/* Flush the controller, make sure it interrupts, and unmask IRQ 1. */
void keyboard_init(void)
{
    if (inb(PS2_STATUS) == 0xff)
        return; /* no controller: a port nothing answers reads as all ones */
    flush_output_buffer();
    enable_keyboard_interrupt();
    flush_output_buffer();
    irq_unmask(IRQ_KEYBOARD);
}

/* IRQ 1: translate every waiting scancode and hand the bytes to the console tty. */
void keyboard_interrupt(void)
{
    uint8_t status;
    for (int i = 0; i < 16 && ((status = inb(PS2_STATUS)) & STATUS_OUTPUT_FULL); i++) {
        uint8_t scancode = inb(PS2_DATA);
        if (status & STATUS_FROM_MOUSE)
            continue;
        char bytes[KEYBOARD_MAX_BYTES];
        int n = keyboard_translate(&keyboard, scancode, bytes);
        for (int j = 0; j < n; j++)
            tty_input_byte(bytes[j]);
    }
}
#endif
