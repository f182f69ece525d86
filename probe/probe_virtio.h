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

/* bench/blk's I/O (probe.blkbench=1): sequential writes then reads of
 * SEQ_BYTES in SEQ_CHUNK requests from sector 0, then RAND_OPS random
 * 4 KiB writes then reads at blocks from the generator below, which the
 * host side replays. */
#define VIRTIO_BENCH_SEQ_BYTES (16u << 20)
#define VIRTIO_BENCH_SEQ_CHUNK (64u << 10)
#define VIRTIO_BENCH_RAND_OPS 2048u
#define VIRTIO_BENCH_NEXT(x) ((uint32_t)((x) * 1103515245u + 12345u))
#define VIRTIO_BENCH_BLOCK(x) (((x) >> 8) % (VIRTIO_BENCH_SEQ_BYTES / 4096))

struct probe_entry_record;

/* Drive every virtio-mmio device named on the command line. */
void virtio_probe(const struct probe_entry_record *e);

#endif
