// SPDX-License-Identifier: MIT
/*
 * virtio-fs: the --share parser, the vhost-user payloads, the config
 * space, and, where the host has virtiofsd and the right to start it
 * (root), the whole path: the fake guest brings the device up, DRIVER_OK
 * starts the ring in a real virtiofsd over vhost-user, a FUSE_INIT goes
 * through it, the call fd raises the interrupt, and a reset stops it.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/virtio_fs.h"
#include "virtio_guest.h"

/* ---- --share ---- */

static void parse_ok(const char *arg, const char *dir, const char *tag, bool ro)
{
	struct virtio_fs_share s;
	struct db_error err = {0};

	assert_int_equal(virtio_fs_parse_share(arg, &s, &err), DB_OK);
	assert_string_equal(s.dir, dir);
	assert_string_equal(s.tag, tag);
	assert_int_equal(s.ro, ro);
}

static void parse_bad(const char *arg, const char *needle)
{
	struct virtio_fs_share s;
	struct db_error err = {0};

	if (virtio_fs_parse_share(arg, &s, &err) != DB_ERR_INPUT ||
	    !strstr(err.msg, needle))
		fail_msg("'%s': want an error with '%s', got '%s'", arg, needle,
			 err.msg);
}

static void test_parse_default_tag(void **state)
{
	(void)state;
	parse_ok("/home/me/src", "/home/me/src", "src", false);
	parse_ok("/home/me/src/", "/home/me/src/", "src", false);
	parse_ok("src", "src", "src", false);
	parse_ok("/", "/", "root", false);
	parse_ok("//", "//", "root", false);
}

static void test_parse_tag_and_ro(void **state)
{
	(void)state;
	parse_ok("/srv/data:data2", "/srv/data", "data2", false);
	parse_ok("/srv/data,ro", "/srv/data", "data", true);
	parse_ok("/srv/data:t,ro", "/srv/data", "t", true);
	parse_ok("/:rootfs,ro", "/", "rootfs", true);
	/* the last ':' starts TAG: a HOSTDIR with a ':' needs one */
	parse_ok("/mnt/a:b:t", "/mnt/a:b", "t", false);
	/* 36 bytes is the most the config space holds */
	parse_ok("/x:abcdefghijklmnopqrstuvwxyz0123456789", "/x",
		 "abcdefghijklmnopqrstuvwxyz0123456789", false);
}

static void test_parse_bad(void **state)
{
	(void)state;
	parse_bad("/x:abcdefghijklmnopqrstuvwxyz0123456789a", "1 to 36");
	parse_bad("/x/abcdefghijklmnopqrstuvwxyz0123456789a",
		  "give one as HOSTDIR:TAG");
	parse_bad("/x,rw", "unknown option 'rw'");
	parse_bad("/x,ro,ro", "tag 'x,ro'");
	parse_bad("/x:", "tag ''");
	parse_bad("/x:a b", "blanks");
	parse_bad(":tag", "no HOSTDIR");
	parse_bad(",ro", "no HOSTDIR");
}

/* ---- vhost-user payloads ---- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void test_encode_header(void **state)
{
	uint8_t buf[VHOST_USER_MSG_MAX];
	uint64_t f = 0x123456789abcdef0ull;

	(void)state;
	assert_int_equal(vhost_user_encode(buf, VHOST_USER_SET_FEATURES,
					   VHOST_USER_FLAG_NEED_REPLY, &f, 8),
			 20);
	assert_int_equal(get32(buf), 2);
	assert_int_equal(get32(buf + 4), 0x1 | 0x8);
	assert_int_equal(get32(buf + 8), 8);
	assert_true(get64(buf + 12) == f);
	assert_int_equal(
		vhost_user_encode(buf, VHOST_USER_GET_FEATURES, 0, NULL, 0),
		12);
	assert_int_equal(get32(buf + 4), 0x1);
	assert_int_equal(
		vhost_user_encode(buf, 1, 0, buf, VHOST_USER_PAYLOAD_MAX + 1),
		0);
}

static void test_mem_payload(void **state)
{
	uint8_t buf[VHOST_USER_PAYLOAD_MAX];
	struct vhost_user_region r[2] = {
		{0, 0xa0000, 0x7f0000000000ull, 0, 5},
		{0x100000, 0x3ff00000, 0x7f0000100000ull, 0x1000, 6},
	};

	(void)state;
	assert_int_equal(vhost_user_mem_payload(buf, r, 2), 8 + 64);
	assert_int_equal(get32(buf), 2);
	assert_int_equal(get32(buf + 4), 0);
	assert_true(get64(buf + 8 + 32) == 0x100000);
	assert_true(get64(buf + 8 + 32 + 8) == 0x3ff00000);
	assert_true(get64(buf + 8 + 32 + 16) == 0x7f0000100000ull);
	assert_true(get64(buf + 8 + 32 + 24) == 0x1000);
}

static void test_addr_payload(void **state)
{
	uint8_t buf[40];
	struct vhost_user_vring v = {
		.num = 128, .desc = 0x1000, .avail = 0x2000, .used = 0x3000};

	(void)state;
	/* index, flags, then descriptor, USED, available, log */
	assert_int_equal(vhost_user_addr_payload(buf, 1, &v), 40);
	assert_int_equal(get32(buf), 1);
	assert_int_equal(get32(buf + 4), 0);
	assert_true(get64(buf + 8) == 0x1000);
	assert_true(get64(buf + 16) == 0x3000);
	assert_true(get64(buf + 24) == 0x2000);
	assert_true(get64(buf + 32) == 0);
}

/* ---- the device ---- */

static void test_config_space(void **state)
{
	static struct guest g;
	static struct virtio_fs fs;
	uint8_t tag[VIRTIO_FS_TAG_MAX];
	uint32_t nq;

	(void)state;
	guest_init(&g);
	memset(&fs, 0, sizeof(fs));
	strcpy(fs.tag, "src");
	virtio_fs_attach(&fs, &g.mem, 0xd0000000, 5, guest_irq, &g);
	g.d = &fs.mmio;
	assert_int_equal(rd(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_FS);
	virtio_mmio_read(g.d, VIRTIO_MMIO_CONFIG, tag, sizeof(tag));
	assert_memory_equal(tag, "src\0\0\0", 6);
	virtio_mmio_read(g.d, VIRTIO_MMIO_CONFIG + VIRTIO_FS_TAG_MAX,
			 (uint8_t *)&nq, 4);
	assert_int_equal(nq, 1);
	wr(&g, VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd(&g, VIRTIO_MMIO_QUEUE_NUM_MAX),
			 VIRTIO_FS_QUEUE_SIZE);
	wr(&g, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(&g, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* No shared memory region (no DAX window): length -1, which
	 * Linux's virtio-fs probe needs (a 0 fails it). */
	wr(&g, VIRTIO_MMIO_SHM_SEL, 0);
	assert_int_equal(rd(&g, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
	assert_int_equal(rd(&g, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffffu);
}

/* ---- finding virtiofsd ---- */

static void test_find_override(void **state)
{
	char path[VIRTIOFSD_PATH_MAX];
	struct db_error err = {0};

	(void)state;
	setenv(VIRTIOFSD_ENV, "/bin/sh", 1);
	assert_int_equal(virtiofsd_find(path, &err), DB_OK);
	assert_string_equal(path, "/bin/sh");
	setenv(VIRTIOFSD_ENV, "/nonexistent/virtiofsd", 1);
	assert_int_equal(virtiofsd_find(path, &err), DB_ERR_HOST);
	assert_non_null(strstr(err.msg, "package virtiofsd"));
	assert_non_null(strstr(err.msg, "qemu-system-common"));
	unsetenv(VIRTIOFSD_ENV);
}

static void test_check_dir(void **state)
{
	struct db_error err = {0};

	(void)state;
	assert_int_equal(virtiofsd_check_dir("/", &err), DB_OK);
	assert_int_equal(virtiofsd_check_dir("/nonexistent/dir", &err),
			 DB_ERR_INPUT);
	assert_int_equal(virtiofsd_check_dir("/dev/null", &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not a directory"));
}

/* ---- through a real virtiofsd ---- */

#define FUSE_INIT 26
#define REQ G_DATA
#define REPLY (G_DATA + 0x1000)

static void test_virtiofsd_fuse_init(void **state)
{
	char bin[VIRTIOFSD_PATH_MAX], dir[] = "/tmp/directboot-vfs-XXXXXX";
	struct db_error err = {0};
	struct virtio_fs_share s = {.tag = "t", .quiet = true};
	struct vhost_user_region ram[2];
	struct virtio_fs fs;
	struct guest *g;
	struct pollfd p;
	uint32_t req[14] = {0}, out[4];
	int mfd;

	(void)state;
	if (virtiofsd_find(bin, &err) || virtiofsd_check_privilege(&err)) {
		print_message("skip: %s\n", err.msg);
		skip();
	}
	/* The fake guest's RAM in a memfd, which virtiofsd maps too. */
	mfd = memfd_create("guest", MFD_CLOEXEC);
	assert_true(mfd >= 0);
	assert_int_equal(ftruncate(mfd, sizeof(*g)), 0);
	g = mmap(NULL, sizeof(*g), PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	assert_true(g != MAP_FAILED);
	guest_init(g);
	ram[0] = (struct vhost_user_region){G_RAM0, 2 * G_RAM_SIZE,
					    (uintptr_t)g->ram,
					    offsetof(struct guest, ram), mfd};
	ram[1] = (struct vhost_user_region){G_RAM2, G_RAM2_SIZE,
					    (uintptr_t)g->ram2,
					    offsetof(struct guest, ram2), mfd};
	assert_non_null(mkdtemp(dir));
	s.dir = dir;
	if (virtio_fs_open(&fs, bin, &s, ram, 2, &err))
		fail_msg("%s", err.msg);
	virtio_fs_attach(&fs, &g->mem, 0xd0000000, 5, guest_irq, g);
	g->d = &fs.mmio;

	/* DRIVER_OK starts both rings in virtiofsd. */
	guest_bring_up(g, ~0ull, 2);
	assert_false(fs.mmio.broken);
	assert_true(fs.started[0] && fs.started[1]);

	/* FUSE_INIT 7.31 on the request queue: in header, init_in. */
	req[0] = 40 + 16;
	req[1] = FUSE_INIT;
	req[2] = 1; /* unique */
	req[10] = 7;
	req[11] = 31;
	memcpy(gp(g, REQ), req, 56);
	add_chain(g, 1, (struct seg[]){{REQ, 56, 0}, {REPLY, 4096, 1}}, 2);
	notify(g, 1); /* an MMIO write here; KVM's ioeventfd in a run */
	p = (struct pollfd){.fd = fs.call[1], .events = POLLIN};
	for (int i = 0; i < 300 && used_idx(g, 1) != 1; i++)
		usleep(10000);
	assert_int_equal(used_idx(g, 1), 1);
	memcpy(out, gp(g, REPLY), sizeof(out));
	assert_int_equal(out[1], 0); /* error */
	assert_int_equal(out[2], 1); /* unique */
	assert_int_equal(out[0], used_elem(g, 1, 0).len);
	assert_int_equal(*(uint32_t *)gp(g, REPLY + 16), 7); /* major */

	/* The call fd becomes InterruptStatus bit 0 and an interrupt. */
	assert_int_equal(poll(&p, 1, 1000), 1);
	g->irqs = 0;
	virtio_fs_call(&fs, 1);
	assert_int_equal(g->irqs, 1);
	assert_int_equal(rd(g, VIRTIO_MMIO_INTERRUPT_STATUS) & 1, 1);

	/* A reset stops the rings (GET_VRING_BASE), and a new DRIVER_OK
	 * starts them again. */
	wr(g, VIRTIO_MMIO_STATUS, 0);
	assert_false(fs.started[0] || fs.started[1]);
	assert_false(fs.mmio.broken);
	guest_bring_up(g, ~0ull, 2);
	assert_true(fs.started[0] && fs.started[1]);
	assert_false(fs.mmio.broken);

	virtio_fs_close(&fs);
	assert_int_equal(fs.daemon.pid, 0);
	munmap(g, sizeof(*g));
	close(mfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_default_tag),
		cmocka_unit_test(test_parse_tag_and_ro),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_encode_header),
		cmocka_unit_test(test_mem_payload),
		cmocka_unit_test(test_addr_payload),
		cmocka_unit_test(test_config_space),
		cmocka_unit_test(test_find_override),
		cmocka_unit_test(test_check_dir),
		cmocka_unit_test(test_virtiofsd_fuse_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
