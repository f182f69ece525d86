/* SPDX-License-Identifier: MIT */
/*
 * mkbzimage: wrap a payload file in a synthetic bzImage, for the tests.
 *
 * The result is what arch/x86/boot/tools/build.c would lay out around a
 * compressed kernel, minus the code: a boot sector and setup_sects setup
 * sectors holding a protocol 2.15 setup header, then the protected-mode
 * part, which holds a stand-in for the decompressor (hlt bytes), a
 * kernel_info block and the payload exactly as given, padded to 16 bytes
 * so that syssize counts it exactly (or, with --short N, padded so that
 * the file ends N bytes before syssize * 16, as tools that round syssize
 * up leave it).  payload_offset and payload_length
 * point at the payload; its last 4 bytes are its size trailer, which
 * init_size is sized from.  Options override single fields, so that the
 * tests can also build images that break one rule.
 *
 * Usage: mkbzimage [options] PAYLOAD OUTPUT   (see --help)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "directboot/bootparam.h"

#define KERNEL_VERSION_AT 0x300 /* in the setup, past the header */
#define PM_STUB_SIZE 0x400	/* where a decompressor would be */
#define PM_PAYLOAD_AT (PM_STUB_SIZE + sizeof(struct kernel_info))
#define HLT 0xf4
#define JMP_SHORT 0xeb

struct opts {
	unsigned version;
	unsigned setup_sects;
	long long syssize, payload_offset, payload_length, init_size;
	long long trailer, signature, loadflags, xloadflags, short_by;
	int kernel_info;
	const char *in, *out;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mkbzimage [options] PAYLOAD OUTPUT\n"
		"Wrap PAYLOAD (a compressed vmlinux ending in its le32 size\n"
		"trailer) in a synthetic protocol 2.15 bzImage.\n\n"
		"  --protocol X.YY     header version (default 2.15)\n"
		"  --setup-sects N     setup sectors (default 1; 0 means 4)\n"
		"  --trailer N         append le32 N to PAYLOAD first\n"
		"  --signature N       append N bytes past syssize, as\n"
		"                      signed images do\n"
		"  --no-kernel-info    kernel_info_offset 0\n"
		"  --syssize N         override syssize (16-byte units)\n"
		"  --short N           end the file N bytes before syssize\n"
		"                      * 16 (syssize rounded up)\n"
		"  --payload-offset N  override payload_offset\n"
		"  --payload-length N  override payload_length\n"
		"  --init-size N       override init_size\n"
		"  --loadflags N       override loadflags (LOADED_HIGH)\n"
		"  --xloadflags N      override xloadflags (XLF_KERNEL_64\n"
		"                      | XLF_CAN_BE_LOADED_ABOVE_4G)\n"
		"Numbers may be decimal or 0x-prefixed hex.\n");
}

static long long number(const char *opt, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || v < 0 || v > 0xffffffffll) {
		fprintf(stderr,
			"mkbzimage: %s: '%s' is not a number in "
			"0..0xffffffff\n",
			opt, s);
		exit(2);
	}
	return v;
}

static unsigned protocol(const char *s)
{
	unsigned maj, min;
	char c;

	if (sscanf(s, "%u.%u%c", &maj, &min, &c) != 2 || maj > 255 ||
	    min > 255) {
		fprintf(stderr, "mkbzimage: --protocol: '%s' is not X.YY\n", s);
		exit(2);
	}
	return BOOT_PROTOCOL(maj, min);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"protocol", required_argument, NULL, 'p'},
		{"setup-sects", required_argument, NULL, 's'},
		{"trailer", required_argument, NULL, 't'},
		{"signature", required_argument, NULL, 'g'},
		{"no-kernel-info", no_argument, NULL, 'k'},
		{"syssize", required_argument, NULL, 'y'},
		{"short", required_argument, NULL, 'S'},
		{"payload-offset", required_argument, NULL, 'o'},
		{"payload-length", required_argument, NULL, 'l'},
		{"init-size", required_argument, NULL, 'i'},
		{"loadflags", required_argument, NULL, 'f'},
		{"xloadflags", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->version = protocol(optarg);
			break;
		case 's':
			o->setup_sects = number("--setup-sects", optarg);
			break;
		case 't':
			o->trailer = number("--trailer", optarg);
			break;
		case 'g':
			o->signature = number("--signature", optarg);
			break;
		case 'k':
			o->kernel_info = 0;
			break;
		case 'y':
			o->syssize = number("--syssize", optarg);
			break;
		case 'S':
			o->short_by = number("--short", optarg);
			break;
		case 'o':
			o->payload_offset = number("--payload-offset", optarg);
			break;
		case 'l':
			o->payload_length = number("--payload-length", optarg);
			break;
		case 'i':
			o->init_size = number("--init-size", optarg);
			break;
		case 'f':
			o->loadflags = number("--loadflags", optarg);
			break;
		case 'x':
			o->xloadflags = number("--xloadflags", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (o->setup_sects > 255) {
		fprintf(stderr, "mkbzimage: --setup-sects: %u is over 255\n",
			o->setup_sects);
		exit(2);
	}
	if (argc - optind != 2) {
		usage(stderr);
		exit(2);
	}
	o->in = argv[optind];
	o->out = argv[optind + 1];
}

/* The payload file, with the trailer appended when asked. */
static uint8_t *read_payload(const struct opts *o, size_t *size)
{
	FILE *f = fopen(o->in, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f) {
		fprintf(stderr, "mkbzimage: %s: %s\n", o->in, strerror(errno));
		exit(1);
	}
	do {
		if (cap - n < 65536) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fprintf(stderr, "mkbzimage: out of memory\n");
				exit(1);
			}
		}
		got = fread(buf + n, 1, cap - n - 4, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		fprintf(stderr, "mkbzimage: %s: read error\n", o->in);
		exit(1);
	}
	fclose(f);
	if (o->trailer >= 0) {
		put_le32(buf + n, (uint32_t)o->trailer);
		n += 4;
	}
	if (n < 4) {
		fprintf(stderr,
			"mkbzimage: %s: %zu bytes cannot end in a "
			"4-byte size trailer\n",
			o->in, n);
		exit(2);
	}
	*size = n;
	return buf;
}

/* An option's value, or the layout's when it was not given (-1). */
static uint32_t value_or(long long opt, uint64_t layout)
{
	return opt >= 0 ? (uint32_t)opt : (uint32_t)layout;
}

static void put_header(uint8_t *img, const struct opts *o, size_t pm_size,
		       size_t syssize, size_t payload_size,
		       uint32_t decompressed)
{
	uint64_t init_size;

	img[SH_OFF(setup_sects)] = o->setup_sects;
	put_le16(img + SH_OFF(root_flags), 1);
	put_le32(img + SH_OFF(syssize), value_or(o->syssize, syssize / 16));
	put_le16(img + SH_OFF(vid_mode), 0xffff);
	put_le16(img + SH_OFF(boot_flag), BOOT_FLAG_MAGIC);
	/* A short jump over the header, as the real setup starts with. */
	img[SH_OFF(jump)] = JMP_SHORT;
	img[SH_OFF(jump) + 1] = SETUP_HEADER_END - (SH_OFF(jump) + 2);
	put_le32(img + SH_OFF(header), HDRS_MAGIC);
	put_le16(img + SH_OFF(version), o->version);
	put_le16(img + SH_OFF(start_sys_seg), 0x1000);
	put_le16(img + SH_OFF(kernel_version), KERNEL_VERSION_AT - 0x200);
	img[SH_OFF(loadflags)] = o->loadflags;
	put_le16(img + SH_OFF(setup_move_size), 0x8000);
	put_le32(img + SH_OFF(code32_start), CODE32_START_DEFAULT);
	put_le32(img + SH_OFF(initrd_addr_max), 0x7fffffff);
	put_le32(img + SH_OFF(kernel_alignment), 0x200000);
	img[SH_OFF(relocatable_kernel)] = 1;
	img[SH_OFF(min_alignment)] = 21;
	put_le16(img + SH_OFF(xloadflags), o->xloadflags);
	put_le32(img + SH_OFF(cmdline_size), 2047);
	put_le32(img + SH_OFF(payload_offset),
		 value_or(o->payload_offset, PM_PAYLOAD_AT));
	put_le32(img + SH_OFF(payload_length),
		 value_or(o->payload_length, payload_size));
	put_le64(img + SH_OFF(pref_address), 0x1000000);
	/* Room for the decompressed kernel and then some, as the kernel's
	 * own init_size covers its decompressor's needs too. */
	init_size = (decompressed > pm_size ? decompressed : pm_size);
	init_size = align_up(init_size + (2u << 20), 4096);
	if (init_size > 0xfffff000)
		init_size = 0xfffff000;
	put_le32(img + SH_OFF(init_size), value_or(o->init_size, init_size));
	put_le32(img + SH_OFF(kernel_info_offset),
		 o->kernel_info ? PM_STUB_SIZE : 0);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.version = BOOT_PROTOCOL_MAX,
		.setup_sects = 1,
		.syssize = -1,
		.payload_offset = -1,
		.payload_length = -1,
		.init_size = -1,
		.trailer = -1,
		.signature = 0,
		.loadflags = LOADED_HIGH,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
		.kernel_info = 1,
	};
	size_t payload_size, setup_size, pm_size, syssize, total;
	uint8_t *payload, *img, *pm;
	FILE *f;

	parse_args(argc, argv, &o);
	payload = read_payload(&o, &payload_size);
	setup_size =
		((o.setup_sects ? o.setup_sects : SETUP_SECTS_DEFAULT) + 1) *
		BOOT_SECTOR_SIZE;
	syssize = align_up(PM_PAYLOAD_AT + payload_size + o.short_by, 16);
	pm_size = syssize - o.short_by;
	total = setup_size + pm_size + o.signature;
	img = calloc(1, total);
	if (!img) {
		fprintf(stderr, "mkbzimage: out of memory\n");
		return 1;
	}
	put_header(img, &o, pm_size, syssize, payload_size,
		   get_le32(payload + payload_size - 4));
	snprintf((char *)img + KERNEL_VERSION_AT, 64,
		 "directboot-mkbzimage (synthetic payload wrapper)");

	pm = img + setup_size;
	memset(pm, HLT, PM_STUB_SIZE);
	put_le32(pm + PM_STUB_SIZE, KERNEL_INFO_MAGIC);
	put_le32(pm + PM_STUB_SIZE + 4, sizeof(struct kernel_info));
	put_le32(pm + PM_STUB_SIZE + 8, sizeof(struct kernel_info));
	put_le32(pm + PM_STUB_SIZE + 12, SETUP_TYPE_MAX);
	memcpy(pm + PM_PAYLOAD_AT, payload, payload_size);
	/* The signature stand-in: not counted by syssize. */
	memset(img + setup_size + pm_size, 0xa5, o.signature);

	f = fopen(o.out, "wb");
	if (!f || fwrite(img, 1, total, f) != total || fclose(f)) {
		fprintf(stderr, "mkbzimage: %s: %s\n", o.out, strerror(errno));
		return 1;
	}
	free(img);
	free(payload);
	return 0;
}
