/* SPDX-License-Identifier: MIT */
/*
 * The host terminal, once for every console: raw mode and its restore,
 * the thread that reads stdin, the Ctrl-A escape, and the write loops
 * that put a console's output on stdout.  The guest's console (the UART
 * or virtio-console) attaches to it and gets the typed bytes, the escape
 * already handled.  See term.c.
 */
#ifndef DIRECTBOOT_DEVICES_TERM_H
#define DIRECTBOOT_DEVICES_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* The escape key: Ctrl-A, then x (or X) to quit or Ctrl-A to send one
 * Ctrl-A; Ctrl-A and any other key sends nothing. */
#define TERM_ESCAPE 0x01

/* The escape's state between reads: a Ctrl-A waits for its key. */
struct term_escape {
	bool pending;
};

/*
 * Run n typed bytes through the escape.  The bytes for the guest go to
 * out (room for n) and their count is returned.  *quit becomes true at
 * Ctrl-A x; the bytes after it are not looked at.
 */
size_t term_escape_feed(struct term_escape *e, const uint8_t *in, size_t n,
			uint8_t *out, bool *quit);

/*
 * The guest's console: take up to len typed bytes, return how many were
 * taken.  Called on the terminal's thread.  A console that takes fewer
 * calls term_room() once it has room again; the rest wait until then.
 */
typedef size_t term_input_fn(void *console, const uint8_t *buf, size_t len);

/* Make input(console) the guest's console (NULL: none; typed bytes
 * wait).  Before or after term_start(). */
void term_attach(term_input_fn *input, void *console);

/* The attached console has room again.  Lock-free: a console calls it
 * with its own lock held, from any thread. */
void term_room(void);

/*
 * Put in_fd into raw mode when it is a terminal and start the thread
 * that reads it.  quit(opaque) is Ctrl-A x, called on that thread.
 * Returns 0, or -errno when the thread cannot start.
 */
int term_start(int in_fd, void (*quit)(void *), void *opaque);

/*
 * Wait until the thread runs its own code: a sandbox installed next must
 * not catch the C library (or ASan) still starting it with calls the
 * filter refuses.  Apart, so that the thread gets going meanwhile.
 */
void term_wait(void);

/* Stop the thread, detach the console, restore the terminal. */
void term_stop(void);

/* Restore the terminal only; async-signal-safe, for fatal signals. */
void term_restore(void);

/* Write all of buf (or iov) to fd, through EINTR and short writes.
 * Returns 0, or -1 when fd is gone (the guest's bytes are lost). */
/*
 * Every byte the consoles write to the host (term_write, term_writev) is
 * shown to watch(opaque, ...) first, from whichever thread writes it:
 * the run loop watches for a guest panic there.  NULL: none.
 */
void term_watch(void (*watch)(void *opaque, const void *buf, size_t len),
		void *opaque);

int term_write(int fd, const void *buf, size_t len);
int term_writev(int fd, struct iovec *iov, int n);

#endif
