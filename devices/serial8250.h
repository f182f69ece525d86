/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART (COM1: I/O 0x3f8, IRQ 4): its input from the host
 * terminal (term.h), its output to stdout.  See serial8250.c for the
 * register model.
 */
#ifndef DIRECTBOOT_DEVICES_SERIAL8250_H
#define DIRECTBOOT_DEVICES_SERIAL8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ 4
#define SERIAL_NR_PORTS 8

#define SERIAL_RX_MAX 4096
#define SERIAL_TX_MAX 4096

struct serial {
	pthread_mutex_t lock;

	/* Registers. */
	uint8_t ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	bool thr_ipending;

	/* Typed bytes the guest has not read yet; rx_full: the terminal
	 * was turned away and waits for term_room(). */
	uint8_t rx[SERIAL_RX_MAX];
	unsigned rx_head, rx_count;
	bool rx_full;

	/* Bytes for stdout, written out in batches (see serial_flush). */
	uint8_t tx[SERIAL_TX_MAX];
	unsigned tx_len;
	int out_fd;

	/* The interrupt line: set_irq(opaque, level) on every change. */
	void (*set_irq)(void *opaque, int level);
	void *opaque;
	int irq_level;

	/* THR writes may come in batches, later than they were made
	 * (set_batching, see serial_set_batching); batching: what it was
	 * last told. */
	void (*set_batching)(void *opaque, bool on);
	void *opaque_batching;
	bool batching;
};

void serial_init(struct serial *s, int out_fd, void (*set_irq)(void *, int),
		 void *opaque);

/* Register access at offset (0-7) from the base port. */
uint8_t serial_read(struct serial *s, unsigned offset);
void serial_write(struct serial *s, unsigned offset, uint8_t val);

/*
 * Tell set_batching(opaque, on) now and whenever it changes whether a THR
 * write may be delivered late, in a batch: only while it is a plain byte
 * out, with nothing the guest waits for.  That is while THRI is off (no
 * THRE interrupt per byte is owed), loopback is off (the byte does not
 * come back as input) and DLAB is clear (offset 0 is THR, not DLL).  It
 * is called under the UART's lock, after the register write that
 * changed it; the caller replays batched writes with serial_write()
 * before any other access of the guest's.
 */
void serial_set_batching(struct serial *s, void (*set_batching)(void *, bool),
			 void *opaque);

/* Write out what the guest sent so far. */
void serial_flush(struct serial *s);

/* Queue typed bytes (a term_input_fn: serial is the struct serial);
 * returns how many fitted. */
size_t serial_input(void *serial, const uint8_t *buf, size_t len);

void serial_destroy(struct serial *s);

#endif
