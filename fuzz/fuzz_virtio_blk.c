// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport and virtio-blk together, driven by register
 * accesses and rings taken from the input, as a hostile guest would: the
 * status dance in any order, queue set-up in any state, requests of any
 * type, sector and length (IN, OUT, FLUSH, GET_ID, DISCARD and unknown
 * ones), on a 64 KiB disk in a memfd.  Guest RAM is the three regions of
 * fuzz_virtqueue.c.  Layout of an input (fuzz/seeds.sh writes seeds):
 *
 *   0   u8    bit 0: the read-only disk
 *   1   u8    number of operations (at most OPS_MAX)
 *   2   8 bytes per operation: u8 kind (0 write, 1 read, 2 notify),
 *             u8 width (1, 2, 4 or 8 from the low 2 bits), le16 window
 *             offset, le32 value
 *   ..  the bytes of guest RAM, from gpa 0 on, region after region
 *
 * Checked besides ASan/UBSan: the disk never changes size and a
 * read-only disk never changes at all.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../devices/virtio_blk.h"
#include "bytes.h"
#include "fuzz.h"
#include "fuzz_guest.h"

#define DISK_SIZE (64u << 10)
#define OPS_MAX 64
#define OP_SIZE 8

static int disk_fd = -1;
static struct virtio_blk blk_rw, blk_ro;
static uint8_t ro_image[DISK_SIZE];

static void on_irq(void *opaque)
{
	(void)opaque;
}

/* Both disks on one memfd, opened through /proc like a path. */
static void disks_open(void)
{
	struct virtio_blk_opts o = {0};
	struct db_error err = {0};
	char path[64];

	disk_fd = memfd_create("fuzz-disk", 0);
	if (disk_fd < 0 || ftruncate(disk_fd, DISK_SIZE) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", disk_fd);
	o.path = path;
	if (virtio_blk_open(&blk_rw, &o, 0, &err))
		abort();
	o.ro = true;
	if (virtio_blk_open(&blk_ro, &o, 1, &err))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_mem mem;
	struct virtio_blk *b;
	struct stat st;
	unsigned nops;
	bool ro;

	if (size < 2)
		return 0;
	if (disk_fd < 0)
		disks_open();
	ro = data[0] & 1;
	b = ro ? &blk_ro : &blk_rw;
	nops = data[1] < OPS_MAX ? data[1] : OPS_MAX;
	if (size < 2 + (size_t)nops * OP_SIZE)
		nops = (unsigned)((size - 2) / OP_SIZE);
	fuzz_guest_ram_fill(&mem, data, size, 2 + (size_t)nops * OP_SIZE);
	if (ro && pread(disk_fd, ro_image, DISK_SIZE, 0) != DISK_SIZE)
		abort();

	virtio_blk_attach(b, &mem, 0xd0000000, 5, on_irq, NULL);
	for (unsigned i = 0; i < nops; i++) {
		const uint8_t *op = data + 2 + (size_t)i * OP_SIZE;
		unsigned width = 1u << (op[1] & 3);
		uint64_t reg = get_le16(op + 2) % VIRTIO_MMIO_WINDOW_SIZE;
		uint8_t val[8];

		put_le32(val, get_le32(op + 4));
		put_le32(val + 4, get_le32(op + 4));
		switch (op[0] % 3) {
		case 0:
			virtio_mmio_write(&b->mmio, reg, val, width);
			break;
		case 1:
			virtio_mmio_read(&b->mmio, reg, val, width);
			break;
		default:
			virtio_mmio_notify(&b->mmio, op[4] & 1);
			break;
		}
	}
	virtio_mmio_destroy(&b->mmio);

	if (fstat(disk_fd, &st) < 0 || st.st_size != DISK_SIZE)
		abort();
	if (ro) {
		static uint8_t now[DISK_SIZE];

		if (pread(disk_fd, now, DISK_SIZE, 0) != DISK_SIZE ||
		    memcmp(now, ro_image, DISK_SIZE))
			abort();
	}
	fuzz_guest_ram_free(&mem);
	return 0;
}
