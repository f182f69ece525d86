/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng (virtio 1.x, 5.4): entropy from getrandom(), at most rate
 * bytes per second when a rate is set (--rng=RATE).
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_RNG_H
#define DIRECTBOOT_DEVICES_VIRTIO_RNG_H

#include <stdint.h>

#include "virtio_mmio.h"

#define VIRTIO_RNG_QUEUE_SIZE 64

struct virtio_rng {
	struct virtio_mmio mmio;
	uint64_t rate;	  /* bytes per second; 0: no limit */
	uint64_t tokens;  /* bytes the bucket holds now */
	uint64_t last_ns; /* when it was last refilled */
	uint64_t (*now_ns)(void);
	uint64_t wait_ns; /* > 0: a request waits for tokens; kick the
			       queue again (virtio_mmio_notify) after this */
	struct virtq_elem elem;
};

/* now_ns: the clock (CLOCK_MONOTONIC ns); tests pass their own. */
void virtio_rng_init(struct virtio_rng *r, uint64_t rate,
		     uint64_t (*now_ns)(void), const struct virtio_mem *mem,
		     uint64_t base, unsigned irq, void (*irq_raise)(void *),
		     void *opaque);

#endif
