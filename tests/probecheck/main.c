/* SPDX-License-Identifier: MIT */
/*
 * probe_check: check a probe transcript against what the launcher was
 * asked for.  One line per check, then "N passed, M failed"; exit 0 only
 * when nothing failed, 1 when something did, 2 for bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_check.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: probe_check --transcript FILE --entry 16|32|64|pvh "
		"[OPTIONS]\n"
		"Check what the probe guest reported on COM1 against what its "
		"loader was asked.\n\n"
		"  --transcript FILE     the probe's serial output\n"
		"  --entry KIND          the entry the loader used\n"
		"  --cmdline STR         the command line asked for (exact)\n"
		"  --initrd FILE         the initrd asked for (none: no initrd "
		"expected)\n"
		"  --mem SIZE            guest RAM asked for (K/M/G suffixes)\n"
		"  --e820-slack SIZE     RAM e820 may leave out (default 1M)\n"
		"  --keep-segments       the loader set KEEP_SEGMENTS\n"
		"  --subarch N           the hardware_subarch it set "
		"(default 0)\n"
		"  --subarch-data X      the hardware_subarch_data it set\n"
		"  --kernel-load ADDR    where it loaded the kernel (default: "
		"RUN_ADDR)\n"
		"  --init-size N         the kernel's init_size (default: "
		"INIT_SIZE)\n"
		"  --initrd-addr-max X   default 0x7fffffff, the probe's\n"
		"  --xloadflags X        default 0x3, the probe's\n"
		"  --kernel-alignment X  default 0x200000; 0 skips the check\n"
		"  --quiet               print only the total line\n");
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);

	switch (*end) {
	case 'k': case 'K':
		n <<= 10, end++;
		break;
	case 'm': case 'M':
		n <<= 20, end++;
		break;
	case 'g': case 'G':
		n <<= 30, end++;
		break;
	}
	if (end == s || *end)
		return -1;
	*v = n;
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

enum {
	OPT_TRANSCRIPT = 256, OPT_ENTRY, OPT_CMDLINE, OPT_INITRD, OPT_MEM,
	OPT_SLACK, OPT_KEEP, OPT_SUBARCH, OPT_SUBARCH_DATA, OPT_LOAD,
	OPT_INIT_SIZE, OPT_ADDR_MAX, OPT_XLF, OPT_ALIGN, OPT_QUIET, OPT_HELP,
};

static const struct option options[] = {
	{"transcript", required_argument, NULL, OPT_TRANSCRIPT},
	{"entry", required_argument, NULL, OPT_ENTRY},
	{"cmdline", required_argument, NULL, OPT_CMDLINE},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"mem", required_argument, NULL, OPT_MEM},
	{"e820-slack", required_argument, NULL, OPT_SLACK},
	{"keep-segments", no_argument, NULL, OPT_KEEP},
	{"subarch", required_argument, NULL, OPT_SUBARCH},
	{"subarch-data", required_argument, NULL, OPT_SUBARCH_DATA},
	{"kernel-load", required_argument, NULL, OPT_LOAD},
	{"init-size", required_argument, NULL, OPT_INIT_SIZE},
	{"initrd-addr-max", required_argument, NULL, OPT_ADDR_MAX},
	{"xloadflags", required_argument, NULL, OPT_XLF},
	{"kernel-alignment", required_argument, NULL, OPT_ALIGN},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "probe_check: bad value for --%s: '%s'\n", opt, arg);
	return 2;
}

int main(int argc, char **argv)
{
	const char *transcript = NULL, *entry = NULL, *initrd = NULL;
	struct probe_expect x;
	struct probe_transcript t;
	struct probe_result res;
	char *text, *rd = NULL;
	size_t len, rdlen = 0;
	bool quiet = false;
	uint64_t v;
	int opt, ret;

	probe_expect_init(&x, PROBE_KIND_32);
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_TRANSCRIPT:
			transcript = optarg;
			break;
		case OPT_ENTRY:
			entry = optarg;
			break;
		case OPT_CMDLINE:
			x.cmdline = optarg;
			break;
		case OPT_INITRD:
			initrd = optarg;
			break;
		case OPT_MEM:
			if (parse_size(optarg, &x.mem))
				return bad("mem", optarg);
			break;
		case OPT_SLACK:
			if (parse_size(optarg, &x.e820_slack))
				return bad("e820-slack", optarg);
			break;
		case OPT_KEEP:
			x.keep_segments = true;
			break;
		case OPT_SUBARCH:
			if (parse_size(optarg, &v) || v > UINT32_MAX)
				return bad("subarch", optarg);
			x.subarch = (uint32_t)v;
			break;
		case OPT_SUBARCH_DATA:
			if (parse_size(optarg, &x.subarch_data))
				return bad("subarch-data", optarg);
			x.has_subarch_data = true;
			break;
		case OPT_LOAD:
			if (parse_size(optarg, &x.kernel_load))
				return bad("kernel-load", optarg);
			break;
		case OPT_INIT_SIZE:
			if (parse_size(optarg, &x.init_size))
				return bad("init-size", optarg);
			break;
		case OPT_ADDR_MAX:
			if (parse_size(optarg, &x.initrd_addr_max))
				return bad("initrd-addr-max", optarg);
			break;
		case OPT_XLF:
			if (parse_size(optarg, &v) || v > 0xffff)
				return bad("xloadflags", optarg);
			x.xloadflags = (uint16_t)v;
			break;
		case OPT_ALIGN:
			if (parse_size(optarg, &x.kernel_alignment) ||
			    (x.kernel_alignment & (x.kernel_alignment - 1)))
				return bad("kernel-alignment", optarg);
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!transcript || !entry || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!probe_entry_parse(entry, &x.entry))
		return bad("entry", entry);
	text = slurp(transcript, &len);
	if (!text) {
		perror(transcript);
		return 2;
	}
	if (initrd) {
		rd = slurp(initrd, &rdlen);
		if (!rd) {
			perror(initrd);
			free(text);
			return 2;
		}
		x.initrd = (const uint8_t *)rd;
		x.initrd_len = rdlen;
		x.has_initrd = true;
	}
	if (probe_transcript_parse(text, len, &t)) {
		fprintf(stderr, "probe_check: out of memory\n");
		ret = 2;
	} else {
		ret = probe_check(&t, &x, quiet ? NULL : stdout, &res) ? 1 : 0;
		if (quiet)
			printf("%u passed, %u failed\n", res.passed,
			       res.failed);
		probe_transcript_free(&t);
	}
	free(rd);
	free(text);
	return ret;
}
