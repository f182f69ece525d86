/* SPDX-License-Identifier: MIT */
/*
 * virtio-console (virtio 1.x, 5.3), one port, no MULTIPORT: the guest's
 * hvc0, its input from the host terminal (term.h), its output to stdout
 * (--console virtio).
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_CONSOLE_H
#define DIRECTBOOT_DEVICES_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "virtio_mmio.h"

#define VIRTIO_CONSOLE_QUEUE_SIZE 64

struct virtio_console {
	struct virtio_mmio mmio;
	int out_fd;
	bool rx_full; /* the terminal was turned away: term_room() on a kick */
	struct virtq_elem elem;
};

void virtio_console_init(struct virtio_console *c, int out_fd,
			 const struct virtio_mem *mem, uint64_t base,
			 unsigned irq, void (*irq_raise)(void *), void *opaque);

/* Typed bytes into the guest's receive buffers (a term_input_fn: console
 * is the struct virtio_console); returns how many found a buffer.  Takes
 * the device lock. */
size_t virtio_console_input(void *console, const uint8_t *buf, size_t len);

#endif
