/* SPDX-License-Identifier: MIT */
/*
 * COM1, transmit only.  Each byte waits for THRE (LSR bit 5) with a
 * bounded spin, which a real 8250 needs and an emulated one answers at
 * once; when it never comes, the byte goes out anyway rather than hang
 * the report.  The UART is not reprogrammed: the firmware's or the
 * launcher's settings stand, so no divisor write can reach an emulation
 * that does not model DLAB.
 */
#include "probe.h"

#define COM1_BASE 0x3f8
#define UART_TX 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define SERIAL_SPIN_MAX 1000000

void serial_putc(char c)
{
	for (unsigned int i = 0; i < SERIAL_SPIN_MAX; i++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
		asm volatile("pause");
	}
	outb(COM1_BASE + UART_TX, (uint8_t)c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

/* "0x" and v in lower-case hex: every value in the report looks alike. */
void put_hex(uint64_t v)
{
	char buf[19];
	int i = sizeof(buf);

	buf[--i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	serial_puts(buf + i);
}

/* One report line, KEY=0x... */
void put_kv(const char *key, uint64_t v)
{
	serial_puts(key);
	serial_putc('=');
	put_hex(v);
	serial_putc('\n');
}
