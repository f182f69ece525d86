/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked little-endian reads.  Every read from an image goes
 * through range_ok() first; nothing casts a struct over unchecked bytes.
 * And the one byte checksum the firmware tables share.
 */
#ifndef DIRECTBOOT_LIB_BYTES_H
#define DIRECTBOOT_LIB_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* [off, off+len) lies inside an object of size bytes, without overflow. */
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Round up/down to a power-of-two alignment; align == 0 means 1. */
static inline uint64_t align_up(uint64_t v, uint64_t align)
{
	return align ? (v + align - 1) & ~(align - 1) : v;
}

static inline uint64_t align_down(uint64_t v, uint64_t align)
{
	return align ? v & ~(align - 1) : v;
}

/* The byte that makes len bytes at p sum to zero (mod 256): the
 * checksum of every ACPI table and of both MP tables. */
static inline uint8_t checksum8(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return (uint8_t)-sum;
}

#endif
