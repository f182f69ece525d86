// SPDX-License-Identifier: MIT
/*
 * virtio-net driven by the fake guest, with a SOCK_SEQPACKET socket
 * pair standing in for the TAP: one packet per frame, each starting
 * with the 12-byte virtio-net header, as IFF_VNET_HDR makes a TAP do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/virtio_net.h"
#include "virtio_guest.h"

#define TXBUF 0x5000ull
#define RXBUF 0x6000ull

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

static void test_config_tx_rx(void **state)
{
	static struct guest g;
	static struct virtio_net n;
	struct virtio_net_hdr_v1 hdr = {0};
	uint8_t got[256], frame[12 + 60];
	uint8_t cfg[8];
	int sp[2];
	uint16_t nb;

	(void)state;
	assert_int_equal(
		socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sp), 0);
	guest_init(&g);
	virtio_net_init(&n, sp[0], mac, &g.mem, 0xd0003000, 9, guest_irq, &g);
	g.d = &n.mmio;
	assert_int_equal(rd(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	assert_true(dev_features(&g) >> VIRTIO_NET_F_MAC & 1);
	virtio_mmio_read(g.d, VIRTIO_MMIO_CONFIG, cfg, 8);
	assert_memory_equal(cfg, mac, 6);
	assert_int_equal(cfg[6], VIRTIO_NET_S_LINK_UP);

	/* Receive before the driver is up: no buffer. */
	assert_int_equal(virtio_net_rx(&n), VIRTIO_NET_RX_NO_BUFFER);
	guest_bring_up(&g, ~0ull, 2);

	/* Transmit: header and frame in two buffers, one packet out. */
	memcpy(gp(&g, TXBUF), &hdr, sizeof(hdr));
	memset(gp(&g, TXBUF + 0x100), 0xa5, 60);
	struct seg tx[2] = {{TXBUF, 12, 0}, {TXBUF + 0x100, 60, 0}};
	g.next_desc = 0;
	add_chain(&g, VIRTIO_NET_TX, tx, 2);
	notify(&g, VIRTIO_NET_TX);
	assert_int_equal(used_idx(&g, VIRTIO_NET_TX), 1);
	assert_int_equal(read(sp[1], got, sizeof(got)), 72);
	assert_int_equal(got[12], 0xa5);
	assert_int_equal(got[71], 0xa5);

	/* Receive: nothing on the TAP, then one frame into one chain. */
	g.avail_idx = 0;
	g.next_desc = 0;
	memset(gp(&g, RXBUF), 0xee, 0x800);
	struct seg rx = {RXBUF, 12 + 1514, 1};
	add_chain(&g, VIRTIO_NET_RX, &rx, 1);
	assert_int_equal(virtio_net_rx(&n), VIRTIO_NET_RX_EMPTY);
	assert_int_equal(used_idx(&g, VIRTIO_NET_RX), 0);
	memset(frame, 0, sizeof(frame));
	memset(frame + 12, 0x3c, 60);
	assert_int_equal(write(sp[1], frame, sizeof(frame)), sizeof(frame));
	assert_int_equal(virtio_net_rx(&n), VIRTIO_NET_RX_MORE);
	assert_int_equal(used_idx(&g, VIRTIO_NET_RX), 1);
	assert_int_equal(used_elem(&g, VIRTIO_NET_RX, 0).len, 72);
	memcpy(&nb, gp(&g, RXBUF + 10), 2);
	assert_int_equal(nb, 1); /* num_buffers: the plain rx path */
	assert_int_equal(*gp(&g, RXBUF + 12), 0x3c);
	assert_int_equal(*gp(&g, RXBUF + 72), 0xee);
	/* Another frame, no buffer left. */
	assert_int_equal(write(sp[1], frame, sizeof(frame)), sizeof(frame));
	assert_int_equal(virtio_net_rx(&n), VIRTIO_NET_RX_NO_BUFFER);

	/* A receive buffer shorter than the header breaks the spec. */
	struct seg tiny = {RXBUF, 4, 1};
	add_chain(&g, VIRTIO_NET_RX, &tiny, 1);
	assert_int_equal(virtio_net_rx(&n), VIRTIO_NET_RX_NO_BUFFER);
	assert_true(rd(&g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	close(sp[0]);
	close(sp[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_tx_rx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
