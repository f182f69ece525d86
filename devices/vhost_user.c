// SPDX-License-Identifier: MIT
/*
 * vhost-user, the front-end's side (vhost_user.h).
 *
 * The order at connection follows the spec's "starting the device":
 * GET_FEATURES first (it says whether bit 30 exists), then the
 * protocol features, only when bit 30 was offered, then SET_OWNER.  A
 * ring starts with its size, addresses and base, then the call fd, and
 * last the kick fd: the back-end starts a ring when its kick fd arrives,
 * so everything else must be there by then.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "vhost_user.h"

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

size_t vhost_user_encode(uint8_t *buf, uint32_t request, uint32_t flags,
			 const void *payload, uint32_t size)
{
	if (size > VHOST_USER_PAYLOAD_MAX)
		return 0;
	put32(buf, request);
	put32(buf + 4, VHOST_USER_VERSION | flags);
	put32(buf + 8, size);
	if (size)
		memcpy(buf + VHOST_USER_HDR_SIZE, payload, size);
	return VHOST_USER_HDR_SIZE + size;
}

size_t vhost_user_mem_payload(uint8_t *buf, const struct vhost_user_region *r,
			      unsigned n)
{
	put32(buf, n);
	put32(buf + 4, 0);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = buf + 8 + 32 * i;

		put64(p, r[i].gpa);
		put64(p + 8, r[i].size);
		put64(p + 16, r[i].uaddr);
		put64(p + 24, r[i].offset);
	}
	return 8 + 32 * (size_t)n;
}

size_t vhost_user_addr_payload(uint8_t *buf, unsigned index,
			       const struct vhost_user_vring *v)
{
	put32(buf, index);
	put32(buf + 4, 0); /* flags: no dirty log */
	put64(buf + 8, v->desc);
	put64(buf + 16, v->used);
	put64(buf + 24, v->avail);
	put64(buf + 32, 0); /* log */
	return 40;
}

/* ---- the wire ---- */

static int send_msg(struct vhost_user *vu, const uint8_t *buf, size_t len,
		    const int *fds, unsigned nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MEM_REGIONS_MAX)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(vu->fd, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static int recv_all(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = ECONNRESET;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

static const char *request_name(uint32_t r)
{
	static const char *const names[] = {
		[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
		[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
		[VHOST_USER_SET_OWNER] = "SET_OWNER",
		[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
		[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
		[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
		[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
		[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
		[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
		[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
		[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
		[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
		[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	};

	return r < sizeof(names) / sizeof(*names) && names[r] ? names[r] : "?";
}

/* The reply to request: its payload, exactly size bytes. */
static int recv_reply(struct vhost_user *vu, uint32_t request, void *payload,
		      uint32_t size, struct db_error *err)
{
	uint8_t hdr[VHOST_USER_HDR_SIZE];
	uint32_t req, flags, len;

	if (recv_all(vu->fd, hdr, sizeof(hdr)) < 0)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: no reply to %s: %s",
			       request_name(request),
			       errno == EAGAIN ? "timed out" : strerror(errno));
	memcpy(&req, hdr, 4);
	memcpy(&flags, hdr + 4, 4);
	memcpy(&len, hdr + 8, 4);
	if (req != request || !(flags & VHOST_USER_FLAG_REPLY) || len != size)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: bad reply to %s (request %u, "
			       "flags 0x%x, size %u; want size %u)",
			       request_name(request), req, flags, len, size);
	if (recv_all(vu->fd, payload, size) < 0)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: short reply to %s: %s",
			       request_name(request), strerror(errno));
	return DB_OK;
}

/* A request that has no reply of its own: with REPLY_ACK, ask for one
 * and check it, so that a failure shows at its cause. */
static int request(struct vhost_user *vu, uint32_t req, const void *payload,
		   uint32_t size, const int *fds, unsigned nfds,
		   struct db_error *err)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	bool ack = vu->protocol_features &
		   (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK);
	size_t len = vhost_user_encode(
		buf, req, ack ? VHOST_USER_FLAG_NEED_REPLY : 0, payload, size);
	uint64_t status;
	int ret;

	if (!len || send_msg(vu, buf, len, fds, nfds) < 0)
		return db_fail(err, DB_ERR_HOST, "vhost-user: %s: %s",
			       request_name(req), strerror(errno));
	if (!ack)
		return DB_OK;
	ret = recv_reply(vu, req, &status, sizeof(status), err);
	if (ret)
		return ret;
	if (status)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: the back-end refused %s (%llu)",
			       request_name(req), (unsigned long long)status);
	return DB_OK;
}

/* A GET_*: no need_reply, the reply is the protocol's. */
static int query(struct vhost_user *vu, uint32_t req, const void *payload,
		 uint32_t size, void *reply, uint32_t reply_size,
		 struct db_error *err)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	size_t len = vhost_user_encode(buf, req, 0, payload, size);

	if (!len || send_msg(vu, buf, len, NULL, 0) < 0)
		return db_fail(err, DB_ERR_HOST, "vhost-user: %s: %s",
			       request_name(req), strerror(errno));
	return recv_reply(vu, req, reply, reply_size, err);
}

/* ---- the calls ---- */

int vhost_user_connect(struct vhost_user *vu, int fd, struct db_error *err)
{
	struct timeval tv = {.tv_sec = VHOST_USER_TIMEOUT_S};
	uint64_t f, pf;
	int ret;

	memset(vu, 0, sizeof(*vu));
	vu->fd = fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ret = query(vu, VHOST_USER_GET_FEATURES, NULL, 0, &f, 8, err);
	if (ret)
		return ret;
	vu->protocol = f & (1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	vu->features = f & ~(1ull << VHOST_USER_F_PROTOCOL_FEATURES);
	if (vu->protocol) {
		ret = query(vu, VHOST_USER_GET_PROTOCOL_FEATURES, NULL, 0, &pf,
			    8, err);
		if (ret)
			return ret;
		pf &= 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK;
		ret = request(vu, VHOST_USER_SET_PROTOCOL_FEATURES, &pf, 8,
			      NULL, 0, err);
		if (ret)
			return ret;
		vu->protocol_features = pf;
	}
	return request(vu, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0, err);
}

int vhost_user_set_features(struct vhost_user *vu, uint64_t features,
			    struct db_error *err)
{
	if (vu->protocol)
		features |= 1ull << VHOST_USER_F_PROTOCOL_FEATURES;
	return request(vu, VHOST_USER_SET_FEATURES, &features, 8, NULL, 0, err);
}

int vhost_user_set_mem_table(struct vhost_user *vu,
			     const struct vhost_user_region *r, unsigned n,
			     struct db_error *err)
{
	uint8_t payload[VHOST_USER_PAYLOAD_MAX];
	int fds[VHOST_USER_MEM_REGIONS_MAX];
	size_t len;

	if (!n || n > VHOST_USER_MEM_REGIONS_MAX)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: %u RAM regions (1 to %d)", n,
			       VHOST_USER_MEM_REGIONS_MAX);
	for (unsigned i = 0; i < n; i++)
		fds[i] = r[i].fd;
	len = vhost_user_mem_payload(payload, r, n);
	return request(vu, VHOST_USER_SET_MEM_TABLE, payload, (uint32_t)len,
		       fds, n, err);
}

static int vring_state(struct vhost_user *vu, uint32_t req, unsigned index,
		       uint32_t num, struct db_error *err)
{
	uint8_t p[8];

	put32(p, index);
	put32(p + 4, num);
	return request(vu, req, p, 8, NULL, 0, err);
}

static int vring_fd(struct vhost_user *vu, uint32_t req, unsigned index, int fd,
		    struct db_error *err)
{
	uint64_t v = index & 0xff;

	if (fd < 0)
		v |= VHOST_USER_VRING_NOFD;
	return request(vu, req, &v, 8, &fd, fd < 0 ? 0 : 1, err);
}

int vhost_user_vring_start(struct vhost_user *vu, unsigned index,
			   const struct vhost_user_vring *v,
			   struct db_error *err)
{
	uint8_t addr[40];
	int ret;

	ret = vring_state(vu, VHOST_USER_SET_VRING_NUM, index, v->num, err);
	if (!ret) {
		vhost_user_addr_payload(addr, index, v);
		ret = request(vu, VHOST_USER_SET_VRING_ADDR, addr, sizeof(addr),
			      NULL, 0, err);
	}
	if (!ret)
		ret = vring_state(vu, VHOST_USER_SET_VRING_BASE, index, 0, err);
	if (!ret)
		ret = vring_fd(vu, VHOST_USER_SET_VRING_CALL, index, v->call,
			       err);
	if (!ret)
		ret = vring_fd(vu, VHOST_USER_SET_VRING_KICK, index, v->kick,
			       err);
	if (!ret && vu->protocol)
		ret = vring_state(vu, VHOST_USER_SET_VRING_ENABLE, index, 1,
				  err);
	return ret;
}

int vhost_user_vring_stop(struct vhost_user *vu, unsigned index, uint32_t *base,
			  struct db_error *err)
{
	uint8_t p[8], r[8];
	uint32_t idx;
	int ret;

	put32(p, index);
	put32(p + 4, 0);
	ret = query(vu, VHOST_USER_GET_VRING_BASE, p, 8, r, 8, err);
	if (ret)
		return ret;
	memcpy(&idx, r, 4);
	memcpy(base, r + 4, 4);
	if (idx != index)
		return db_fail(err, DB_ERR_HOST,
			       "vhost-user: GET_VRING_BASE %u answered for "
			       "ring %u",
			       index, idx);
	return DB_OK;
}
