// SPDX-License-Identifier: MIT
/*
 * plan_build with options taken from the input, on an image taken from
 * the input.  Layout of an input (fuzz/seeds.sh writes seeds in it):
 *
 *   0   u8    memory size, an index into mem_sizes[]
 *   1   u8    entry (low 3 bits), keep_segments (bit 3), no_rng_seed
 *             (bit 4), decompress_host (bit 5), pass the ELF (bit 6)
 *   2   u8    hardware_subarch
 *   3   le16  command line length ('a's)
 *   5   le32  initrd size (zero pages, up to 1 GiB)
 *   9   u8    cpus
 *   10  le32  hardware_subarch_data
 *   14  le32  image length n
 *   18  u8    virtio-mmio devices (0 to 9: one over the most)
 *   19  n image bytes, and the rest is the already-decompressed ELF
 *             given with bit 6
 *
 * Then the plan must keep its own promises: every placement inside a
 * RAM region of its memory map, no two placements overlapping, the
 * bytes of each readable; every virtio window outside RAM and apart from
 * the others, and named on the command line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/mman.h>

#include "bytes.h"
#include "directboot/bootparam.h"
#include "directboot/bzimage.h"
#include "directboot/payload.h"
#include "directboot/plan.h"
#include "fuzz.h"

#define HDR 19
#define INITRD_MAX (1u << 30)
#define CMDLINE_MAX 8192
/* A payload that claims more than this is left undecompressed: plan_build
 * allocates what the trailer says (bounded at 1 GiB by design), which is
 * correct but would make each such execution a slow one. */
#define DECOMPRESS_MAX (16u << 20)

static const uint64_t mem_sizes[] = {
	64ull << 20, 128ull << 20, 16ull << 20, 1ull << 20,
	0, 3584ull << 20, 4ull << 30, 6ull << 30,
	1ull << 40, 2ull << 20, (3ull << 30) + 4096, 512ull << 20,
	UINT64_MAX, 0x9fc00, 100ull << 40, (64ull << 20) + 1,
};

static const uint8_t *zero_initrd(void)
{
	static const uint8_t *zeros;

	if (!zeros) {
		void *p = mmap(NULL, INITRD_MAX, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);

		if (p == MAP_FAILED)
			abort();
		zeros = p;
	}
	return zeros;
}

/* Would plan_build decompress a big payload?  Then skip the input. */
static bool decompress_too_big(const uint8_t *img, size_t size)
{
	static struct bzimage bz;

	if (bzimage_parse(img, size, &bz, NULL) || !bz.payload)
		return false;
	return payload_trailer_size(bz.payload, bz.payload_size) >
	       DECOMPRESS_MAX;
}

static void check_plan(const struct plan *p)
{
	uint8_t sink = 0;

	if (p->nr_regions > PLAN_REGIONS_MAX ||
	    p->nr_placements > PLAN_PLACEMENTS_MAX ||
	    p->nr_reservations > PLAN_RESERVATIONS_MAX ||
	    p->entry == PLAN_ENTRY_AUTO)
		abort();
	for (unsigned i = 0; i < p->nr_placements; i++) {
		const struct plan_placement *a = &p->placements[i];
		uint64_t len = a->mem_size > a->size ? a->mem_size : a->size;
		bool in_ram = false;

		if (a->size && !a->data)
			abort();
		if (a->size) {
			sink ^= a->data[0];
			sink ^= a->data[a->size - 1];
		}
		for (unsigned r = 0; r < p->nr_regions; r++) {
			const struct plan_region *g = &p->regions[r];

			if (g->type == E820_TYPE_RAM && a->gpa >= g->start &&
			    range_ok(a->gpa - g->start, len, g->size))
				in_ram = true;
		}
		if (len && !in_ram)
			abort();
		for (unsigned j = 0; j < i; j++) {
			const struct plan_placement *b = &p->placements[j];
			uint64_t blen = b->mem_size > b->size ? b->mem_size
							      : b->size;

			if (len && blen && a->gpa < b->gpa + blen &&
			    b->gpa < a->gpa + len)
				abort();
		}
	}
	__asm__ volatile("" : : "r"(sink));
	if (p->nr_virtio > PLAN_VIRTIO_MAX)
		abort();
	for (unsigned i = 0; i < p->nr_virtio; i++) {
		const struct plan_mmio_window *w = &p->virtio[i];
		char at[32];

		for (unsigned r = 0; r < p->nr_regions; r++)
			if (w->gpa < p->regions[r].start + p->regions[r].size &&
			    p->regions[r].start < w->gpa + w->size &&
			    p->regions[r].type == E820_TYPE_RAM)
				abort();
		for (unsigned j = 0; j < i; j++)
			if (w->gpa < p->virtio[j].gpa + p->virtio[j].size &&
			    p->virtio[j].gpa < w->gpa + w->size)
				abort();
		snprintf(at, sizeof(at), "@0x%llx:",
			 (unsigned long long)w->gpa);
		if (!p->cmdline || !strstr(p->cmdline, at))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[SETUP_RNG_SEED_LEN] = { 1, 2, 3 };
	static char cmdline[CMDLINE_MAX + 1];
	struct plan_options o = { 0 };
	struct db_error err = { 0 };
	struct plan *plan = NULL;
	size_t img_size, len;
	const uint8_t *img;
	int ret;

	if (size < HDR)
		return 0;
	o.mem_size = mem_sizes[data[0] & 15];
	o.entry = (enum plan_entry)((data[1] & 7) % 5);
	o.keep_segments = data[1] & 0x08;
	o.no_rng_seed = data[1] & 0x10;
	o.decompress_host = data[1] & 0x20;
	o.rng_seed = seed;
	o.subarch = data[2];
	len = get_le16(data + 3) % (CMDLINE_MAX + 1);
	memset(cmdline, 'a', len);
	cmdline[len] = '\0';
	o.cmdline = cmdline;
	o.initrd_size = get_le32(data + 5) % (INITRD_MAX + 1ull);
	o.initrd = o.initrd_size ? zero_initrd() : NULL;
	o.cpus = data[9];
	o.subarch_data = get_le32(data + 10);
	o.nr_virtio = data[18] % (PLAN_VIRTIO_MAX + 2);
	img_size = get_le32(data + 14);
	img = data + HDR;
	if (img_size > size - HDR)
		img_size = size - HDR;
	if (o.decompress_host && (data[1] & 0x40)) {
		o.elf = img + img_size;
		o.elf_size = size - HDR - img_size;
	} else if (o.decompress_host && decompress_too_big(img, img_size)) {
		return 0;
	}

	ret = plan_build(img, img_size, &o, &plan, &err);
	fuzz_check_error(ret, &err);
	if (ret) {
		if (plan)
			abort();
		return 0;
	}
	check_plan(plan);
	(void)plan_entry_name(plan->entry);
	plan_free(plan);
	return 0;
}
