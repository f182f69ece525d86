/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue (virtio 1.x, 2.7), device side: take descriptor
 * chains the driver made available, turn them into host iovecs that lie
 * inside guest RAM, and hand them back through the used ring.
 *
 * The guest is untrusted.  Every address it gives is checked against
 * the RAM regions in struct virtio_mem before anything is read or
 * written; a chain that loops, leaves RAM, indexes past the queue or
 * puts a readable buffer after a writable one makes virtq_pop() return
 * -1, and the transport then marks the device DEVICE_NEEDS_RESET.
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_QUEUE_H
#define DIRECTBOOT_DEVICES_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define VIRTIO_MEM_REGIONS_MAX 8
/* Buffers per chain we accept (a chain is at most the queue size, but
 * a buffer that straddles two RAM regions takes two iovecs). */
#define VIRTQ_IOV_MAX 256
/* Descriptors in one indirect table (Linux uses at most seg_max + 2). */
#define VIRTQ_INDIRECT_MAX 256

/* Guest RAM as the devices see it: [gpa, gpa + size) at hva. */
struct virtio_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct virtio_mem {
	unsigned nr;
	struct virtio_mem_region r[VIRTIO_MEM_REGIONS_MAX];
};

/*
 * The host address of [gpa, gpa + len) when one region holds all of it,
 * else NULL.  Never overflows, whatever gpa and len are.
 */
void *virtio_mem_ptr(const struct virtio_mem *mem, uint64_t gpa, uint64_t len);

/*
 * Append the iovecs covering [gpa, gpa + len) to iov[*n..max): one per
 * region the range crosses, when the regions are adjacent in guest
 * physical space.  False when any byte lies outside RAM or max is hit.
 */
bool virtio_mem_iov(const struct virtio_mem *mem, uint64_t gpa, uint64_t len,
		    struct iovec *iov, unsigned *n, unsigned max);

struct virtq {
	/* Set by the driver through the transport. */
	uint16_t num;
	bool ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */

	/* Resolved by virtq_start(). */
	uint8_t *desc, *avail, *used;
	uint16_t last_avail; /* next avail ring entry to take */
	uint16_t used_idx;   /* our copy of used->idx */
	uint16_t signalled;  /* used_idx at the last notification */
	bool signalled_valid;
};

/* One chain: readable buffers first (out), then writable ones (in). */
struct virtq_elem {
	uint16_t head;
	unsigned nr_out, nr_in;
	uint64_t out_len, in_len;
	struct iovec iov[VIRTQ_IOV_MAX];
};

/* Back to the reset state; queue size num_max. */
void virtq_reset(struct virtq *q, uint16_t num_max);

/*
 * Check the rings the driver placed (size a power of two no bigger than
 * num_max, each ring aligned and inside one RAM region) and resolve them.
 * Returns false, with a reason in *why, when they break a rule.
 */
bool virtq_start(struct virtq *q, const struct virtio_mem *mem,
		 uint16_t num_max, const char **why);

/*
 * Take the next available chain.  1: *e holds it; 0: none available;
 * -1: the driver broke a rule (*why says which) and the queue must stop.
 */
int virtq_pop(struct virtq *q, const struct virtio_mem *mem,
	      struct virtq_elem *e, const char **why);

/* Put a chain back on the avail ring unconsumed (e.g. an rx buffer that
 * had no frame to take after all). */
void virtq_unpop(struct virtq *q);

/* Return chain head with len bytes written into its writable part. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* After a batch of pushes: does the driver want an interrupt?  Honours
 * VRING_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX. */
bool virtq_should_notify(struct virtq *q);

/* With EVENT_IDX, tell the driver to notify again once it makes the next
 * chain available; without, clear VRING_USED_F_NO_NOTIFY.  Returns true
 * when a chain became available meanwhile (process again). */
bool virtq_enable_notify(struct virtq *q);

/* Copy between an iovec array and a flat buffer, from byte offset off.
 * Return the bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf,
		  size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off,
		    const void *buf, size_t len);

/* Copy into dst (at most max entries) the part of iov[0..n) that lies in
 * [off, off + len).  Returns the number of entries. */
unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off, size_t len,
		   struct iovec *dst, unsigned max);

#endif
