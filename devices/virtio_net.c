// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio 1.x, 5.1) on a TAP device, receive path "plain":
 * no VIRTIO_NET_F_MRG_RXBUF, so each frame goes into one receive chain,
 * and num_buffers is 1.  Without the offloads (no GUEST_TSO/GUEST_UFO,
 * no CSUM) no frame is bigger than the MTU, and Linux posts chains of
 * header + 1518 bytes for exactly this case; the probe posts the same.
 * Mergeable buffers would save guest memory with big offloaded frames,
 * which this device never produces.
 *
 * The TAP is opened with IFF_VNET_HDR and a 12-byte header size
 * (TUNSETVNETHDRSZ), the size of struct virtio_net_hdr_v1, so frames
 * move with one readv()/writev() between the TAP and the guest's
 * buffers, header and all, without a copy.  The kernel leaves
 * num_buffers alone, and we set it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "directboot/virtio.h"
#include "virtio_net.h"

int virtio_net_open_tap(const char *name, char ifname[IFNAMSIZ],
			struct db_error *err)
{
	struct ifreq ifr;
	int hdr = sizeof(struct virtio_net_hdr_v1);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return db_fail(err, DB_ERR_HOST, "--net: /dev/net/tun: %s",
			       strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (name && strlen(name) >= IFNAMSIZ) {
		close(fd);
		return db_fail(err, DB_ERR_INPUT,
			       "--net tap=%s: the name is "
			       "longer than %d",
			       name, IFNAMSIZ - 1);
	}
	if (name)
		strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) {
		int e = errno;

		close(fd);
		return db_fail(
			err, DB_ERR_HOST, "--net tap%s%s: %s%s",
			name ? "=" : "", name ? name : "", strerror(e),
			e == EPERM
				? " (creating or attaching a TAP "
				  "needs CAP_NET_ADMIN or a TAP owned by you)"
				: "");
	}
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

static void tx_kick(struct virtio_net *n, struct virtq *q)
{
	struct virtio_mmio *d = &n->mmio;
	const char *why = NULL;
	int r;

	do {
		while ((r = virtq_pop(q, d->mem, &n->elem, &why)) > 0) {
			ssize_t w;

			/* A full TAP queue drops the frame, as a wire
			 * would; the driver gets its buffer back. */
			do
				w = writev(n->tap_fd, n->elem.iov,
					   (int)n->elem.nr_out);
			while (w < 0 && errno == EINTR);
			virtq_push(q, n->elem.head, 0);
		}
		if (r < 0) {
			virtio_mmio_fail(d, why);
			return;
		}
	} while (virtq_enable_notify(q));
	virtio_mmio_used(d, VIRTIO_NET_TX);
}

static void net_kick(struct virtio_mmio *d, unsigned qi)
{
	/* Receive buffers are filled when the TAP is readable. */
	if (qi == VIRTIO_NET_TX)
		tx_kick(d->dev, &d->vq[qi]);
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS,
	.nr_queues = 2,
	.queue_max = VIRTIO_NET_QUEUE_SIZE,
	.kick = net_kick,
};

void virtio_net_init(struct virtio_net *n, int tap_fd, const uint8_t mac[6],
		     const struct virtio_mem *mem, uint64_t base, unsigned irq,
		     void (*irq_raise)(void *), void *opaque)
{
	uint16_t status = VIRTIO_NET_S_LINK_UP;

	virtio_mmio_init(&n->mmio, &net_ops, n, mem, base, irq, irq_raise,
			 opaque);
	n->tap_fd = tap_fd;
	memcpy(n->mac, mac, 6);
	n->mmio.config_size = VIRTIO_NET_CFG_SIZE;
	memcpy(n->mmio.config + VIRTIO_NET_CFG_MAC, mac, 6);
	memcpy(n->mmio.config + VIRTIO_NET_CFG_STATUS, &status, 2);
}

static enum virtio_net_rx rx_locked(struct virtio_net *n)
{
	struct virtio_mmio *d = &n->mmio;
	struct virtq *q = &d->vq[VIRTIO_NET_RX];
	uint16_t one = 1;
	const char *why = NULL;
	ssize_t r;
	int ret;

	if (!virtio_mmio_queue_live(d, VIRTIO_NET_RX))
		return VIRTIO_NET_RX_NO_BUFFER;
	ret = virtq_pop(q, d->mem, &n->elem, &why);
	if (ret < 0)
		virtio_mmio_fail(d, why);
	if (ret <= 0) {
		if (!ret && virtq_enable_notify(q))
			return VIRTIO_NET_RX_MORE;
		return VIRTIO_NET_RX_NO_BUFFER;
	}
	if (n->elem.in_len < sizeof(struct virtio_net_hdr_v1)) {
		virtio_mmio_fail(d, "a receive buffer smaller than the "
				    "virtio-net header");
		return VIRTIO_NET_RX_NO_BUFFER;
	}
	do
		r = readv(n->tap_fd, n->elem.iov + n->elem.nr_out,
			  (int)n->elem.nr_in);
	while (r < 0 && errno == EINTR);
	if (r < (ssize_t)sizeof(struct virtio_net_hdr_v1)) {
		virtq_unpop(q);
		return VIRTIO_NET_RX_EMPTY;
	}
	iov_from_buf(n->elem.iov + n->elem.nr_out, n->elem.nr_in,
		     offsetof(struct virtio_net_hdr_v1, num_buffers), &one,
		     sizeof(one));
	virtq_push(q, n->elem.head, (uint32_t)r);
	virtio_mmio_used(d, VIRTIO_NET_RX);
	return VIRTIO_NET_RX_MORE;
}

enum virtio_net_rx virtio_net_rx(struct virtio_net *n)
{
	enum virtio_net_rx r;

	virtio_mmio_lock(&n->mmio);
	r = rx_locked(n);
	virtio_mmio_unlock(&n->mmio);
	return r;
}
