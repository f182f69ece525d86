/* SPDX-License-Identifier: MIT */
/*
 * What kind of kernel a file holds, and the file itself, mapped.
 *
 * An ELF says so in its first bytes; a bzImage says so only at 0x202
 * ("HdrS"), because its first sector is a DOS/EFI stub.  The ELF test
 * comes first since it is decided by offset 0 alone.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "directboot/bootparam.h"
#include "directboot/image.h"

const char *image_kind_name(enum image_kind kind)
{
	switch (kind) {
	case IMAGE_BZIMAGE:
		return "bzImage";
	case IMAGE_ELF64:
		return "elf64";
	case IMAGE_ELF32:
		return "elf32";
	default:
		return "unknown";
	}
}

/* "7f 45 4c 46" for the first bytes, as many as there are (up to 4). */
static void first_bytes(const uint8_t *buf, size_t size, char *out, size_t len)
{
	size_t n = size < 4 ? size : 4;
	size_t pos = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && pos < len; i++)
		pos += snprintf(out + pos, len - pos, "%s%02x", i ? " " : "",
				buf[i]);
}

static int detect_elf(const uint8_t *buf, size_t size, enum image_kind *kind,
		      struct db_error *err)
{
	uint8_t class, data;
	uint16_t machine;

	if (!range_ok(0, EI_NIDENT + 4, size))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: file size %zu ends inside "
			       "e_ident/e_machine (needs %d bytes)",
			       size, EI_NIDENT + 4);
	class = buf[EI_CLASS];
	data = buf[EI_DATA];
	machine = get_le16(buf + EI_NIDENT + 2);
	if (data != ELFDATA2LSB)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_ident[EI_DATA]=%u is not ELFDATA2LSB "
			       "(x86 is little-endian)",
			       data);
	if (class == ELFCLASS64 && machine == EM_X86_64) {
		*kind = IMAGE_ELF64;
		return DB_OK;
	}
	if (class == ELFCLASS32 && machine == EM_386) {
		*kind = IMAGE_ELF32;
		return DB_OK;
	}
	return db_fail(err, DB_ERR_INPUT,
		       "elf: e_ident[EI_CLASS]=%u e_machine=%u is neither "
		       "ELFCLASS64+EM_X86_64 nor ELFCLASS32+EM_386",
		       class, machine);
}

int image_detect(const uint8_t *buf, size_t size, enum image_kind *kind,
		 struct db_error *err)
{
	char seen[16];

	*kind = IMAGE_UNKNOWN;
	if (size == 0)
		return db_fail(
			err, DB_ERR_INPUT,
			"image: the file is empty (size 0): not a kernel");
	if (size >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG))
		return detect_elf(buf, size, kind, err);
	if (range_ok(HDRS_OFFSET, 4, size) &&
	    get_le32(buf + HDRS_OFFSET) == HDRS_MAGIC) {
		*kind = IMAGE_BZIMAGE;
		return DB_OK;
	}
	/* A bzImage with an EFI stub is a PE file too, and was taken
	 * above; a PE file without "HdrS" is an EFI application (a UKI,
	 * iPXE's ipxe.efi, a bootloader), which no boot protocol here
	 * enters. */
	if (range_ok(PE_LFANEW_OFFSET, 4, size) &&
	    get_le16(buf) == PE_MZ_MAGIC) {
		uint32_t pe = get_le32(buf + PE_LFANEW_OFFSET);

		if (range_ok(pe, 4, size) && get_le32(buf + pe) == PE_MAGIC)
			return db_fail(err, DB_ERR_INPUT,
				       "image: a PE/COFF (EFI) executable "
				       "(\"MZ\" at 0, \"PE\" at e_lfanew="
				       "0x%x), not a bzImage (no \"HdrS\" "
				       "at 0x%x) or an ELF kernel",
				       pe, HDRS_OFFSET);
	}
	first_bytes(buf, size, seen, sizeof(seen));
	return db_fail(err, DB_ERR_INPUT,
		       "image: unknown format (first bytes %s, size %zu): no "
		       "ELF magic at 0 and no \"HdrS\" at 0x%x",
		       seen, size, HDRS_OFFSET);
}

int image_file_open(const char *path, struct image_file *f,
		    struct db_error *err)
{
	struct stat st;
	void *map;
	int fd, ret;

	f->data = NULL;
	f->size = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before
	 * fstat() can refuse it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return db_fail(err, db_errno_status(errno),
			       "image: cannot open %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = db_fail(err, DB_ERR_HOST, "image: cannot stat %s: %s",
			      path, strerror(errno));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = db_fail(err, DB_ERR_INPUT,
			      "image: %s is a directory, not a kernel file",
			      path);
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = db_fail(err, DB_ERR_INPUT,
			      "image: %s is not a regular file (mode 0%o)",
			      path, (unsigned)st.st_mode);
		goto out_close;
	}
	if (st.st_size == 0) {
		ret = db_fail(err, DB_ERR_INPUT,
			      "image: %s is empty (size 0): not a kernel",
			      path);
		goto out_close;
	}
	if ((unsigned long long)st.st_size > IMAGE_SIZE_MAX) {
		ret = db_fail(
			err, DB_ERR_INPUT,
			"image: %s has size %lld, over the limit of %llu bytes",
			path, (long long)st.st_size, IMAGE_SIZE_MAX);
		goto out_close;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		ret = db_fail(err, DB_ERR_HOST, "image: cannot map %s: %s",
			      path, strerror(errno));
		goto out_close;
	}
	f->data = map;
	f->size = (size_t)st.st_size;
	ret = DB_OK;
out_close:
	close(fd);
	return ret;
}

void image_file_close(struct image_file *f)
{
	if (f->data)
		munmap((void *)f->data, f->size);
	f->data = NULL;
	f->size = 0;
}
