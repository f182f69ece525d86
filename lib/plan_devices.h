/* SPDX-License-Identifier: MIT */
/*
 * The plan's decisions for devices: the virtio-mmio windows with their
 * IRQs and command-line entries (plan_devices.c), and the MP table
 * (mptable.c).  plan.c calls these two hooks; the rest of the plan
 * never needs to know about either.
 */
#ifndef DIRECTBOOT_LIB_PLAN_DEVICES_H
#define DIRECTBOOT_LIB_PLAN_DEVICES_H

#include "plan_int.h"

/* virtio-mmio windows: 512 bytes each (virtio 1.x, 4.2.2), one per
 * page, from 3.25 GiB up: inside the 32-bit hole when there is one and
 * above RAM when there is not (RAM below 4 GiB ends at 3 GiB). */
#define PLAN_VIRTIO_BASE 0xd0000000ull
#define PLAN_VIRTIO_STRIDE 0x1000ull

/*
 * Choose each virtio device's window and IRQ and set plan->cmdline to
 * the caller's command line with "virtio_mmio.device=512@<base>:<irq>"
 * appended per device (the form Linux's virtio_mmio.c parses).
 */
int plan_virtio_place(struct plan *plan, const struct plan_options *o,
		      struct db_error *err);

#endif
