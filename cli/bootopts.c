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
#include <time.h>
#include <unistd.h>

#include "bootopts.h"
#include "cache.h"
#include "cli.h"
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

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s[0] || s[0] == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end && *out <= max;
}

/*
 * Does arg name this option?  Long forms match "--name" and
 * "--name=VALUE", the short one "-x" and "-xVALUE".  *inline_val is the
 * value given in the same argument, if any.
 */
static bool is_opt(const char *arg, const char *lng, char shrt,
		   const char **inline_val)
{
	size_t n = strlen(lng);

	*inline_val = NULL;
	if (arg[0] != '-')
		return false;
	if (shrt && arg[1] == shrt) {
		*inline_val = arg[2] ? arg + 2 : NULL;
		return true;
	}
	if (arg[1] != '-' || strncmp(arg + 2, lng, n))
		return false;
	if (arg[2 + n] == '=') {
		*inline_val = arg + 3 + n;
		return true;
	}
	return arg[2 + n] == '\0';
}

/* The option's value, from the same argument or the next one. */
static const char *value(const char *cmd, const char *inl, int argc,
			 char **argv, int *i)
{
	if (inl)
		return inl;
	if (*i + 1 >= argc) {
		cli_usage_error(cmd, "option '%s' needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int bad(const char *cmd, const char *opt, const char *v,
	       const char *want)
{
	cli_usage_error(cmd, "%s '%s': %s", opt, v, want);
	return -1;
}

static int parse_entry(struct bootopts *bo, const char *cmd, const char *v)
{
	static const struct {
		const char *name;
		enum plan_entry e;
	} t[] = {
		{"auto", PLAN_ENTRY_AUTO}, {"32", PLAN_ENTRY_32},
		{"64", PLAN_ENTRY_64},	   {"pvh", PLAN_ENTRY_PVH},
		{"elf", PLAN_ENTRY_ELF},
	};

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		if (!strcmp(v, t[k].name)) {
			bo->plan.entry = t[k].e;
			return 1;
		}
	}
	return bad(cmd, "--entry", v, "want auto, 32, 64, pvh or elf");
}

enum {
	OPT_MEMORY,
	OPT_APPEND,
	OPT_INITRD,
	OPT_ENTRY,
	OPT_SUBARCH,
	OPT_SUBARCH_DATA,
	OPT_DECOMPRESS
};

static const struct {
	const char *lng;
	char shrt;
	int id;
} value_opts[] = {
	{"memory", 'm', OPT_MEMORY},
	{"append", 'a', OPT_APPEND},
	{"cmdline", 0, OPT_APPEND},
	{"initrd", 'i', OPT_INITRD},
	{"entry", 0, OPT_ENTRY},
	{"subarch", 0, OPT_SUBARCH},
	{"subarch-data", 0, OPT_SUBARCH_DATA},
	{"decompress", 0, OPT_DECOMPRESS},
};

static int apply(struct bootopts *bo, const char *cmd, int id, const char *v)
{
	uint64_t n;

	switch (id) {
	case OPT_MEMORY:
		/* A bare number is MiB, as with QEMU's -m. */
		if (v[0] && strspn(v, "0123456789") == strlen(v) &&
		    strlen(v) < 12) {
			n = strtoull(v, NULL, 10) << 20;
			if (!n)
				return bad(cmd, "--memory", v,
					   "want a size such as 512M or 4G");
		} else if (!bootopts_parse_size(v, &n) || !n)
			return bad(cmd, "--memory", v,
				   "want a size such as 512M or 4G");
		bo->plan.mem_size = n;
		break;
	case OPT_APPEND:
		bo->plan.cmdline = v;
		break;
	case OPT_INITRD:
		if (bo->nr_initrds >= BOOTOPTS_INITRD_MAX)
			return bad(cmd, "--initrd", v,
				   "too many initrds (16 at most)");
		bo->initrd_paths[bo->nr_initrds++] = v;
		break;
	case OPT_ENTRY:
		return parse_entry(bo, cmd, v);
	case OPT_SUBARCH:
		if (!parse_u64(v, UINT32_MAX, &n))
			return bad(cmd, "--subarch", v, "want a 32-bit number");
		bo->plan.subarch = (uint32_t)n;
		break;
	case OPT_SUBARCH_DATA:
		if (!parse_u64(v, UINT64_MAX, &n))
			return bad(cmd, "--subarch-data", v,
				   "want a 64-bit address");
		bo->plan.subarch_data = n;
		break;
	case OPT_DECOMPRESS:
		if (strcmp(v, "guest") && strcmp(v, "host"))
			return bad(cmd, "--decompress", v,
				   "want guest or host");
		bo->plan.decompress_host = !strcmp(v, "host");
		break;
	}
	return 1;
}

/* The options that take a value; flags are handled before. */
static int with_value(struct bootopts *bo, const char *cmd, int argc,
		      char **argv, int *i)
{
	const char *inl, *v;

	for (size_t k = 0; k < sizeof(value_opts) / sizeof(value_opts[0]);
	     k++) {
		if (!is_opt(argv[*i], value_opts[k].lng, value_opts[k].shrt,
			    &inl))
			continue;
		v = value(cmd, inl, argc, argv, i);
		return v ? apply(bo, cmd, value_opts[k].id, v) : -1;
	}
	return 0;
}

int bootopts_parse_one(struct bootopts *bo, const char *cmd, int argc,
		       char **argv, int *i)
{
	const char *arg = argv[*i];

	if (!strcmp(arg, "--keep-segments"))
		bo->plan.keep_segments = true;
	else if (!strcmp(arg, "--no-rng-seed"))
		bo->plan.no_rng_seed = true;
	else if (!strcmp(arg, "--no-acpi"))
		bo->plan.no_acpi = true;
	else if (!strcmp(arg, "--acpi"))
		bo->plan.no_acpi = false;
	else if (!strcmp(arg, "--no-cache"))
		bo->no_cache = true;
	else
		return with_value(bo, cmd, argc, argv, i);
	return 1;
}

void bootopts_usage(FILE *f)
{
	fputs("  -m, --memory SIZE       guest RAM: 512M, 4G, or a bare number "
	      "of MiB\n"
	      "                          (default 512M)\n"
	      "  -a, --append CMDLINE    kernel command line (also --cmdline)\n"
	      "  -i, --initrd FILE       initrd; repeat to concatenate "
	      "several\n"
	      "      --entry KIND        auto, 32, 64, pvh or elf (default "
	      "auto:\n"
	      "                          64 for an XLF_KERNEL_64 bzImage, else "
	      "32;\n"
	      "                          pvh for an ELF with the PVH note, "
	      "else elf)\n"
	      "      --keep-segments     set KEEP_SEGMENTS in loadflags\n"
	      "      --subarch N         hardware_subarch (0 PC, 1 lguest, 2 "
	      "Xen)\n"
	      "      --subarch-data ADDR hardware_subarch_data\n"
	      "      --no-rng-seed       leave out the SETUP_RNG_SEED "
	      "setup_data\n"
	      "      --acpi              add ACPI tables (RSDP, MADT, DSDT "
	      "with the virtio\n"
	      "                          devices); --no-acpi (the default) "
	      "leaves them out\n"
	      "      --decompress WHERE  guest (the kernel's own decompressor) "
	      "or\n"
	      "                          host (load the payload's vmlinux "
	      "ELF)\n"
	      "      --no-cache          with --decompress host, do not use "
	      "the\n"
	      "                          cache in $XDG_CACHE_HOME/directboot\n",
	      f);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
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
	uint64_t t = now_ns();
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
	bo->t_read_ns = now_ns() - t;

	t = now_ns();
	if (bo->plan.decompress_host) {
		ret = host_elf(bo, known ? &after : NULL, err);
		if (ret)
			return ret;
		bo->plan.elf = bo->elf;
		bo->plan.elf_size = bo->elf_size;
	}
	bo->t_decompress_ns = now_ns() - t;

	t = now_ns();
	ret = plan_build(bo->image.data, bo->image.size, &bo->plan, out, err);
	bo->t_plan_ns = now_ns() - t;
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
