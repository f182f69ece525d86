/* SPDX-License-Identifier: MIT */
/*
 * The boot options `plan` and `run` share (bootopts.h), and the path
 * from an image file to a plan: read the image and initrds, fetch the
 * host-decompressed ELF from the cache or make it, build the plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootopts.h"
#include "cache.h"
#include "../accel/accel.h"
#include "directboot/bzimage.h"
#include "directboot/payload.h"

void bootopts_init(struct bootopts *bo)
{
	memset(bo, 0, sizeof(*bo));
	bo->plan.mem_size = BOOTOPTS_MEM_DEFAULT;
	/* Opt-in for now: the tables' FADT is hardware-reduced, which
	 * leaves a kernel no PIT timer, and under TCG on a loaded host
	 * the TSC calibration against the PIT then fails about half the
	 * time and the boot hangs (docs/acpi.md). */
	bo->plan.no_acpi = true;
}

bool bootopts_parse_size(const char *s, uint64_t *out)
{
	unsigned shift = 0;
	char *end;
	uint64_t v;

	if (!s[0] || s[0] == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	}
	if (shift && (*end == 'i' || *end == 'I') &&
	    (end[1] == 'B' || end[1] == 'b'))
		end += 2;
	if (*end || (shift && v > UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static int read_initrd(struct bootopts *bo, const char *path,
		       struct db_error *err)
{
	struct stat st;
	uint8_t *buf;
	/* O_NONBLOCK: a FIFO is refused below, not waited on. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return db_fail(err, DB_ERR_INPUT, "initrd %s: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > IMAGE_SIZE_MAX) {
		close(fd);
		return db_fail(
			err, DB_ERR_INPUT,
			"initrd %s: not a regular file of at most %llu bytes",
			path, (unsigned long long)IMAGE_SIZE_MAX);
	}
	buf = realloc(bo->initrd, bo->initrd_size + st.st_size + 1);
	if (!buf) {
		close(fd);
		return db_fail(err, DB_ERR_HOST, "initrd %s: out of memory",
			       path);
	}
	bo->initrd = buf;
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = read(fd, buf + bo->initrd_size + done,
				 st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return db_fail(err, DB_ERR_HOST, "initrd %s: %s", path,
				       n ? strerror(errno)
					 : "file shrank while read");
		}
		done += n;
	}
	close(fd);
	bo->initrd_size += st.st_size;
	return DB_OK;
}

/* Decompress the payload here; store it in the cache when asked. */
static int decompress(struct bootopts *bo, const char *key,
		      struct db_error *err)
{
	struct bzimage *bz = malloc(sizeof(*bz));
	struct db_error cerr = {0};
	uint8_t *out = NULL;
	size_t out_size = 0;
	int ret;

	if (!bz)
		return db_fail(err, DB_ERR_HOST, "out of memory");
	ret = bzimage_parse(bo->image.data, bo->image.size, bz, err);
	if (!ret && !bz->payload)
		ret = db_fail(err, DB_ERR_INPUT,
			      "--decompress host needs the payload of boot "
			      "protocol 2.08, the kernel has %u.%02u",
			      bz->version >> 8, bz->version & 0xff);
	if (!ret)
		ret = payload_decompress(bz->payload, bz->payload_size, 0, &out,
					 &out_size, err);
	free(bz);
	if (ret)
		return ret;
	bo->elf = out;
	bo->elf_size = out_size;
	if (key && cache_store(key, out, out_size, &cerr))
		fprintf(stderr, "directboot: warning: %s\n", cerr.msg);
	return DB_OK;
}

/* The same file before and after mapping it: its identity names it. */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return S_ISREG(a->st_mode) && a->st_dev == b->st_dev &&
	       a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int host_elf(struct bootopts *bo, const struct stat *st,
		    struct db_error *err)
{
	char key[CACHE_KEY_LEN + 1];
	enum image_kind kind;

	/* Not a bzImage: plan_build says why with the right words. */
	if (image_detect(bo->image.data, bo->image.size, &kind, NULL) ||
	    kind != IMAGE_BZIMAGE)
		return DB_OK;
	if (bo->no_cache)
		return decompress(bo, NULL, err);
	if (st)
		cache_key_file(st, bo->image.data, bo->image.size, key);
	else
		cache_key(bo->image.data, bo->image.size, key);
	if (cache_lookup(key, &bo->elf, &bo->elf_size)) {
		bo->elf_mapped = true;
		bo->cache_hit = true;
		return DB_OK;
	}
	return decompress(bo, key, err);
}

int bootopts_plan(struct bootopts *bo, const char *image_path,
		  struct plan **out, struct db_error *err)
{
	uint64_t t = accel_now_ns();
	struct stat before, after;
	bool known;
	int ret;

	*out = NULL;
	known = !stat(image_path, &before);
	ret = image_file_open(image_path, &bo->image, err);
	known = known && !ret && !stat(image_path, &after) &&
		same_file(&before, &after);
	for (unsigned k = 0; !ret && k < bo->nr_initrds; k++)
		ret = read_initrd(bo, bo->initrd_paths[k], err);
	if (ret)
		return ret;
	bo->plan.initrd = bo->initrd;
	bo->plan.initrd_size = bo->initrd_size;
	bo->t_read_ns = accel_now_ns() - t;

	t = accel_now_ns();
	if (bo->plan.decompress_host) {
		ret = host_elf(bo, known ? &after : NULL, err);
		if (ret)
			return ret;
		bo->plan.elf = bo->elf;
		bo->plan.elf_size = bo->elf_size;
	}
	bo->t_decompress_ns = accel_now_ns() - t;

	t = accel_now_ns();
	ret = plan_build(bo->image.data, bo->image.size, &bo->plan, out, err);
	bo->t_plan_ns = accel_now_ns() - t;
	return ret;
}

void bootopts_free(struct bootopts *bo)
{
	if (bo->elf_mapped)
		cache_unmap(bo->elf, bo->elf_size);
	else
		free((void *)bo->elf);
	free(bo->initrd);
	if (bo->image.data)
		image_file_close(&bo->image);
	bo->elf = NULL;
	bo->initrd = NULL;
}
