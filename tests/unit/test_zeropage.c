/* SPDX-License-Identifier: MIT */
/*
 * The zero page: the header copied from the image (to 0x202 + the byte
 * at 0x201), the fields a loader writes, each only where the image's
 * protocol version has it, cmdline_size never touched, and the
 * setup_data chain: SETUP_E820_EXT for a map past 128 entries, then
 * SETUP_RNG_SEED.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "directboot/plan.h"
#include "plan_fixture.h"
#include "plan_int.h"

static uint8_t img[FX_IMAGE_MAX];
static struct boot_params bp;
static struct db_error err;

static const struct boot_params *plan_bp(struct plan *p)
{
	memcpy(&bp, fx_placement(p, "boot_params")->data, sizeof(bp));
	return &bp;
}

static struct plan *build(struct plan_options o)
{
	struct fx_bz b = fx_bz_default();
	size_t n;
	struct plan *p = NULL;

	b.cmdline_size = 1234;
	n = fx_bzimage(img, &b);
	if (plan_build(img, n, &o, &p, &err))
		fail_msg("plan_build: %s", err.msg);
	return p;
}

static void test_loader_fields(void **state)
{
	static uint8_t rd[5000];
	struct plan_options o = FX_OPTS(64);
	const struct boot_params *z;
	struct plan *p;

	(void)state;
	o.cmdline = "console=ttyS0";
	o.initrd = rd;
	o.initrd_size = sizeof(rd);
	p = build(o);
	z = plan_bp(p);
	assert_int_equal(z->hdr.type_of_loader, LOADER_TYPE_UNDEFINED);
	assert_int_equal(z->hdr.ext_loader_ver, 0);
	assert_int_equal(z->hdr.ext_loader_type, 0);
	assert_int_equal(z->hdr.loadflags, LOADED_HIGH | CAN_USE_HEAP);
	assert_int_equal(z->hdr.heap_end_ptr, 0xe000 - 0x200);
	assert_int_equal(z->hdr.cmd_line_ptr, PLAN_CMDLINE_GPA);
	assert_int_equal(z->ext_cmd_line_ptr, 0);
	assert_int_equal(z->hdr.ramdisk_image, p->initrd_gpa);
	assert_int_equal(z->hdr.ramdisk_size, sizeof(rd));
	assert_int_equal(z->ext_ramdisk_image, 0);
	assert_int_equal(z->hdr.hardware_subarch, X86_SUBARCH_PC);
	assert_int_equal(z->hdr.hardware_subarch_data, 0);
	assert_int_equal(z->hdr.code32_start, p->kernel_gpa);
	assert_int_equal(z->e820_entries, p->nr_regions);
	assert_int_equal(z->e820_table[2].addr, 0x100000);
	assert_int_equal(z->e820_table[2].size, (64u << 20) - 0x100000);
	assert_int_equal(z->e820_table[1].type, E820_TYPE_RESERVED);
	/* Everything outside the header, the table and the ext_ fields
	 * is zero. */
	assert_int_equal(z->sentinel, 0);
	assert_int_equal(z->acpi_rsdp_addr,
			 fx_placement(p, "ACPI tables")->gpa);
	plan_free(p);

	o.keep_segments = true;
	o.subarch = X86_SUBARCH_LGUEST;
	o.subarch_data = 0x123456789ull;
	p = build(o);
	z = plan_bp(p);
	assert_int_equal(z->hdr.loadflags,
			 LOADED_HIGH | CAN_USE_HEAP | KEEP_SEGMENTS);
	assert_int_equal(z->hdr.hardware_subarch, X86_SUBARCH_LGUEST);
	assert_int_equal(z->hdr.hardware_subarch_data, 0x123456789ull);
	plan_free(p);
}

/* The kernel's own header fields pass through; cmdline_size above all. */
static void test_header_copied(void **state)
{
	struct plan *p;
	const struct boot_params *z;

	(void)state;
	p = build(FX_OPTS(64));
	z = plan_bp(p);
	assert_int_equal(z->hdr.cmdline_size, 1234);
	assert_int_equal(z->hdr.header, HDRS_MAGIC);
	assert_int_equal(z->hdr.boot_flag, BOOT_FLAG_MAGIC);
	assert_int_equal(z->hdr.version, BOOT_PROTOCOL(2, 15));
	assert_int_equal(z->hdr.init_size, 0x400000);
	assert_int_equal(z->hdr.pref_address, 0x1000000);
	assert_int_equal(z->hdr.kernel_alignment, 0x200000);
	assert_int_equal(z->hdr.initrd_addr_max, 0x7fffffff);
	assert_int_equal(z->hdr.xloadflags,
			 XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	assert_int_equal(z->hdr.setup_sects, FX_SETUP_SECTS);
	plan_free(p);
}

static struct zeropage_args args_for(size_t n)
{
	static struct plan_region r[3] = {
		{0, 0x9fc00, E820_TYPE_RAM},
		{0x9fc00, 0x60400, E820_TYPE_RESERVED},
		{0x100000, 0x3f00000, E820_TYPE_RAM},
	};

	return (struct zeropage_args){
		.image = img,
		.image_size = n,
		.cmdline_gpa = 0x20000,
		.regions = r,
		.nr_regions = 3,
	};
}

/* The header ends where the jump at 0x200 lands: 0x202 + img[0x201]. */
static void test_header_length(void **state)
{
	struct fx_bz b = fx_bz_default();
	size_t n = fx_bzimage(img, &b);
	struct zeropage_args a = args_for(n);

	(void)state;
	/* Fields a loader writes are never the file's. */
	put_le32(img + SH_OFF(ramdisk_image), 0x1234000);
	put_le32(img + SH_OFF(ramdisk_size), 0x1000);
	put_le64(img + SH_OFF(setup_data), 0x5000);
	put_le32(img + SH_OFF(cmd_line_ptr), 0x90000);
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_OK);
	assert_int_equal(bp.hdr.ramdisk_image, 0);
	assert_int_equal(bp.hdr.ramdisk_size, 0);
	assert_int_equal(bp.hdr.setup_data, 0);
	assert_int_equal(bp.hdr.cmd_line_ptr, 0x20000);

	img[HDRS_OFFSET - 1] = 0x2e; /* up to 0x230: initrd_addr_max */
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_OK);
	assert_int_equal(bp.hdr.initrd_addr_max, 0x7fffffff);
	assert_int_equal(bp.hdr.kernel_alignment, 0);
	assert_int_equal(bp.hdr.pref_address, 0);
	/* Never past the 2.15 header, whatever the byte says. */
	img[HDRS_OFFSET - 1] = 0xff;
	memset(img + SETUP_HEADER_END, 0xee, 0x40);
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_OK);
	assert_int_equal(bp.hdr.kernel_info_offset, 0);
	assert_int_equal(bp.edd_mbr_sig_buffer[0], 0);
}

static void test_old_protocols(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct zeropage_args a;

	(void)state;
	b.version = BOOT_PROTOCOL(2, 1);
	a = args_for(fx_bzimage(img, &b));
	a.cmdline_len = 5;
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "2.02"));
	assert_non_null(strstr(err.msg, "2.01"));
	a.cmdline_len = 0;
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_OK);
	assert_int_equal(bp.hdr.cmd_line_ptr, 0);
	assert_int_equal(bp.hdr.heap_end_ptr, 0xde00);
	assert_int_equal(bp.hdr.hardware_subarch, 0);

	b.version = BOOT_PROTOCOL(2, 0);
	a = args_for(fx_bzimage(img, &b));
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_OK);
	assert_int_equal(bp.hdr.heap_end_ptr, 0);
	assert_int_equal(bp.hdr.loadflags, LOADED_HIGH);

	b.version = BOOT_PROTOCOL(2, 6);
	a = args_for(fx_bzimage(img, &b));
	a.subarch = 1;
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "2.07"));
	a.subarch = 0;
	a.keep_segments = true;
	assert_int_equal(zeropage_build(&bp, NULL, 0, &a, &err), DB_ERR_INPUT);
	/* No setup_data before 2.09: the seed is quietly left out. */
	a.keep_segments = false;
	a.rng_seed = fx_seed;
	size_t size = 1;
	assert_int_equal(zeropage_setup_data_size(&a, &size, &err), DB_OK);
	assert_int_equal(size, 0);
}

static void test_e820_ext_spill(void **state)
{
	static struct plan_region many[200];
	static uint8_t sd[4096];
	struct fx_bz b = fx_bz_default();
	struct zeropage_args a = args_for(fx_bzimage(img, &b));
	const uint64_t gpa = 0x3000;
	size_t size, first = 16 + 72 * 20;
	const uint8_t *node;

	(void)state;
	for (unsigned i = 0; i < 200; i++)
		many[i] = (struct plan_region){(uint64_t)i << 21, 1 << 20,
					       E820_TYPE_RAM};
	a.regions = many;
	a.nr_regions = 200;
	a.rng_seed = fx_seed;
	assert_int_equal(zeropage_setup_data_size(&a, &size, &err), DB_OK);
	assert_int_equal(size, align_up(first, 8) + 16 + 32);
	assert_int_equal(zeropage_build(&bp, sd, gpa, &a, &err), DB_OK);
	assert_int_equal(bp.e820_entries, 128);
	assert_int_equal(bp.e820_table[127].addr, 127ull << 21);
	assert_int_equal(bp.hdr.setup_data, gpa);
	assert_int_equal(get_le64(sd), gpa + align_up(first, 8));
	assert_int_equal(get_le32(sd + 8), SETUP_E820_EXT);
	assert_int_equal(get_le32(sd + 12), 72 * 20);
	for (unsigned i = 0; i < 72; i++)
		assert_int_equal(get_le64(sd + 16 + 20 * i), (128ull + i)
								     << 21);
	node = sd + align_up(first, 8);
	assert_int_equal(get_le64(node), 0);
	assert_int_equal(get_le32(node + 8), SETUP_RNG_SEED);
	assert_int_equal(get_le32(node + 12), 32);
	assert_memory_equal(node + 16, fx_seed, 32);

	/* Before 2.09 there is nowhere for the rest of the map. */
	b.version = BOOT_PROTOCOL(2, 8);
	a.image_size = fx_bzimage(img, &b);
	assert_int_equal(zeropage_setup_data_size(&a, &size, &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "2.09"));
	assert_non_null(strstr(err.msg, "200 entries"));
}

static void test_rng_seed(void **state)
{
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *sd;
	uint8_t first[32];
	struct plan *p;

	(void)state;
	p = build(o);
	sd = fx_placement(p, "setup_data");
	assert_non_null(sd);
	assert_int_equal(plan_bp(p)->hdr.setup_data, sd->gpa);
	assert_int_equal(get_le32(sd->data + 8), SETUP_RNG_SEED);
	assert_memory_equal(sd->data + 16, fx_seed, 32);
	plan_free(p);

	o.rng_seed = NULL; /* from getrandom(): two plans differ */
	p = build(o);
	memcpy(first, fx_placement(p, "setup_data")->data + 16, 32);
	plan_free(p);
	p = build(o);
	assert_memory_not_equal(fx_placement(p, "setup_data")->data + 16, first,
				32);
	plan_free(p);

	o.no_rng_seed = true;
	p = build(o);
	assert_null(fx_placement(p, "setup_data"));
	assert_int_equal(plan_bp(p)->hdr.setup_data, 0);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_fields),
		cmocka_unit_test(test_header_copied),
		cmocka_unit_test(test_header_length),
		cmocka_unit_test(test_old_protocols),
		cmocka_unit_test(test_e820_ext_spill),
		cmocka_unit_test(test_rng_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
