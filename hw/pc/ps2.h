/*
 * PS/2 devices behind the keyboard controller: an MF2 keyboard and a
 * mouse (standard, IntelliMouse, IntelliMouse Explorer).
 *
 * Promise: each device queues the bytes it sends to the controller and
 * holds @ready high while the queue is not empty; the controller pulls
 * them with ps2_*_read() and sends command bytes with ps2_*_write().
 * The keyboard speaks scancode sets 1, 2 (the default) and 3 and the
 * commands BIOSes and OSes use (reset and BAT, echo, identify, LEDs,
 * typematic, set selection, enable/disable, defaults, resend, set 3 key
 * types, which are taken but only the all-keys ones change anything). The
 * mouse speaks stream and remote modes, sample rate, resolution, scaling,
 * status, wrap mode, and turns into an IntelliMouse (ID 3) after the
 * sample rates 200, 100, 80 and into an Explorer (ID 4) after 200, 200,
 * 80. Keys do not repeat by themselves: the UI sends repeated downs.
 * The UI calls ps2_kbd_key() and ps2_mouse_event(); a device that is
 * switched off or whose queue is full drops input, as the hardware does.
 */
#ifndef PCVM_HW_PS2_H
#define PCVM_HW_PS2_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"
#include "hw/pc/isa_env.h"

/* Keys by position on a US 104/105-key keyboard. */
typedef enum Ps2Key {
    PS2_KEY_ESC, PS2_KEY_F1, PS2_KEY_F2, PS2_KEY_F3, PS2_KEY_F4, PS2_KEY_F5,
    PS2_KEY_F6, PS2_KEY_F7, PS2_KEY_F8, PS2_KEY_F9, PS2_KEY_F10, PS2_KEY_F11,
    PS2_KEY_F12, PS2_KEY_PRINT, PS2_KEY_SCROLL_LOCK, PS2_KEY_PAUSE,
    PS2_KEY_GRAVE, PS2_KEY_1, PS2_KEY_2, PS2_KEY_3, PS2_KEY_4, PS2_KEY_5,
    PS2_KEY_6, PS2_KEY_7, PS2_KEY_8, PS2_KEY_9, PS2_KEY_0, PS2_KEY_MINUS,
    PS2_KEY_EQUAL, PS2_KEY_BACKSPACE,
    PS2_KEY_TAB, PS2_KEY_Q, PS2_KEY_W, PS2_KEY_E, PS2_KEY_R, PS2_KEY_T,
    PS2_KEY_Y, PS2_KEY_U, PS2_KEY_I, PS2_KEY_O, PS2_KEY_P,
    PS2_KEY_LEFTBRACE, PS2_KEY_RIGHTBRACE, PS2_KEY_BACKSLASH,
    PS2_KEY_CAPS_LOCK, PS2_KEY_A, PS2_KEY_S, PS2_KEY_D, PS2_KEY_F, PS2_KEY_G,
    PS2_KEY_H, PS2_KEY_J, PS2_KEY_K, PS2_KEY_L, PS2_KEY_SEMICOLON,
    PS2_KEY_APOSTROPHE, PS2_KEY_ENTER,
    PS2_KEY_LSHIFT, PS2_KEY_102ND, PS2_KEY_Z, PS2_KEY_X, PS2_KEY_C,
    PS2_KEY_V, PS2_KEY_B, PS2_KEY_N, PS2_KEY_M, PS2_KEY_COMMA, PS2_KEY_DOT,
    PS2_KEY_SLASH, PS2_KEY_RSHIFT,
    PS2_KEY_LCTRL, PS2_KEY_LMETA, PS2_KEY_LALT, PS2_KEY_SPACE, PS2_KEY_RALT,
    PS2_KEY_RMETA, PS2_KEY_MENU, PS2_KEY_RCTRL,
    PS2_KEY_INSERT, PS2_KEY_HOME, PS2_KEY_PAGEUP, PS2_KEY_DELETE,
    PS2_KEY_END, PS2_KEY_PAGEDOWN, PS2_KEY_UP, PS2_KEY_LEFT, PS2_KEY_DOWN,
    PS2_KEY_RIGHT,
    PS2_KEY_NUM_LOCK, PS2_KEY_KP_SLASH, PS2_KEY_KP_ASTERISK,
    PS2_KEY_KP_MINUS, PS2_KEY_KP_7, PS2_KEY_KP_8, PS2_KEY_KP_9,
    PS2_KEY_KP_PLUS, PS2_KEY_KP_4, PS2_KEY_KP_5, PS2_KEY_KP_6, PS2_KEY_KP_1,
    PS2_KEY_KP_2, PS2_KEY_KP_3, PS2_KEY_KP_ENTER, PS2_KEY_KP_0,
    PS2_KEY_KP_DOT,
    PS2_KEY_COUNT
} Ps2Key;

/* ps2_mouse_event() buttons. */
#define PS2_BUTTON_LEFT 0x01
#define PS2_BUTTON_RIGHT 0x02
#define PS2_BUTTON_MIDDLE 0x04
#define PS2_BUTTON_SIDE 0x08  /* 4th button (Explorer only) */
#define PS2_BUTTON_EXTRA 0x10 /* 5th button (Explorer only) */

typedef struct Ps2Kbd Ps2Kbd;
typedef struct Ps2Mouse Ps2Mouse;

Ps2Kbd *ps2_kbd_new(const IsaEnv *env, IrqLine ready);
void ps2_kbd_write(Ps2Kbd *s, uint8_t byte);
/* The next byte for the controller, or -1 if none. */
int ps2_kbd_read(Ps2Kbd *s);
void ps2_kbd_key(Ps2Kbd *s, Ps2Key key, bool down);

Ps2Mouse *ps2_mouse_new(const IsaEnv *env, IrqLine ready);
void ps2_mouse_write(Ps2Mouse *s, uint8_t byte);
int ps2_mouse_read(Ps2Mouse *s);
/* Relative motion in screen terms (dx right, dy down), wheel clicks (dz
 * positive towards the user) and the buttons held now. */
void ps2_mouse_event(Ps2Mouse *s, int dx, int dy, int dz, unsigned buttons);

/* The 8042's translation of a keyboard byte to scancode set 1 (the
 * controller ORs in 0x80 for a byte after 0xf0). */
uint8_t ps2_translate(uint8_t code);

#endif
