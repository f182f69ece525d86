/* SPDX-License-Identifier: MIT */
/*
 * The guest's memory map, as the BIOS e820 call would report it on a PC:
 * conventional RAM to 0x9fc00, the EBDA/VGA/ROM area reserved up to
 * 1 MiB, RAM from 1 MiB, and above 3 GiB a 32-bit hole that stays out
 * of the map so that MMIO devices can live there, the rest of RAM moving
 * above 4 GiB.  The one fact a reader gets wrong: the zero page holds
 * only 128 entries (E820_MAX_ENTRIES_ZEROPAGE); a longer map continues
 * in a SETUP_E820_EXT setup_data node, which needs protocol 2.09.
 */
#include <string.h>

#include "bytes.h"
#include "plan_int.h"

static int add(struct plan_region *r, unsigned max, unsigned *nr,
	       uint64_t start, uint64_t end, uint32_t type,
	       struct db_error *err)
{
	if (*nr >= max)
		return db_fail(err, DB_ERR_INPUT, "e820: more than %u regions",
			       max);
	r[*nr].start = start;
	r[*nr].size = end - start;
	r[*nr].type = type;
	(*nr)++;
	return DB_OK;
}

int e820_build(uint64_t mem_size, struct plan_region *r, unsigned max,
	       unsigned *nr, struct db_error *err)
{
	uint64_t low_top =
		mem_size < PLAN_HOLE_START ? mem_size : PLAN_HOLE_START;
	int ret;

	*nr = 0;
	if (mem_size < PLAN_MEM_MIN || mem_size > PLAN_MEM_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: memory size of %llu bytes is outside "
			       "%llu MiB .. %llu GiB",
			       (unsigned long long)mem_size,
			       (unsigned long long)(PLAN_MEM_MIN >> 20),
			       (unsigned long long)(PLAN_MEM_MAX >> 30));
	if (mem_size % PLAN_PAGE)
		return db_fail(
			err, DB_ERR_INPUT,
			"plan: memory size 0x%llx is not a multiple of 4 KiB",
			(unsigned long long)mem_size);
	ret = add(r, max, nr, 0, PLAN_LOW_RAM_END, E820_TYPE_RAM, err);
	if (!ret)
		ret = add(r, max, nr, PLAN_LOW_RAM_END, PLAN_HIGH_RAM_START,
			  E820_TYPE_RESERVED, err);
	if (!ret)
		ret = add(r, max, nr, PLAN_HIGH_RAM_START, low_top,
			  E820_TYPE_RAM, err);
	if (!ret && mem_size > PLAN_HOLE_START)
		ret = add(r, max, nr, PLAN_HOLE_END,
			  PLAN_HOLE_END + (mem_size - PLAN_HOLE_START),
			  E820_TYPE_RAM, err);
	return ret;
}

uint64_t e820_low_ram_top(const struct plan_region *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].type == E820_TYPE_RAM &&
		    r[i].start == PLAN_HIGH_RAM_START)
			return r[i].start + r[i].size;
	return 0;
}

unsigned e820_to_zeropage(struct boot_params *bp, const struct plan_region *r,
			  unsigned n)
{
	unsigned fit =
		n < E820_MAX_ENTRIES_ZEROPAGE ? n : E820_MAX_ENTRIES_ZEROPAGE;

	for (unsigned i = 0; i < fit; i++) {
		bp->e820_table[i].addr = r[i].start;
		bp->e820_table[i].size = r[i].size;
		bp->e820_table[i].type = r[i].type;
	}
	bp->e820_entries = (uint8_t)fit;
	return n - fit;
}

void e820_ext_encode(uint8_t *dst, const struct plan_region *r, unsigned n)
{
	for (unsigned i = 0; i < n;
	     i++, dst += sizeof(struct boot_e820_entry)) {
		put_le64(dst + offsetof(struct boot_e820_entry, addr),
			 r[i].start);
		put_le64(dst + offsetof(struct boot_e820_entry, size),
			 r[i].size);
		put_le32(dst + offsetof(struct boot_e820_entry, type),
			 r[i].type);
	}
}
