// SPDX-License-Identifier: MIT
/*
 * The split-virtqueue walker (devices/virtio_queue.c) on rings the input
 * writes into a fake guest RAM, as a hostile driver would.  RAM is three
 * regions, each its own allocation so that ASan sees a byte past any of
 * them: [0, 64 KiB) and [64 KiB, 80 KiB), adjacent (a buffer may
 * straddle them), and [1 MiB, 1 MiB + 8 KiB) apart.  Layout of an input
 * (fuzz/seeds.sh writes seeds in it):
 *
 *   0   u8    QueueNumMax: 256, 8, 1024 or 32768 (low 2 bits)
 *   1   le16  QueueNum the driver chose
 *   3   u8    bit 0: VIRTIO_RING_F_EVENT_IDX, bit 1: _INDIRECT_DESC
 *   4   le32  desc, 8 le32 avail, 12 le32 used (guest physical)
 *   16  8 x u8  operations, low 2 bits: 0 pop and push, 1 pop and
 *             unpop, 2 add (op >> 2) to avail->idx, 3 notifications
 *   24  the bytes of guest RAM, from gpa 0 on, region after region
 *
 * Checked: every iovec a chain yields lies inside one region, readable
 * ones first, and their lengths add up to what the element says; the
 * device's writes (into the writable part, then the used ring) stay in
 * RAM.  A chain the walker refuses ends the input, as DEVICE_NEEDS_RESET
 * ends a queue.
 */
#include "../devices/virtio_queue.h"
#include "directboot/virtio.h"
#include "bytes.h"
#include "fuzz.h"
#include "fuzz_guest.h"

#define HDR 24
#define OPS 8
#define POPS_MAX 64
#define COPY_MAX (64u << 10)

static const uint16_t num_maxes[] = {256, 8, 1024, 32768};

static bool in_some_region(const struct virtio_mem *mem, const struct iovec *v)
{
	const uint8_t *p = v->iov_base;

	for (unsigned r = 0; r < mem->nr; r++)
		if (p >= mem->r[r].hva && v->iov_len <= mem->r[r].size &&
		    (size_t)(p - mem->r[r].hva) <= mem->r[r].size - v->iov_len)
			return true;
	return false;
}

static void check_elem(const struct virtio_mem *mem, const struct virtq_elem *e)
{
	static uint8_t buf[COPY_MAX];
	uint64_t out = 0, in = 0;
	size_t n;

	if (e->nr_out + e->nr_in > VIRTQ_IOV_MAX)
		abort();
	for (unsigned i = 0; i < e->nr_out + e->nr_in; i++) {
		if (!in_some_region(mem, &e->iov[i]))
			abort();
		if (i < e->nr_out)
			out += e->iov[i].iov_len;
		else
			in += e->iov[i].iov_len;
	}
	if (out != e->out_len || in != e->in_len)
		abort();
	/* What a device does: read the request, write the answer. */
	n = iov_to_buf(e->iov, e->nr_out, 0, buf, sizeof(buf));
	if (n > e->out_len)
		abort();
	memset(buf, 0xa5, sizeof(buf));
	n = iov_from_buf(e->iov + e->nr_out, e->nr_in, 0, buf, sizeof(buf));
	if (n > e->in_len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtq_elem e;
	struct virtio_mem mem;
	struct virtq q;
	const char *why = NULL;
	uint16_t num_max;

	if (size < HDR)
		return 0;
	fuzz_guest_ram_fill(&mem, data, size, HDR);

	num_max = num_maxes[data[0] & 3];
	virtq_reset(&q, num_max);
	q.num = get_le16(data + 1);
	q.event_idx = data[3] & 1;
	q.indirect = data[3] & 2;
	q.desc_gpa = get_le32(data + 4);
	q.avail_gpa = get_le32(data + 8);
	q.used_gpa = get_le32(data + 12);
	q.ready = true;
	if (!virtq_start(&q, &mem, num_max, &why)) {
		if (!why)
			abort();
		goto out;
	}
	for (unsigned i = 0, pops = 0; i < OPS * 4 && pops < POPS_MAX; i++) {
		uint8_t op = data[16 + i % OPS];
		int ret;

		switch (op & 3) {
		case 0:
		case 1:
			pops++;
			ret = virtq_pop(&q, &mem, &e, &why);
			if (ret < 0) {
				if (!why)
					abort();
				goto out;
			}
			if (!ret)
				break;
			check_elem(&mem, &e);
			if (op & 1)
				virtq_unpop(&q);
			else
				virtq_push(&q, e.head, (uint32_t)e.in_len);
			break;
		case 2: {
			uint8_t *idx = q.avail + VRING_AVAIL_IDX;

			put_le16(idx, (uint16_t)(get_le16(idx) + (op >> 2)));
			break;
		}
		default:
			(void)virtq_should_notify(&q);
			(void)virtq_enable_notify(&q);
			break;
		}
	}
out:
	fuzz_guest_ram_free(&mem);
	return 0;
}
