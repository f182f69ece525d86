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

/* Our arithmetic against glibc's gmtime_r(), from 1900 to 2400 in
 * steps that walk through every hour, weekday and leap day. */
static void test_utc_matches_gmtime(void **state)
{
	const int64_t step = 86400 * 3 + 3600 + 61;
	int64_t n = 0;

	(void)state;
	for (int64_t t = -2208988800LL; t < 13569465600LL; t += step, n++) {
		time_t tt = (time_t)t;
		struct rtc_utc u;
		struct tm tm;

		rtc_cmos_utc(t, &u);
		gmtime_r(&tt, &tm);
		if (u.year != tm.tm_year + 1900 || u.mon != tm.tm_mon + 1 ||
		    u.mday != tm.tm_mday || u.wday != tm.tm_wday ||
		    u.hour != tm.tm_hour || u.min != tm.tm_min ||
		    u.sec != tm.tm_sec)
			fail_msg("t=%lld: %lld-%d-%d wd %d %d:%d:%d, gmtime_r "
				 "%d-%d-%d wd %d %d:%d:%d",
				 (long long)t, (long long)u.year, u.mon, u.mday,
				 u.wday, u.hour, u.min, u.sec,
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				 tm.tm_wday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	assert_true(n > 60000);
}

/* The days a 400-year step would hide: the last of February in a leap
 * year, of a century that is not one, and New Year's Eve. */
static void test_utc_edges(void **state)
{
	struct rtc_utc u;

	(void)state;
	rtc_cmos_utc(951782400, &u); /* 2000-02-29 00:00:00 */
	assert_true(u.year == 2000 && u.mon == 2 && u.mday == 29);
	rtc_cmos_utc(4107542399LL, &u); /* 2100-02-28 23:59:59 */
	assert_true(u.year == 2100 && u.mon == 2 && u.mday == 28);
	assert_true(u.hour == 23 && u.min == 59 && u.sec == 59);
	rtc_cmos_utc(4107542400LL, &u); /* 2100-03-01, no leap day */
	assert_true(u.mon == 3 && u.mday == 1);
	rtc_cmos_utc(-1, &u); /* 1969-12-31 23:59:59, a Wednesday */
	assert_true(u.year == 1969 && u.mon == 12 && u.mday == 31);
	assert_int_equal(u.wday, 3);
	assert_int_equal(u.sec, 59);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_utc_matches_gmtime),
		cmocka_unit_test(test_utc_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
