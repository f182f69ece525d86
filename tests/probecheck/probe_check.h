/* SPDX-License-Identifier: MIT */
/*
 * The probe's transcript checker, as a library: parse what the probe
 * guest printed (probe/README.md gives the format) and check it against
 * what the launcher was asked for and what the boot protocol requires
 * for the entry used.  tests/probecheck/main.c is its command line;
 * other tests may link probe_check.o and call it directly.
 */
#ifndef PROBE_CHECK_H
#define PROBE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct probe_kv {
	char *key;
	char *value;
};

struct probe_range {
	uint64_t addr;
	uint64_t size;
	uint64_t type;
};

struct probe_transcript {
	bool begun;          /* "PROBE BEGIN entry=" seen */
	bool ended;          /* "PROBE END" seen after it */
	char entry[8];       /* "16", "32", "64", "pvh" */
	struct probe_kv *kv; /* every KEY=VALUE line, in order */
	size_t nkv;
	size_t malformed;    /* lines between BEGIN and END without '=' */
	struct probe_range *e820; /* the E820= rows */
	size_t ne820;
	bool has_cmdline;
	char *cmdline;       /* CMDLINE="...", unescaped */
	size_t cmdline_len;
};

enum probe_entry_kind {
	PROBE_KIND_16,
	PROBE_KIND_32,
	PROBE_KIND_64,
	PROBE_KIND_PVH,
};

/* What the launcher was asked to do, and the image's own numbers. */
struct probe_expect {
	enum probe_entry_kind entry;
	const char *cmdline;      /* NULL: not checked */
	const uint8_t *initrd;    /* with has_initrd; else no initrd expected */
	size_t initrd_len;
	bool has_initrd;
	uint64_t mem;             /* guest RAM asked for; 0: not checked */
	uint64_t e820_slack;      /* RAM the firmware/holes may take from mem */
	bool keep_segments;       /* loader set KEEP_SEGMENTS */
	uint32_t subarch;         /* hardware_subarch given */
	bool has_subarch_data;
	uint64_t subarch_data;
	uint64_t kernel_load;     /* 0: the transcript's RUN_ADDR */
	uint64_t init_size;       /* 0: the transcript's INIT_SIZE */
	uint64_t initrd_addr_max;
	uint16_t xloadflags;
	uint64_t kernel_alignment; /* 0: not checked */
};

/* Defaults: the probe's own header values, 1 MiB of e820 slack. */
void probe_expect_init(struct probe_expect *x, enum probe_entry_kind entry);

/* "16", "32", "64" or "pvh"; false for anything else. */
bool probe_entry_parse(const char *s, enum probe_entry_kind *kind);

/* Returns 0, or -1 when out of memory; a transcript without a BEGIN
 * line parses to begun == false, which the checks then flag. */
int probe_transcript_parse(const char *text, size_t len,
			   struct probe_transcript *t);
void probe_transcript_free(struct probe_transcript *t);

/* The value of the first KEY= line, or NULL. */
const char *probe_transcript_str(const struct probe_transcript *t,
				 const char *key);
/* The first KEY= line as a number; false if absent or not a number. */
bool probe_transcript_u64(const struct probe_transcript *t, const char *key,
			  uint64_t *v);

struct probe_result {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

/* Runs every check, one line each to out (NULL: silent), and returns
 * the number failed. */
unsigned int probe_check(const struct probe_transcript *t,
			 const struct probe_expect *x, FILE *out,
			 struct probe_result *res);

/* zlib's CRC-32 of a buffer, as the probe reports INITRD_CRC32. */
uint32_t probe_crc32(const uint8_t *p, size_t n);

#endif
