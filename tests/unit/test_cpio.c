// SPDX-License-Identifier: MIT
/* The newc cpio writer of the developer's loop (cli/cpio.c): every
 * header field, the 4-byte padding of names and data, directories,
 * files, character devices and the trailer, growth past the first
 * buffer, a failed allocation, and the system's cpio reading back what
 * it wrote (names, modes, device numbers, contents). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cli/cpio.h"

/* The out-of-memory test asks for 1 PiB: the sanitizer build must hand
 * back NULL as glibc does, not abort. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

/* One entry as read back from the archive. */
struct entry {
	size_t off; /* of its header */
	unsigned f[F_COUNT];
	const char *name;
	const uint8_t *data;
};

static unsigned hex8(const uint8_t *p)
{
	char s[9];
	char *end;
	unsigned long v;

	memcpy(s, p, 8);
	s[8] = '\0';
	v = strtoul(s, &end, 16);
	assert_true(end == s + 8); /* eight hex digits, nothing else */
	return (unsigned)v;
}

static size_t up4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Reads the entry at *off, checks its magic, the NUL after its name and
 * that every padding byte is zero, and moves *off past it. */
static struct entry read_entry(const struct cpio *c, size_t *off)
{
	struct entry e = {.off = *off};
	const uint8_t *h = c->buf + *off;
	size_t name_end, data_end;

	assert_int_equal(*off % 4, 0);
	assert_true(*off + 110 <= c->len);
	assert_memory_equal(h, "070701", 6);
	for (unsigned i = 0; i < F_COUNT; i++)
		e.f[i] = hex8(h + 6 + 8 * i);
	e.name = (const char *)h + 110;
	name_end = *off + 110 + e.f[F_NAMESIZE];
	assert_true(up4(name_end) <= c->len);
	assert_int_equal(c->buf[name_end - 1], 0);
	assert_int_equal(strlen(e.name) + 1, e.f[F_NAMESIZE]);
	for (size_t i = name_end; i < up4(name_end); i++)
		assert_int_equal(c->buf[i], 0);
	e.data = c->buf + up4(name_end);
	data_end = up4(name_end) + e.f[F_FILESIZE];
	assert_true(up4(data_end) <= c->len);
	for (size_t i = data_end; i < up4(data_end); i++)
		assert_int_equal(c->buf[i], 0);
	*off = up4(data_end);
	return e;
}

static void test_file_header(void **state)
{
	static const unsigned want[F_COUNT] = {
		[F_INO] = 1,	  [F_MODE] = 0100755, [F_NLINK] = 1,
		[F_FILESIZE] = 5, [F_NAMESIZE] = 5,
	};
	struct cpio c = {0};
	struct entry e;
	size_t off = 0;

	(void)state;
	cpio_file(&c, "init", 0755, "hello", 5);
	assert_false(c.oom);
	/* 110 + "init\0" = 115, padded to 116; 116 + 5 = 121, to 124. */
	assert_int_equal(c.len, 124);
	assert_memory_equal(c.buf,
			    "070701"
			    "00000001"	/* ino */
			    "000081ED"	/* mode 0100755 */
			    "00000000"	/* uid */
			    "00000000"	/* gid */
			    "00000001"	/* nlink */
			    "00000000"	/* mtime */
			    "00000005"	/* filesize */
			    "00000000"	/* devmajor */
			    "00000000"	/* devminor */
			    "00000000"	/* rdevmajor */
			    "00000000"	/* rdevminor */
			    "00000005"	/* namesize */
			    "00000000", /* check */
			    110);
	assert_memory_equal(c.buf + 110, "init\0\0hello\0\0\0", 14);
	e = read_entry(&c, &off);
	assert_memory_equal(e.f, want, sizeof(want));
	assert_string_equal(e.name, "init");
	assert_int_equal(off, c.len);
	free(c.buf);
}

static void test_dir_and_chardev(void **state)
{
	struct cpio c = {0};
	struct entry e;
	size_t off = 0;

	(void)state;
	cpio_dir(&c, "dev", 0755);
	cpio_chardev(&c, "dev/console", 0600, 5, 1);
	assert_false(c.oom);

	e = read_entry(&c, &off);
	assert_int_equal(e.off, 0);
	assert_int_equal(e.f[F_INO], 1);
	assert_int_equal(e.f[F_MODE], S_IFDIR | 0755);
	assert_int_equal(e.f[F_NLINK], 2); /* "." and its parent's entry */
	assert_int_equal(e.f[F_FILESIZE], 0);
	assert_int_equal(e.f[F_NAMESIZE], 4);
	assert_int_equal(e.f[F_RDEVMAJOR], 0);
	assert_int_equal(e.f[F_CHECK], 0);
	assert_string_equal(e.name, "dev");
	/* 110 + 4 is 114: two bytes of padding, no data. */
	assert_int_equal(off, 116);

	e = read_entry(&c, &off);
	assert_int_equal(e.f[F_INO], 2);
	assert_int_equal(e.f[F_MODE], S_IFCHR | 0600);
	assert_int_equal(e.f[F_NLINK], 1);
	assert_int_equal(e.f[F_FILESIZE], 0);
	assert_int_equal(e.f[F_DEVMAJOR], 0);
	assert_int_equal(e.f[F_DEVMINOR], 0);
	assert_int_equal(e.f[F_RDEVMAJOR], 5);
	assert_int_equal(e.f[F_RDEVMINOR], 1);
	assert_int_equal(e.f[F_NAMESIZE], 12);
	assert_string_equal(e.name, "dev/console");
	assert_int_equal(off, 116 + 124); /* 110 + 12 = 122 -> 124 */
	assert_int_equal(off, c.len);
	free(c.buf);
}

static void test_trailer(void **state)
{
	struct cpio c = {0};
	struct entry e;
	size_t off = 0;

	(void)state;
	cpio_dir(&c, "proc", 0555);
	cpio_end(&c);
	assert_false(c.oom);
	read_entry(&c, &off);
	e = read_entry(&c, &off);
	assert_string_equal(e.name, "TRAILER!!!");
	assert_int_equal(e.f[F_NAMESIZE], 11);
	assert_int_equal(e.f[F_MODE], 0);
	assert_int_equal(e.f[F_FILESIZE], 0);
	assert_int_equal(e.f[F_NLINK], 1);
	assert_int_equal(e.f[F_INO], 2);
	/* The archive ends with the trailer's padding: 110 + 11 -> 124. */
	assert_int_equal(e.off + 124, c.len);
	assert_int_equal(off, c.len);
	free(c.buf);
}

/* Names of every length mod 4 and data of every length mod 4 (and
 * none): each header lands on a 4-byte boundary, the padding is zero
 * and the data reads back. */
static void test_padding(void **state)
{
	static const char *const names[] = {"a", "ab", "abc", "abcd", "abcde"};
	static const char data[] = "0123456789";
	struct cpio c = {0};
	size_t off = 0;
	unsigned ino = 0;

	(void)state;
	for (unsigned n = 0; n < 5; n++)
		for (size_t size = 0; size <= 8; size++)
			cpio_file(&c, names[n], 0644, data, size);
	cpio_end(&c);
	assert_false(c.oom);
	for (unsigned n = 0; n < 5; n++)
		for (size_t size = 0; size <= 8; size++) {
			struct entry e = read_entry(&c, &off);
			size_t name_end = e.off + 110 + strlen(names[n]) + 1;

			assert_int_equal(e.f[F_INO], ++ino);
			assert_string_equal(e.name, names[n]);
			assert_int_equal(e.f[F_FILESIZE], size);
			assert_ptr_equal(e.data, c.buf + up4(name_end));
			assert_memory_equal(e.data, data, size);
			assert_int_equal(off, up4(up4(name_end) + size));
		}
	assert_string_equal(read_entry(&c, &off).name, "TRAILER!!!");
	assert_int_equal(off, c.len);
	free(c.buf);
}

/* Past the first 64 KiB buffer, entries before and after a growth are
 * intact (a 300 KiB file, then many small entries). */
static void test_growth(void **state)
{
	size_t big = 300 * 1024 + 3, off = 0;
	uint8_t *data = malloc(big);
	struct cpio c = {0};
	char name[32];

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	cpio_dir(&c, "d", 0700);
	cpio_file(&c, "d/big", 0600, data, big);
	for (unsigned i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "d/f%u", i);
		cpio_file(&c, name, 0644, name, strlen(name));
	}
	cpio_end(&c);
	assert_false(c.oom);
	assert_true(c.cap >= c.len);

	assert_string_equal(read_entry(&c, &off).name, "d");
	{
		struct entry e = read_entry(&c, &off);

		assert_string_equal(e.name, "d/big");
		assert_int_equal(e.f[F_FILESIZE], big);
		assert_memory_equal(e.data, data, big);
	}
	for (unsigned i = 0; i < 2000; i++) {
		struct entry e = read_entry(&c, &off);

		snprintf(name, sizeof(name), "d/f%u", i);
		assert_string_equal(e.name, name);
		assert_int_equal(e.f[F_INO], i + 3);
		assert_int_equal(e.f[F_FILESIZE], strlen(name));
		assert_memory_equal(e.data, name, strlen(name));
	}
	assert_string_equal(read_entry(&c, &off).name, "TRAILER!!!");
	assert_int_equal(off, c.len);
	free(data);
	free(c.buf);
}

/* A name far longer than the kernel's own (the writer sets no limit:
 * namesize says it). */
static void test_long_name(void **state)
{
	char name[1001];
	struct cpio c = {0};
	struct entry e;
	size_t off = 0;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cpio_file(&c, name, 0644, "x", 1);
	assert_false(c.oom);
	e = read_entry(&c, &off);
	assert_int_equal(e.f[F_NAMESIZE], 1001);
	assert_string_equal(e.name, name);
	assert_memory_equal(e.data, "x", 1);
	free(c.buf);
}

/* A failed allocation sets oom and every later call leaves the archive
 * alone (the caller frees what there is). */
static void test_oom(void **state)
{
	struct cpio c = {0};
	size_t len;

	(void)state;
	cpio_dir(&c, "dev", 0755);
	assert_false(c.oom);
	len = c.len;
	/* 1 PiB: no realloc gives it; the data is never read. */
	cpio_file(&c, "huge", 0644, "", (size_t)1 << 50);
	assert_true(c.oom);
	len = c.len;
	cpio_file(&c, "init", 0755, "x", 1);
	cpio_chardev(&c, "dev/console", 0600, 5, 1);
	cpio_end(&c);
	assert_true(c.oom);
	assert_int_equal(c.len, len);
	assert_true(c.len <= c.cap);
	free(c.buf);
}

/* ---- the system's cpio reads it back ----------------------------------- */

static bool have_cpio(void)
{
	return system("command -v cpio >/dev/null 2>&1") == 0;
}

static void write_archive(const struct cpio *c, const char *path)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	assert_int_equal(fwrite(c->buf, 1, c->len, f), c->len);
	assert_int_equal(fclose(f), 0);
}

/* The archive the loop builds, in miniature. */
static void build_sample(struct cpio *c, const char *init, size_t init_len)
{
	cpio_dir(c, "dev", 0755);
	cpio_chardev(c, "dev/console", 0600, 5, 1);
	cpio_dir(c, "directboot", 0750);
	cpio_dir(c, "directboot/modules", 0755);
	cpio_file(c, "init", 0755, init, init_len);
	cpio_file(c, "directboot/config", 0644, "console ttyS0\n", 14);
	cpio_file(c, "directboot/empty", 0600, NULL, 0);
	cpio_file(c, "directboot/modules/01-fuse.ko", 0644, "\177ELFabc", 7);
	cpio_end(c);
}

static void test_cpio_list(void **state)
{
	static const char *const want[] = {
		"drwxr-xr-x dev",
		"crw------- dev/console",
		"drwxr-x--- directboot",
		"drwxr-xr-x directboot/modules",
		"-rwxr-xr-x init",
		"-rw-r--r-- directboot/config",
		"-rw------- directboot/empty",
		"-rw-r--r-- directboot/modules/01-fuse.ko",
	};
	char dir[] = "/tmp/test_cpio.XXXXXX", cmd[256], line[512];
	struct cpio c = {0};
	unsigned n = 0;
	FILE *p;

	(void)state;
	if (!have_cpio())
		skip();
	assert_non_null(mkdtemp(dir));
	build_sample(&c, "#!/bin/sh\n", 10);
	assert_false(c.oom);
	snprintf(cmd, sizeof(cmd), "%s/a.cpio", dir);
	write_archive(&c, cmd);
	/* -v: "MODE NLINK USER GROUP SIZE DATE NAME"; keep mode and name. */
	snprintf(cmd, sizeof(cmd),
		 "cpio -i --list -v --quiet --numeric-uid-gid <%s/a.cpio | "
		 "awk '{print $1, $NF}'",
		 dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(line, want[n]);
		n++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(c.buf);
}

static void check_file(const char *dir, const char *name, mode_t mode,
		       const void *data, size_t size)
{
	char path[512];
	uint8_t *got = malloc(size + 1);
	struct stat st;
	FILE *f;

	assert_non_null(got);
	snprintf(path, sizeof(path), "%s/x/%s", dir, name);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode, mode);
	if (S_ISREG(mode)) {
		assert_int_equal(st.st_size, size);
		assert_int_equal(st.st_mtime, 0); /* -m kept mtime 0 */
		f = fopen(path, "re");
		assert_non_null(f);
		assert_int_equal(fread(got, 1, size + 1, f), size);
		fclose(f);
		assert_memory_equal(got, data, size);
	}
	free(got);
}

static void test_cpio_extract(void **state)
{
	char dir[] = "/tmp/test_cpio.XXXXXX", cmd[256];
	size_t init_len = 70001;
	char *init = malloc(init_len);
	struct cpio c = {0};
	struct stat st;

	(void)state;
	if (!have_cpio())
		skip();
	assert_non_null(init);
	for (size_t i = 0; i < init_len; i++)
		init[i] = (char)(i % 253);
	assert_non_null(mkdtemp(dir));
	build_sample(&c, init, init_len);
	assert_false(c.oom);
	snprintf(cmd, sizeof(cmd), "%s/a.cpio", dir);
	write_archive(&c, cmd);
	/* The device node needs CAP_MKNOD; without it cpio says so and
	 * goes on, so its status is not the test's: the files are. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir %s/x && cd %s/x && umask 0 && cpio -idm --quiet "
		 "--no-absolute-filenames <../a.cpio 2>/dev/null",
		 dir, dir);
	(void)system(cmd);
	check_file(dir, "dev", S_IFDIR | 0755, NULL, 0);
	check_file(dir, "directboot", S_IFDIR | 0750, NULL, 0);
	check_file(dir, "directboot/modules", S_IFDIR | 0755, NULL, 0);
	check_file(dir, "init", S_IFREG | 0755, init, init_len);
	check_file(dir, "directboot/config", S_IFREG | 0644, "console ttyS0\n",
		   14);
	check_file(dir, "directboot/empty", S_IFREG | 0600, "", 0);
	check_file(dir, "directboot/modules/01-fuse.ko", S_IFREG | 0644,
		   "\177ELFabc", 7);
	snprintf(cmd, sizeof(cmd), "%s/x/dev/console", dir);
	if (geteuid() == 0) {
		assert_int_equal(lstat(cmd, &st), 0);
		assert_int_equal(st.st_mode, S_IFCHR | 0600);
		assert_int_equal(major(st.st_rdev), 5);
		assert_int_equal(minor(st.st_rdev), 1);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(init);
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_header),
		cmocka_unit_test(test_dir_and_chardev),
		cmocka_unit_test(test_trailer),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_cpio_list),
		cmocka_unit_test(test_cpio_extract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
