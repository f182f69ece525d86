// SPDX-License-Identifier: MIT
/* virtio-console driven by the fake guest, with pipes for stdin and
 * stdout. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/virtio_console.h"
#include "virtio_guest.h"

#define BUF 0x5000ull

static int quits;
static void on_quit(void *opaque)
{
	(void)opaque;
	quits++;
}

static void test_tx_rx(void **state)
{
	static struct guest g;
	static struct virtio_console c;
	int in[2], out[2];
	char got[64] = {0};
	struct seg tx[2] = {{BUF, 6, 0}, {G_RAM1 - 3, 7, 0}};
	struct seg rx = {BUF + 0x100, 32, 1};

	(void)state;
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	guest_init(&g);
	virtio_console_init(&c, in[0], out[1], &g.mem, 0xd0002000, 7, guest_irq,
			    &g);
	c.quit = on_quit;
	g.d = &c.mmio;
	assert_int_equal(rd(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	/* Input before the driver is up waits. */
	assert_int_equal(virtio_console_input(&c), VIRTIO_CONSOLE_NO_BUFFER);
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
	assert_int_equal(write(in[1], "ls\n", 3), 3);
	assert_int_equal(virtio_console_input(&c), VIRTIO_CONSOLE_NO_BUFFER);
	g.avail_idx = 0;
	g.next_desc = 0;
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	assert_int_equal(virtio_console_input(&c), VIRTIO_CONSOLE_READ);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 1);
	assert_int_equal(used_elem(&g, VIRTIO_CONSOLE_RX, 0).len, 3);
	assert_memory_equal(gp(&g, BUF + 0x100), "ls\n", 3);
	assert_int_equal(quits, 0);

	/* Ctrl-A x quits; EOF stops the input. */
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	assert_int_equal(write(in[1], "\001x", 2), 2);
	assert_int_equal(virtio_console_input(&c), VIRTIO_CONSOLE_READ);
	assert_int_equal(quits, 1);
	close(in[1]);
	add_chain(&g, VIRTIO_CONSOLE_RX, &rx, 1);
	assert_int_equal(virtio_console_input(&c), VIRTIO_CONSOLE_EOF);
	assert_int_equal(used_idx(&g, VIRTIO_CONSOLE_RX), 2);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_rx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
