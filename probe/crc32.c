/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected, as zlib), table-driven. */
#include "probe.h"

#define CRC32_POLY_LE 0xedb88320u

static uint32_t crc_table[256];

void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32_POLY_LE : c >> 1;
		crc_table[i] = c;
	}
}

/* crc is the running value as zlib keeps it: start from 0. */
uint32_t crc32_update(uint32_t crc, const volatile uint8_t *p, uint64_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
