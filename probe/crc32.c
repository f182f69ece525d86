/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3, reflected, as zlib), sliced by 8: eight tables,
 * eight bytes per step.  The initrd is the largest thing the probe
 * reads, and on an emulating hypervisor every instruction per byte
 * counts: this does in about 4 what the byte-wise loop does in 9.
 */
#include "probe.h"

#define CRC32_POLY_LE 0xedb88320u

static uint32_t crc_table[8][256];
static int crc_ready;

/*
 * Built on first use, not at start-up: most runs hash nothing, and on
 * an emulating hypervisor the 4096 table steps cost tens of ms before
 * the first line of the report.
 */
void crc32_init(void)
{
	if (crc_ready)
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32_POLY_LE : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++) {
		for (int t = 1; t < 8; t++) {
			uint32_t prev = crc_table[t - 1][i];

			crc_table[t][i] = crc_table[0][prev & 0xff] ^ (prev >> 8);
		}
	}
	crc_ready = 1;
}

/* crc is the running value as zlib keeps it: start from 0. */
uint32_t crc32_update(uint32_t crc, const volatile uint8_t *p, uint64_t n)
{
	crc32_init();
	crc = ~crc;
	while (n && ((uintptr_t)p & 7)) {
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		/* Aligned 4-byte reads: two loads, not eight. */
		uint32_t lo = crc ^ *(const volatile uint32_t *)p;
		uint32_t hi = *(const volatile uint32_t *)(p + 4);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (n--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
