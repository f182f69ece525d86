// SPDX-License-Identifier: MIT
/*
 * Where the virtio-mmio devices go, and how the guest learns it.  There
 * is no bus to probe: the guest reads "virtio_mmio.device=512@0x...:N"
 * from its command line (Linux's drivers/virtio/virtio_mmio.c, the way
 * Firecracker's guests find theirs), so the plan appends one entry per
 * device, and the command-line length check then covers them too.
 * This file fills the windows and writes the command line; lib/plan.c
 * (place_devices) gives the base address and the memory.
 *
 * IRQs: ISA lines nothing else in this machine uses (COM1 has 4, the
 * i8042 1 and 12, the RTC 8, the FPU 13), all below 16, so that they
 * reach the guest through the PIC as well as the I/O APIC: a one-CPU
 * guest has no MP table and Linux then drives the PIC alone.
 */
#include <inttypes.h>
#include <stdio.h>

#include "plan_int.h"

/* clang-format off */
static const uint8_t virtio_irqs[PLAN_VIRTIO_MAX] = {
	5, 6, 7, 9, 10, 11, 14, 15,
};
/* clang-format on */

int plan_devices_windows(struct plan_mmio_window *w, unsigned n, uint64_t base,
			 struct db_error *err)
{
	if (n > PLAN_VIRTIO_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: %u virtio devices, at most %u", n,
			       PLAN_VIRTIO_MAX);
	for (unsigned i = 0; i < n; i++) {
		w[i].gpa = base + i * PLAN_VIRTIO_STRIDE;
		w[i].size = VIRTIO_MMIO_WINDOW;
		w[i].irq = virtio_irqs[i];
	}
	return DB_OK;
}

size_t plan_devices_cmdline(char *buf, size_t size, const char *user,
			    const struct plan_mmio_window *w, unsigned n)
{
	size_t len = (size_t)snprintf(buf, size, "%s", user);

	for (unsigned i = 0; i < n; i++) {
		bool room = len < size;

		len += (size_t)snprintf(
			room ? buf + len : NULL, room ? size - len : 0,
			"%svirtio_mmio.device=%u@0x%" PRIx64 ":%u",
			len ? " " : "", w[i].size, w[i].gpa, w[i].irq);
	}
	return len;
}
