// SPDX-License-Identifier: MIT
/*
 * The MP table and the plan's device decisions: entries, checksums and
 * where plan_build puts them (--cpus), and the virtio-mmio windows on
 * the command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "directboot/mptable.h"
#include "plan_fixture.h"

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_table_entries(void **state)
{
	static uint8_t buf[4096];
	struct db_error err = {0};
	struct mpc_table h;
	const uint8_t *p;
	unsigned cpus = 4, bsp = 0;

	(void)state;
	assert_int_equal(mptable_build(buf, cpus, &err), DB_OK);
	memcpy(&h, buf, sizeof(h));
	assert_memory_equal(h.signature, "PCMP", 4);
	assert_int_equal(h.spec, MPC_SPEC_1_4);
	assert_int_equal(h.length, mptable_size(cpus));
	assert_int_equal(h.lapic, MP_LAPIC_ADDR);
	assert_int_equal(sum(buf, h.length), 0);
	assert_int_equal(h.oemcount, cpus + 2 + MP_IOAPIC_PINS - 1 + 2);
	p = buf + sizeof(h);
	for (unsigned i = 0; i < cpus; i++, p += sizeof(struct mpc_cpu)) {
		struct mpc_cpu c;

		memcpy(&c, p, sizeof(c));
		assert_int_equal(c.type, MP_PROCESSOR);
		assert_int_equal(c.apicid, i);
		assert_true(c.cpuflag & CPU_ENABLED);
		bsp += !!(c.cpuflag & CPU_BOOTPROCESSOR);
		assert_int_equal(!!(c.cpuflag & CPU_BOOTPROCESSOR), i == 0);
	}
	assert_int_equal(bsp, 1);
	assert_int_equal(p[0], MP_BUS);
	assert_memory_equal(p + 2, "ISA   ", 6);
	p += 8;
	struct mpc_ioapic io;
	memcpy(&io, p, sizeof(io));
	assert_int_equal(io.type, MP_IOAPIC);
	assert_int_equal(io.apicid, cpus);
	assert_int_equal(io.apicaddr, MP_IOAPIC_ADDR);
	p += 8;
	/* ISA IRQ 0 on pin 2, as on a PC; no entry for the cascade (2);
	 * every other IRQ on its own pin. */
	for (unsigned irq = 0; irq < MP_IOAPIC_PINS; irq++) {
		struct mpc_intsrc s;

		if (irq == 2)
			continue;
		memcpy(&s, p, sizeof(s));
		assert_int_equal(s.type, MP_INTSRC);
		assert_int_equal(s.irqtype, mp_INT);
		assert_int_equal(s.srcbusirq, irq);
		assert_int_equal(s.dstirq, irq ? irq : 2);
		assert_int_equal(s.dstapic, cpus);
		p += 8;
	}
	assert_int_equal(p[0], MP_LINTSRC);
	assert_int_equal(p[1], mp_ExtINT);
	assert_int_equal(p[7], 0);
	assert_int_equal(p[8 + 1], mp_NMI);
	assert_int_equal(p[8 + 7], 1);
	assert_ptr_equal(p + 16, buf + h.length);
}

static void test_limits(void **state)
{
	static uint8_t buf[8192];
	struct db_error err = {0};

	(void)state;
	assert_int_equal(mptable_build(buf, 0, &err), DB_ERR_INPUT);
	assert_int_equal(mptable_build(buf, 65, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "65 CPUs"));
	assert_int_equal(mptable_build(buf, 64, &err), DB_OK);
	assert_int_equal(sum(buf, mptable_size(64)), 0);
}

static void test_floating_pointer(void **state)
{
	struct mpf_intel mpf;

	(void)state;
	mptable_floating(&mpf, 0x3000);
	assert_memory_equal(mpf.signature, "_MP_", 4);
	assert_int_equal(mpf.physptr, 0x3000);
	assert_int_equal(mpf.length, 1);
	assert_int_equal(mpf.feature1, 0);
	assert_int_equal(sum((uint8_t *)&mpf, sizeof(mpf)), 0);
	/* By hand: "_MP_" 0x5f+0x4d+0x50+0x5f, physptr's 0x30, length 1,
	 * spec 4 make 0x190; the checksum byte is -0x90, 0x70. */
	assert_int_equal(mpf.checksum, 0x70);
}

/* plan_build with --cpus 3: the floating pointer in the first KiB
 * (where mpparse.c scans first), pointing at the table, both placed. */
static void test_plan_places_it(void **state)
{
	static uint8_t img[FX_IMAGE_MAX];
	struct fx_bz bz = fx_bz_default();
	struct plan_options o = FX_OPTS(256);
	struct db_error err = {0};
	struct plan *plan;
	const struct plan_placement *mpf, *tab;
	struct mpf_intel f;
	size_t size = fx_bzimage(img, &bz);

	(void)state;
	o.cpus = 3;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	mpf = fx_placement(plan, "MP floating pointer");
	tab = fx_placement(plan, "MP table");
	assert_non_null(mpf);
	assert_non_null(tab);
	assert_true(mpf->gpa + mpf->size <= 0x400);
	memcpy(&f, mpf->data, sizeof(f));
	assert_int_equal(f.physptr, tab->gpa);
	assert_int_equal(plan->mptable_gpa, tab->gpa);
	assert_true(tab->gpa + tab->size <= 0x9fc00);
	assert_int_equal(tab->size, mptable_size(3));
	assert_int_equal(tab->data[sizeof(struct mpc_table) + 20 * 2 + 1], 2);
	plan_free(plan);

	/* One CPU (and the default, 0): a table with the BSP alone, so the
	 * guest need not scan the BIOS area for one. */
	for (unsigned cpus = 0; cpus <= 1; cpus++) {
		o.cpus = cpus;
		assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
		tab = fx_placement(plan, "MP table");
		assert_non_null(tab);
		assert_int_equal(plan->mptable_gpa, tab->gpa);
		assert_int_equal(tab->size, mptable_size(1));
		plan_free(plan);
	}
}

static void test_plan_virtio_windows(void **state)
{
	static uint8_t img[FX_IMAGE_MAX];
	struct fx_bz bz = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	struct db_error err = {0};
	struct plan *plan;
	const struct plan_placement *cl;
	size_t size;

	(void)state;
	o.cmdline = "console=ttyS0";
	o.nr_virtio = 3;
	size = fx_bzimage(img, &bz);
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	assert_int_equal(plan->nr_virtio, 3);
	cl = fx_placement(plan, "cmdline");
	assert_non_null(cl);
	assert_string_equal((const char *)cl->data,
			    "console=ttyS0 "
			    "virtio_mmio.device=512@0xd0000000:5 "
			    "virtio_mmio.device=512@0xd0001000:6 "
			    "virtio_mmio.device=512@0xd0002000:7");
	for (unsigned i = 0; i < 3; i++) {
		/* Outside RAM: in no e820 RAM range. */
		for (unsigned r = 0; r < plan->nr_regions; r++)
			if (plan->regions[r].type == E820_TYPE_RAM)
				assert_false(
					plan->virtio[i].gpa <
						plan->regions[r].start +
							plan->regions[r].size &&
					plan->virtio[i].gpa >=
						plan->regions[r].start);
		assert_int_equal(plan->virtio[i].size, 512);
	}
	plan_free(plan);

	/* The entries count against cmdline_size. */
	bz.cmdline_size = 40;
	size = fx_bzimage(img, &bz);
	o.cmdline = "";
	o.nr_virtio = 1;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	plan_free(plan);
	o.nr_virtio = 2;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "cmdline_size"));
	o.nr_virtio = PLAN_VIRTIO_MAX + 1;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_floating_pointer),
		cmocka_unit_test(test_plan_places_it),
		cmocka_unit_test(test_plan_virtio_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
