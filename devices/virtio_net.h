/* SPDX-License-Identifier: MIT */
/*
 * virtio-net (virtio 1.x, 5.1) on a host TAP device: --net tap=NAME
 * (an existing one) or --net tap (a new one), [,mac=xx:xx:xx:xx:xx:xx].
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_NET_H
#define DIRECTBOOT_DEVICES_VIRTIO_NET_H

#include <net/if.h>
#include <stdint.h>

#include "directboot/error.h"
#include "virtio_mmio.h"

#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_RX 0
#define VIRTIO_NET_TX 1

struct virtio_net {
	struct virtio_mmio mmio;
	int tap_fd;
	uint8_t mac[6];
	struct virtq_elem elem;
};

/* Open (or with name NULL or "", create) a TAP with a 12-byte virtio
 * header per frame, non-blocking.  ifname gets its name. */
int virtio_net_open_tap(const char *name, char ifname[IFNAMSIZ],
			struct db_error *err);

void virtio_net_init(struct virtio_net *n, int tap_fd, const uint8_t mac[6],
		     const struct virtio_mem *mem, uint64_t base, unsigned irq,
		     void (*irq_raise)(void *), void *opaque);

enum virtio_net_rx {
	VIRTIO_NET_RX_MORE,	 /* a frame went in: call again */
	VIRTIO_NET_RX_NO_BUFFER, /* no receive buffer: wait for a kick */
	VIRTIO_NET_RX_EMPTY,	 /* the TAP has nothing more */
};

/* The TAP is readable: one frame into the next receive buffer.  Takes
 * the device lock. */
enum virtio_net_rx virtio_net_rx(struct virtio_net *n);

#endif
