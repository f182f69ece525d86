/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio 1.x, 5.2) on a raw image file:
 * --disk PATH[,ro][,cache=none|writeback].
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_BLK_H
#define DIRECTBOOT_DEVICES_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "directboot/error.h"
#include "directboot/virtio.h"
#include "virtio_mmio.h"

#define VIRTIO_BLK_QUEUE_SIZE 256
/* Data segments per request we announce (seg_max): the chain also
 * carries the header and the status byte. */
#define VIRTIO_BLK_SEG_MAX 126

struct virtio_blk_opts {
	const char *path;
	bool ro;
	bool cache_none; /* O_DIRECT, when the file system allows it */
};

struct virtio_blk {
	struct virtio_mmio mmio;
	int fd;	       /* O_RDONLY for a read-only disk, else O_RDWR */
	int fd_direct; /* cache=none: the same file with O_DIRECT, or -1 */
	bool ro;
	uint64_t capacity; /* 512-byte sectors */
	char id[VIRTIO_BLK_ID_BYTES];
	struct virtq_elem elem;
};

/* "PATH[,ro][,cache=none|writeback]" into o (o->path points into arg). */
int virtio_blk_parse(const char *arg, struct virtio_blk_opts *o,
		     struct db_error *err);

/* Open the file (never for writing when ro) and size the disk. */
int virtio_blk_open(struct virtio_blk *b, const struct virtio_blk_opts *o,
		    unsigned index, struct db_error *err);

/* Put the disk behind a virtio-mmio window. */
void virtio_blk_attach(struct virtio_blk *b, const struct virtio_mem *mem,
		       uint64_t base, unsigned irq, void (*irq_raise)(void *),
		       void *opaque);

void virtio_blk_close(struct virtio_blk *b);

#endif
