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
};

void serial_init(struct serial *s, int out_fd, void (*set_irq)(void *, int),
		 void *opaque);

/* Register access at offset (0-7) from the base port. */
uint8_t serial_read(struct serial *s, unsigned offset);
void serial_write(struct serial *s, unsigned offset, uint8_t val);

/* Write out what the guest sent so far. */
void serial_flush(struct serial *s);

/* Queue typed bytes (a term_input_fn: serial is the struct serial);
 * returns how many fitted. */
size_t serial_input(void *serial, const uint8_t *buf, size_t len);

void serial_destroy(struct serial *s);

#endif
