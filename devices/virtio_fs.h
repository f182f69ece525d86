/* SPDX-License-Identifier: MIT */
/*
 * virtio-fs (virtio 1.2, 5.11) served by virtiofsd over vhost-user: a
 * --share.  directboot does the transport (virtio-mmio registers,
 * feature negotiation, the interrupt) and hands the rings to virtiofsd,
 * which reads and writes guest RAM itself (memfds, vmm/vm.c).
 *
 * Notifications never pass through directboot's queues code:
 *  - the guest's QueueNotify is a KVM ioeventfd on the kick eventfd that
 *    virtiofsd waits on (kick[q]);
 *  - virtiofsd's call eventfd (call[q]) is read by the I/O thread, which
 *    sets InterruptStatus bit 0 and raises the line (virtio_fs_call()):
 *    Linux's virtio-mmio handler runs the rings only when that bit is
 *    set, so the call fd cannot be an irqfd by itself.
 *
 * Ring life: DRIVER_OK (the transport kicks every live queue) starts
 * each ring in virtiofsd (SET_FEATURES once, then the ring's messages);
 * a reset stops them (GET_VRING_BASE).
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIO_FS_H
#define DIRECTBOOT_DEVICES_VIRTIO_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "vhost_user.h"
#include "virtio_mmio.h"
#include "virtiofsd.h"

#define VIRTIO_ID_FS 26
#define VIRTIO_FS_TAG_MAX 36 /* config space: tag[36], NUL-padded */
#define VIRTIO_FS_QUEUES 2   /* hiprio, then one request queue */
#define VIRTIO_FS_QUEUE_SIZE 128
#define VIRTIO_FS_CONFIG_SIZE (VIRTIO_FS_TAG_MAX + 4)

_Static_assert(VIRTIO_FS_QUEUES <= VIRTIO_MMIO_QUEUES_MAX,
	       "virtio-fs needs two queues of the transport");

struct virtio_fs_share {
	const char *dir;
	char tag[VIRTIO_FS_TAG_MAX + 1];
	bool ro;
	bool quiet; /* virtiofsd's stderr to /dev/null (not --debug) */
};

struct virtio_fs {
	struct virtio_mmio mmio;
	struct virtio_dev_ops ops;
	struct virtiofsd daemon;
	struct vhost_user vu;
	char tag[VIRTIO_FS_TAG_MAX + 1];
	char dir[256];		    /* for messages */
	int kick[VIRTIO_FS_QUEUES]; /* the KVM ioeventfds, virtiofsd's */
	int call[VIRTIO_FS_QUEUES]; /* virtiofsd's, the I/O thread's */
	bool started[VIRTIO_FS_QUEUES];
	bool features_sent;
};

/*
 * "HOSTDIR[:TAG][,ro]" into s (s->dir points into a copy that lives as
 * long as the process).  TAG defaults to HOSTDIR's base name ("root"
 * for /), at most 36 bytes, without '/' or blanks.  The only suffix is
 * ",ro".  The directory itself is not looked at (virtiofsd_check_dir()).
 */
int virtio_fs_parse_share(const char *arg, struct virtio_fs_share *s,
			  struct db_error *err);

/*
 * Start virtiofsd (bin, from virtiofsd_find()) on s->dir and make the
 * kick and call eventfds: fork and exec, so before the sandbox, from the
 * thread that lives as long as the run.  It needs no guest RAM yet, so
 * it can start while the VM is set up.
 */
int virtio_fs_spawn(struct virtio_fs *fs, const char *bin,
		    const struct virtio_fs_share *s, struct db_error *err);

/* Then connect over vhost-user and give it guest RAM (ram[0..nr_ram),
 * memfds); waits for virtiofsd to answer. */
int virtio_fs_connect(struct virtio_fs *fs, const struct vhost_user_region *ram,
		      unsigned nr_ram, struct db_error *err);

/*
 * Both: start virtiofsd (bin, from virtiofsd_find()) on dir, connect over
 * vhost-user, give it guest RAM (ram[0..nr_ram), memfds) and make the
 * kick and call eventfds.  Before the sandbox: it forks and execs.
 */
int virtio_fs_open(struct virtio_fs *fs, const char *bin,
		   const struct virtio_fs_share *s,
		   const struct vhost_user_region *ram, unsigned nr_ram,
		   struct db_error *err);

/* The transport, on the plan's window. */
void virtio_fs_attach(struct virtio_fs *fs, const struct virtio_mem *mem,
		      uint64_t base, unsigned irq, void (*irq_raise)(void *),
		      void *opaque);

/* The I/O thread saw call[q] readable: the used-buffer interrupt. */
void virtio_fs_call(struct virtio_fs *fs, unsigned q);

/* Stop virtiofsd and close everything (safe after a failed open). */
void virtio_fs_close(struct virtio_fs *fs);

#endif
