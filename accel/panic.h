/* SPDX-License-Identifier: MIT */
/*
 * A guest kernel's panic, seen on its console.  Linux ends every panic
 * with one line, "---[ end Kernel panic - not syncing: REASON ]---"
 * (kernel/panic.c), then spins with interrupts on: no exit reaches the
 * launcher, so without this the run would wait for Ctrl-A x or
 * --timeout.  Both accelerators feed what the guest writes to its
 * console (COM1, hvc0) through one watch and end the run with
 * EXIT_GUEST_PANIC when that line is complete.  A console is the one
 * channel every kernel has: pvpanic is a module in Debian's kernels.
 */
#ifndef DIRECTBOOT_ACCEL_PANIC_H
#define DIRECTBOOT_ACCEL_PANIC_H

#include <stdbool.h>
#include <stddef.h>

#define ACCEL_PANIC_MARK "---[ end Kernel panic - not syncing: "
#define ACCEL_PANIC_LINE_MAX 256

struct accel_panic {
	char line[ACCEL_PANIC_LINE_MAX]; /* the line so far (truncated) */
	size_t len;
	bool seen;			   /* the end line was complete */
	char reason[ACCEL_PANIC_LINE_MAX]; /* REASON, once seen */
};

/* Feed n bytes of console output.  True once the end line has been
 * seen (then and every call after); p->reason says why. */
bool accel_panic_feed(struct accel_panic *p, const void *buf, size_t n);

#endif
