// SOURCES: kernel/arch/x86_64/keyboard.c
/* test_keyboard.c - scancode set 1 to terminal bytes (keyboard_translate in keyboard.c).
 *
 * Each test types scancodes into a fresh keyboard state and compares everything the
 * translation produced, as one string, with what a terminal on a US keyboard would send.
 */
#include "unit.h"

#include "console.h"

/* The key numbers (make codes) the tests press. */
#define ESC 0x01
#define KEY_1 0x02
#define KEY_2 0x03
#define BACKSPACE 0x0e
#define TAB 0x0f
#define KEY_Q 0x10
#define LEFT_BRACKET 0x1a
#define ENTER 0x1c
#define CTRL 0x1d
#define KEY_A 0x1e
#define KEY_C 0x2e
#define KEY_D 0x20
#define KEY_Z 0x2c
#define LEFT_SHIFT 0x2a
#define BACKSLASH 0x2b
#define RIGHT_SHIFT 0x36
#define SLASH 0x35
#define ALT 0x38
#define SPACE 0x39
#define CAPS_LOCK 0x3a
#define KEYPAD_7 0x47
#define UP 0x48
#define LEFT 0x4b
#define RIGHT 0x4d
#define DOWN 0x50
#define DELETE 0x53
#define RELEASE 0x80
#define EXTENDED 0xe0

static struct keyboard_state state;
static char typed[256];

/* Feed scancodes (ending at -1) and collect the bytes they produce in typed. */
static const char *type_scancodes(const int *scancodes)
{
    size_t len = 0;
    for (; *scancodes >= 0; scancodes++) {
        char out[KEYBOARD_MAX_BYTES];
        int n = keyboard_translate(&state, (uint8_t)*scancodes, out);
        for (int i = 0; i < n && len < sizeof(typed) - 1; i++)
            typed[len++] = out[i];
    }
    typed[len] = '\0';
    return typed;
}

#define TYPE(...) type_scancodes((const int[]){__VA_ARGS__, -1})

static void fresh_keyboard(void) { memset(&state, 0, sizeof(state)); }

TEST(letters_digits_and_punctuation_type_themselves)
{
    fresh_keyboard();
    CHECK_STR(TYPE(KEY_Q, KEY_A, KEY_Z, KEY_1, SPACE, SLASH, BACKSLASH, LEFT_BRACKET), "qaz1 /\\[");
}

TEST(releases_type_nothing)
{
    fresh_keyboard();
    CHECK_STR(TYPE(KEY_A, KEY_A | RELEASE, KEY_1 | RELEASE), "a");
}

TEST(either_shift_gives_capitals_and_symbols_until_released)
{
    fresh_keyboard();
    CHECK_STR(TYPE(LEFT_SHIFT, KEY_A, KEY_1, LEFT_SHIFT | RELEASE, KEY_A), "A!a");
    CHECK_STR(TYPE(RIGHT_SHIFT, KEY_2, SLASH, RIGHT_SHIFT | RELEASE, KEY_2), "@?2");
}

TEST(releasing_one_shift_keeps_the_other)
{
    fresh_keyboard();
    CHECK_STR(TYPE(LEFT_SHIFT, RIGHT_SHIFT, LEFT_SHIFT | RELEASE, KEY_A), "A");
}

TEST(caps_lock_toggles_letters_only_and_shift_inverts_it)
{
    fresh_keyboard();
    CHECK_STR(TYPE(CAPS_LOCK, CAPS_LOCK | RELEASE, KEY_A, KEY_1, LEFT_SHIFT, KEY_A), "A1a");
    CHECK_STR(TYPE(LEFT_SHIFT | RELEASE, CAPS_LOCK, CAPS_LOCK | RELEASE, KEY_A), "a");
}

TEST(a_held_caps_lock_toggles_once)
{
    fresh_keyboard();
    CHECK_STR(TYPE(CAPS_LOCK, CAPS_LOCK, CAPS_LOCK, CAPS_LOCK | RELEASE, KEY_A), "A");
}

TEST(ctrl_with_a_letter_gives_its_control_code)
{
    fresh_keyboard();
    CHECK_STR(TYPE(CTRL, KEY_C, KEY_Z, KEY_D, CTRL | RELEASE, KEY_C), "\x03\x1a\x04" "c");
    CHECK_STR(TYPE(EXTENDED, CTRL, KEY_C, EXTENDED, CTRL | RELEASE, KEY_C), "\x03" "c");
    CHECK_STR(TYPE(CTRL, BACKSLASH, LEFT_BRACKET, CTRL | RELEASE), "\x1c\x1b");
}

TEST(enter_backspace_tab_and_escape_send_what_a_terminal_sends)
{
    fresh_keyboard();
    CHECK_STR(TYPE(ENTER, BACKSPACE, TAB, ESC), "\r\x7f\t\x1b");
}

TEST(arrow_keys_send_vt100_escape_sequences)
{
    fresh_keyboard();
    CHECK_STR(TYPE(EXTENDED, UP, EXTENDED, UP | RELEASE), "\x1b[A");
    CHECK_STR(TYPE(EXTENDED, DOWN, EXTENDED, RIGHT, EXTENDED, LEFT), "\x1b[B\x1b[C\x1b[D");
    CHECK_STR(TYPE(EXTENDED, KEYPAD_7, EXTENDED, DELETE), "\x1b[H\x1b[3~");
}

TEST(keypad_keys_without_the_prefix_type_digits)
{
    fresh_keyboard();
    CHECK_STR(TYPE(KEYPAD_7, UP, DELETE, EXTENDED, ENTER, EXTENDED, SLASH), "78.\r/");
}

TEST(fake_shifts_around_extended_keys_are_ignored)
{
    fresh_keyboard();
    CHECK_STR(TYPE(EXTENDED, LEFT_SHIFT, EXTENDED, UP, EXTENDED, UP | RELEASE, EXTENDED,
                   LEFT_SHIFT | RELEASE, KEY_A),
              "\x1b[Aa");
    CHECK_STR(TYPE(LEFT_SHIFT, EXTENDED, LEFT_SHIFT | RELEASE, KEY_A), "A");
}

TEST(pause_is_swallowed_whole)
{
    fresh_keyboard();
    CHECK_STR(TYPE(0xe1, CTRL, 0x45, 0xe1, CTRL | RELEASE, 0x45 | RELEASE, KEY_A), "a");
}

TEST(alt_types_nothing_by_itself)
{
    fresh_keyboard();
    CHECK_STR(TYPE(ALT, KEY_A, ALT | RELEASE, EXTENDED, ALT), "a");
}

TEST(unknown_scancodes_type_nothing)
{
    fresh_keyboard();
    CHECK_STR(TYPE(0x3b, 0x58, 0x7f, 0xfa, EXTENDED, 0x5b), "");
}

int main(void)
{
    RUN(letters_digits_and_punctuation_type_themselves);
    RUN(releases_type_nothing);
    RUN(either_shift_gives_capitals_and_symbols_until_released);
    RUN(releasing_one_shift_keeps_the_other);
    RUN(caps_lock_toggles_letters_only_and_shift_inverts_it);
    RUN(a_held_caps_lock_toggles_once);
    RUN(ctrl_with_a_letter_gives_its_control_code);
    RUN(enter_backspace_tab_and_escape_send_what_a_terminal_sends);
    RUN(arrow_keys_send_vt100_escape_sequences);
    RUN(keypad_keys_without_the_prefix_type_digits);
    RUN(fake_shifts_around_extended_keys_are_ignored);
    RUN(pause_is_swallowed_whole);
    RUN(alt_types_nothing_by_itself);
    RUN(unknown_scancodes_type_nothing);
    UNIT_EXIT();
}
