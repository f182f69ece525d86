/* SPDX-License-Identifier: MIT */
/*
 * A vhost-user front-end (QEMU's docs/interop/vhost-user.rst): the
 * control messages that hand a virtio device's rings, and the guest RAM
 * they live in, to a back-end process (virtiofsd), which then serves
 * them on its own, woken by the kick eventfds and waking us through the
 * call eventfds.
 *
 * Messages are a 12-byte header (request, flags, payload size: native
 * byte order) and a payload; file descriptors (guest RAM, eventfds)
 * travel as SCM_RIGHTS.  Every call here is synchronous: it sends its
 * message and, when the protocol has a reply (GET_*) or REPLY_ACK was
 * negotiated, waits for it, at most VHOST_USER_TIMEOUT_S.
 *
 * Feature bit 30, VHOST_USER_F_PROTOCOL_FEATURES, belongs to the
 * protocol, not to the device: it is taken out of what GET_FEATURES
 * offers the guest and added back to SET_FEATURES here.
 */
#ifndef DIRECTBOOT_DEVICES_VHOST_USER_H
#define DIRECTBOOT_DEVICES_VHOST_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

/* Requests (front-end to back-end). */
#define VHOST_USER_GET_FEATURES 1
#define VHOST_USER_SET_FEATURES 2
#define VHOST_USER_SET_OWNER 3
#define VHOST_USER_SET_MEM_TABLE 5
#define VHOST_USER_SET_VRING_NUM 8
#define VHOST_USER_SET_VRING_ADDR 9
#define VHOST_USER_SET_VRING_BASE 10
#define VHOST_USER_GET_VRING_BASE 11
#define VHOST_USER_SET_VRING_KICK 12
#define VHOST_USER_SET_VRING_CALL 13
#define VHOST_USER_GET_PROTOCOL_FEATURES 15
#define VHOST_USER_SET_PROTOCOL_FEATURES 16
#define VHOST_USER_SET_VRING_ENABLE 18

/* Header flags. */
#define VHOST_USER_VERSION 0x1
#define VHOST_USER_FLAG_REPLY (1u << 2)
#define VHOST_USER_FLAG_NEED_REPLY (1u << 3)

#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3

#define VHOST_USER_HDR_SIZE 12
#define VHOST_USER_MEM_REGIONS_MAX 8
/* The largest payload: the memory table, 8 + 8 regions of 32 bytes. */
#define VHOST_USER_PAYLOAD_MAX (8 + VHOST_USER_MEM_REGIONS_MAX * 32)
#define VHOST_USER_MSG_MAX (VHOST_USER_HDR_SIZE + VHOST_USER_PAYLOAD_MAX)
#define VHOST_USER_VRING_NOFD (1u << 8) /* KICK/CALL without an fd */
#define VHOST_USER_TIMEOUT_S 5

struct vhost_user {
	int fd;		   /* the connected socket */
	uint64_t features; /* the back-end's (GET_FEATURES), bit 30 out */
	bool protocol;	   /* bit 30 was offered: rings start disabled */
	uint64_t protocol_features; /* negotiated */
};

/* One guest RAM range, as the back-end maps it: the fd at offset holds
 * gpa .. gpa + size, which we see at uaddr. */
struct vhost_user_region {
	uint64_t gpa, size, uaddr, offset;
	int fd;
};

/* A ring to start: its size, where we see its three parts, and its
 * eventfds (kick: the guest's notifications; call: the back-end's). */
struct vhost_user_vring {
	uint16_t num;
	uint64_t desc, avail, used; /* our user addresses */
	int kick, call;
};

/* Encode a message into buf[VHOST_USER_MSG_MAX]; returns its length, or
 * 0 when the payload is too large. */
size_t vhost_user_encode(uint8_t *buf, uint32_t request, uint32_t flags,
			 const void *payload, uint32_t size);
/* The payloads with a layout of their own (tests check them). */
size_t vhost_user_mem_payload(uint8_t *buf, const struct vhost_user_region *r,
			      unsigned n);
size_t vhost_user_addr_payload(uint8_t *buf, unsigned index,
			       const struct vhost_user_vring *v);

/*
 * On a connected socket: GET_FEATURES, GET/SET_PROTOCOL_FEATURES (only
 * REPLY_ACK is taken), SET_OWNER.  Sets a receive timeout on fd.
 */
int vhost_user_connect(struct vhost_user *vu, int fd, struct db_error *err);

/* SET_FEATURES: the driver's features, plus bit 30 when offered. */
int vhost_user_set_features(struct vhost_user *vu, uint64_t features,
			    struct db_error *err);

/* SET_MEM_TABLE, the fds as SCM_RIGHTS. */
int vhost_user_set_mem_table(struct vhost_user *vu,
			     const struct vhost_user_region *r, unsigned n,
			     struct db_error *err);

/* SET_VRING_NUM, _ADDR, _BASE (0), _CALL, _KICK, then _ENABLE 1 when
 * the protocol features were negotiated. */
int vhost_user_vring_start(struct vhost_user *vu, unsigned index,
			   const struct vhost_user_vring *v,
			   struct db_error *err);

/* GET_VRING_BASE: the back-end stops the ring; *base is where it was. */
int vhost_user_vring_stop(struct vhost_user *vu, unsigned index, uint32_t *base,
			  struct db_error *err);

#endif
