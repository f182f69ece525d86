/* SPDX-License-Identifier: MIT */
/*
 * The fake guest RAM of the virtio harnesses (fuzz_virtqueue,
 * fuzz_virtio_blk): three regions with gaps between them, so that
 * buffers can leave RAM or straddle a region's end, filled from the
 * fuzzer's input.
 */
#ifndef DIRECTBOOT_FUZZ_GUEST_H
#define DIRECTBOOT_FUZZ_GUEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/virtio_queue.h"

static const struct {
	uint64_t gpa, size;
} fuzz_guest_layout[] = {
	{0, 64 << 10},
	{64 << 10, 16 << 10},
	{1 << 20, 8 << 10},
};
#define FUZZ_GUEST_REGIONS                                                     \
	(sizeof(fuzz_guest_layout) / sizeof(fuzz_guest_layout[0]))

/* Allocate mem's regions and fill them from data[off..size), zero past
 * the input's end. */
static inline void fuzz_guest_ram_fill(struct virtio_mem *mem,
				       const uint8_t *data, size_t size,
				       size_t off)
{
	mem->nr = FUZZ_GUEST_REGIONS;
	for (unsigned r = 0; r < FUZZ_GUEST_REGIONS; r++) {
		size_t n = fuzz_guest_layout[r].size;
		uint8_t *p = calloc(1, n);

		if (!p)
			abort();
		if (off < size)
			memcpy(p, data + off, size - off < n ? size - off : n);
		off += n;
		mem->r[r] = (struct virtio_mem_region){fuzz_guest_layout[r].gpa,
						       n, p};
	}
}

static inline void fuzz_guest_ram_free(struct virtio_mem *mem)
{
	for (unsigned r = 0; r < mem->nr; r++)
		free(mem->r[r].hva);
}

#endif
