/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2): one
 * 512-byte register window per device, one interrupt line, and the
 * device's virtqueues.  A device (blk, net, console, rng) fills a
 * struct virtio_dev_ops and gets its queues kicked; the transport does
 * feature negotiation, queue set-up, reset and the interrupt status.
 *
 * Locking: every entry point takes the device's lock, so the vCPU
 * threads (register accesses) and the I/O thread (queue kicks, host
 * input) never see a device half-updated.  The ops run with it held.
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_MMIO_H
#define DIRECTBOOT_DEVICES_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtio_queue.h"

#define VIRTIO_MMIO_QUEUES_MAX 2
#define VIRTIO_MMIO_CONFIG_MAX 64

struct virtio_mmio;

struct virtio_dev_ops {
	const char *name;
	uint32_t device_id;
	uint64_t features; /* offered; the transport adds VERSION_1,
				EVENT_IDX and INDIRECT_DESC */
	unsigned nr_queues;
	uint16_t queue_max;
	/* The driver notified queue q (or the I/O thread wants it looked
	 * at again).  Only called while the queue is live. */
	void (*kick)(struct virtio_mmio *d, unsigned q);
	/* The device was reset: drop in-flight state.  May be NULL. */
	void (*reset)(struct virtio_mmio *d);
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	void *dev; /* the device model */
	const struct virtio_mem *mem;
	uint64_t base; /* guest physical window */
	unsigned irq;
	/* Raise the interrupt line (an edge: irqfd or KVM_IRQ_LINE 1, 0). */
	void (*irq_raise)(void *opaque);
	void *irq_opaque;
	pthread_mutex_t lock;

	uint8_t config[VIRTIO_MMIO_CONFIG_MAX];
	uint32_t config_size;

	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool broken; /* NEEDS_RESET: queues stay stopped */
	const char *broken_why;
	struct virtq vq[VIRTIO_MMIO_QUEUES_MAX];
};

void virtio_mmio_init(struct virtio_mmio *d, const struct virtio_dev_ops *ops,
		      void *dev, const struct virtio_mem *mem, uint64_t base,
		      unsigned irq, void (*irq_raise)(void *), void *opaque);
void virtio_mmio_destroy(struct virtio_mmio *d);

/* A guest access to [base + off, base + off + len). */
void virtio_mmio_read(struct virtio_mmio *d, uint64_t off, uint8_t *data,
		      unsigned len);
void virtio_mmio_write(struct virtio_mmio *d, uint64_t off, const uint8_t *data,
		       unsigned len);

/* The queue's ioeventfd fired (or QueueNotify was written). */
void virtio_mmio_notify(struct virtio_mmio *d, unsigned q);

/* Locked helpers for a device's own threads (host input ready). */
void virtio_mmio_lock(struct virtio_mmio *d);
void virtio_mmio_unlock(struct virtio_mmio *d);

/* For the ops, with the lock held: */
/* Is queue q live (DRIVER_OK, ready, not broken)? */
bool virtio_mmio_queue_live(struct virtio_mmio *d, unsigned q);
/* Raise the used-buffer interrupt when the queue's driver wants it. */
void virtio_mmio_used(struct virtio_mmio *d, unsigned q);
/* The driver broke the spec: DEVICE_NEEDS_RESET, queues stopped, a
 * configuration-change interrupt.  The rest of the VM runs on. */
void virtio_mmio_fail(struct virtio_mmio *d, const char *why);
bool virtio_mmio_has_feature(const struct virtio_mmio *d, unsigned bit);

#endif
