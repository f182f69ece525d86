// SPDX-License-Identifier: MIT
/*
 * virtio-blk and the virtio-mmio transport, driven by a fake guest
 * (virtio_guest.h): chains written into a buffer, registers written
 * through the MMIO handlers, results read from the backing file and the
 * used ring.  fdatasync is wrapped (-Wl,--wrap=fdatasync) to prove that
 * a FLUSH completes only after it returned.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/virtio_blk.h"
#include "virtio_guest.h"

#define DISK_SECTORS 64
#define HDR 0x4000ull	 /* request header */
#define BUF 0x5000ull	 /* data */
#define STATUS 0x7000ull /* status byte */
#define ALL_FEATURES (~0ull)

struct fixture {
	char path[64];
	struct virtio_blk blk;
	struct guest g;
};

/* The wrapped fdatasync: when it ran, what the used ring showed. */
static struct guest *sync_guest;
static int sync_calls;
static uint16_t used_at_sync;
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd)
{
	sync_calls++;
	if (sync_guest)
		used_at_sync = used_idx(sync_guest, 0);
	return __real_fdatasync(fd);
}

static struct fixture *fixture_new(bool ro, bool cache_none)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct virtio_blk_opts o = {.ro = ro, .cache_none = cache_none};
	struct db_error err = {0};
	uint8_t zero[512] = {0};
	int fd;

	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/tmp/test_virtio_blk.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	for (int i = 0; i < DISK_SECTORS; i++) {
		memset(zero, 0x11 * (i % 15 + 1), sizeof(zero));
		assert_int_equal(write(fd, zero, sizeof(zero)), sizeof(zero));
	}
	close(fd);
	o.path = f->path;
	assert_int_equal(virtio_blk_open(&f->blk, &o, 0, &err), DB_OK);
	guest_init(&f->g);
	virtio_blk_attach(&f->blk, &f->g.mem, 0xd0000000, 5, guest_irq, &f->g);
	f->g.d = &f->blk.mmio;
	sync_guest = &f->g;
	return f;
}

static void fixture_free(struct fixture *f)
{
	virtio_blk_close(&f->blk);
	unlink(f->path);
	sync_guest = NULL;
	free(f);
}

static uint8_t file_byte(struct fixture *f, off_t off)
{
	uint8_t b = 0xee;
	int fd = open(f->path, O_RDONLY);

	assert_int_equal(pread(fd, &b, 1, off), 1);
	close(fd);
	return b;
}

/* One request: header, data (len bytes at BUF, written by the device
 * when in), status.  Returns the used length; *st the status byte. */
static uint32_t request(struct fixture *f, uint32_t type, uint64_t sector,
			uint32_t len, bool in, uint8_t *st)
{
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h = {.type = type, .sector = sector};
	struct seg s[3] = {
		{HDR, sizeof(h), 0},
		{BUF, len, in},
		{STATUS, 1, 1},
	};
	uint16_t before = used_idx(g, 0), head;

	memcpy(gp(g, HDR), &h, sizeof(h));
	*gp(g, STATUS) = 0xaa;
	if (len)
		head = add_chain(g, 0, s, 3);
	else {
		s[1] = s[2];
		head = add_chain(g, 0, s, 2);
	}
	notify(g, 0);
	assert_int_equal(used_idx(g, 0), (uint16_t)(before + 1));
	assert_int_equal(used_elem(g, 0, before).id, head);
	*st = *gp(g, STATUS);
	return used_elem(g, 0, before).len;
}

static void test_identity_and_features(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	uint64_t feat, cap;

	(void)state;
	assert_int_equal(rd(g, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(g, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 VIRTIO_BLK_QUEUE_SIZE);
	feat = dev_features(g);
	assert_true(feat >> VIRTIO_F_VERSION_1 & 1);
	assert_true(feat >> VIRTIO_RING_F_EVENT_IDX & 1);
	assert_true(feat >> VIRTIO_BLK_F_FLUSH & 1);
	assert_false(feat >> VIRTIO_BLK_F_RO & 1);
	virtio_mmio_read(g->d, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY,
			 (uint8_t *)&cap, 8);
	assert_int_equal(cap, DISK_SECTORS);

	/* FEATURES_OK is refused without VERSION_1 (a legacy driver). */
	wr(g, VIRTIO_MMIO_STATUS, 0);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	set_features(g, 1ull << VIRTIO_BLK_F_FLUSH);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);
	assert_false(rd(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	/* ... and with a feature not offered. */
	set_features(g, 1ull << VIRTIO_F_VERSION_1 | 1ull << 40);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);
	assert_false(rd(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	set_features(g, 1ull << VIRTIO_F_VERSION_1);
	wr(g, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);
	assert_true(rd(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	/* Registers take 32-bit accesses only. */
	uint16_t half = 0xffff;
	virtio_mmio_read(g->d, VIRTIO_MMIO_MAGIC_VALUE, (uint8_t *)&half, 2);
	assert_int_equal(half, 0);
	fixture_free(f);
}

static void test_write_read(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	uint8_t st;

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	for (int i = 0; i < 1024; i++)
		gp(g, BUF)[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(request(f, VIRTIO_BLK_T_OUT, 5, 1024, false, &st), 1);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(file_byte(f, 5 * 512 + i),
				 (uint8_t)(i * 7 + 3));
	/* Neighbours untouched. */
	assert_int_equal(file_byte(f, 5 * 512 - 1), 0x11 * 5);
	assert_int_equal(file_byte(f, 7 * 512), 0x11 * 8);

	memset(gp(g, BUF), 0, 2048);
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 4, 2048, true, &st), 2049);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
	assert_int_equal(gp(g, BUF)[0], 0x11 * 5);
	for (int i = 0; i < 1024; i++)
		assert_int_equal(gp(g, BUF)[512 + i], (uint8_t)(i * 7 + 3));
	assert_int_equal(gp(g, BUF)[1536], 0x11 * 8);

	/* Past the end: IOERR, nothing written into the guest. */
	assert_int_equal(
		request(f, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 1024, true, &st),
		1);
	assert_int_equal(st, VIRTIO_BLK_S_IOERR);
	assert_int_equal(
		request(f, VIRTIO_BLK_T_OUT, UINT64_MAX / 512, 512, false, &st),
		1);
	assert_int_equal(st, VIRTIO_BLK_S_IOERR);
	/* Unknown type. */
	assert_int_equal(request(f, 99, 0, 0, false, &st), 1);
	assert_int_equal(st, VIRTIO_BLK_S_UNSUPP);
	assert_true(g->irqs > 0);
	fixture_free(f);
}

/* A buffer from the end of region 0 into region 1 is one buffer. */
static void test_straddle_adjacent_regions(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h = {.type = VIRTIO_BLK_T_OUT, .sector = 2};
	struct seg s[3] = {
		{HDR, 16, 0}, {G_RAM1 - 256, 512, 0}, {STATUS, 1, 1}};

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	memcpy(gp(g, HDR), &h, sizeof(h));
	for (int i = 0; i < 512; i++)
		gp(g, G_RAM1 - 256)[i] = (uint8_t)(0x80 ^ i);
	add_chain(g, 0, s, 3);
	notify(g, 0);
	assert_int_equal(used_idx(g, 0), 1);
	assert_int_equal(*gp(g, STATUS), VIRTIO_BLK_S_OK);
	for (int i = 0; i < 512; i++)
		assert_int_equal(file_byte(f, 1024 + i), (uint8_t)(0x80 ^ i));
	fixture_free(f);
}

/* Header and data in one descriptor, status in the next. */
static void test_header_and_data_together(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h = {.type = VIRTIO_BLK_T_OUT, .sector = 9};
	struct seg s[2] = {{HDR, 16 + 512, 0}, {STATUS, 1, 1}};

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	memcpy(gp(g, HDR), &h, sizeof(h));
	memset(gp(g, HDR + 16), 0x5a, 512);
	add_chain(g, 0, s, 2);
	notify(g, 0);
	assert_int_equal(*gp(g, STATUS), VIRTIO_BLK_S_OK);
	assert_int_equal(file_byte(f, 9 * 512), 0x5a);
	assert_int_equal(file_byte(f, 9 * 512 + 511), 0x5a);
	assert_int_equal(file_byte(f, 10 * 512), 0x11 * 11);
	fixture_free(f);
}

/* OUT, FLUSH, OUT in one batch: fdatasync runs after the first write
 * is in the used ring and before the flush is. */
static void test_flush_ordering(void **state)
{
	struct fixture *f = fixture_new(false, true);
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h[3] = {
		{.type = VIRTIO_BLK_T_OUT, .sector = 1},
		{.type = VIRTIO_BLK_T_FLUSH},
		{.type = VIRTIO_BLK_T_OUT, .sector = 2},
	};

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	memset(gp(g, BUF), 0x42, 512);
	for (int i = 0; i < 3; i++) {
		struct seg s[3] = {{HDR + 32 * i, 16, 0},
				   {BUF, 512, 0},
				   {STATUS + i, 1, 1}};

		memcpy(gp(g, HDR + 32 * i), &h[i], 16);
		if (i == 1) {
			s[1] = s[2];
			add_chain(g, 0, s, 2);
		} else {
			add_chain(g, 0, s, 3);
		}
	}
	sync_calls = 0;
	notify(g, 0);
	assert_int_equal(used_idx(g, 0), 3);
	assert_int_equal(sync_calls, 1);
	assert_int_equal(used_at_sync, 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(*gp(g, STATUS + i), VIRTIO_BLK_S_OK);
	assert_int_equal(file_byte(f, 512), 0x42);
	assert_int_equal(file_byte(f, 1024), 0x42);
	fixture_free(f);
}

static void test_read_only(void **state)
{
	struct fixture *f = fixture_new(true, false);
	struct guest *g = &f->g;
	struct virtio_blk_discard_write_zeroes seg = {0, 8, 0};
	uint8_t st;

	(void)state;
	/* Never opened for writing. */
	assert_int_equal(fcntl(f->blk.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_true(dev_features(g) >> VIRTIO_BLK_F_RO & 1);
	assert_false(dev_features(g) >> VIRTIO_BLK_F_DISCARD & 1);
	guest_bring_up(g, ALL_FEATURES, 1);
	memset(gp(g, BUF), 0x99, 512);
	assert_int_equal(request(f, VIRTIO_BLK_T_OUT, 0, 512, false, &st), 1);
	assert_int_equal(st, VIRTIO_BLK_S_IOERR);
	assert_int_equal(file_byte(f, 0), 0x11);
	memcpy(gp(g, BUF), &seg, sizeof(seg));
	assert_int_equal(request(f, VIRTIO_BLK_T_DISCARD, 0, 16, false, &st),
			 1);
	assert_int_equal(st, VIRTIO_BLK_S_IOERR);
	assert_int_equal(file_byte(f, 0), 0x11);
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 1, 512, true, &st), 513);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
	assert_int_equal(gp(g, BUF)[0], 0x22);
	fixture_free(f);
}

static void test_get_id_and_discard(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	struct virtio_blk_discard_write_zeroes seg = {8, 8, 0};
	uint8_t st;
	uint32_t len;

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	memset(gp(g, BUF), 0xff, 32);
	len = request(f, VIRTIO_BLK_T_GET_ID, 0, 32, true, &st);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
	assert_int_equal(len, VIRTIO_BLK_ID_BYTES + 1);
	assert_memory_equal(gp(g, BUF), "directboot0-", 12);

	memcpy(gp(g, BUF), &seg, sizeof(seg));
	request(f, VIRTIO_BLK_T_DISCARD, 0, 16, false, &st);
	if (st == VIRTIO_BLK_S_OK) {
		assert_int_equal(file_byte(f, 8 * 512), 0);
		assert_int_equal(file_byte(f, 16 * 512 - 1), 0);
	} else {
		/* The file system cannot punch holes: said, data kept. */
		assert_int_equal(st, VIRTIO_BLK_S_UNSUPP);
		assert_int_equal(file_byte(f, 8 * 512), 0x11 * 9);
	}
	assert_int_equal(file_byte(f, 16 * 512), 0x11 * 2);
	/* A segment past the end. */
	seg = (struct virtio_blk_discard_write_zeroes){DISK_SECTORS, 1, 0};
	memcpy(gp(g, BUF), &seg, sizeof(seg));
	request(f, VIRTIO_BLK_T_DISCARD, 0, 16, false, &st);
	assert_int_equal(st, VIRTIO_BLK_S_IOERR);
	fixture_free(f);
}

/* Status 0 resets: queues not ready, status 0, and a fresh bring-up
 * works from ring index 0 again. */
static void test_reset(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	uint8_t st;

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st), 513);
	wr(g, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(g, VIRTIO_MMIO_STATUS), 0);
	wr(g, VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(rd(g, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	guest_bring_up(g, ALL_FEATURES, 1);
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 1, 512, true, &st), 513);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
	assert_int_equal(gp(g, BUF)[0], 0x22);
	fixture_free(f);
}

static bool needs_reset(struct guest *g)
{
	return rd(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

/* Each broken chain: NEEDS_RESET, a config interrupt, the file
 * untouched, and a reset brings the device back. */
static void broken_case(struct fixture *f, const struct seg *s, unsigned n)
{
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h = {.type = VIRTIO_BLK_T_OUT, .sector = 0};
	uint8_t st;

	guest_bring_up(g, ALL_FEATURES, 1);
	memcpy(gp(g, HDR), &h, sizeof(h));
	memset(gp(g, BUF), 0x77, 512);
	add_chain(g, 0, s, n);
	notify(g, 0);
	assert_true(needs_reset(g));
	assert_true(rd(g, VIRTIO_MMIO_INTERRUPT_STATUS) &
		    VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(used_idx(g, 0), 0);
	assert_int_equal(file_byte(f, 0), 0x11);
	/* Stopped: another notify does nothing. */
	notify(g, 0);
	assert_int_equal(used_idx(g, 0), 0);
	guest_bring_up(g, ALL_FEATURES, 1);
	assert_false(needs_reset(g));
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st), 513);
	assert_int_equal(st, VIRTIO_BLK_S_OK);
}

static void test_broken_chains(void **state)
{
	struct fixture *f = fixture_new(false, false);
	const struct seg out_of_ram[] = {
		{HDR, 16, 0}, {0x30000, 512, 0}, {STATUS, 1, 1}};
	const struct seg past_region2[] = {
		{HDR, 16, 0}, {G_RAM2 + 0xf00, 512, 0}, {STATUS, 1, 1}};
	const struct seg huge[] = {
		{HDR, 16, 0}, {BUF, 0xffffffffu, 0}, {STATUS, 1, 1}};
	const struct seg wrapping[] = {
		{HDR, 16, 0}, {UINT64_MAX - 255, 512, 0}, {STATUS, 1, 1}};
	const struct seg order[] = {
		{HDR, 16, 0}, {STATUS, 1, 1}, {BUF, 512, 0}};
	const struct seg too_short[] = {{HDR, 8, 0}, {STATUS, 1, 1}};

	(void)state;
	broken_case(f, out_of_ram, 3);
	broken_case(f, past_region2, 3);
	broken_case(f, huge, 3);
	broken_case(f, wrapping, 3);
	broken_case(f, order, 3);
	broken_case(f, too_short, 2);
	fixture_free(f);
}

static void test_loop_and_bad_indices(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	uint8_t st;
	uint16_t v;

	(void)state;
	/* A loop: 0 -> 1 -> 0. */
	guest_bring_up(g, ALL_FEATURES, 1);
	put_desc(g, 0, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	put_desc(g, 0, 1, BUF, 512, VRING_DESC_F_NEXT, 0);
	make_avail(g, 0, 0);
	notify(g, 0);
	assert_true(needs_reset(g));
	/* next past the queue size. */
	guest_bring_up(g, ALL_FEATURES, 1);
	put_desc(g, 0, 0, HDR, 16, VRING_DESC_F_NEXT, G_QSIZE);
	make_avail(g, 0, 0);
	notify(g, 0);
	assert_true(needs_reset(g));
	/* head past the queue size. */
	guest_bring_up(g, ALL_FEATURES, 1);
	make_avail(g, 0, 0xffff);
	notify(g, 0);
	assert_true(needs_reset(g));
	/* avail->idx jumping by more than the queue size. */
	guest_bring_up(g, ALL_FEATURES, 1);
	v = G_QSIZE + 1;
	memcpy(gp(g, G_AVAIL + 2), &v, 2);
	notify(g, 0);
	assert_true(needs_reset(g));
	/* An indirect descriptor, not negotiated. */
	guest_bring_up(g, ~(1ull << VIRTIO_RING_F_INDIRECT_DESC), 1);
	put_desc(g, 0, 0, BUF, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(g, 0, 0);
	notify(g, 0);
	assert_true(needs_reset(g));
	/* Alive after all that. */
	guest_bring_up(g, ALL_FEATURES, 1);
	assert_int_equal(request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st), 513);
	fixture_free(f);
}

#define TABLE 0x8000ull /* an indirect table, in region 0 */

static void put_table(struct guest *g, unsigned i, uint64_t addr, uint32_t len,
		      uint16_t flags, uint16_t next)
{
	struct vring_desc d = {addr, len, flags, next};

	memcpy(gp(g, TABLE + 16u * i), &d, sizeof(d));
}

/* One head descriptor pointing at a table of n entries. */
static void indirect_request(struct guest *g, uint32_t table_len,
			     uint16_t head_flags)
{
	put_desc(g, 0, 0, TABLE, table_len,
		 (uint16_t)(VRING_DESC_F_INDIRECT | head_flags), 1);
	make_avail(g, 0, 0);
	notify(g, 0);
}

static void test_indirect(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	struct virtio_blk_outhdr h = {.type = VIRTIO_BLK_T_OUT, .sector = 3};

	(void)state;
	assert_true(dev_features(g) >> VIRTIO_RING_F_INDIRECT_DESC & 1);
	/* A write through a three-entry table. */
	guest_bring_up(g, ALL_FEATURES, 1);
	memcpy(gp(g, HDR), &h, sizeof(h));
	memset(gp(g, BUF), 0x6b, 512);
	put_table(g, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	put_table(g, 1, BUF, 512, VRING_DESC_F_NEXT, 2);
	put_table(g, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
	*gp(g, STATUS) = 0xaa;
	indirect_request(g, 48, 0);
	assert_int_equal(used_idx(g, 0), 1);
	assert_int_equal(used_elem(g, 0, 0).len, 1);
	assert_int_equal(*gp(g, STATUS), VIRTIO_BLK_S_OK);
	assert_int_equal(file_byte(f, 3 * 512), 0x6b);
	assert_false(needs_reset(g));

	/* Broken tables: each one NEEDS_RESET, the file untouched. */
	static const struct {
		uint32_t len;
		uint16_t head_flags;
		uint16_t e1_flags, e1_next;
	} bad[] = {
		{40, 0, VRING_DESC_F_NEXT, 2}, /* not 16n bytes */
		{0, 0, VRING_DESC_F_NEXT, 2},  /* empty */
		{48, VRING_DESC_F_NEXT, VRING_DESC_F_NEXT, 2}, /* +NEXT */
		{48, 0, VRING_DESC_F_NEXT, 0},		       /* 0 -> 1 -> 0 */
		{48, 0, VRING_DESC_F_NEXT, 3},	     /* past the table */
		{48, 0, VRING_DESC_F_INDIRECT, 0},   /* nested */
		{257 * 16, 0, VRING_DESC_F_NEXT, 2}, /* too big */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		guest_bring_up(g, ALL_FEATURES, 1);
		h.sector = 0;
		memcpy(gp(g, HDR), &h, sizeof(h));
		put_table(g, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
		put_table(g, 1, BUF, 512, bad[i].e1_flags, bad[i].e1_next);
		put_table(g, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
		indirect_request(g, bad[i].len, bad[i].head_flags);
		assert_true(needs_reset(g));
		assert_int_equal(used_idx(g, 0), 0);
		assert_int_equal(file_byte(f, 0), 0x11);
	}
	/* A table that runs out of RAM. */
	guest_bring_up(g, ALL_FEATURES, 1);
	put_desc(g, 0, 0, G_RAM2 + G_RAM2_SIZE - 32, 48, VRING_DESC_F_INDIRECT,
		 0);
	make_avail(g, 0, 0);
	notify(g, 0);
	assert_true(needs_reset(g));
	fixture_free(f);
}

static void test_bad_queue_setup(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	static const struct {
		uint32_t num;
		uint64_t desc;
	} cases[] = {
		{12, G_DESC},	       /* not a power of two */
		{0, G_DESC},	       /* zero */
		{512, G_DESC},	       /* over QueueNumMax */
		{16, G_DESC + 8},      /* misaligned */
		{16, 0x30000},	       /* outside RAM */
		{256, G_RAM2 + 0x800}, /* runs past region 2 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		guest_bring_up(g, ALL_FEATURES, 0);
		wr(g, VIRTIO_MMIO_STATUS, 0);
		wr(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
		wr(g, VIRTIO_MMIO_QUEUE_SEL, 0);
		wr(g, VIRTIO_MMIO_QUEUE_NUM, cases[i].num);
		wr(g, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)cases[i].desc);
		wr(g, VIRTIO_MMIO_QUEUE_AVAIL_LOW, G_AVAIL);
		wr(g, VIRTIO_MMIO_QUEUE_USED_LOW, G_USED);
		wr(g, VIRTIO_MMIO_QUEUE_READY, 1);
		assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_READY), 0);
		assert_true(needs_reset(g));
	}
	/* A queue that does not exist takes nothing. */
	wr(g, VIRTIO_MMIO_STATUS, 0);
	wr(g, VIRTIO_MMIO_QUEUE_SEL, 7);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(g, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(g, VIRTIO_MMIO_QUEUE_READY), 0);
	fixture_free(f);
}

/* With EVENT_IDX the device writes avail_event and interrupts only when
 * used_event says so. */
static void test_event_idx(void **state)
{
	struct fixture *f = fixture_new(false, false);
	struct guest *g = &f->g;
	uint16_t ev, used_event;
	unsigned irqs;
	uint8_t st;

	(void)state;
	guest_bring_up(g, ALL_FEATURES, 1);
	/* used_event = 5: no interrupt for the first used entries... */
	used_event = 5;
	memcpy(gp(g, G_AVAIL + 4 + 2 * G_QSIZE), &used_event, 2);
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	irqs = g->irqs; /* the first one always interrupts */
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	assert_int_equal(g->irqs, irqs);
	memcpy(&ev, gp(g, G_USED + 4 + 8 * G_QSIZE), 2);
	assert_int_equal(ev, 3);
	/* ... until the used index passes it. */
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	assert_int_equal(g->irqs, irqs);
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	assert_int_equal(g->irqs, irqs + 1);

	/* Without EVENT_IDX, NO_INTERRUPT silences it. */
	guest_bring_up(g, ~(1ull << VIRTIO_RING_F_EVENT_IDX), 1);
	irqs = g->irqs;
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	assert_int_equal(g->irqs, irqs + 1);
	uint16_t flags = VRING_AVAIL_F_NO_INTERRUPT;
	memcpy(gp(g, G_AVAIL), &flags, 2);
	request(f, VIRTIO_BLK_T_IN, 0, 512, true, &st);
	assert_int_equal(g->irqs, irqs + 1);
	fixture_free(f);
}

static void test_parse(void **state)
{
	struct virtio_blk_opts o;
	struct db_error err = {0};

	(void)state;
	assert_int_equal(virtio_blk_parse("a.img", &o, &err), DB_OK);
	assert_string_equal(o.path, "a.img");
	assert_false(o.ro);
	assert_int_equal(virtio_blk_parse("b.img,ro,cache=none", &o, &err),
			 DB_OK);
	assert_string_equal(o.path, "b.img");
	assert_true(o.ro);
	assert_true(o.cache_none);
	assert_int_equal(virtio_blk_parse("c.img,rw", &o, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "'rw'"));
	assert_int_equal(virtio_blk_parse(",ro", &o, &err), DB_ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_and_features),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_straddle_adjacent_regions),
		cmocka_unit_test(test_header_and_data_together),
		cmocka_unit_test(test_flush_ordering),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_get_id_and_discard),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_broken_chains),
		cmocka_unit_test(test_loop_and_bad_indices),
		cmocka_unit_test(test_indirect),
		cmocka_unit_test(test_bad_queue_setup),
		cmocka_unit_test(test_event_idx),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
