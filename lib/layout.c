/* SPDX-License-Identifier: MIT */
/*
 * Address decisions.  Every byte the plan puts in guest memory lies in a
 * reservation, every reservation lies in RAM, and no two reservations
 * overlap; the searches below only ever look for a range that keeps
 * those three true, and layout_check() proves them at the end.
 *
 * The kernel (boot.rst, "Loading The Rest of The Kernel" and the 2.10
 * fields): a relocatable kernel goes at pref_address when the whole of
 * [pref_address, pref_address + init_size) is free RAM, else at the
 * lowest free address aligned to kernel_alignment; a kernel that cannot
 * move goes at code32_start or not at all.  The fact a reader gets
 * wrong: the reservation is init_size, not the file's size.  The
 * decompressor unpacks in place inside that range and would overwrite
 * an initrd put right after the compressed bytes.
 *
 * The initrd goes as high as it can (boot.rst: "as high as possible")
 * below initrd_addr_max and the top of low RAM, so that it stays clear
 * of where the kernel grows.
 */
#include <inttypes.h>
#include <string.h>

#include "bytes.h"
#include "directboot/bzimage.h"
#include "plan_int.h"

#define MIB(x) ((unsigned long long)((x) >> 20))

/* [start, start+size) without wrapping; size 0 counts as one byte. */
static uint64_t end_of(uint64_t start, uint64_t size)
{
	return start + (size ? size : 1);
}

bool layout_in_ram(const struct plan *plan, uint64_t start, uint64_t size)
{
	uint64_t end = end_of(start, size);

	if (end < start)
		return false;
	for (unsigned i = 0; i < plan->nr_regions; i++) {
		const struct plan_region *r = &plan->regions[i];

		if (r->type == E820_TYPE_RAM && start >= r->start &&
		    end <= r->start + r->size)
			return true;
	}
	return false;
}

const struct plan_reservation *layout_conflict(const struct plan *plan,
					       uint64_t start, uint64_t size)
{
	uint64_t end = end_of(start, size);

	for (unsigned i = 0; i < plan->nr_reservations; i++) {
		const struct plan_reservation *r = &plan->reservations[i];

		if (start < r->start + r->size && r->start < end)
			return r;
	}
	return NULL;
}

int layout_reserve(struct plan *plan, uint64_t start, uint64_t size,
		   const char *what, struct db_error *err)
{
	const struct plan_reservation *c;

	if (end_of(start, size) < start || !layout_in_ram(plan, start, size))
		return db_fail(err, DB_ERR_INPUT,
			       "plan: %s [0x%" PRIx64 ", 0x%" PRIx64
			       ") is not in guest RAM (memory size %llu MiB)",
			       what, start, start + size, MIB(plan->mem_size));
	c = layout_conflict(plan, start, size);
	if (c)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: %s [0x%" PRIx64 ", 0x%" PRIx64
			       ") overlaps %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
			       what, start, start + size, c->what, c->start,
			       c->start + c->size);
	if (plan->nr_reservations >= PLAN_RESERVATIONS_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: %s would be reservation %u, over the "
			       "limit of %u",
			       what, plan->nr_reservations + 1,
			       PLAN_RESERVATIONS_MAX);
	plan->reservations[plan->nr_reservations++] =
		(struct plan_reservation){start, size, what};
	return DB_OK;
}

int layout_place(struct plan *plan, uint64_t gpa, const void *data,
		 uint64_t size, uint64_t mem_size, const char *what,
		 struct db_error *err)
{
	if (plan->nr_placements >= PLAN_PLACEMENTS_MAX)
		return db_fail(
			err, DB_ERR_INPUT,
			"plan: %s would be placement %u, over the limit of %u",
			what, plan->nr_placements + 1, PLAN_PLACEMENTS_MAX);
	plan->placements[plan->nr_placements++] = (struct plan_placement){
		.gpa = gpa,
		.data = data,
		.size = size,
		.mem_size = mem_size < size ? size : mem_size,
		.what = what,
	};
	return DB_OK;
}

bool layout_find_lowest(const struct plan *plan, uint64_t size, uint64_t align,
			uint64_t lo, uint64_t hi, uint64_t *gpa)
{
	uint64_t a = align_up(lo, align);

	while (a >= lo && size <= hi && a <= hi - size) {
		const struct plan_reservation *c;
		uint64_t next = UINT64_MAX;

		if (!layout_in_ram(plan, a, size)) {
			/* Skip to the next RAM region above a. */
			for (unsigned i = 0; i < plan->nr_regions; i++) {
				const struct plan_region *r = &plan->regions[i];

				if (r->type == E820_TYPE_RAM && r->start > a &&
				    r->start < next)
					next = r->start;
			}
			if (next == UINT64_MAX)
				return false;
			a = align_up(next, align);
			continue;
		}
		c = layout_conflict(plan, a, size);
		if (!c) {
			*gpa = a;
			return true;
		}
		a = align_up(c->start + c->size, align);
	}
	return false;
}

bool layout_find_highest(const struct plan *plan, uint64_t size, uint64_t align,
			 uint64_t lo, uint64_t hi, uint64_t *gpa)
{
	uint64_t a;

	if (size > hi)
		return false;
	a = align_down(hi - size, align);
	while (a >= lo) {
		const struct plan_reservation *c;
		uint64_t end = 0;

		if (!layout_in_ram(plan, a, size)) {
			/* Down to the highest RAM end below a + size. */
			for (unsigned i = 0; i < plan->nr_regions; i++) {
				const struct plan_region *r = &plan->regions[i];
				uint64_t e = r->start + r->size;

				if (r->type == E820_TYPE_RAM && e < a + size &&
				    e > end)
					end = e;
			}
		} else {
			c = layout_conflict(plan, a, size);
			if (!c) {
				*gpa = a;
				return true;
			}
			end = c->start;
		}
		if (end < size)
			return false;
		a = align_down(end - size, align);
	}
	return false;
}

int layout_low(struct plan *plan, const void *data, uint64_t size,
	       const char *what, uint64_t *gpa, struct db_error *err)
{
	uint64_t mem = align_up(size, PLAN_PAGE);
	int ret;

	if (!layout_find_lowest(plan, mem, PLAN_PAGE, PLAN_LOW_ALLOC_MIN,
				PLAN_LOW_RAM_END, gpa))
		return db_fail(err, DB_ERR_INPUT,
			       "plan: no room below 640 KiB for %s (%" PRIu64
			       " bytes)",
			       what, size);
	ret = layout_reserve(plan, *gpa, mem, what, err);
	if (!ret && data)
		ret = layout_place(plan, *gpa, data, size, mem, what, err);
	return ret;
}

static bool free_ram(const struct plan *plan, uint64_t start, uint64_t size)
{
	return layout_in_ram(plan, start, size) &&
	       !layout_conflict(plan, start, size);
}

static int kernel_where(struct plan *plan, const struct bzimage *bz,
			uint64_t size, uint64_t *at, struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;
	bool reloc = bz->version >= SH_SINCE_relocatable_kernel &&
		     h->relocatable_kernel;
	uint64_t pref = bz->version >= SH_SINCE_pref_address ? h->pref_address
							     : h->code32_start;

	if (!reloc) {
		*at = h->code32_start;
		plan->kernel_rule = "code32_start: not relocatable";
		if (*at < PLAN_HIGH_RAM_START || !free_ram(plan, *at, size))
			return db_fail(
				err, DB_ERR_INPUT,
				"plan: the kernel is not relocatable and must "
				"load at code32_start=0x%" PRIx64
				", but [0x%" PRIx64 ", 0x%" PRIx64
				") (init_size) is not free RAM above 1 MiB "
				"(memory size %llu MiB)",
				*at, *at, *at + size, MIB(plan->mem_size));
		return DB_OK;
	}
	if (pref >= PLAN_HIGH_RAM_START && pref + size <= PLAN_HOLE_END &&
	    free_ram(plan, pref, size)) {
		*at = pref;
		plan->kernel_rule =
			bz->version >= SH_SINCE_pref_address
				? "pref_address"
				: "code32_start (no pref_address before 2.10)";
		return DB_OK;
	}
	plan->kernel_rule = "lowest free RAM aligned to kernel_alignment: "
			    "pref_address is not free";
	if (layout_find_lowest(plan, size, bz->kernel_alignment,
			       PLAN_HIGH_RAM_START, PLAN_HOLE_END, at))
		return DB_OK;
	return db_fail(err, DB_ERR_INPUT,
		       "plan: no free RAM below 4 GiB for the kernel's "
		       "init_size of %" PRIu64
		       " bytes aligned to kernel_alignment=0x%x (memory size "
		       "%llu MiB)",
		       size, bz->kernel_alignment, MIB(plan->mem_size));
}

int layout_kernel(struct plan *plan, const struct bzimage *bz,
		  struct db_error *err)
{
	uint64_t size = bz->init_size > bz->pm_load_size ? bz->init_size
							 : bz->pm_load_size;
	uint64_t at;
	int ret;

	ret = kernel_where(plan, bz, size, &at, err);
	if (!ret)
		ret = layout_reserve(plan, at, size, "kernel", err);
	if (!ret)
		ret = layout_place(plan, at, bz->pm, bz->pm_load_size, size,
				   "kernel", err);
	plan->kernel_gpa = at;
	plan->kernel_size = size;
	return ret;
}

int layout_initrd(struct plan *plan, const uint8_t *data, uint64_t size,
		  uint64_t limit, bool above_4g, struct db_error *err)
{
	uint64_t low_top = e820_low_ram_top(plan->regions, plan->nr_regions);
	uint64_t hi = limit + 1 < low_top ? limit + 1 : low_top;
	uint64_t at;
	int ret;

	if (!size)
		return DB_OK;
	/* XLF_CAN_BE_LOADED_ABOVE_4G lifts the limit only above 4 GiB:
	 * below it, initrd_addr_max still holds. */
	if (above_4g &&
	    layout_find_highest(plan, size, PLAN_PAGE, PLAN_HOLE_END,
				PLAN_HOLE_END + plan->mem_size, &at)) {
		plan->initrd_rule = "highest free RAM above 4 GiB "
				    "(XLF_CAN_BE_LOADED_ABOVE_4G)";
		goto found;
	}
	plan->initrd_rule =
		hi == limit + 1 ? "highest free RAM below initrd_addr_max"
				: "highest free RAM below the top of low RAM";
	if (!layout_find_highest(plan, size, PLAN_PAGE, PLAN_HIGH_RAM_START, hi,
				 &at))
		return db_fail(
			err, DB_ERR_INPUT,
			"plan: the initrd of %" PRIu64
			" bytes does not fit in free RAM below 0x%" PRIx64
			" (initrd_addr_max 0x%" PRIx64
			", top of low RAM 0x%" PRIx64 ", memory size %llu MiB)",
			size, hi, limit, low_top, MIB(plan->mem_size));
found:
	ret = layout_reserve(plan, at, align_up(size, PLAN_PAGE), "initrd",
			     err);
	if (!ret)
		ret = layout_place(plan, at, data, size, size, "initrd", err);
	plan->initrd_gpa = at;
	plan->initrd_size = size;
	return ret;
}

int layout_check(const struct plan *plan, struct db_error *err)
{
	for (unsigned i = 0; i < plan->nr_reservations; i++) {
		const struct plan_reservation *a = &plan->reservations[i];

		if (!layout_in_ram(plan, a->start, a->size))
			return db_fail(err, DB_ERR_INPUT,
				       "plan: %s at 0x%" PRIx64
				       " is not in guest RAM",
				       a->what, a->start);
		for (unsigned j = i + 1; j < plan->nr_reservations; j++) {
			const struct plan_reservation *b =
				&plan->reservations[j];

			if (a->start < b->start + b->size &&
			    b->start < a->start + a->size)
				return db_fail(err, DB_ERR_INPUT,
					       "plan: %s at 0x%" PRIx64
					       " overlaps %s at 0x%" PRIx64,
					       a->what, a->start, b->what,
					       b->start);
		}
	}
	for (unsigned i = 0; i < plan->nr_placements; i++) {
		const struct plan_placement *p = &plan->placements[i];
		bool inside = false;

		for (unsigned j = 0; j < plan->nr_reservations; j++) {
			const struct plan_reservation *r =
				&plan->reservations[j];

			if (p->gpa >= r->start &&
			    p->gpa - r->start <= r->size &&
			    p->mem_size <= r->size - (p->gpa - r->start))
				inside = true;
		}
		if (!inside || p->size > p->mem_size)
			return db_fail(err, DB_ERR_INPUT,
				       "plan: %s at 0x%" PRIx64
				       " lies outside every reservation",
				       p->what, p->gpa);
	}
	return DB_OK;
}
