/* SPDX-License-Identifier: MIT */
/*
 * The identity map of the long-mode entries, checked by walking it as
 * the MMU would: every 2 MiB of the first 4 GiB, and every byte of every
 * range the plan reserved (the initrd above 4 GiB included), maps to
 * itself; nothing else is mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "directboot/plan.h"
#include "plan_fixture.h"
#include "plan_int.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static uint8_t img[FX_IMAGE_MAX];
static uint8_t initrd[8 << 20];
static struct db_error err;

static struct plan *build(unsigned mem_mib, enum plan_entry e, size_t rd)
{
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(mem_mib);
	size_t n = fx_bzimage(img, &b);
	struct plan *p = NULL;

	o.entry = e;
	o.initrd = initrd;
	o.initrd_size = rd;
	if (plan_build(img, n, &o, &p, &err))
		fail_msg("plan_build: %s", err.msg);
	return p;
}

static void check_identity(const struct plan *p, uint64_t va)
{
	const struct plan_placement *pt = fx_placement(p, "page tables");
	uint64_t pa = fx_walk(pt->data, pt->size, p->cpu.cr3, va);

	if (pa != va)
		fail_msg("0x%llx maps to 0x%llx", (unsigned long long)va,
			 (unsigned long long)pa);
}

static void check_plan(const struct plan *p)
{
	const struct plan_placement *pt = fx_placement(p, "page tables");

	assert_non_null(pt);
	assert_int_equal(pt->gpa, p->cpu.cr3);
	assert_int_equal(p->cpu.cr3 % 4096, 0);
	for (uint64_t a = 0; a < 4 * GiB; a += 2 * MiB) {
		check_identity(p, a);
		check_identity(p, a + 2 * MiB - 1);
	}
	for (unsigned i = 0; i < p->nr_reservations; i++) {
		const struct plan_reservation *r = &p->reservations[i];

		check_identity(p, r->start);
		check_identity(p, r->start + r->size - 1);
	}
	for (unsigned i = 0; i < p->nr_placements; i++)
		check_identity(p, p->placements[i].gpa +
					  p->placements[i].mem_size - 1);
}

static void test_64m(void **state)
{
	const struct plan_placement *pt;
	struct plan *p;

	(void)state;
	p = build(64, PLAN_ENTRY_64, 4096);
	check_plan(p);
	pt = fx_placement(p, "page tables");
	/* PML4, PDPT and four directories. */
	assert_int_equal(pt->size, 6 * 4096);
	assert_int_equal(p->page_tables_size, 6 * 4096);
	/* Past 4 GiB nothing is mapped. */
	assert_int_equal(fx_walk(pt->data, pt->size, p->cpu.cr3, 4 * GiB),
			 ~0ull);
	/* Only PML4[0] is present. */
	for (unsigned i = 1; i < 512; i++)
		assert_int_equal(get_le64(pt->data + 8 * i), 0);
	plan_free(p);
}

static void test_6g_initrd_high(void **state)
{
	const struct plan_placement *pt;
	struct plan *p;

	(void)state;
	p = build(6144, PLAN_ENTRY_64, sizeof(initrd));
	assert_true(p->initrd_gpa >= 4 * GiB);
	check_plan(p);
	check_identity(p, p->initrd_gpa);
	check_identity(p, p->initrd_gpa + sizeof(initrd) - 1);
	pt = fx_placement(p, "page tables");
	/* The slot [6, 7) GiB holds the initrd; [4, 6) GiB holds nothing. */
	assert_int_equal(pt->size, 7 * 4096);
	assert_int_equal(fx_walk(pt->data, pt->size, p->cpu.cr3, 5 * GiB),
			 ~0ull);
	plan_free(p);
}

static void test_slots(void **state)
{
	static bool slots[PT_SLOTS];
	static uint8_t buf[(2 + 3) * 4096];
	const uint64_t gpa = 0x10000;

	(void)state;
	memset(slots, 0, sizeof(slots));
	slots[0] = slots[7] = slots[511] = true;
	assert_int_equal(pagetables_size(slots), sizeof(buf));
	pagetables_build(buf, gpa, slots);
	assert_int_equal(fx_walk(buf, sizeof(buf), gpa, 7 * GiB + 12345),
			 7 * GiB + 12345);
	assert_int_equal(fx_walk(buf, sizeof(buf), gpa, 511 * GiB + 2 * MiB),
			 511 * GiB + 2 * MiB);
	assert_int_equal(fx_walk(buf, sizeof(buf), gpa, 1 * GiB), ~0ull);
	/* Writable and present at every level, 2 MiB leaves. */
	assert_int_equal(get_le64(buf) & 0xfff, PTE_P | PTE_RW);
	assert_int_equal(get_le64(buf + 2 * 4096) & 0xfff,
			 PTE_P | PTE_RW | PTE_PS);
}

/* The 32-bit and PVH entries run with paging off: no tables at all. */
static void test_none_for_32(void **state)
{
	struct plan *p;

	(void)state;
	p = build(64, PLAN_ENTRY_32, 0);
	assert_null(fx_placement(p, "page tables"));
	assert_int_equal(p->cpu.cr3, 0);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_64m),
		cmocka_unit_test(test_6g_initrd_high),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_none_for_32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
