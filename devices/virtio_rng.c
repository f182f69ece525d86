// SPDX-License-Identifier: MIT
/*
 * virtio-rng (virtio 1.x, 5.4): one queue of writable buffers, each
 * filled from getrandom() straight into guest memory.
 *
 * The rate limit is a token bucket holding at most one second's worth
 * of bytes (rate), refilled continuously.  A request takes what the
 * bucket holds, up to its size (the spec lets the device write fewer
 * bytes than the buffer has); with the bucket empty the request stays
 * on the ring and wait_ns tells the I/O thread when to look again, so a
 * guest asking too fast just waits, and nothing spins.
 */
#include <errno.h>
#include <sys/random.h>

#include "directboot/virtio.h"
#include "virtio_rng.h"

static void refill(struct virtio_rng *r)
{
	uint64_t now = r->now_ns(), add;

	if (!r->rate)
		return;
	add = (now - r->last_ns) / 1000 * r->rate / 1000000;
	if (!add)
		return;
	r->last_ns = now;
	r->tokens = r->tokens + add > r->rate ? r->rate : r->tokens + add;
}

/* Fill up to max bytes of the chain; returns the bytes written. */
static uint64_t fill(struct virtq_elem *e, uint64_t max)
{
	struct iovec *in = e->iov + e->nr_out;
	uint64_t done = 0;

	for (unsigned i = 0; i < e->nr_in && done < max; i++) {
		size_t want = in[i].iov_len, got = 0;

		if (want > max - done)
			want = max - done;
		while (got < want) {
			ssize_t n = getrandom((uint8_t *)in[i].iov_base + got,
					      want - got, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return done + got;
			got += (size_t)n;
		}
		done += got;
	}
	return done;
}

static void rng_kick(struct virtio_mmio *d, unsigned qi)
{
	struct virtio_rng *r = d->dev;
	struct virtq *q = &d->vq[qi];
	const char *why = NULL;
	int ret;

	r->wait_ns = 0;
	do {
		while ((ret = virtq_pop(q, d->mem, &r->elem, &why)) > 0) {
			uint64_t max = r->elem.in_len, n;

			refill(r);
			if (r->rate && !r->tokens) {
				virtq_unpop(q);
				/* One byte's time, at least a millisecond. */
				r->wait_ns = 1000000000ull / r->rate;
				r->wait_ns = r->wait_ns < 1000000 ? 1000000
								  : r->wait_ns;
				goto out;
			}
			if (r->rate && max > r->tokens)
				max = r->tokens;
			if (max > UINT32_MAX)
				max = UINT32_MAX;
			n = fill(&r->elem, max);
			if (r->rate)
				r->tokens -= n;
			virtq_push(q, r->elem.head, (uint32_t)n);
		}
		if (ret < 0) {
			virtio_mmio_fail(d, why);
			return;
		}
	} while (virtq_enable_notify(q));
out:
	virtio_mmio_used(d, qi);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_max = VIRTIO_RNG_QUEUE_SIZE,
	.kick = rng_kick,
};

void virtio_rng_init(struct virtio_rng *r, uint64_t rate,
		     uint64_t (*now_ns)(void), const struct virtio_mem *mem,
		     uint64_t base, unsigned irq, void (*irq_raise)(void *),
		     void *opaque)
{
	virtio_mmio_init(&r->mmio, &rng_ops, r, mem, base, irq, irq_raise,
			 opaque);
	r->rate = rate;
	r->tokens = rate;
	r->now_ns = now_ns;
	r->last_ns = now_ns();
	r->wait_ns = 0;
}
