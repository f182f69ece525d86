// SPDX-License-Identifier: MIT
/*
 * virtio-mmio, version 2 (virtio 1.x, section 4.2).  The guest finds the
 * window from "virtio_mmio.device=512@<base>:<irq>" on its command line,
 * reads the magic, version and device ID, and then walks the device
 * initialisation of 3.1.1: reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK (which we refuse, by not setting it, unless the driver
 * took VIRTIO_F_VERSION_1 and nothing we did not offer), queue set-up,
 * DRIVER_OK.
 *
 * Registers are 32 bits wide and 4-byte aligned (4.2.2.2); another
 * width reads as zero and writes nothing.  The configuration space takes
 * any width inside it.
 *
 * A driver that breaks the rules (a bad queue, a chain out of RAM, a
 * status bit cleared) gets DEVICE_NEEDS_RESET and a configuration-change
 * interrupt (2.1.2): the device stops touching its queues until the
 * driver writes 0 to Status, and every other device and vCPU runs on.
 */
#include <stdio.h>
#include <string.h>

#include "directboot/virtio.h"
#include "virtio_mmio.h"

#define VIRTIO_MMIO_VERSION_2 2
#define VIRTIO_MMIO_VENDOR 0x544f4244 /* "DBOT" */

static uint64_t offered(const struct virtio_mmio *d)
{
	return d->ops->features | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTIO_RING_F_EVENT_IDX |
	       1ull << VIRTIO_RING_F_INDIRECT_DESC;
}

void virtio_mmio_init(struct virtio_mmio *d, const struct virtio_dev_ops *ops,
		      void *dev, const struct virtio_mem *mem, uint64_t base,
		      unsigned irq, void (*irq_raise)(void *), void *opaque)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->dev = dev;
	d->mem = mem;
	d->base = base;
	d->irq = irq;
	d->irq_raise = irq_raise;
	d->irq_opaque = opaque;
	pthread_mutex_init(&d->lock, NULL);
	for (unsigned i = 0; i < VIRTIO_MMIO_QUEUES_MAX; i++)
		virtq_reset(&d->vq[i], ops->queue_max);
}

void virtio_mmio_destroy(struct virtio_mmio *d)
{
	pthread_mutex_destroy(&d->lock);
}

void virtio_mmio_lock(struct virtio_mmio *d)
{
	pthread_mutex_lock(&d->lock);
}

void virtio_mmio_unlock(struct virtio_mmio *d)
{
	pthread_mutex_unlock(&d->lock);
}

bool virtio_mmio_has_feature(const struct virtio_mmio *d, unsigned bit)
{
	return bit < 64 && (d->driver_features >> bit) & 1;
}

bool virtio_mmio_queue_live(struct virtio_mmio *d, unsigned q)
{
	return q < d->ops->nr_queues && d->vq[q].ready && !d->broken &&
	       (d->status & VIRTIO_CONFIG_S_DRIVER_OK);
}

static void raise_irq(struct virtio_mmio *d, uint32_t why)
{
	d->interrupt_status |= why;
	if (d->irq_raise)
		d->irq_raise(d->irq_opaque);
}

void virtio_mmio_used(struct virtio_mmio *d, unsigned q)
{
	if (virtq_should_notify(&d->vq[q]))
		raise_irq(d, VIRTIO_MMIO_INT_VRING);
}

void virtio_mmio_fail(struct virtio_mmio *d, const char *why)
{
	if (d->broken)
		return;
	d->broken = true;
	d->broken_why = why;
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	fprintf(stderr,
		"directboot: %s at 0x%llx: the driver broke the "
		"virtio spec (%s): DEVICE_NEEDS_RESET\r\n",
		d->ops->name, (unsigned long long)d->base, why);
	if (d->status & VIRTIO_CONFIG_S_DRIVER_OK)
		raise_irq(d, VIRTIO_MMIO_INT_CONFIG);
}

static void device_reset(struct virtio_mmio *d)
{
	d->status = 0;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	d->driver_features = 0;
	d->interrupt_status = 0;
	d->broken = false;
	d->broken_why = NULL;
	for (unsigned i = 0; i < VIRTIO_MMIO_QUEUES_MAX; i++)
		virtq_reset(&d->vq[i], d->ops->queue_max);
	if (d->ops->reset)
		d->ops->reset(d);
}

static struct virtq *sel_queue(struct virtio_mmio *d)
{
	return d->queue_sel < d->ops->nr_queues ? &d->vq[d->queue_sel] : NULL;
}

static uint32_t reg_read(struct virtio_mmio *d, uint64_t off)
{
	struct virtq *q = sel_queue(d);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->dev_features_sel > 1
			       ? 0
			       : (uint32_t)(offered(d) >>
					    (32 * d->dev_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? d->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_generation;
	/* No shared memory region: length (and base) -1.  A 0 would be a
	 * region of 0 bytes at 0, which virtio-fs's DAX set-up then fails
	 * to reserve, failing the whole probe. */
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffffu;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return q ? (uint32_t)q->desc_gpa : 0;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return q ? (uint32_t)(q->desc_gpa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		return q ? (uint32_t)q->avail_gpa : 0;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		return q ? (uint32_t)(q->avail_gpa >> 32) : 0;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		return q ? (uint32_t)q->used_gpa : 0;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		return q ? (uint32_t)(q->used_gpa >> 32) : 0;
	}
	return 0;
}

void virtio_mmio_read(struct virtio_mmio *d, uint64_t off, uint8_t *data,
		      unsigned len)
{
	uint32_t v;

	memset(data, 0, len);
	pthread_mutex_lock(&d->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (off < d->config_size && len <= d->config_size - off)
			memcpy(data, d->config + off, len);
	} else if (len == 4 && !(off & 3)) {
		v = reg_read(d, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&d->lock);
}

/* The feature check of 3.1.1 step 5, at FEATURES_OK. */
static bool features_ok(const struct virtio_mmio *d)
{
	return !(d->driver_features & ~offered(d)) &&
	       virtio_mmio_has_feature(d, VIRTIO_F_VERSION_1);
}

static void kick_all(struct virtio_mmio *d)
{
	for (unsigned i = 0; i < d->ops->nr_queues; i++)
		if (virtio_mmio_queue_live(d, i))
			d->ops->kick(d, i);
}

static void set_status(struct virtio_mmio *d, uint32_t v)
{
	uint32_t old = d->status & ~VIRTIO_CONFIG_S_NEEDS_RESET;
	uint32_t added = v & ~old;

	if (!v) {
		device_reset(d);
		return;
	}
	if (old & ~v & 0xff & ~VIRTIO_CONFIG_S_NEEDS_RESET) {
		virtio_mmio_fail(d, "the driver cleared a status bit");
		return;
	}
	if ((added & VIRTIO_CONFIG_S_FEATURES_OK) && !features_ok(d))
		v &= ~(uint32_t)VIRTIO_CONFIG_S_FEATURES_OK;
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(v & VIRTIO_CONFIG_S_FEATURES_OK)) {
		virtio_mmio_fail(d, "DRIVER_OK without FEATURES_OK");
		return;
	}
	d->status = v | (d->broken ? VIRTIO_CONFIG_S_NEEDS_RESET : 0);
	if (added & VIRTIO_CONFIG_S_DRIVER_OK)
		kick_all(d);
}

static void queue_ready(struct virtio_mmio *d, struct virtq *q, uint32_t v)
{
	const char *why = NULL;

	if (!v) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	q->event_idx = virtio_mmio_has_feature(d, VIRTIO_RING_F_EVENT_IDX);
	q->indirect = virtio_mmio_has_feature(d, VIRTIO_RING_F_INDIRECT_DESC);
	if (!virtq_start(q, d->mem, d->ops->queue_max, &why)) {
		virtio_mmio_fail(d, why);
		return;
	}
	q->ready = true;
}

/* Half of a ring address; only while the queue is not ready (4.2.3.2). */
static void set_addr(struct virtq *q, uint64_t off, uint32_t v)
{
	uint64_t base = off & ~7ull, *gpa;
	bool high = off & 4;

	if (!q || q->ready)
		return;
	if (base == VIRTIO_MMIO_QUEUE_DESC_LOW)
		gpa = &q->desc_gpa;
	else if (base == VIRTIO_MMIO_QUEUE_AVAIL_LOW)
		gpa = &q->avail_gpa;
	else
		gpa = &q->used_gpa;
	if (high)
		*gpa = (*gpa & 0xffffffffull) | (uint64_t)v << 32;
	else
		*gpa = (*gpa & ~0xffffffffull) | v;
}

static void reg_write(struct virtio_mmio *d, uint64_t off, uint32_t v)
{
	struct virtq *q = sel_queue(d);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->dev_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->drv_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (d->drv_features_sel > 1 ||
		    (d->status & VIRTIO_CONFIG_S_FEATURES_OK))
			break;
		d->driver_features &=
			~(0xffffffffull << (32 * d->drv_features_sel));
		d->driver_features |= (uint64_t)v << (32 * d->drv_features_sel);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->num = v > 0xffff ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			queue_ready(d, q, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (virtio_mmio_queue_live(d, v))
			d->ops->kick(d, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		set_status(d, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_addr(q, off, v);
		break;
	}
}

void virtio_mmio_write(struct virtio_mmio *d, uint64_t off, const uint8_t *data,
		       unsigned len)
{
	uint32_t v;

	/* The driver writes no configuration field of ours. */
	if (off >= VIRTIO_MMIO_CONFIG || len != 4 || (off & 3))
		return;
	memcpy(&v, data, 4);
	pthread_mutex_lock(&d->lock);
	reg_write(d, off, v);
	pthread_mutex_unlock(&d->lock);
}

void virtio_mmio_notify(struct virtio_mmio *d, unsigned q)
{
	pthread_mutex_lock(&d->lock);
	if (virtio_mmio_queue_live(d, q))
		d->ops->kick(d, q);
	pthread_mutex_unlock(&d->lock);
}
