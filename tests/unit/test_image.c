/* SPDX-License-Identifier: MIT */
/*
 * image_detect() on buffers, and image_file_open() on the files and
 * non-files a user can name: a kernel, an empty file, a directory, a
 * device, a missing path, a file over the size limit.
 */
#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bytes.h"
#include "directboot/bootparam.h"
#include "directboot/image.h"

static uint8_t buf[4096];
static struct db_error err;
static enum image_kind kind;

static int detect(size_t size)
{
	memset(&err, 0, sizeof(err));
	return image_detect(buf, size, &kind, &err);
}

static void refused(int ret, int status, const char *want)
{
	assert_int_equal(ret, status);
	assert_int_equal(err.status, status);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, want);
	assert_null(strchr(err.msg, '\n'));
}

static void mk_elf(uint8_t class, uint16_t machine)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = class;
	buf[EI_DATA] = ELFDATA2LSB;
	put_le16(buf + offsetof(Elf64_Ehdr, e_machine), machine);
}

static void test_detect_bzimage(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[0] = 'M';
	buf[1] = 'Z';
	put_le32(buf + HDRS_OFFSET, HDRS_MAGIC);
	assert_int_equal(detect(sizeof(buf)), DB_OK);
	assert_int_equal(kind, IMAGE_BZIMAGE);
	/* Just long enough for the magic. */
	assert_int_equal(detect(HDRS_OFFSET + 4), DB_OK);
	assert_int_equal(kind, IMAGE_BZIMAGE);
	/* One byte short: what is there is named. */
	refused(detect(HDRS_OFFSET + 3), DB_ERR_INPUT,
		"first bytes 4d 5a 00 00, size 517");
	assert_int_equal(kind, IMAGE_UNKNOWN);
}

static void test_detect_elf(void **state)
{
	(void)state;
	mk_elf(ELFCLASS64, EM_X86_64);
	assert_int_equal(detect(64), DB_OK);
	assert_int_equal(kind, IMAGE_ELF64);
	mk_elf(ELFCLASS32, EM_386);
	assert_int_equal(detect(52), DB_OK);
	assert_int_equal(kind, IMAGE_ELF32);

	mk_elf(ELFCLASS64, EM_AARCH64);
	refused(detect(64), DB_ERR_INPUT, "e_machine=183");
	mk_elf(ELFCLASS64, EM_386);
	refused(detect(64), DB_ERR_INPUT, "EI_CLASS]=2 e_machine=3");
	mk_elf(ELFCLASS32, EM_386);
	buf[EI_DATA] = ELFDATA2MSB;
	refused(detect(64), DB_ERR_INPUT, "EI_DATA]=2");
	mk_elf(ELFCLASS64, EM_X86_64);
	refused(detect(EI_NIDENT + 2), DB_ERR_INPUT, "size 18");
}

static void test_detect_unknown(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x1f\x8b\x08\x00", 4);
	refused(detect(1000), DB_ERR_INPUT,
		"unknown format (first bytes 1f 8b 08 00, size 1000)");
	refused(detect(2), DB_ERR_INPUT, "first bytes 1f 8b, size 2");
	refused(detect(0), DB_ERR_INPUT, "empty (size 0)");
	assert_int_equal(kind, IMAGE_UNKNOWN);
}

/* An EFI application: "MZ", e_lfanew, "PE\0\0", and no "HdrS".  A
 * bzImage carries the same PE header (its EFI stub) and stays a
 * bzImage. */
static void test_detect_pe(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	put_le16(buf, PE_MZ_MAGIC);
	put_le32(buf + PE_LFANEW_OFFSET, 0x80);
	put_le32(buf + 0x80, PE_MAGIC);
	refused(detect(sizeof(buf)), DB_ERR_INPUT,
		"a PE/COFF (EFI) executable (\"MZ\" at 0, \"PE\" at "
		"e_lfanew=0x80), not a bzImage");
	assert_int_equal(kind, IMAGE_UNKNOWN);
	/* e_lfanew past the end, or no "PE": only "MZ", unknown. */
	put_le32(buf + PE_LFANEW_OFFSET, 0x2000);
	refused(detect(sizeof(buf)), DB_ERR_INPUT,
		"unknown format (first bytes 4d 5a 00 00");
	put_le32(buf + PE_LFANEW_OFFSET, 0xfffffffe);
	refused(detect(sizeof(buf)), DB_ERR_INPUT, "unknown format");
	/* With "HdrS" at 0x202 it is a bzImage with an EFI stub. */
	put_le32(buf + PE_LFANEW_OFFSET, 0x80);
	put_le32(buf + HDRS_OFFSET, HDRS_MAGIC);
	assert_int_equal(detect(sizeof(buf)), DB_OK);
	assert_int_equal(kind, IMAGE_BZIMAGE);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(image_kind_name(IMAGE_BZIMAGE), "bzImage");
	assert_string_equal(image_kind_name(IMAGE_ELF64), "elf64");
	assert_string_equal(image_kind_name(IMAGE_ELF32), "elf32");
	assert_string_equal(image_kind_name(IMAGE_UNKNOWN), "unknown");
}

static char dir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_image.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int open_image(const char *path, struct image_file *f)
{
	memset(&err, 0, sizeof(err));
	return image_file_open(path, f, &err);
}

static void test_file_open(void **state)
{
	struct image_file f;
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	path_of(path, sizeof(path), "kernel");
	write_file(path, buf, sizeof(buf));
	assert_int_equal(open_image(path, &f), DB_OK);
	assert_int_equal(f.size, sizeof(buf));
	assert_memory_equal(f.data, buf, sizeof(buf));
	image_file_close(&f);
	assert_null(f.data);
	assert_int_equal(f.size, 0);
	image_file_close(&f); /* twice is harmless */
}

static void test_file_refused(void **state)
{
	struct image_file f;
	char path[128];
	int fd;

	(void)state;
	refused(open_image(dir, &f), DB_ERR_INPUT, "is a directory");
	assert_null(f.data);

	path_of(path, sizeof(path), "empty");
	write_file(path, "", 0);
	refused(open_image(path, &f), DB_ERR_INPUT, "is empty (size 0)");

	refused(open_image("/dev/null", &f), DB_ERR_INPUT,
		"/dev/null is not a regular file");

	path_of(path, sizeof(path), "missing");
	refused(open_image(path, &f), DB_ERR_INPUT, "No such file");

	/* Sparse: costs no disk. */
	path_of(path, sizeof(path), "huge");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)IMAGE_SIZE_MAX + 1), 0);
	close(fd);
	refused(open_image(path, &f), DB_ERR_INPUT, "has size 2147483649");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_bzimage),
		cmocka_unit_test(test_detect_elf),
		cmocka_unit_test(test_detect_unknown),
		cmocka_unit_test(test_detect_pe),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_file_open),
		cmocka_unit_test(test_file_refused),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
