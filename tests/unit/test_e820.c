/* SPDX-License-Identifier: MIT */
/*
 * The memory map: the PC layout below 1 MiB, the 32-bit hole once the
 * memory passes 3 GiB, the refusals, and the zero page's 128-entry
 * table with its SETUP_E820_EXT spill encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "plan_int.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct plan_region r[PLAN_REGIONS_MAX];
static unsigned n;
static struct db_error err;

static void check(unsigned i, uint64_t start, uint64_t end, uint32_t type)
{
	assert_int_equal(r[i].start, start);
	assert_int_equal(r[i].start + r[i].size, end);
	assert_int_equal(r[i].type, type);
}

static void test_64m(void **state)
{
	(void)state;
	assert_int_equal(e820_build(64 * MiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_OK);
	assert_int_equal(n, 3);
	check(0, 0, 0x9fc00, E820_TYPE_RAM);
	check(1, 0x9fc00, 0x100000, E820_TYPE_RESERVED);
	check(2, 0x100000, 64 * MiB, E820_TYPE_RAM);
	assert_int_equal(e820_low_ram_top(r, n), 64 * MiB);
}

static void test_3g_exactly(void **state)
{
	(void)state;
	assert_int_equal(e820_build(3 * GiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_OK);
	assert_int_equal(n, 3);
	check(2, 0x100000, 3 * GiB, E820_TYPE_RAM);
}

static void test_hole_3584m(void **state)
{
	(void)state;
	assert_int_equal(e820_build(3584 * MiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_OK);
	assert_int_equal(n, 4);
	check(2, 0x100000, 3 * GiB, E820_TYPE_RAM);
	/* [3 GiB, 4 GiB) is absent: the hole, not RAM, not listed. */
	check(3, 4 * GiB, 4 * GiB + 512 * MiB, E820_TYPE_RAM);
	assert_int_equal(e820_low_ram_top(r, n), 3 * GiB);
}

static void test_hole_6g(void **state)
{
	uint64_t ram = 0;

	(void)state;
	assert_int_equal(e820_build(6 * GiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_OK);
	assert_int_equal(n, 4);
	check(3, 4 * GiB, 7 * GiB, E820_TYPE_RAM);
	for (unsigned i = 0; i < n; i++)
		if (r[i].type == E820_TYPE_RAM)
			ram += r[i].size;
	/* All the memory asked for is RAM, less the 385 KiB below 1 MiB. */
	assert_int_equal(ram, 6 * GiB - (0x100000 - 0x9fc00));
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(e820_build(1 * MiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "1048576 bytes"));
	assert_int_equal(
		e820_build(64 * MiB + 512, r, PLAN_REGIONS_MAX, &n, &err),
		DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "4 KiB"));
	assert_int_equal(e820_build(1024 * GiB, r, PLAN_REGIONS_MAX, &n, &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "512 GiB"));
	assert_int_equal(e820_build(6 * GiB, r, 3, &n, &err), DB_ERR_INPUT);
}

static void test_zeropage_table(void **state)
{
	static struct plan_region many[200];
	static struct boot_params bp;
	static uint8_t ext[E820_EXT_SIZE(72)];

	(void)state;
	for (unsigned i = 0; i < 200; i++)
		many[i] = (struct plan_region){i * 0x10000ull, 0x8000,
					       i % 2 ? E820_TYPE_RESERVED
						     : E820_TYPE_RAM};
	assert_int_equal(e820_to_zeropage(&bp, many, 3), 0);
	assert_int_equal(bp.e820_entries, 3);
	assert_int_equal(e820_to_zeropage(&bp, many, 200), 72);
	assert_int_equal(bp.e820_entries, E820_MAX_ENTRIES_ZEROPAGE);
	assert_int_equal(bp.e820_table[127].addr, 127 * 0x10000ull);
	assert_int_equal(bp.e820_table[127].size, 0x8000);
	assert_int_equal(bp.e820_table[127].type, E820_TYPE_RESERVED);
	e820_ext_encode(ext, many + 128, 72);
	for (unsigned i = 0; i < 72; i++) {
		const uint8_t *e = ext + i * 20;

		assert_int_equal(get_le64(e), (128 + i) * 0x10000ull);
		assert_int_equal(get_le64(e + 8), 0x8000);
		assert_int_equal(get_le32(e + 16), many[128 + i].type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_64m),
		cmocka_unit_test(test_3g_exactly),
		cmocka_unit_test(test_hole_3584m),
		cmocka_unit_test(test_hole_6g),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_zeropage_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
