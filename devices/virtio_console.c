// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio 1.x, 5.3) with a single port: receiveq0 and
 * transmitq0, no features besides the transport's.
 *
 * Output: each chain on transmitq0 goes to out_fd with one writev()
 * (term_writev()) straight from guest memory.  Input comes from the
 * host terminal (term.c), whose thread reads stdin and handles the
 * Ctrl-A escape, the same for hvc0 as for ttyS0: virtio_console_input()
 * copies what it is given into the receive buffers the driver posted.
 * With none posted it takes nothing and remembers it, and the driver's
 * next kick on receiveq0 tells the terminal there is room: the bytes
 * wait in the terminal and the host's tty or pipe until then.
 */
#include <string.h>

#include "directboot/virtio.h"
#include "term.h"
#include "virtio_console.h"

static void console_kick(struct virtio_mmio *d, unsigned qi)
{
	struct virtio_console *c = d->dev;
	struct virtq *q = &d->vq[qi];
	const char *why = NULL;
	int r;

	/* The receive queue is filled by virtio_console_input(). */
	if (qi != VIRTIO_CONSOLE_TX) {
		if (c->rx_full) {
			c->rx_full = false;
			term_room();
		}
		return;
	}
	do {
		while ((r = virtq_pop(q, d->mem, &c->elem, &why)) > 0) {
			/* When stdout is gone, the guest's bytes are lost. */
			term_writev(c->out_fd, c->elem.iov,
				    (int)c->elem.nr_out);
			virtq_push(q, c->elem.head, 0);
		}
		if (r < 0) {
			virtio_mmio_fail(d, why);
			return;
		}
	} while (virtq_enable_notify(q));
	virtio_mmio_used(d, qi);
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = VIRTIO_CONSOLE_QUEUE_SIZE,
	.kick = console_kick,
};

void virtio_console_init(struct virtio_console *c, int out_fd,
			 const struct virtio_mem *mem, uint64_t base,
			 unsigned irq, void (*irq_raise)(void *), void *opaque)
{
	virtio_mmio_init(&c->mmio, &console_ops, c, mem, base, irq, irq_raise,
			 opaque);
	c->out_fd = out_fd;
	c->rx_full = false;
}

/* Copy up to len bytes into the chain's writable part. */
static size_t fill_chain(struct virtq_elem *e, const uint8_t *buf, size_t len)
{
	struct iovec *in = e->iov + e->nr_out;
	size_t done = 0;

	for (unsigned i = 0; i < e->nr_in && done < len; i++) {
		size_t n =
			in[i].iov_len < len - done ? in[i].iov_len : len - done;

		memcpy(in[i].iov_base, buf + done, n);
		done += n;
	}
	return done;
}

static size_t input_locked(struct virtio_console *c, const uint8_t *buf,
			   size_t len)
{
	struct virtio_mmio *d = &c->mmio;
	struct virtq *q = &d->vq[VIRTIO_CONSOLE_RX];
	const char *why = NULL;
	size_t done = 0;
	int r;

	if (!virtio_mmio_queue_live(d, VIRTIO_CONSOLE_RX)) {
		c->rx_full = true;
		return 0;
	}
	while (done < len) {
		r = virtq_pop(q, d->mem, &c->elem, &why);
		if (r < 0) {
			virtio_mmio_fail(d, why);
			break;
		}
		if (!r) {
			if (virtq_enable_notify(q))
				continue;
			break;
		}
		size_t n = fill_chain(&c->elem, buf + done, len - done);

		virtq_push(q, c->elem.head, (uint32_t)n);
		done += n;
		if (!n)
			break; /* a chain with no room: do not spin on it */
	}
	if (done)
		virtio_mmio_used(d, VIRTIO_CONSOLE_RX);
	if (done < len)
		c->rx_full = true;
	return done;
}

size_t virtio_console_input(void *console, const uint8_t *buf, size_t len)
{
	struct virtio_console *c = console;
	size_t r;

	virtio_mmio_lock(&c->mmio);
	r = input_locked(c, buf, len);
	virtio_mmio_unlock(&c->mmio);
	return r;
}
