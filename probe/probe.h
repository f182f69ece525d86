/* SPDX-License-Identifier: MIT */
/*
 * The probe guest's C side: freestanding, 64-bit, running on its own
 * identity map.  Everything the loader handed over is read through
 * phys_read(), never through a pointer, so that a loader's bad address
 * can only make a report line say so.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_abi.h"

extern struct probe_entry_record probe_entry;
extern uint8_t probe_pt[];
extern char _start[], _end[];

void probe_main(void) __attribute__((noreturn));

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* serial.c: COM1, polled. */
void serial_putc(char c);
void serial_puts(const char *s);
void put_hex(uint64_t v);
void put_kv(const char *key, uint64_t v);

/* paging.c: the identity map and a window onto all physical memory. */
void paging_init(void);
bool phys_ok(uint64_t pa, uint64_t len);
bool phys_read(uint64_t pa, void *buf, uint64_t len);
/* Calls fn on consecutive chunks of [pa, pa+len); false if unreachable. */
bool phys_walk(uint64_t pa, uint64_t len,
	       void (*fn)(const volatile uint8_t *p, uint64_t n, void *arg),
	       void *arg);

/* crc32.c: the IEEE CRC-32 that zlib's crc32() computes. */
void crc32_init(void);
uint32_t crc32_update(uint32_t crc, const volatile uint8_t *p, uint64_t n);

/* lib.c: what the compiler may call on its own. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
