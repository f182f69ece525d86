/* SPDX-License-Identifier: MIT */
/*
 * Address decisions: the kernel at pref_address when it is free, else
 * the lowest kernel_alignment-aligned free RAM, a non-relocatable kernel
 * at code32_start or refused; the initrd as high as it may go and never
 * over anything else; the command line's limit; and the checks that
 * refuse overlapping or out-of-RAM ranges, each naming what collided.
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
static uint8_t initrd[48 << 20];
static struct db_error err;

static struct plan *build_bz(const struct fx_bz *b, struct plan_options o)
{
	size_t n = fx_bzimage(img, b);
	struct plan *p = NULL;

	memset(&err, 0, sizeof(err));
	if (plan_build(img, n, &o, &p, &err))
		fail_msg("plan_build: %s", err.msg);
	return p;
}

static void refused_bz(const struct fx_bz *b, struct plan_options o,
		       const char *n1, const char *n2)
{
	size_t n = fx_bzimage(img, b);
	struct plan *p = NULL;

	memset(&err, 0, sizeof(err));
	assert_int_equal(plan_build(img, n, &o, &p, &err), DB_ERR_INPUT);
	assert_null(p);
	if (!strstr(err.msg, n1) || (n2 && !strstr(err.msg, n2)))
		fail_msg("message '%s' lacks '%s' or '%s'", err.msg, n1,
			 n2 ? n2 : "");
}

static void test_pref_address_taken(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan *p;

	(void)state;
	b.pref_address = 0x2400000; /* aligned to 4 MiB, not to 2^25 */
	p = build_bz(&b, FX_OPTS(128));
	assert_int_equal(p->kernel_gpa, 0x2400000);
	assert_string_equal(p->kernel_rule, "pref_address");
	assert_int_equal(p->kernel_size, b.init_size);
	/* The whole init_size is reserved, though the file is smaller. */
	assert_non_null(layout_conflict(p, 0x2400000 + b.init_size - 1, 1));
	assert_int_equal(fx_placement(p, "kernel")->mem_size, b.init_size);
	assert_int_equal(fx_placement(p, "kernel")->size, FX_PM_CODE);
	plan_free(p);
}

static void test_pref_address_fallback(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan *p;

	(void)state;
	/* pref_address past the end of RAM: the lowest aligned free RAM. */
	b.pref_address = 0x10000000;
	b.kernel_alignment = 0x400000;
	p = build_bz(&b, FX_OPTS(64));
	assert_int_equal(p->kernel_gpa, 0x400000);
	assert_non_null(strstr(p->kernel_rule, "kernel_alignment"));
	/* code32_start follows a relocated kernel (boot.rst). */
	assert_int_equal(get_le32(fx_placement(p, "boot_params")->data +
				  SH_OFF(code32_start)),
			 0x400000);
	plan_free(p);
	/* pref_address below 1 MiB is never taken. */
	b.pref_address = 0x10000;
	b.kernel_alignment = 0x200000;
	p = build_bz(&b, FX_OPTS(64));
	assert_int_equal(p->kernel_gpa, 0x200000);
	plan_free(p);
}

static void test_no_room_for_kernel(void **state)
{
	struct fx_bz b = fx_bz_default();

	(void)state;
	b.init_size = 64 * MiB;
	refused_bz(&b, FX_OPTS(32), "init_size", "kernel_alignment=0x200000");
}

static void test_not_relocatable(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan *p;

	(void)state;
	b.not_relocatable = true;
	b.pref_address = 0x1000000; /* ignored: the kernel cannot move */
	p = build_bz(&b, FX_OPTS(64));
	assert_int_equal(p->kernel_gpa, CODE32_START_DEFAULT);
	assert_non_null(strstr(p->kernel_rule, "not relocatable"));
	plan_free(p);
	/* Over the reserved [0x9fc00, 1 MiB): refused, with the reason. */
	b.code32_start = 0x90000;
	refused_bz(&b, FX_OPTS(64), "not relocatable", "code32_start=0x90000");
	/* Bigger than RAM. */
	b.code32_start = CODE32_START_DEFAULT;
	b.init_size = 80 * MiB;
	refused_bz(&b, FX_OPTS(64), "not relocatable", "64 MiB");
}

static void test_initrd_highest(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *rd;
	struct plan *p;

	(void)state;
	o.initrd = initrd;
	o.initrd_size = 4097;
	p = build_bz(&b, o);
	assert_int_equal(p->initrd_gpa, 64 * MiB - 0x2000);
	assert_int_equal(p->initrd_gpa % 4096, 0);
	rd = fx_placement(p, "initrd");
	assert_ptr_equal(rd->data, initrd);
	assert_int_equal(rd->size, 4097);
	plan_free(p);
	/* initrd_addr_max is the address of the last byte. */
	b.initrd_addr_max = 32 * MiB - 1;
	o.initrd_size = 4096;
	p = build_bz(&b, o);
	assert_int_equal(p->initrd_gpa, 32 * MiB - 4096);
	assert_string_equal(p->initrd_rule,
			    "highest free RAM below initrd_addr_max");
	plan_free(p);
}

static void test_initrd_avoids_kernel(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	struct plan *p;

	(void)state;
	/* [16, 20) MiB is the kernel's; 44 MiB fits just above it. */
	o.initrd = initrd;
	o.initrd_size = 44 * MiB;
	p = build_bz(&b, o);
	assert_int_equal(p->kernel_gpa, 16 * MiB);
	assert_int_equal(p->initrd_gpa, 20 * MiB);
	plan_free(p);
	/* 45 MiB fits nowhere: neither above the kernel nor below it. */
	o.initrd_size = 45 * MiB;
	refused_bz(&b, o, "initrd of 47185920 bytes", "64 MiB");
	/* Too big for the RAM below initrd_addr_max, with both named. */
	b.initrd_addr_max = 8 * MiB - 1;
	o.initrd_size = 8 * MiB;
	refused_bz(&b, o, "8388608 bytes", "initrd_addr_max 0x7fffff");
}

static void test_initrd_above_4g(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(6144);
	const uint8_t *bp;
	struct plan *p;

	(void)state;
	o.initrd = initrd;
	o.initrd_size = 16 * MiB;
	p = build_bz(&b, o);
	assert_int_equal(p->entry, PLAN_ENTRY_64);
	assert_int_equal(p->initrd_gpa, 7 * GiB - 16 * MiB);
	assert_non_null(strstr(p->initrd_rule, "ABOVE_4G"));
	bp = fx_placement(p, "boot_params")->data;
	assert_int_equal(get_le32(bp + SH_OFF(ramdisk_image)),
			 (uint32_t)(7 * GiB - 16 * MiB));
	assert_int_equal(get_le32(bp + BP_OFF(ext_ramdisk_image)), 1);
	assert_int_equal(get_le32(bp + SH_OFF(ramdisk_size)), 16 * MiB);
	assert_int_equal(get_le32(bp + BP_OFF(ext_ramdisk_size)), 0);
	/* The identity map reaches it. */
	assert_true(p->page_tables_size >= 7 * 4096);
	plan_free(p);

	/* The 32-bit entry keeps it below initrd_addr_max. */
	o.entry = PLAN_ENTRY_32;
	p = build_bz(&b, o);
	assert_int_equal(p->initrd_gpa, 2 * GiB - 16 * MiB);
	bp = fx_placement(p, "boot_params")->data;
	assert_int_equal(get_le32(bp + BP_OFF(ext_ramdisk_image)), 0);
	plan_free(p);

	/* So does a kernel without XLF_CAN_BE_LOADED_ABOVE_4G. */
	o.entry = PLAN_ENTRY_64;
	b.xloadflags = XLF_KERNEL_64;
	b.initrd_addr_max = 0xffffffff;
	p = build_bz(&b, o);
	assert_int_equal(p->initrd_gpa, 3 * GiB - 16 * MiB);
	plan_free(p);
}

static void test_cmdline_limit(void **state)
{
	static char line[301];
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *c;
	struct plan *p;

	(void)state;
	b.cmdline_size = 300;
	memset(line, 'x', 300);
	o.cmdline = line;
	p = build_bz(&b, o);
	assert_int_equal(p->cmdline_gpa, PLAN_CMDLINE_GPA);
	c = fx_placement(p, "cmdline");
	assert_int_equal(c->size, 301);
	assert_int_equal(c->data[300], '\0');
	assert_memory_equal(c->data, line, 300);
	assert_ptr_not_equal(c->data, line); /* copied: the plan owns it */
	plan_free(p);
	b.cmdline_size = 299;
	refused_bz(&b, o, "300 bytes", "cmdline_size of 299");
}

static void test_reserve_and_search(void **state)
{
	struct plan p = {.mem_size = 64 * MiB};
	uint64_t at;

	(void)state;
	assert_int_equal(e820_build(64 * MiB, p.regions, PLAN_REGIONS_MAX,
				    &p.nr_regions, &err),
			 DB_OK);
	assert_int_equal(layout_reserve(&p, 0x200000, 0x100000, "a", &err),
			 DB_OK);
	assert_int_equal(layout_reserve(&p, 0x2ff000, 0x2000, "b", &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "b [0x2ff000, 0x301000) overlaps a"));
	assert_int_equal(layout_reserve(&p, 0x9f000, 0x1000, "c", &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not in guest RAM"));
	assert_int_equal(layout_reserve(&p, 64 * MiB - 4096, 8192, "d", &err),
			 DB_ERR_INPUT);
	/* Lowest: skips "a" and keeps the alignment. */
	assert_true(layout_find_lowest(&p, 0x200000, 0x100000, 0x100000,
				       64 * MiB, &at));
	assert_int_equal(at, 0x300000);
	/* Below 1 MiB, the reserved area is not RAM. */
	assert_false(
		layout_find_lowest(&p, 0x1000, 0x1000, 0x9f000, 0x100000, &at));
	/* Highest: under "a" when asked below it. */
	assert_true(layout_find_highest(&p, 0x1000, 0x1000, 0x100000, 0x280000,
					&at));
	assert_int_equal(at, 0x1ff000);
	assert_false(layout_find_highest(&p, 0x200000, 0x1000, 0x100000,
					 0x280000, &at));
	/* layout_check catches what layout_reserve would have refused. */
	assert_int_equal(layout_check(&p, &err), DB_OK);
	p.reservations[p.nr_reservations++] =
		(struct plan_reservation){0x250000, 0x1000, "e"};
	assert_int_equal(layout_check(&p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "overlaps"));
	p.nr_reservations--;
	p.placements[p.nr_placements++] =
		(struct plan_placement){.gpa = 0x2ff000,
					.size = 0x2000,
					.mem_size = 0x2000,
					.what = "f"};
	assert_int_equal(layout_check(&p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "f at 0x2ff000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pref_address_taken),
		cmocka_unit_test(test_pref_address_fallback),
		cmocka_unit_test(test_no_room_for_kernel),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_initrd_highest),
		cmocka_unit_test(test_initrd_avoids_kernel),
		cmocka_unit_test(test_initrd_above_4g),
		cmocka_unit_test(test_cmdline_limit),
		cmocka_unit_test(test_reserve_and_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
