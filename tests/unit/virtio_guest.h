/* SPDX-License-Identifier: MIT */
/*
 * A fake guest for the virtio unit tests: guest RAM is a buffer in two
 * adjacent regions plus one apart, the driver is a few functions that
 * write registers through virtio_mmio_write() and chains into the
 * rings, the way a virtio driver does.  No KVM anywhere.
 *
 *	gpa 0x00000-0x0ffff  region 0
 *	gpa 0x10000-0x1ffff  region 1 (adjacent: a buffer may straddle)
 *	gpa 0x40000-0x40fff  region 2 (alone: nothing may run past it)
 */
#ifndef TESTS_UNIT_VIRTIO_GUEST_H
#define TESTS_UNIT_VIRTIO_GUEST_H

#include <stdint.h>
#include <string.h>

#include "../../devices/virtio_mmio.h"
#include "directboot/virtio.h"

#define G_RAM0 0x00000ull
#define G_RAM1 0x10000ull
#define G_RAM2 0x40000ull
#define G_RAM_SIZE 0x10000ull
#define G_RAM2_SIZE 0x1000ull
#define G_DESC 0x1000ull
#define G_AVAIL 0x2000ull
#define G_USED 0x3000ull
#define G_DATA 0x4000ull
#define G_QSIZE 16

struct guest {
	uint8_t ram[2 * G_RAM_SIZE];
	uint8_t ram2[G_RAM2_SIZE];
	struct virtio_mem mem;
	struct virtio_mmio *d;
	uint16_t avail_idx, next_desc, used_seen;
	unsigned irqs;
};

static inline void guest_irq(void *opaque)
{
	((struct guest *)opaque)->irqs++;
}

static inline void guest_init(struct guest *g)
{
	memset(g, 0, sizeof(*g));
	g->mem.nr = 3;
	g->mem.r[0] = (struct virtio_mem_region){G_RAM0, G_RAM_SIZE, g->ram};
	g->mem.r[1] = (struct virtio_mem_region){G_RAM1, G_RAM_SIZE,
						 g->ram + G_RAM_SIZE};
	g->mem.r[2] = (struct virtio_mem_region){G_RAM2, G_RAM2_SIZE, g->ram2};
}

static inline uint8_t *gp(struct guest *g, uint64_t gpa)
{
	if (gpa >= G_RAM2)
		return g->ram2 + (gpa - G_RAM2);
	return g->ram + gpa;
}

static inline uint32_t rd(struct guest *g, uint64_t off)
{
	uint32_t v;

	virtio_mmio_read(g->d, off, (uint8_t *)&v, 4);
	return v;
}

static inline void wr(struct guest *g, uint64_t off, uint32_t v)
{
	virtio_mmio_write(g->d, off, (uint8_t *)&v, 4);
}

static inline uint64_t dev_features(struct guest *g)
{
	wr(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t f = rd(g, VIRTIO_MMIO_DEVICE_FEATURES);

	wr(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(g, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

static inline void set_features(struct guest *g, uint64_t f)
{
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(g, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* Queue q's rings at G_DESC/G_AVAIL/G_USED + q * 0x8000 (q < 2). */
static inline void setup_queue(struct guest *g, unsigned q, uint32_t num)
{
	uint64_t o = q * 0x8000ull;

	wr(g, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(g, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(g, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(G_DESC + o));
	wr(g, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(G_AVAIL + o));
	wr(g, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(G_USED + o));
	wr(g, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(g, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* 3.1.1, with the features given (all offered when ~0). */
static inline void guest_bring_up(struct guest *g, uint64_t features,
				  unsigned nr_queues)
{
	memset(g->ram, 0, 0x4000);
	memset(g->ram + 0x8000, 0, 0x4000);
	g->avail_idx = g->next_desc = g->used_seen = 0;
	wr(g, VIRTIO_MMIO_STATUS, 0);
	wr(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	set_features(g, dev_features(g) & features);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);
	for (unsigned q = 0; q < nr_queues; q++)
		setup_queue(g, q, G_QSIZE);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static inline void put_desc(struct guest *g, unsigned q, uint16_t i,
			    uint64_t addr, uint32_t len, uint16_t flags,
			    uint16_t next)
{
	struct vring_desc d = {addr, len, flags, next};

	memcpy(gp(g, G_DESC + q * 0x8000ull + 16u * i), &d, sizeof(d));
}

/* Make head available on queue q (without notifying). */
static inline void make_avail(struct guest *g, unsigned q, uint16_t head)
{
	uint8_t *avail = gp(g, G_AVAIL + q * 0x8000ull);
	uint16_t idx;

	memcpy(avail + 4 + 2 * (g->avail_idx % G_QSIZE), &head, 2);
	g->avail_idx++;
	idx = g->avail_idx;
	memcpy(avail + 2, &idx, 2);
}

struct seg {
	uint64_t gpa;
	uint32_t len;
	int write;
};

/* A chain of n segments from the next free descriptors; returns head. */
static inline uint16_t add_chain(struct guest *g, unsigned q,
				 const struct seg *s, unsigned n)
{
	uint16_t head = g->next_desc;

	for (unsigned i = 0; i < n; i++) {
		uint16_t me = (uint16_t)((head + i) % G_QSIZE);

		put_desc(g, q, me, s[i].gpa, s[i].len,
			 (uint16_t)((s[i].write ? VRING_DESC_F_WRITE : 0) |
				    (i + 1 < n ? VRING_DESC_F_NEXT : 0)),
			 (uint16_t)((me + 1) % G_QSIZE));
	}
	g->next_desc = (uint16_t)((head + n) % G_QSIZE);
	make_avail(g, q, head);
	return head;
}

static inline uint16_t used_idx(struct guest *g, unsigned q)
{
	uint16_t v;

	memcpy(&v, gp(g, G_USED + q * 0x8000ull + 2), 2);
	return v;
}

static inline struct vring_used_elem used_elem(struct guest *g, unsigned q,
					       uint16_t i)
{
	struct vring_used_elem e;

	memcpy(&e, gp(g, G_USED + q * 0x8000ull + 4 + 8 * (i % G_QSIZE)),
	       sizeof(e));
	return e;
}

static inline void notify(struct guest *g, unsigned q)
{
	wr(g, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

#endif
