/* SPDX-License-Identifier: MIT */
/*
 * The identity map for the long-mode entries (boot.rst, "64-bit Boot
 * Protocol": "the range with setup_header.init_size from start address
 * of loaded kernel and zero page and command line buffer get ident
 * mapping").  We map more than the rule asks: the whole first 4 GiB, so
 * that whatever the kernel touches before it builds its own tables is
 * there, and every 1 GiB slot above it that holds something we placed
 * (the initrd above 4 GiB).  2 MiB pages, not 1 GiB ones: every x86-64
 * CPU has them, and QEMU's default CPU model lacks pdpe1gb.
 *
 * Layout from gpa: the PML4, the PDPT, then one page directory per
 * mapped slot, in slot order.  Only PML4[0] is used, so the map ends at
 * 512 GiB, which is PLAN_MEM_MAX.
 */
#include <string.h>

#include "bytes.h"
#include "plan_int.h"

#define SLOT_SHIFT 30
#define PAGE_2M (1ull << 21)

static void mark(bool slots[PT_SLOTS], uint64_t start, uint64_t size)
{
	uint64_t last;

	if (!size)
		return;
	last = (start + size - 1) >> SLOT_SHIFT;
	for (uint64_t s = start >> SLOT_SHIFT; s <= last && s < PT_SLOTS; s++)
		slots[s] = true;
}

void pagetables_slots(const struct plan *plan, bool slots[PT_SLOTS])
{
	memset(slots, 0, PT_SLOTS * sizeof(slots[0]));
	mark(slots, 0, PLAN_HOLE_END);
	for (unsigned i = 0; i < plan->nr_reservations; i++)
		mark(slots, plan->reservations[i].start,
		     plan->reservations[i].size);
	for (unsigned i = 0; i < plan->nr_placements; i++)
		mark(slots, plan->placements[i].gpa,
		     plan->placements[i].mem_size);
}

size_t pagetables_size(const bool slots[PT_SLOTS])
{
	size_t n = 2;

	for (unsigned s = 0; s < PT_SLOTS; s++)
		n += slots[s];
	return n * PLAN_PAGE;
}

void pagetables_build(uint8_t *buf, uint64_t gpa, const bool slots[PT_SLOTS])
{
	uint8_t *pml4 = buf, *pdpt = buf + PLAN_PAGE;
	uint64_t pd_gpa = gpa + 2 * PLAN_PAGE;
	uint8_t *pd = buf + 2 * PLAN_PAGE;

	memset(buf, 0, pagetables_size(slots));
	put_le64(pml4, (gpa + PLAN_PAGE) | PTE_P | PTE_RW);
	for (unsigned s = 0; s < PT_SLOTS; s++) {
		if (!slots[s])
			continue;
		put_le64(pdpt + 8 * s, pd_gpa | PTE_P | PTE_RW);
		for (unsigned i = 0; i < 512; i++)
			put_le64(pd + 8 * i,
				 (((uint64_t)s << SLOT_SHIFT) + i * PAGE_2M) |
					 PTE_P | PTE_RW | PTE_PS);
		pd += PLAN_PAGE;
		pd_gpa += PLAN_PAGE;
	}
}
