/* SPDX-License-Identifier: MIT */
/*
 * virtio-console (virtio 1.x, 5.3), one port, no MULTIPORT: the guest's
 * hvc0 on the launcher's stdin and stdout (--console virtio).
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_CONSOLE_H
#define DIRECTBOOT_DEVICES_VIRTIO_CONSOLE_H

#include <stdbool.h>

#include "virtio_mmio.h"

#define VIRTIO_CONSOLE_QUEUE_SIZE 64
#define VIRTIO_CONSOLE_ESCAPE 0x01 /* Ctrl-A, then x quits */

struct virtio_console {
	struct virtio_mmio mmio;
	int in_fd, out_fd;
	bool in_eof;
	bool escape;
	void (*quit)(void *opaque);
	void *quit_opaque;
	struct virtq_elem elem;
};

void virtio_console_init(struct virtio_console *c, int in_fd, int out_fd,
			 const struct virtio_mem *mem, uint64_t base,
			 unsigned irq, void (*irq_raise)(void *), void *opaque);

enum virtio_console_input {
	VIRTIO_CONSOLE_READ,	  /* bytes went to the guest: call again */
	VIRTIO_CONSOLE_NO_BUFFER, /* the guest has no rx buffer: wait for its
				    kick on the receive queue */
	VIRTIO_CONSOLE_EOF,	  /* stdin is done: stop watching it */
};

/* in_fd is readable: move what it holds into the guest's next receive
 * buffer.  Takes the device lock. */
enum virtio_console_input virtio_console_input(struct virtio_console *c);

#endif
