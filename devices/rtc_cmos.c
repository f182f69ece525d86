// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock, read-only.  Why have one at all: with nothing
 * at 0x70/0x71 every read is 0xff, and 0xff in register A has the
 * update-in-progress bit set, so Linux's mc146818_get_time() polls it
 * for its full one-second timeout before giving up on the clock, at
 * every boot.  Answering with the host's time (UTC, BCD, 24-hour mode,
 * as a PC BIOS leaves it) costs a few lines and gives the guest a real
 * date.  Writes (hwclock --systohc) are ignored: the host's clock stays
 * the truth.  The rest of the CMOS RAM reads as zero.
 */
#include <time.h>

#include "rtc_cmos.h"

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32 /* where PC BIOSes keep it */

#define RTC_REF_CLCK_32KHZ 0x20 /* register A: divider on, no UIP */
#define RTC_RATE_1024HZ 0x06
#define RTC_24H 0x02 /* register B: 24-hour, BCD (DM=0) */
#define RTC_VRT 0x80 /* register D: the battery is fine */

#define RTC_INDEX_MASK 0x7f /* bit 7 of the index masks NMIs */

static uint8_t bcd(int v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

#define SECS_PER_DAY 86400
#define DAYS_PER_ERA 146097 /* 400 Gregorian years */
#define DAYS_0000_03_01_TO_1970 719468

/* Days since 1970-01-01 to a civil date, counting years from March so
 * that the leap day falls last (Howard Hinnant's days_from_civil,
 * inverted). */
static void civil_from_days(int64_t days, struct rtc_utc *u)
{
	int64_t z = days + DAYS_0000_03_01_TO_1970;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t doe = z - era * DAYS_PER_ERA; /* 0-146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0-365 */
	int64_t mp = (5 * doy + 2) / 153;		       /* from March */

	u->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	u->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	u->year = yoe + era * 400 + (u->mon <= 2);
}

void rtc_cmos_utc(int64_t t, struct rtc_utc *u)
{
	int64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY;

	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	u->hour = (int)(secs / 3600);
	u->min = (int)(secs / 60 % 60);
	u->sec = (int)(secs % 60);
	u->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	civil_from_days(days, u);
}

static uint8_t time_reg(uint8_t index)
{
	struct rtc_utc u;

	rtc_cmos_utc((int64_t)time(NULL), &u);
	switch (index) {
	case RTC_SECONDS:
		return bcd(u.sec);
	case RTC_MINUTES:
		return bcd(u.min);
	case RTC_HOURS:
		return bcd(u.hour);
	case RTC_DAY_OF_WEEK:
		return bcd(u.wday + 1);
	case RTC_DAY_OF_MONTH:
		return bcd(u.mday);
	case RTC_MONTH:
		return bcd(u.mon);
	case RTC_YEAR:
		return bcd((int)(u.year % 100));
	default:
		return bcd((int)(u.year / 100));
	}
}

uint8_t rtc_cmos_read(struct rtc_cmos *rtc, uint16_t port)
{
	if (port == RTC_CMOS_INDEX_PORT)
		return 0xff; /* the index register is write-only */
	switch (rtc->index) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return time_reg(rtc->index);
	case RTC_REG_A:
		return RTC_REF_CLCK_32KHZ | RTC_RATE_1024HZ;
	case RTC_REG_B:
		return RTC_24H;
	case RTC_REG_D:
		return RTC_VRT;
	default:
		return 0; /* register C (no interrupt flags) and CMOS RAM */
	}
}

void rtc_cmos_write(struct rtc_cmos *rtc, uint16_t port, uint8_t val)
{
	if (port == RTC_CMOS_INDEX_PORT)
		rtc->index = val & RTC_INDEX_MASK;
}
