/* SPDX-License-Identifier: MIT */
/*
 * The probe's virtio drivers (virtio.c), and the facts the host-side
 * tests share with them: which sector the blk driver writes and what.
 */
#ifndef PROBE_VIRTIO_H
#define PROBE_VIRTIO_H

#include <stdint.h>

#define VIRTIO_PROBE_SECTOR 8
#define VIRTIO_PROBE_BYTES 4096
/* Byte i of the pattern: not periodic in 256, so a misplaced block
 * shows. */
#define VIRTIO_PROBE_PATTERN(i) \
	((uint8_t)((unsigned)(i) * 7u + ((unsigned)(i) >> 8) + 1u))

struct probe_entry_record;

/* Drive every virtio-mmio device named on the command line. */
void virtio_probe(const struct probe_entry_record *e);

#endif
