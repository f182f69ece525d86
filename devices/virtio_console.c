// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio 1.x, 5.3) with a single port: receiveq0 and
 * transmitq0, no features besides the transport's.
 *
 * Output: each chain on transmitq0 goes to out_fd with one writev()
 * straight from guest memory.  Input: when in_fd is readable, the I/O
 * thread calls virtio_console_input(), which reads straight into the
 * next receive buffer.  With no buffer posted it reports so, and the
 * I/O thread stops watching in_fd until the driver kicks receiveq0:
 * bytes wait in the host's pipe or tty, not in a copy here.
 *
 * The terminal is left as it is (cooked, when a tty): the UART's raw
 * mode belongs to the serial console, which still carries earlyprintk.
 * Ctrl-A x typed into hvc0 quits, as on the serial console.
 */
#include <errno.h>
#include <unistd.h>

#include "directboot/virtio.h"
#include "virtio_console.h"

static void tx_chain(struct virtio_console *c, struct virtq_elem *e)
{
	struct iovec *iov = e->iov;
	unsigned n = e->nr_out;

	while (n) {
		ssize_t w = writev(c->out_fd, iov, (int)n);
		size_t done;

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* stdout gone: the guest's bytes are lost */
		done = (size_t)w;
		while (n && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

static void console_kick(struct virtio_mmio *d, unsigned qi)
{
	struct virtio_console *c = d->dev;
	struct virtq *q = &d->vq[qi];
	const char *why = NULL;
	int r;

	/* The receive queue is filled by virtio_console_input(). */
	if (qi != VIRTIO_CONSOLE_TX)
		return;
	do {
		while ((r = virtq_pop(q, d->mem, &c->elem, &why)) > 0) {
			tx_chain(c, &c->elem);
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

void virtio_console_init(struct virtio_console *c, int in_fd, int out_fd,
			 const struct virtio_mem *mem, uint64_t base,
			 unsigned irq, void (*irq_raise)(void *), void *opaque)
{
	virtio_mmio_init(&c->mmio, &console_ops, c, mem, base, irq, irq_raise,
			 opaque);
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->in_eof = in_fd < 0;
	c->escape = false;
}

/* Ctrl-A x, seen in what just went to the guest. */
static void check_escape(struct virtio_console *c, struct virtq_elem *e,
			 size_t len)
{
	struct iovec *in = e->iov + e->nr_out;

	for (unsigned i = 0; i < e->nr_in && len; i++) {
		const uint8_t *p = in[i].iov_base;
		size_t n = in[i].iov_len < len ? in[i].iov_len : len;

		for (size_t k = 0; k < n; k++) {
			if (c->escape && p[k] == 'x' && c->quit)
				c->quit(c->quit_opaque);
			c->escape = p[k] == VIRTIO_CONSOLE_ESCAPE;
		}
		len -= n;
	}
}

static enum virtio_console_input input_locked(struct virtio_console *c)
{
	struct virtio_mmio *d = &c->mmio;
	struct virtq *q = &d->vq[VIRTIO_CONSOLE_RX];
	const char *why = NULL;
	ssize_t n;
	int r;

	if (c->in_eof)
		return VIRTIO_CONSOLE_EOF;
	if (!virtio_mmio_queue_live(d, VIRTIO_CONSOLE_RX))
		return VIRTIO_CONSOLE_NO_BUFFER;
	r = virtq_pop(q, d->mem, &c->elem, &why);
	if (r < 0) {
		virtio_mmio_fail(d, why);
		return VIRTIO_CONSOLE_NO_BUFFER;
	}
	if (!r) {
		virtq_enable_notify(q);
		return VIRTIO_CONSOLE_NO_BUFFER;
	}
	do
		n = readv(c->in_fd, c->elem.iov + c->elem.nr_out,
			  (int)c->elem.nr_in);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		virtq_unpop(q);
		if (n < 0 && errno == EAGAIN)
			return VIRTIO_CONSOLE_READ;
		c->in_eof = true;
		return VIRTIO_CONSOLE_EOF;
	}
	check_escape(c, &c->elem, (size_t)n);
	virtq_push(q, c->elem.head, (uint32_t)n);
	virtio_mmio_used(d, VIRTIO_CONSOLE_RX);
	return VIRTIO_CONSOLE_READ;
}

enum virtio_console_input virtio_console_input(struct virtio_console *c)
{
	enum virtio_console_input r;

	virtio_mmio_lock(&c->mmio);
	r = input_locked(c);
	virtio_mmio_unlock(&c->mmio);
	return r;
}
