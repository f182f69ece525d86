// SPDX-License-Identifier: MIT
/* The CMOS clock: never "update in progress", BCD 24-hour host time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>

#include "../../devices/rtc_cmos.h"

static uint8_t reg(struct rtc_cmos *r, uint8_t index)
{
	rtc_cmos_write(r, RTC_CMOS_INDEX_PORT, index);
	return rtc_cmos_read(r, RTC_CMOS_DATA_PORT);
}

static int unbcd(uint8_t v)
{
	assert_true((v & 0x0f) < 10 && (v >> 4) < 10);
	return (v >> 4) * 10 + (v & 0x0f);
}

static void test_status(void **state)
{
	struct rtc_cmos r = {0};

	(void)state;
	assert_int_equal(reg(&r, 0x0a) & 0x80, 0);    /* no UIP */
	assert_int_equal(reg(&r, 0x0b) & 0x06, 0x02); /* 24h, BCD */
	assert_int_equal(reg(&r, 0x0d), 0x80);	      /* valid */
	assert_int_equal(reg(&r, 0x8a) & 0x80, 0);    /* NMI bit masked */
}

static void test_time(void **state)
{
	struct rtc_cmos r = {0};
	time_t now = time(NULL);
	struct tm tm;
	int year;

	(void)state;
	gmtime_r(&now, &tm);
	year = unbcd(reg(&r, 0x32)) * 100 + unbcd(reg(&r, 0x09));
	assert_int_equal(year, tm.tm_year + 1900);
	assert_int_equal(unbcd(reg(&r, 0x08)), tm.tm_mon + 1);
	assert_int_equal(unbcd(reg(&r, 0x07)), tm.tm_mday);
	assert_int_equal(unbcd(reg(&r, 0x04)), tm.tm_hour);
	assert_true(unbcd(reg(&r, 0x00)) < 60);
	rtc_cmos_write(&r, RTC_CMOS_DATA_PORT, 0x99); /* writes ignored */
	assert_int_equal(unbcd(reg(&r, 0x08)), tm.tm_mon + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
