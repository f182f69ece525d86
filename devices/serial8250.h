/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART (COM1: I/O 0x3f8, IRQ 4) wired to the launcher's stdin
 * and stdout.  See serial8250.c for the register model and the threads.
 */
#ifndef DIRECTBOOT_DEVICES_SERIAL8250_H
#define DIRECTBOOT_DEVICES_SERIAL8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ 4
#define SERIAL_NR_PORTS 8

#define SERIAL_RX_MAX 4096
#define SERIAL_TX_MAX 4096

/* The escape key: Ctrl-A, then x to quit or Ctrl-A to send one Ctrl-A. */
#define SERIAL_ESCAPE 0x01

struct serial {
	pthread_mutex_t lock;
	pthread_cond_t rx_room;

	/* Registers. */
	uint8_t ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	bool thr_ipending;

	/* Bytes from stdin the guest has not read yet. */
	uint8_t rx[SERIAL_RX_MAX];
	unsigned rx_head, rx_count;

	/* Bytes for stdout, written out in batches (see serial_flush). */
	uint8_t tx[SERIAL_TX_MAX];
	unsigned tx_len;
	int out_fd;

	/* The interrupt line: set_irq(opaque, level) on every change. */
	void (*set_irq)(void *opaque, int level);
	void *opaque;
	int irq_level;

	/* The console: the input thread, the terminal, the escape state. */
	int in_fd;
	int wake_fd; /* eventfd that ends the input thread */
	pthread_t thread;
	bool thread_started;
	bool thread_running; /* the thread has reached its own code */
	bool escape;
	bool stopping;
	void (*quit)(void *opaque); /* Ctrl-A x, called on the input thread */
};

void serial_init(struct serial *s, int in_fd, int out_fd,
		 void (*set_irq)(void *, int), void (*quit)(void *),
		 void *opaque);

/* Register access at offset (0-7) from the base port. */
uint8_t serial_read(struct serial *s, unsigned offset);
void serial_write(struct serial *s, unsigned offset, uint8_t val);

/* Write out what the guest sent so far. */
void serial_flush(struct serial *s);

/*
 * Put stdin into raw mode when it is a terminal and start the input
 * thread.  Returns 0, or -errno when the thread cannot start.
 */
int serial_console_start(struct serial *s);

/*
 * Wait until the input thread runs its own code: a sandbox installed
 * next must not catch the C library (or ASan) still starting the thread
 * with calls the filter refuses.  Apart, so that the thread can start
 * early and get going while the caller does other work.
 */
void serial_console_wait(struct serial *s);

/* Stop the input thread, flush, restore the terminal. */
void serial_console_stop(struct serial *s);

/* Restore the terminal only; async-signal-safe, for fatal signals. */
void serial_console_restore_tty(void);

/* Queue bytes as if typed (the input thread's path; also for tests). */
void serial_input(struct serial *s, const uint8_t *buf, size_t len);

void serial_destroy(struct serial *s);

#endif
