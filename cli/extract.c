/* SPDX-License-Identifier: MIT */
/*
 * directboot extract IMAGE -o FILE [--with-relocs]: the vmlinux ELF inside
 * a bzImage's payload, decompressed.  The decompressed stream is
 * vmlinux.bin followed by the relocation table; without --with-relocs the
 * output stops where the ELF's own headers say it ends.  FILE is written
 * under a temporary name and renamed into place, so a failure leaves
 * nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "inspect.h"
#include "options.h"

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* mkstemp makes 0600; give the file what creat() would have. */
static void default_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	fchmod(fd, 0666 & ~mask);
}

static int write_file(const char *path, const uint8_t *buf, size_t len,
		      struct db_error *err)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".XXXXXX"));
	int fd, ret = DB_OK;

	if (!tmp)
		return db_fail(err, DB_ERR_HOST, "extract: out of memory");
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = db_fail(err, DB_ERR_HOST, "extract: cannot create %s: %s",
			      tmp, strerror(errno));
		goto out_free;
	}
	default_mode(fd);
	if (write_all(fd, buf, len) < 0) {
		ret = db_fail(err, DB_ERR_HOST, "extract: cannot write %s: %s",
			      tmp, strerror(errno));
		close(fd);
		goto out_unlink;
	}
	if (close(fd) < 0) {
		ret = db_fail(err, DB_ERR_HOST, "extract: cannot write %s: %s",
			      tmp, strerror(errno));
		goto out_unlink;
	}
	if (rename(tmp, path) < 0) {
		ret = db_fail(err, DB_ERR_HOST,
			      "extract: cannot rename %s to %s: %s", tmp, path,
			      strerror(errno));
		goto out_unlink;
	}
	goto out_free;
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	return ret;
}

static int extract(const char *image, const char *out, bool relocs,
		   struct db_error *err)
{
	struct inspect_image *img = calloc(1, sizeof(*img));
	size_t len;
	int ret;

	if (!img)
		return db_fail(err, DB_ERR_HOST, "extract: out of memory");
	ret = inspect_image_load(image, img, err);
	if (ret)
		goto out;
	if (img->kind != IMAGE_BZIMAGE) {
		ret = db_fail(err, DB_ERR_INPUT,
			      "extract: %s is an %s image, not a bzImage: it "
			      "carries no payload",
			      image, image_kind_name(img->kind));
		goto out;
	}
	if (!img->has_payload) {
		ret = db_fail(err, DB_ERR_INPUT,
			      "extract: payload_length=0 (protocol %u.%02u): "
			      "the bzImage carries no payload (2.08+)",
			      img->bz.version >> 8, img->bz.version & 0xff);
		goto out;
	}
	len = relocs ? img->out_size : img->elf.elf_size;
	if (!strcmp(out, "-")) {
		if (write_all(STDOUT_FILENO, img->out, len) < 0)
			ret = db_fail(err, DB_ERR_HOST,
				      "extract: cannot write to stdout: %s",
				      strerror(errno));
	} else {
		ret = write_file(out, img->out, len, err);
	}
out:
	inspect_image_free(img);
	free(img);
	return ret;
}

static void extract_usage(FILE *f)
{
	fprintf(f,
		"Usage: directboot extract IMAGE -o FILE [--with-relocs]\n"
		"Write the vmlinux ELF that a bzImage carries as its payload,\n"
		"decompressed.  FILE '-' is standard output.\n\n");
	cli_options_usage(f, CMD_EXTRACT);
	fprintf(f, "\nExit status: 0 ok, 2 bad usage or bad image, 3 host "
		   "error.\n");
}

int cmd_extract(int argc, char **argv)
{
	struct db_error err = {0};
	struct cli_args a;
	int ret;

	cli_args_init(&a, CMD_EXTRACT, "extract");
	ret = cli_parse(&a, argc, argv);
	if (ret) {
		if (ret == 1)
			extract_usage(stdout);
		return ret == 1 ? 0 : ret;
	}
	if (!a.output)
		return cli_usage_error("extract", "-o FILE is required");
	if (extract(a.image, a.output, a.with_relocs, &err))
		return cli_report(&err);
	return 0;
}
