// SPDX-License-Identifier: MIT
/*
 * virtio-fs over vhost-user (virtio_fs.h).
 *
 * The device's ops run under the transport's lock, on a vCPU thread
 * (register writes: DRIVER_OK, reset) or the I/O thread, so the
 * vhost-user messages of a ring start or stop are serialised with the
 * guest's view of the device: the guest's DRIVER_OK write returns once
 * virtiofsd has its rings.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "directboot/virtio.h"
#include "virtio_fs.h"

/* ---- --share HOSTDIR[:TAG][,ro] ---- */

static bool tag_ok(const char *t, size_t n)
{
	if (!n || n > VIRTIO_FS_TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr("/,:", t[i]) || isspace((unsigned char)t[i]) ||
		    !isprint((unsigned char)t[i]))
			return false;
	return true;
}

/* The base name of dir, ignoring trailing slashes; "/" is "root". */
static void default_tag(const char *dir, const char **t, size_t *n)
{
	size_t end = strlen(dir), start;

	while (end > 1 && dir[end - 1] == '/')
		end--;
	start = end;
	while (start && dir[start - 1] != '/')
		start--;
	if (start == end) { /* "/" or "//" */
		*t = "root";
		*n = 4;
		return;
	}
	*t = dir + start;
	*n = end - start;
}

int virtio_fs_parse_share(const char *arg, struct virtio_fs_share *s,
			  struct db_error *err)
{
	static char buf[8192];
	static size_t used;
	size_t len = strlen(arg), n;
	char *copy, *comma, *colon;
	const char *t;

	memset(s, 0, sizeof(*s));
	if (len + 1 > sizeof(buf) - used)
		return db_fail(err, DB_ERR_INPUT,
			       "--share: too many or too long arguments");
	copy = memcpy(buf + used, arg, len + 1);
	used += len + 1;
	comma = strrchr(copy, ',');
	if (comma) {
		if (strcmp(comma + 1, "ro"))
			return db_fail(err, DB_ERR_INPUT,
				       "--share '%s': unknown option '%s' "
				       "(want HOSTDIR[:TAG][,ro])",
				       arg, comma + 1);
		*comma = '\0';
		s->ro = true;
	}
	colon = strrchr(copy, ':');
	if (colon) {
		*colon = '\0';
		t = colon + 1;
		n = strlen(t);
	} else {
		default_tag(copy, &t, &n);
	}
	if (!*copy)
		return db_fail(err, DB_ERR_INPUT, "--share '%s': no HOSTDIR",
			       arg);
	if (!tag_ok(t, n))
		return db_fail(err, DB_ERR_INPUT,
			       "--share '%s': tag '%.*s' must be 1 to %d "
			       "printable bytes without '/', ',', ':' or "
			       "blanks%s",
			       arg, (int)n, t, VIRTIO_FS_TAG_MAX,
			       colon ? "" : " (give one as HOSTDIR:TAG)");
	memcpy(s->tag, t, n);
	s->tag[n] = '\0';
	s->dir = copy;
	return DB_OK;
}

/* ---- the device ---- */

/* virtiofsd failed us: the device needs a reset, the VM runs on. */
static void backend_failed(struct virtio_mmio *d, const struct db_error *err)
{
	struct virtio_fs *fs = d->dev;

	fprintf(stderr, "directboot: virtio-fs '%s': %s\r\n", fs->tag,
		err->msg);
	if (d->broken)
		return;
	d->broken = true;
	d->broken_why = "vhost-user back-end failed";
	d->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	if (d->irq_raise)
		d->irq_raise(d->irq_opaque);
}

static int ring_start(struct virtio_fs *fs, unsigned q, struct db_error *err)
{
	struct virtq *vq = &fs->mmio.vq[q];
	struct vhost_user_vring v = {
		.num = vq->num,
		.desc = (uintptr_t)vq->desc,
		.avail = (uintptr_t)vq->avail,
		.used = (uintptr_t)vq->used,
		.kick = fs->kick[q],
		.call = fs->call[q],
	};
	int ret;

	if (!fs->features_sent) {
		ret = vhost_user_set_features(&fs->vu, fs->mmio.driver_features,
					      err);
		if (ret)
			return ret;
		fs->features_sent = true;
	}
	ret = vhost_user_vring_start(&fs->vu, q, &v, err);
	if (!ret)
		fs->started[q] = true;
	return ret;
}

/* DRIVER_OK kicks each live queue (or QueueNotify came as an exit):
 * start the ring in virtiofsd if it is not yet, then wake it. */
static void fs_kick(struct virtio_mmio *d, unsigned q)
{
	struct virtio_fs *fs = d->dev;
	struct db_error err = {0};
	uint64_t one = 1;

	if (!fs->started[q] && ring_start(fs, q, &err)) {
		backend_failed(d, &err);
		return;
	}
	if (write(fs->kick[q], &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

static void fs_reset(struct virtio_mmio *d)
{
	struct virtio_fs *fs = d->dev;
	struct db_error err = {0};
	uint32_t base;

	for (unsigned q = 0; q < VIRTIO_FS_QUEUES; q++) {
		if (!fs->started[q])
			continue;
		fs->started[q] = false;
		if (vhost_user_vring_stop(&fs->vu, q, &base, &err))
			fprintf(stderr, "directboot: virtio-fs '%s': %s\r\n",
				fs->tag, err.msg);
	}
	fs->features_sent = false;
}

static const struct virtio_dev_ops fs_ops = {
	.name = "virtio-fs",
	.device_id = VIRTIO_ID_FS,
	.features = 0, /* no notification queue, no DAX window */
	.nr_queues = VIRTIO_FS_QUEUES,
	.queue_max = VIRTIO_FS_QUEUE_SIZE,
	.kick = fs_kick,
	.reset = fs_reset,
};

/* What the transport offers on top of ops.features: the back-end must
 * have it all, since it is the one that runs the rings. */
#define FS_NEEDED                                                              \
	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_RING_F_EVENT_IDX |        \
	 1ull << VIRTIO_RING_F_INDIRECT_DESC)

static int make_eventfds(struct virtio_fs *fs, struct db_error *err)
{
	for (unsigned q = 0; q < VIRTIO_FS_QUEUES; q++) {
		fs->kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		fs->call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fs->kick[q] < 0 || fs->call[q] < 0)
			return db_fail(err, DB_ERR_HOST,
				       "virtio-fs: eventfd: %s",
				       strerror(errno));
	}
	return DB_OK;
}

int virtio_fs_spawn(struct virtio_fs *fs, const char *bin,
		    const struct virtio_fs_share *s, struct db_error *err)
{
	int ret;

	memset(fs, 0, sizeof(*fs));
	fs->daemon.sock = fs->daemon.pidfd = -1;
	fs->vu.fd = -1;
	for (unsigned q = 0; q < VIRTIO_FS_QUEUES; q++)
		fs->kick[q] = fs->call[q] = -1;
	snprintf(fs->tag, sizeof(fs->tag), "%s", s->tag);
	snprintf(fs->dir, sizeof(fs->dir), "%s", s->dir);
	ret = make_eventfds(fs, err);
	if (!ret)
		ret = virtiofsd_start(&fs->daemon, bin, s->dir, s->ro, s->quiet,
				      err);
	if (ret)
		db_error_prefix(err, "--share %s", s->dir);
	return ret;
}

int virtio_fs_connect(struct virtio_fs *fs, const struct vhost_user_region *ram,
		      unsigned nr_ram, struct db_error *err)
{
	int ret = vhost_user_connect(&fs->vu, fs->daemon.sock, err);

	if (!ret && (fs->vu.features & FS_NEEDED) != FS_NEEDED)
		ret = db_fail(err, DB_ERR_HOST,
			      "virtio-fs: virtiofsd offers features 0x%llx, "
			      "without all of VERSION_1, EVENT_IDX and "
			      "INDIRECT_DESC",
			      (unsigned long long)fs->vu.features);
	if (!ret)
		ret = vhost_user_set_mem_table(&fs->vu, ram, nr_ram, err);
	if (ret)
		db_error_prefix(err, "--share %s", fs->dir);
	return ret;
}

int virtio_fs_open(struct virtio_fs *fs, const char *bin,
		   const struct virtio_fs_share *s,
		   const struct vhost_user_region *ram, unsigned nr_ram,
		   struct db_error *err)
{
	int ret = virtio_fs_spawn(fs, bin, s, err);

	return ret ? ret : virtio_fs_connect(fs, ram, nr_ram, err);
}

void virtio_fs_attach(struct virtio_fs *fs, const struct virtio_mem *mem,
		      uint64_t base, unsigned irq, void (*irq_raise)(void *),
		      void *opaque)
{
	uint32_t nq = 1; /* num_request_queues, le32 */

	fs->ops = fs_ops;
	virtio_mmio_init(&fs->mmio, &fs->ops, fs, mem, base, irq, irq_raise,
			 opaque);
	memcpy(fs->mmio.config, fs->tag, strlen(fs->tag));
	memcpy(fs->mmio.config + VIRTIO_FS_TAG_MAX, &nq, 4);
	fs->mmio.config_size = VIRTIO_FS_CONFIG_SIZE;
}

void virtio_fs_call(struct virtio_fs *fs, unsigned q)
{
	struct virtio_mmio *d = &fs->mmio;
	uint64_t n;

	if (q >= VIRTIO_FS_QUEUES ||
	    (read(fs->call[q], &n, sizeof(n)) < 0 && errno != EAGAIN))
		return;
	virtio_mmio_lock(d);
	if (fs->started[q] && !d->broken) {
		d->interrupt_status |= VIRTIO_MMIO_INT_VRING;
		if (d->irq_raise)
			d->irq_raise(d->irq_opaque);
	}
	virtio_mmio_unlock(d);
}

void virtio_fs_close(struct virtio_fs *fs)
{
	virtiofsd_stop(&fs->daemon);
	for (unsigned q = 0; q < VIRTIO_FS_QUEUES; q++) {
		if (fs->kick[q] >= 0)
			close(fs->kick[q]);
		if (fs->call[q] >= 0)
			close(fs->call[q]);
		fs->kick[q] = fs->call[q] = -1;
	}
	fs->vu.fd = -1;
}
