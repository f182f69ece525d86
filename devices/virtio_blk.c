// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.x, 5.2) on a raw image file.
 *
 * A request is one chain: a 16-byte header the device reads (type,
 * sector), the data (read for OUT, written for IN), and one status byte
 * the device writes last.  The data moves with preadv/pwritev straight
 * between the file and the guest's buffers: the iovecs point into guest
 * RAM, so there is no bounce copy.
 *
 * Requests run one after the other, in ring order, on the I/O thread
 * (see vmm/virtio_host.c), and each completes before the next starts.
 * That is what makes FLUSH simple and honest: every write the driver
 * saw completed has returned from pwritev, and the FLUSH itself is put
 * in the used ring only after fdatasync() has returned.
 *
 * A read-only disk is opened O_RDONLY, offers VIRTIO_BLK_F_RO and
 * answers OUT and DISCARD with VIRTIO_BLK_S_IOERR.  DISCARD punches a
 * hole (fallocate PUNCH_HOLE|KEEP_SIZE) and answers UNSUPP where the
 * file system cannot.  cache=none opens a second descriptor with
 * O_DIRECT and falls back to the first for a buffer O_DIRECT refuses
 * (EINVAL: misaligned), so a driver's odd buffer never fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtio_blk.h"

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define DISCARD_SEGS_MAX 16
#define DISCARD_ALIGN_SECTORS 8 /* a 4 KiB page: where holes punch */

int virtio_blk_parse(const char *arg, struct virtio_blk_opts *o,
		     struct db_error *err)
{
	static char buf[4096];
	static size_t used;
	size_t len = strlen(arg);
	char *s, *opt, *save;

	/* The options outlive the call; keep a copy that can be cut. */
	if (len + 1 > sizeof(buf) - used)
		return db_fail(err, DB_ERR_INPUT,
			       "--disk: too many or too "
			       "long disk arguments");
	s = memcpy(buf + used, arg, len + 1);
	used += len + 1;
	memset(o, 0, sizeof(*o));
	o->path = strtok_r(s, ",", &save);
	if (!o->path || *arg == ',')
		return db_fail(err, DB_ERR_INPUT, "--disk '%s': no PATH", arg);
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro"))
			o->ro = true;
		else if (!strcmp(opt, "cache=none"))
			o->cache_none = true;
		else if (!strcmp(opt, "cache=writeback"))
			o->cache_none = false;
		else
			return db_fail(err, DB_ERR_INPUT,
				       "--disk '%s': unknown "
				       "option '%s' (ro, cache=none, "
				       "cache=writeback)",
				       arg, opt);
	}
	return DB_OK;
}

int virtio_blk_open(struct virtio_blk *b, const struct virtio_blk_opts *o,
		    unsigned index, struct db_error *err)
{
	int flags = (o->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->fd_direct = -1;
	b->ro = o->ro;
	b->fd = open(o->path, flags);
	if (b->fd < 0)
		return db_fail(err, db_errno_status(errno), "--disk %s: %s",
			       o->path, strerror(errno));
	if (fstat(b->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(b->fd);
		b->fd = -1;
		return db_fail(err, DB_ERR_INPUT,
			       "--disk %s: not a regular "
			       "file (a raw image is)",
			       o->path);
	}
	b->capacity = (uint64_t)st.st_size / SECTOR;
	if (o->cache_none)
		b->fd_direct = open(o->path, flags | O_DIRECT);
	snprintf(b->id, sizeof(b->id), "directboot%u-%" PRIx64, index,
		 (uint64_t)st.st_ino);
	return DB_OK;
}

void virtio_blk_close(struct virtio_blk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	if (b->fd_direct >= 0)
		close(b->fd_direct);
	b->fd = b->fd_direct = -1;
	virtio_mmio_destroy(&b->mmio);
}

/* Drop done bytes from the front of iov[0..*n). */
static struct iovec *iov_advance(struct iovec *iov, unsigned *n, size_t done)
{
	while (*n && done >= iov->iov_len) {
		done -= iov->iov_len;
		iov++;
		(*n)--;
	}
	if (*n) {
		iov->iov_base = (uint8_t *)iov->iov_base + done;
		iov->iov_len -= done;
	}
	return iov;
}

static ssize_t rw_once(struct virtio_blk *b, bool write,
		       const struct iovec *iov, unsigned n, off_t off)
{
	ssize_t r = -1;

	if (b->fd_direct >= 0) {
		r = write ? pwritev(b->fd_direct, iov, (int)n, off)
			  : preadv(b->fd_direct, iov, (int)n, off);
		if (r >= 0 || errno != EINVAL)
			return r;
	}
	return write ? pwritev(b->fd, iov, (int)n, off)
		     : preadv(b->fd, iov, (int)n, off);
}

/* All of len bytes between the file at sector and iov, or IOERR. */
static uint8_t blk_rw(struct virtio_blk *b, bool write, uint64_t sector,
		      struct iovec *iov, unsigned n, uint64_t len)
{
	off_t off;

	if (sector > b->capacity || len > (b->capacity - sector) * SECTOR)
		return VIRTIO_BLK_S_IOERR;
	off = (off_t)(sector * SECTOR);
	while (len) {
		ssize_t r = rw_once(b, write, iov, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return VIRTIO_BLK_S_IOERR;
		iov = iov_advance(iov, &n, (size_t)r);
		off += r;
		len -= (uint64_t)r;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t blk_discard(struct virtio_blk *b, const struct iovec *iov,
			   unsigned n, uint64_t len)
{
	struct virtio_blk_discard_write_zeroes seg;

	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (len % sizeof(seg) || len / sizeof(seg) > DISCARD_SEGS_MAX)
		return VIRTIO_BLK_S_IOERR;
	for (size_t o = 0; o < len; o += sizeof(seg)) {
		iov_to_buf(iov, n, o, &seg, sizeof(seg));
		if (seg.sector > b->capacity ||
		    seg.num_sectors > b->capacity - seg.sector)
			return VIRTIO_BLK_S_IOERR;
		if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(seg.sector * SECTOR),
			      (off_t)seg.num_sectors * SECTOR) < 0)
			return errno == EOPNOTSUPP ? VIRTIO_BLK_S_UNSUPP
						   : VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/*
 * One request.  Returns false when the chain is no request at all (no
 * header or no status byte): a spec violation.  *written is what the
 * used ring reports: the data bytes written into the guest plus the
 * status byte.
 */
static bool blk_request(struct virtio_blk *b, struct virtq_elem *e,
			uint32_t *written)
{
	struct iovec *in = e->iov + e->nr_out;
	struct iovec data[VIRTQ_IOV_MAX];
	struct virtio_blk_outhdr h;
	uint64_t in_data = e->in_len - 1, out_data = e->out_len - sizeof(h);
	uint64_t done = 0;
	uint8_t st;
	unsigned n;

	if (e->out_len < sizeof(h) || !e->in_len)
		return false;
	iov_to_buf(e->iov, e->nr_out, 0, &h, sizeof(h));
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		/* The used length is 32 bits; so is a sane request. */
		if (in_data >= UINT32_MAX) {
			st = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = iov_slice(in, e->nr_in, 0, in_data, data, VIRTQ_IOV_MAX);
		st = blk_rw(b, false, h.sector, data, n, in_data);
		done = st == VIRTIO_BLK_S_OK ? in_data : 0;
		break;
	case VIRTIO_BLK_T_OUT:
		if (b->ro) {
			st = VIRTIO_BLK_S_IOERR;
			break;
		}
		n = iov_slice(e->iov, e->nr_out, sizeof(h), out_data, data,
			      VIRTQ_IOV_MAX);
		st = blk_rw(b, true, h.sector, data, n, out_data);
		break;
	case VIRTIO_BLK_T_FLUSH:
		st = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		done = in_data < sizeof(b->id) ? in_data : sizeof(b->id);
		iov_from_buf(in, e->nr_in, 0, b->id, done);
		st = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
		n = iov_slice(e->iov, e->nr_out, sizeof(h), out_data, data,
			      VIRTQ_IOV_MAX);
		st = blk_discard(b, data, n, out_data);
		break;
	default:
		st = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	iov_from_buf(in, e->nr_in, in_data, &st, 1);
	*written = (uint32_t)(done + 1);
	return true;
}

static void blk_kick(struct virtio_mmio *d, unsigned qi)
{
	struct virtio_blk *b = d->dev;
	struct virtq *q = &d->vq[qi];
	const char *why = NULL;
	int r;

	do {
		while ((r = virtq_pop(q, d->mem, &b->elem, &why)) > 0) {
			uint32_t len;

			if (!blk_request(b, &b->elem, &len)) {
				virtio_mmio_fail(d, "a request without its "
						    "header or status byte");
				return;
			}
			virtq_push(q, b->elem.head, len);
		}
		if (r < 0) {
			virtio_mmio_fail(d, why);
			return;
		}
	} while (virtq_enable_notify(q));
	virtio_mmio_used(d, qi);
}

static const struct virtio_dev_ops blk_ops_rw = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH |
		    1ull << VIRTIO_BLK_F_DISCARD,
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_SIZE,
	.kick = blk_kick,
};

static const struct virtio_dev_ops blk_ops_ro = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH |
		    1ull << VIRTIO_BLK_F_RO,
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_SIZE,
	.kick = blk_kick,
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void virtio_blk_attach(struct virtio_blk *b, const struct virtio_mem *mem,
		       uint64_t base, unsigned irq, void (*irq_raise)(void *),
		       void *opaque)
{
	struct virtio_mmio *d = &b->mmio;

	virtio_mmio_init(d, b->ro ? &blk_ops_ro : &blk_ops_rw, b, mem, base,
			 irq, irq_raise, opaque);
	d->config_size = VIRTIO_BLK_CFG_SIZE;
	memcpy(d->config + VIRTIO_BLK_CFG_CAPACITY, &b->capacity, 8);
	put32(d->config + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
	put32(d->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 1u << 22);
	put32(d->config + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, DISCARD_SEGS_MAX);
	put32(d->config + VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT,
	      DISCARD_ALIGN_SECTORS);
}
