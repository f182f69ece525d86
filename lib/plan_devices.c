// SPDX-License-Identifier: MIT
/*
 * Where the virtio-mmio devices go, and how the guest learns it.  There
 * is no bus to probe: the guest reads "virtio_mmio.device=512@0x...:N"
 * from its command line (Linux's drivers/virtio/virtio_mmio.c, the way
 * Firecracker's guests find theirs), so the plan appends one entry per
 * device, and the command-line length check then covers them too.
 *
 * IRQs: ISA lines nothing else in this machine uses (COM1 has 4, the
 * i8042 1 and 12, the RTC 8, the FPU 13), all below 16, so that they
 * reach the guest through the PIC as well as the I/O APIC: a one-CPU
 * guest has no MP table and Linux then drives the PIC alone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plan_devices.h"

/* clang-format off */
static const uint8_t virtio_irqs[PLAN_VIRTIO_MAX] = {
	5, 6, 7, 9, 10, 11, 14, 15,
};
/* clang-format on */

#define ENTRY_MAX 48 /* " virtio_mmio.device=512@0xd0007000:15" */

int plan_virtio_place(struct plan *plan, const struct plan_options *o,
		      struct db_error *err)
{
	const char *user = o->cmdline ? o->cmdline : "";
	size_t len = strlen(user), cap;
	char *s;

	plan->cmdline = user;
	if (!o->nr_virtio)
		return DB_OK;
	if (o->nr_virtio > PLAN_VIRTIO_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: %u virtio devices, "
			       "at most %u",
			       o->nr_virtio, PLAN_VIRTIO_MAX);
	cap = len + (size_t)o->nr_virtio * ENTRY_MAX + 1;
	s = plan_alloc(plan, cap);
	if (!s)
		return db_fail(err, DB_ERR_HOST,
			       "plan: out of memory for "
			       "the command line");
	memcpy(s, user, len + 1);
	for (unsigned i = 0; i < o->nr_virtio; i++) {
		struct plan_mmio_window *w = &plan->virtio[i];

		w->gpa = PLAN_VIRTIO_BASE + i * PLAN_VIRTIO_STRIDE;
		w->size = VIRTIO_MMIO_WINDOW;
		w->irq = virtio_irqs[i];
		len += (size_t)snprintf(
			s + len, cap - len,
			"%svirtio_mmio.device=%u@0x%" PRIx64 ":%u",
			len ? " " : "", w->size, w->gpa, w->irq);
	}
	plan->nr_virtio = o->nr_virtio;
	plan->cmdline = s;
	return DB_OK;
}
