/*
 * Character backends: where a serial port, the debug console or the monitor
 * sends its bytes and gets its input.
 *
 * Promise: chardev_new() opens the backend a ChardevSpec names (stdio, a
 * file, null; tcp servers later) or explains in @err why it cannot.
 * Writes never block the machine for long and never fail loudly (a closed
 * terminal just drops bytes). Input arrives through the main loop: the
 * machine polls chardev_poll_fd() and calls chardev_poll_ready(), which
 * hands bytes to the receive callback while can_receive allows. A stdio
 * backend that takes input puts the terminal in raw mode and restores it
 * in chardev_free().
 *
 * An input escape can be switched on (the board does it for stdio, whose
 * raw terminal no longer turns Ctrl-C into a signal): Ctrl-A then a key is
 * not input but a command. Ctrl-A h prints the keys, Ctrl-A Ctrl-A sends
 * one Ctrl-A, any other key goes to the escape handler (Ctrl-A x: exit).
 */
#ifndef PCVM_CHARDEV_H
#define PCVM_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

#include "core/log.h"
#include "core/options.h"

typedef struct Chardev Chardev;

/* How many bytes the frontend can take now (0: none). */
typedef size_t ChardevCanReceive(void *opaque);
typedef void ChardevReceive(void *opaque, const uint8_t *buf, size_t len);
/* Ctrl-A @key was typed (not h, ?, or Ctrl-A). */
typedef void ChardevEscape(void *opaque, int key);

Chardev *chardev_new(const ChardevSpec *spec, Log *log, char *err,
                     size_t errlen);
void chardev_free(Chardev *c);
void chardev_write(Chardev *c, const void *buf, size_t len);
void chardev_set_receiver(Chardev *c, ChardevCanReceive *can,
                          ChardevReceive *rx, void *opaque);
/* The fd to poll for input, or -1. */
int chardev_poll_fd(Chardev *c);
/* Input is ready on the fd: read and deliver what the frontend takes. */
void chardev_poll_ready(Chardev *c);
/* Deliver input held back because the frontend was full. */
void chardev_accept_input(Chardev *c);
/* Watch the input for Ctrl-A commands. */
void chardev_set_escape(Chardev *c, ChardevEscape *fn, void *opaque);
/* Take @buf as if the backend had read it (escape handling, flow control
 * and all); bytes that do not fit the input buffer are dropped. */
void chardev_feed(Chardev *c, const uint8_t *buf, size_t len);

#endif
