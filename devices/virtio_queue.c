// SPDX-License-Identifier: MIT
/*
 * The split virtqueue, device side (virtio 1.x, 2.7).
 *
 * The driver shares three rings with us inside guest RAM and may change
 * any byte of them at any time, from another vCPU, while we read.  So
 * each descriptor is copied out once and only the copy is trusted for
 * the checks and the use; the indices are read with atomic loads and
 * ordered with the fences the spec's memory model asks for (2.7.13):
 * read avail->idx, then (acquire) the ring entries; write the used
 * entries, then (release) used->idx.
 *
 * The rules a chain must follow, each one a reason to stop the queue:
 *  - the avail index moves by at most the queue size;
 *  - every head and every next is below the queue size;
 *  - a chain has at most queue-size descriptors (more means a loop);
 *  - no readable descriptor follows a writable one (2.7.4.2);
 *  - every buffer lies in guest RAM; one that runs from the end of one
 *    memory region into the next, adjacent one, is split in two iovecs,
 *    one that runs past RAM is refused;
 *  - VRING_DESC_F_INDIRECT only when negotiated, never with NEXT, never
 *    nested, its table a whole number of descriptors, at most
 *    VIRTQ_INDIRECT_MAX, inside one RAM region, and its own chain held
 *    to the same rules (no loop, no index past the table).
 * Lengths are summed in 64 bits, so 2^32-1-byte descriptors add up
 * without wrapping; RAM bounds them long before they could.
 */
#include <string.h>

#include "directboot/virtio.h"
#include "virtio_queue.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the virtqueue is little-endian and read in place"
#endif

static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

void *virtio_mem_ptr(const struct virtio_mem *mem, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < mem->nr; i++) {
		const struct virtio_mem_region *r = &mem->r[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

static const struct virtio_mem_region *region_of(const struct virtio_mem *mem,
						 uint64_t gpa)
{
	for (unsigned i = 0; i < mem->nr; i++)
		if (gpa >= mem->r[i].gpa &&
		    gpa - mem->r[i].gpa < mem->r[i].size)
			return &mem->r[i];
	return NULL;
}

bool virtio_mem_iov(const struct virtio_mem *mem, uint64_t gpa, uint64_t len,
		    struct iovec *iov, unsigned *n, unsigned max)
{
	while (len) {
		const struct virtio_mem_region *r = region_of(mem, gpa);
		uint64_t off, chunk;

		if (!r || *n >= max)
			return false;
		off = gpa - r->gpa;
		chunk = r->size - off < len ? r->size - off : len;
		iov[*n] = (struct iovec){r->hva + off, chunk};
		(*n)++;
		/* Cannot wrap: gpa + chunk <= r->gpa + r->size. */
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

void virtq_reset(struct virtq *q, uint16_t num_max)
{
	memset(q, 0, sizeof(*q));
	q->num = num_max;
}

bool virtq_start(struct virtq *q, const struct virtio_mem *mem,
		 uint16_t num_max, const char **why)
{
	uint16_t n = q->num;

	if (!n || (n & (n - 1)) || n > num_max) {
		*why = "the queue size is 0, not a power of two or over "
		       "QueueNumMax";
		return false;
	}
	if (q->desc_gpa % VRING_DESC_ALIGN ||
	    q->avail_gpa % VRING_AVAIL_ALIGN ||
	    q->used_gpa % VRING_USED_ALIGN) {
		*why = "a ring is misaligned (desc 16, avail 2, used 4)";
		return false;
	}
	q->desc = virtio_mem_ptr(mem, q->desc_gpa,
				 (uint64_t)n * sizeof(struct vring_desc));
	q->avail = virtio_mem_ptr(mem, q->avail_gpa, VRING_AVAIL_SIZE(n));
	q->used = virtio_mem_ptr(mem, q->used_gpa, VRING_USED_SIZE(n));
	if (!q->desc || !q->avail || !q->used) {
		*why = "a ring lies outside guest RAM";
		return false;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_valid = false;
	return true;
}

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

/* One descriptor of a chain into e, past the indirect checks. */
static int take_desc(const struct virtio_mem *mem, const struct vring_desc *d,
		     struct virtq_elem *e, unsigned *n, const char **why)
{
	unsigned before = *n;

	if (!(d->flags & VRING_DESC_F_WRITE) && e->nr_in)
		return bad(why, "a readable descriptor after a writable one");
	if (!virtio_mem_iov(mem, d->addr, d->len, e->iov, n, VIRTQ_IOV_MAX))
		return bad(why, "a buffer outside guest RAM (or too many)");
	if (d->flags & VRING_DESC_F_WRITE) {
		e->nr_in += *n - before;
		e->in_len += d->len;
	} else {
		e->nr_out += *n - before;
		e->out_len += d->len;
	}
	return 0;
}

/*
 * An indirect table (2.7.5.3): len/16 descriptors in one piece of guest
 * RAM, walked like a chain of its own from entry 0, with next indexing
 * the table.  No entry may be indirect itself, and the table's own
 * WRITE flag means nothing.
 */
static int take_indirect(const struct virtq *q, const struct virtio_mem *mem,
			 const struct vring_desc *t, struct virtq_elem *e,
			 unsigned *n, const char **why)
{
	uint32_t size = t->len / sizeof(struct vring_desc);
	const uint8_t *table;
	unsigned count = 0;
	uint16_t i = 0;

	if (!q->indirect)
		return bad(why, "an indirect descriptor, not negotiated");
	if (t->flags & VRING_DESC_F_NEXT)
		return bad(why, "an indirect descriptor with NEXT set");
	if (!t->len || t->len % sizeof(struct vring_desc) ||
	    size > VIRTQ_INDIRECT_MAX)
		return bad(why, "an indirect table of a bad length");
	table = virtio_mem_ptr(mem, t->addr, t->len);
	if (!table)
		return bad(why, "an indirect table outside guest RAM");
	for (;;) {
		struct vring_desc d;

		if (i >= size)
			return bad(why, "an indirect index past its table");
		if (++count > size)
			return bad(why, "an indirect chain that loops");
		memcpy(&d, table + (size_t)i * sizeof(d), sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT)
			return bad(why, "an indirect table inside another");
		if (take_desc(mem, &d, e, n, why))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct virtio_mem *mem,
	      struct virtq_elem *e, const char **why)
{
	uint16_t avail_idx = __atomic_load_n(
		(uint16_t *)(q->avail + VRING_AVAIL_IDX), __ATOMIC_ACQUIRE);
	uint16_t idx;
	unsigned n = 0, count = 0;

	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return bad(why, "avail->idx moved by more than the queue size");
	idx = load16(q->avail + VRING_AVAIL_RING +
		     2u * (q->last_avail & (q->num - 1)));
	e->head = idx;
	e->nr_out = e->nr_in = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		struct vring_desc d;

		if (idx >= q->num)
			return bad(why,
				   "a descriptor index past the queue size");
		if (++count > q->num)
			return bad(why, "a descriptor chain that loops");
		memcpy(&d, q->desc + (size_t)idx * sizeof(d), sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (take_indirect(q, mem, &d, e, &n, why))
				return -1;
			break;
		}
		if (take_desc(mem, &d, e, &n, why))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		idx = d.next;
	}
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	struct vring_used_elem el = {.id = head, .len = len};
	uint8_t *slot = q->used + VRING_USED_RING +
			sizeof(el) * (q->used_idx & (q->num - 1));

	memcpy(slot, &el, sizeof(el));
	q->used_idx++;
	__atomic_store_n((uint16_t *)(q->used + VRING_USED_IDX), q->used_idx,
			 __ATOMIC_RELEASE);
}

bool virtq_should_notify(struct virtq *q)
{
	uint16_t old = q->signalled, ev;
	bool valid = q->signalled_valid;

	/* Nothing new in the used ring since the last interrupt. */
	if (valid ? q->used_idx == old : !q->used_idx)
		return false;
	q->signalled = q->used_idx;
	q->signalled_valid = true;
	/* Our used->idx store before the driver's flags/used_event. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(load16(q->avail + VRING_AVAIL_FLAGS) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	ev = load16(q->avail + VRING_AVAIL_RING + 2u * q->num);
	return !valid || vring_need_event(ev, q->used_idx, old);
}

bool virtq_enable_notify(struct virtq *q)
{
	if (q->event_idx)
		store16(q->used + VRING_USED_RING +
				sizeof(struct vring_used_elem) * q->num,
			q->last_avail);
	else
		store16(q->used + VRING_USED_FLAGS, 0);
	/* Our avail_event store before we look at avail->idx again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16(q->avail + VRING_AVAIL_IDX) != q->last_avail;
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf,
		  size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t c;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		c = iov[i].iov_len - off;
		c = c < len - done ? c : len - done;
		memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + off,
		       c);
		done += c;
		off = 0;
	}
	return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off,
		    const void *buf, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t c;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		c = iov[i].iov_len - off;
		c = c < len - done ? c : len - done;
		memcpy((uint8_t *)iov[i].iov_base + off,
		       (const uint8_t *)buf + done, c);
		done += c;
		off = 0;
	}
	return done;
}

unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off, size_t len,
		   struct iovec *dst, unsigned max)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n && len && k < max; i++) {
		size_t c;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		c = iov[i].iov_len - off;
		c = c < len ? c : len;
		dst[k++] = (struct iovec){(uint8_t *)iov[i].iov_base + off, c};
		len -= c;
		off = 0;
	}
	return k;
}
