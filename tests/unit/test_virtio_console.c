// SPDX-License-Identifier: MIT
/* virtio-console driven by the fake guest, with a pipe for stdout; its
 * input given straight, and through the host terminal's thread with a
 * pipe for stdin, where the Ctrl-A escape must be the UART's. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/term.h"
#include "../../devices/virtio_console.h"
#include "virtio_guest.h"

#define BUF 0x5000ull

static const char long40[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

static int quits;
static void on_quit(void *opaque)
{
	(void)opaque;
	__atomic_add_fetch(&quits, 1, __ATOMIC_SEQ_CST);
}

static void test_tx_rx(void **state)
{
	static struct guest g;
	static struct virtio_console c;
	int out[2];
	char got[64] = {0};
	struct seg tx[2] = {{BUF, 6, 0}, {G_RAM1 - 3, 7, 0}};
	struct seg rx = {BUF + 0x100, 32, 1};

	(void)state;
	assert_int_equal(pipe(out), 0);
	guest_init(&g);
	virtio_console_init(&c, out[1], &g.mem, 0xd0002000, 7, guest_irq, &g);
	g.d = &c.mmio;
	assert_int_equal(rd(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	/* Input before the driver is up waits. */
	assert_int_equal(virtio_console_input(&c, (const uint8_t *)"ls\n", 3),
			 0);
	assert_true(c.rx_full);
	guest_bring_up(&g, ~0ull, 2);

	/* Output: two buffers, one across the region boundary. */
	memcpy(gp(&g, BUF), "hello ", 6);
	memcpy(gp(&g, G_RAM1 - 3), "hvc0!\r\n", 7);
	g.next_desc = 0;
	add_chain(&g, VIRTIO_CONSOLE_TX, tx, 2);
	notify(&g, VIRTIO_CONSOLE_TX);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_TX), 1);
	assert_int_equal(read(out[0], got, sizeof(got)), 13);
	assert_memory_equal(got, "hello hvc0!\r\n", 13);

	/* Input: no buffer yet, then one. */
	assert_int_equal(virtio_console_input(&c, (const uint8_t *)"ls\n", 3),
			 0);
	g.avail_idx = 0;
	g.next_desc = 0;
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	/* The driver's kick says there is room: it clears the mark. */
	notify(&g, VIRTIO_CONSOLE_RX);
	assert_false(c.rx_full);
	assert_int_equal(virtio_console_input(&c, (const uint8_t *)"ls\n", 3),
			 3);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 1);
	assert_int_equal(used_elem(&g, VIRTIO_CONSOLE_RX, 0).len, 3);
	assert_memory_equal(gp(&g, BUF + 0x100), "ls\n", 3);
	assert_false(c.rx_full);

	/* 40 bytes, one 32-byte buffer: 32 go, 8 wait for the next. */
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	assert_int_equal(virtio_console_input(&c, (const uint8_t *)long40, 40),
			 32);
	assert_true(c.rx_full);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 2);
	assert_int_equal(used_elem(&g, VIRTIO_CONSOLE_RX, 1).len, 32);
	assert_memory_equal(gp(&g, BUF + 0x100), long40, 32);
	close(out[0]);
	close(out[1]);
}

/* Wait (up to 2 s) until the receive queue's used index reaches idx and
 * quit has been called quit times. */
static void wait_for(struct guest *g, uint16_t idx, int quit)
{
	for (int i = 0; i < 2000; i++) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (used_idx(g, VIRTIO_CONSOLE_RX) >= idx &&
		    __atomic_load_n(&quits, __ATOMIC_SEQ_CST) >= quit)
			return;
		usleep(1000);
	}
}

static bool turned_away(struct virtio_console *c)
{
	bool full;

	for (int i = 0; i < 2000; i++) {
		virtio_mmio_lock(&c->mmio);
		full = c->rx_full;
		virtio_mmio_unlock(&c->mmio);
		if (full)
			return true;
		usleep(1000);
	}
	return false;
}

/*
 * hvc0 as the terminal's console, as with --console virtio: the same
 * bytes as test_serial8250's test_console_escape.  Typed before the
 * driver posts a buffer, they wait in the terminal; the driver's kick
 * brings them, and the guest gets what the UART gets: Ctrl-A Ctrl-A is
 * one Ctrl-A, Ctrl-A z is nothing.  Then Ctrl-A and x, typed apart,
 * quit, and reach the guest as nothing.
 */
static void test_term_escape(void **state)
{
	static struct guest g;
	static struct virtio_console c;
	struct seg rx = {BUF + 0x100, 32, 1};
	int in[2], out[2];

	(void)state;
	quits = 0;
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	guest_init(&g);
	virtio_console_init(&c, out[1], &g.mem, 0xd0002000, 7, guest_irq, &g);
	g.d = &c.mmio;
	guest_bring_up(&g, ~0ull, 2);
	term_attach(virtio_console_input, &c);
	assert_int_equal(term_start(in[0], on_quit, NULL), 0);
	term_wait();
	assert_int_equal(write(in[1], "a\001\001b\001zc", 7), 7);
	assert_true(turned_away(&c));
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 0);

	g.next_desc = 0;
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	notify(&g, VIRTIO_CONSOLE_RX);
	wait_for(&g, 1, 0);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 1);
	assert_int_equal(used_elem(&g, VIRTIO_CONSOLE_RX, 0).len, 4);
	assert_memory_equal(gp(&g, BUF + 0x100), "a\001bc", 4);

	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	assert_int_equal(write(in[1], "\001", 1), 1);
	usleep(20000);
	assert_int_equal(quits, 0);
	assert_int_equal(write(in[1], "x", 1), 1);
	wait_for(&g, 1, 1);
	assert_int_equal(quits, 1);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 1);
	term_stop();
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_rx),
		cmocka_unit_test(test_term_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
