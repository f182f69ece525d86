/* SPDX-License-Identifier: MIT */
/*
 * The probe's page tables.  Two parts:
 *
 *  - an identity map, in 2 MiB pages, of the low 4 GiB and of the probe
 *    itself wherever it runs (a 64-bit loader may put it above 4 GiB);
 *  - a 1 GiB window at PROBE_WINDOW_VA through which every physical
 *    address below MAXPHYADDR can be read, so that an initrd, a command
 *    line or a setup_data node is reachable wherever the loader put it.
 *
 * The 32-bit entries already run on the low part (built by head.S); the
 * 64-bit entry runs on the loader's tables until paging_init() switches.
 */
#include "probe.h"

#define PAGE_SIZE 4096ull
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define SZ_2M (1ull << 21)
#define SZ_4G (1ull << 32)
#define WINDOW_SIZE (1ull << PROBE_WINDOW_SHIFT)

/* probe_pt page roles; the first six are head.S's layout. */
enum {
	PT_PML4,
	PT_PDPT_LOW,
	PT_PD_LOW, /* four pages */
	PT_PDPT_WIN = PT_PD_LOW + 4,
	PT_PD_WIN,
	PT_POOL, /* for the probe's own map above 4 GiB */
};

_Static_assert(PT_POOL + 3 <= PROBE_PT_PAGES, "probe_pt too small");

static unsigned int pool_next = PT_POOL;
static uint64_t window_gib = ~0ull;
static unsigned int maxphyaddr;

static uint64_t *pt_page(unsigned int i)
{
	return (uint64_t *)(probe_pt + i * PAGE_SIZE);
}

/* Identity map and virtual address are the same thing here. */
static uint64_t pa_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void write_cr3(uint64_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static uint64_t *next_level(uint64_t *table, unsigned int idx)
{
	if (!(table[idx] & PTE_P)) {
		uint64_t *page;

		if (pool_next >= PROBE_PT_PAGES)
			return NULL;
		page = pt_page(pool_next++);
		memset(page, 0, PAGE_SIZE);
		table[idx] = pa_of(page) | PTE_P | PTE_RW;
	}
	return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
}

static void map_identity_2m(uint64_t pa)
{
	uint64_t *pdpt, *pd;

	pdpt = next_level(pt_page(PT_PML4), (pa >> 39) & 511);
	if (!pdpt)
		return;
	pd = next_level(pdpt, (pa >> 30) & 511);
	if (pd)
		pd[(pa >> 21) & 511] = (pa & ~(SZ_2M - 1)) | PTE_P | PTE_RW |
				       PTE_PS;
}

static unsigned int cpu_maxphyaddr(void)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x80000000));
	if (a < 0x80000008)
		return 36;
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		     : "a"(0x80000008));
	return a & 0xff;
}

void paging_init(void)
{
	uint64_t *pml4 = pt_page(PT_PML4);
	uint64_t *pdpt = pt_page(PT_PDPT_LOW);
	uint64_t start, end;

	/*
	 * A 32-bit entry runs on these very tables: rewrite each entry with
	 * its same value, never clear one (the TLB need not cover the gap).
	 */
	pml4[0] = pa_of(pdpt) | PTE_P | PTE_RW;
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t *pd = pt_page(PT_PD_LOW + i);

		pdpt[i] = pa_of(pd) | PTE_P | PTE_RW;
		for (unsigned int j = 0; j < 512; j++)
			pd[j] = ((uint64_t)(i * 512 + j) << 21) | PTE_P |
				PTE_RW | PTE_PS;
	}
	start = pa_of(_start) & ~(SZ_2M - 1);
	end = pa_of(_end);
	for (uint64_t pa = start; pa < end; pa += SZ_2M)
		if (pa >= SZ_4G)
			map_identity_2m(pa);

	pml4[511] = pa_of(pt_page(PT_PDPT_WIN)) | PTE_P | PTE_RW;
	pt_page(PT_PDPT_WIN)[(PROBE_WINDOW_VA >> 30) & 511] =
		pa_of(pt_page(PT_PD_WIN)) | PTE_P | PTE_RW;
	maxphyaddr = cpu_maxphyaddr();
	write_cr3(pa_of(pml4));
}

bool phys_ok(uint64_t pa, uint64_t len)
{
	uint64_t limit = 1ull << maxphyaddr;

	return pa <= limit && len <= limit - pa;
}

static const volatile uint8_t *window(uint64_t pa)
{
	uint64_t gib = pa >> PROBE_WINDOW_SHIFT;

	if (pa < SZ_4G)
		return (const volatile uint8_t *)(uintptr_t)pa;

	if (gib != window_gib) {
		uint64_t *pd = pt_page(PT_PD_WIN);

		for (unsigned int j = 0; j < 512; j++)
			pd[j] = (gib << PROBE_WINDOW_SHIFT) + j * SZ_2M +
				(PTE_P | PTE_PS);
		window_gib = gib;
		write_cr3(pa_of(pt_page(PT_PML4)));
	}
	return (const volatile uint8_t *)(uintptr_t)(PROBE_WINDOW_VA +
						     (pa & (WINDOW_SIZE - 1)));
}

bool phys_walk(uint64_t pa, uint64_t len,
	       void (*fn)(const volatile uint8_t *p, uint64_t n, void *arg),
	       void *arg)
{
	if (!phys_ok(pa, len))
		return false;
	while (len) {
		uint64_t room = WINDOW_SIZE - (pa & (WINDOW_SIZE - 1));
		uint64_t n = len < room ? len : room;

		fn(window(pa), n, arg);
		pa += n;
		len -= n;
	}
	return true;
}

static void copy_out(const volatile uint8_t *p, uint64_t n, void *arg)
{
	uint8_t **dst = arg;

	while (n--)
		*(*dst)++ = *p++;
}

bool phys_read(uint64_t pa, void *buf, uint64_t len)
{
	uint8_t *dst = buf;

	return phys_walk(pa, len, copy_out, &dst);
}
