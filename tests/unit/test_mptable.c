// SPDX-License-Identifier: MIT
/*
 * The MP table (lib/mptable.c) on its own: the configuration table's
 * entries and checksum for a number of CPUs, the limits, and the
 * floating pointer.  Where plan_build() puts them: test_plan.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "directboot/mptable.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_floating_pointer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
