// SPDX-License-Identifier: MIT
/* The ACPI PM1 block and PM timer: S5 powers off, the timer counts at
 * 3.579545 MHz from a clock the test holds, a 32-bit read is whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../devices/acpi_pm.h"
#include "directboot/acpi.h"

static uint64_t fake_ns;

static uint64_t fake_clock(void)
{
	return fake_ns;
}

static void setup_pm(struct acpi_pm *pm)
{
	fake_ns = 5000000000ull; /* any start: the timer counts from here */
	acpi_pm_init(pm, fake_clock);
}

static void test_ports(void **state)
{
	(void)state;
	assert_false(acpi_pm_owns(ACPI_PM_BASE - 1));
	assert_true(acpi_pm_owns(ACPI_PM1A_EVT_BLK));
	assert_true(acpi_pm_owns(ACPI_PM1A_CNT_BLK + 1));
	assert_true(acpi_pm_owns(ACPI_PM_TMR_BLK + 3));
	assert_false(acpi_pm_owns(ACPI_PM_TMR_BLK + 4));
}

static void test_sci_en_always(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_CNT_BLK, 2),
			 ACPI_PM1_CNT_SCI_EN);
	acpi_pm_write(&pm, ACPI_PM1A_CNT_BLK, 2, 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_CNT_BLK, 2),
			 ACPI_PM1_CNT_SCI_EN);
	assert_false(pm.powered_off);
}

static void test_s5_powers_off(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	/* Linux's acpi_hw_legacy_sleep(): SLP_TYP first, then SLP_EN. */
	acpi_pm_write(&pm, ACPI_PM1A_CNT_BLK, 2,
		      ACPI_PM1_CNT_SCI_EN |
			      ACPI_S5_SLP_TYP << ACPI_PM1_CNT_SLP_TYP_SHIFT);
	assert_false(pm.powered_off);
	acpi_pm_write(&pm, ACPI_PM1A_CNT_BLK, 2,
		      ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_SLP_EN |
			      ACPI_S5_SLP_TYP << ACPI_PM1_CNT_SLP_TYP_SHIFT);
	assert_true(pm.powered_off);
	/* SLP_EN reads back as 0: it is a command. */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_CNT_BLK, 2) &
				 ACPI_PM1_CNT_SLP_EN,
			 0);
}

static void test_s5_by_high_byte(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	acpi_pm_write(&pm, ACPI_PM1A_CNT_BLK + 1, 1, ACPI_PM1_CNT_SLP_EN >> 8);
	assert_true(pm.powered_off);
}

static void test_other_sleep_types_do_nothing(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	for (unsigned typ = 1; typ < 8; typ++)
		acpi_pm_write(&pm, ACPI_PM1A_CNT_BLK, 2,
			      ACPI_PM1_CNT_SLP_EN |
				      typ << ACPI_PM1_CNT_SLP_TYP_SHIFT);
	assert_false(pm.powered_off);
}

static void test_status_and_enable(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	pm.sts = ACPI_PM1_STS_PWRBTN | ACPI_PM1_STS_TMR;
	acpi_pm_write(&pm, ACPI_PM1A_EVT_BLK, 2, ACPI_PM1_STS_TMR);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_EVT_BLK, 2),
			 ACPI_PM1_STS_PWRBTN);
	/* A dword write at the event block: status (write-1-to-clear)
	 * in the low half, enable in the high half. */
	acpi_pm_write(&pm, ACPI_PM1A_EVT_BLK, 4,
		      (uint32_t)ACPI_PM1_STS_PWRBTN | (uint32_t)0x0120 << 16);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_EVT_BLK, 4),
			 (uint32_t)0x0120 << 16);
}

static void test_timer_rate(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK, 4), 0);
	fake_ns += 1000000000ull; /* one second */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK, 4),
			 ACPI_PM_TIMER_HZ);
	fake_ns += 1000; /* one microsecond: 3.58 ticks more */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK, 4),
			 ACPI_PM_TIMER_HZ + 3);
	/* The 16-bit and 8-bit views are the same count's low bytes. */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK, 2),
			 (ACPI_PM_TIMER_HZ + 3) & 0xffff);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK + 2, 1),
			 ((ACPI_PM_TIMER_HZ + 3) >> 16) & 0xff);
}

static void test_timer_wraps_at_32_bits(void **state)
{
	struct acpi_pm pm;
	uint64_t wrap_ns = (1ull << 32) * 1000000000ull / ACPI_PM_TIMER_HZ;

	(void)state;
	setup_pm(&pm);
	/* 2^32 ticks is about 1200 s; a day later the count still moves
	 * at the same rate, modulo 2^32. */
	assert_int_equal(acpi_pm_timer(&pm, pm.t0_ns + wrap_ns + 1000000000ull),
			 (uint32_t)(ACPI_PM_TIMER_HZ - 1));
	assert_int_equal(
		acpi_pm_timer(&pm, pm.t0_ns + 86400ull * 1000000000ull),
		(uint32_t)(86400ull * ACPI_PM_TIMER_HZ));
}

static void test_outside_reads_ones(void **state)
{
	struct acpi_pm pm;

	(void)state;
	setup_pm(&pm);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM1A_CNT_BLK + 2, 2), 0xffff);
	/* A dword that runs off the end: the bytes past it are ones. */
	fake_ns += 1000000000ull;
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR_BLK + 2, 4),
			 0xffff0000u | (ACPI_PM_TIMER_HZ >> 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_sci_en_always),
		cmocka_unit_test(test_s5_powers_off),
		cmocka_unit_test(test_s5_by_high_byte),
		cmocka_unit_test(test_other_sleep_types_do_nothing),
		cmocka_unit_test(test_status_and_enable),
		cmocka_unit_test(test_timer_rate),
		cmocka_unit_test(test_timer_wraps_at_32_bits),
		cmocka_unit_test(test_outside_reads_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
