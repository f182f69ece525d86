/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 real-time clock behind CMOS ports 0x70/0x71, read-only
 * and always showing the host's UTC time.
 */
#ifndef DIRECTBOOT_DEVICES_RTC_CMOS_H
#define DIRECTBOOT_DEVICES_RTC_CMOS_H

#include <stdint.h>

#define RTC_CMOS_INDEX_PORT 0x70
#define RTC_CMOS_DATA_PORT 0x71

struct rtc_cmos {
	uint8_t index;
};

/* A UTC calendar date and time, as the clock's registers hold it. */
struct rtc_utc {
	int64_t year;
	int mon, mday, wday; /* 1-12, 1-31, 0-6 from Sunday */
	int hour, min, sec;
};

/* The UTC fields of a Unix time, in plain arithmetic: glibc's gmtime_r()
 * reads /etc/localtime on its first call (tzset), which the sandbox
 * forbids by then. */
void rtc_cmos_utc(int64_t t, struct rtc_utc *u);

uint8_t rtc_cmos_read(struct rtc_cmos *rtc, uint16_t port);
void rtc_cmos_write(struct rtc_cmos *rtc, uint16_t port, uint8_t val);

#endif
