/* SPDX-License-Identifier: MIT */
/*
 * The transcript checker's own tests: hand-made transcripts, each with
 * one thing a bad loader would get wrong, and each must be flagged by
 * the check named for it (and a clean one must pass every check).
 *
 * probe_check.o comes from tests/probecheck/ (probe/probe.mk adds it to
 * this binary's link), so the unit test exercises the very object the
 * probe_check command runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe_abi.h"
#include "probe_check.h"

#define INITRD_LEN 4096

static uint8_t initrd[INITRD_LEN];

/* A 32-bit boot as a correct loader leaves it: kernel at 16 MiB,
 * boot_params at 0x7000, cmdline at 0x20000, initrd at 0x3000000. */
static const char *const good32[] = {
	"PROBE BEGIN entry=32",
	"RUN_ADDR=0x1000000",
	"INIT_SIZE=0x17000",
	"ESI=0x7000",
	"EDI=0x0",
	"EBX=0x0",
	"EBP=0x0",
	"ESP=0x0",
	"EFLAGS=0x2",
	"IF=0x0",
	"CS=0x10",
	"DS=0x18",
	"ES=0x18",
	"SS=0x18",
	"FS=0x18",
	"GS=0x18",
	"CR0=0x11",
	"CR3=0x0",
	"CR4=0x0",
	"EFER=0x0",
	"GDTR_BASE=0x6000",
	"GDTR_LIMIT=0x1f",
	"CS_DESC=0xcf9b000000ffff",
	"DS_DESC=0xcf93000000ffff",
	"ES_DESC=0xcf93000000ffff",
	"SS_DESC=0xcf93000000ffff",
	"KEEP_SEGMENTS=0x0",
	"SEGMENTS=reloaded",
	"SUBARCH_PATH=pc",
	"BOOT_PARAMS=0x7000",
	"BP_HEADER=0x53726448",
	"TYPE_OF_LOADER=0xff",
	"HARDWARE_SUBARCH=0x0",
	"HARDWARE_SUBARCH_DATA=0x0",
	"E820_ENTRIES=0x3",
	"E820=0x0 0x9fc00 0x1",
	"E820=0x9fc00 0x60400 0x2",
	"E820=0x100000 0x3f00000 0x1",
	"SETUP_DATA_PTR=0x0",
	"CMDLINE_ADDR=0x20000",
	"CMDLINE_LEN=0x10",
	"CMDLINE=\"console=ttyS0 q\"",
	"INITRD_ADDR=0x3000000",
	"INITRD_SIZE=0x1000",
	"INITRD_CRC32=@CRC@",
	"PROBE END",
	NULL,
};

/*
 * The base transcript with replacements: "OLD LINE|NEW LINE" swaps that
 * exact line, "KEY=new value" every line of that key, and "KEY=" alone
 * drops them.
 */
static char *build(const char *const *base, const char *const *repl)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char crc[16];

	assert_non_null(f);
	snprintf(crc, sizeof(crc), "0x%x", probe_crc32(initrd, INITRD_LEN));
	for (size_t i = 0; base[i]; i++) {
		const char *line = base[i];
		size_t klen = strcspn(line, "=");

		for (size_t r = 0; repl && repl[r]; r++) {
			const char *bar = strchr(repl[r], '|');

			if (bar && strlen(line) == (size_t)(bar - repl[r]) &&
			    !strncmp(repl[r], line, bar - repl[r])) {
				line = bar + 1;
				break;
			}
			if (!bar && line[klen] == '=' &&
			    !strncmp(repl[r], line, klen + 1))
				line = repl[r];
		}
		klen = strcspn(line, "=");
		if (line[klen] == '=' && !line[klen + 1])
			continue;
		if (!strcmp(line, "INITRD_CRC32=@CRC@"))
			fprintf(f, "INITRD_CRC32=%s\n", crc);
		else
			fprintf(f, "%s\n", line);
	}
	fclose(f);
	return out;
}

/* Runs the checker; returns its output, and the failure count in *failed. */
static char *run(const char *text, const struct probe_expect *x,
		 unsigned int *failed)
{
	struct probe_transcript t;
	struct probe_result res;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(probe_transcript_parse(text, strlen(text), &t), 0);
	*failed = probe_check(&t, x, f, &res);
	fclose(f);
	assert_int_equal(*failed, res.failed);
	probe_transcript_free(&t);
	return out;
}

static void expect32(struct probe_expect *x)
{
	probe_expect_init(x, PROBE_KIND_32);
	x->cmdline = "console=ttyS0 q";
	x->initrd = initrd;
	x->initrd_len = INITRD_LEN;
	x->has_initrd = true;
	x->mem = 64 << 20;
}

/* Exactly the named checks fail; everything else passes. */
static void assert_fails(const char *const *repl, const char *const *names,
			 const struct probe_expect *xp)
{
	struct probe_expect x;
	unsigned int failed, want = 0;
	char *text, *out;

	if (xp)
		x = *xp;
	else
		expect32(&x);
	text = build(good32, repl);
	out = run(text, &x, &failed);
	for (; names && names[want]; want++) {
		char needle[64];

		snprintf(needle, sizeof(needle), "FAIL %s:", names[want]);
		if (!strstr(out, needle))
			fail_msg("'%s' not flagged:\n%s", names[want], out);
	}
	if (failed != want)
		fail_msg("%u failures, want %u:\n%s", failed, want, out);
	free(out);
	free(text);
}

static void test_good_transcript_passes(void **state)
{
	(void)state;
	assert_fails(NULL, NULL, NULL);
}

static void test_wrong_cmdline(void **state)
{
	static const char *const repl[] = {"CMDLINE=\"console=ttyS0 Q\"",
					   NULL};
	static const char *const names[] = {"cmdline", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_truncated_cmdline(void **state)
{
	static const char *const repl[] = {"CMDLINE=\"console=ttyS0 \"", NULL};
	static const char *const names[] = {"cmdline", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_escaped_cmdline(void **state)
{
	static const char *const repl[] = {
		"CMDLINE=\"a\\\"b\\\\c\\x09d\\xffe\"", NULL};
	struct probe_expect x;

	(void)state;
	expect32(&x);
	x.cmdline = "a\"b\\c\td\xff" "e";
	assert_fails(repl, NULL, &x);
}

static void test_broken_quoting(void **state)
{
	/* A cut-off line: the transcript is damaged, and no command line. */
	static const char *const repl[] = {"CMDLINE=\"console=ttyS0 q", NULL};
	static const char *const names[] = {"transcript", "cmdline", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_initrd_over_kernel(void **state)
{
	static const char *const repl[] = {"INITRD_ADDR=0x1010000", NULL};
	static const char *const names[] = {"initrd-not-over-kernel", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_initrd_over_kernel_given_load(void **state)
{
	static const char *const names[] = {"initrd-not-over-kernel", NULL};
	struct probe_expect x;

	(void)state;
	expect32(&x);
	/* The launcher says it put the kernel where the initrd is. */
	x.kernel_load = 0x2fff000;
	x.init_size = 0x2000;
	assert_fails(NULL, names, &x);
}

static void test_initrd_over_boot_params(void **state)
{
	static const char *const repl[] = {"INITRD_ADDR=0x7000", NULL};
	static const char *const names[] = {"initrd-not-over-boot-params",
					    NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_initrd_unaligned_and_outside_ram(void **state)
{
	static const char *const repl[] = {"INITRD_ADDR=0x9f800", NULL};
	static const char *const names[] = {"initrd-aligned", "initrd-in-ram",
					    NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_initrd_above_addr_max(void **state)
{
	static const char *const repl[] = {
		"E820=0x100000 0x3f00000 0x1|E820=0x100000 0xbff00000 0x1",
		"INITRD_ADDR=0x90000000", NULL};
	static const char *const names[] = {"initrd-addr-max", NULL};
	struct probe_expect x;

	(void)state;
	expect32(&x);
	x.mem = 3ull << 30;
	assert_fails(repl, names, &x);
}

/* Above 4 GiB is fine, because the probe sets XLF_CAN_BE_LOADED_ABOVE_4G;
 * without that flag it is not. */
static void test_initrd_above_4g(void **state)
{
	static const char *const base[] = {
		"PROBE BEGIN entry=32", "RUN_ADDR=0x1000000",
		"INIT_SIZE=0x17000", "ESI=0x7000", "EDI=0x0", "EBX=0x0",
		"EBP=0x0", "EFLAGS=0x2", "CS=0x10", "DS=0x18", "ES=0x18",
		"SS=0x18", "CR0=0x11", "GDTR_LIMIT=0x1f",
		"CS_DESC=0xcf9b000000ffff", "DS_DESC=0xcf93000000ffff",
		"ES_DESC=0xcf93000000ffff", "SS_DESC=0xcf93000000ffff",
		"KEEP_SEGMENTS=0x0", "SEGMENTS=reloaded", "SUBARCH_PATH=pc",
		"BOOT_PARAMS=0x7000", "BP_HEADER=0x53726448",
		"TYPE_OF_LOADER=0xff", "HARDWARE_SUBARCH=0x0",
		"E820_ENTRIES=0x3", "E820=0x0 0x9fc00 0x1",
		"E820=0x100000 0xbff00000 0x1",
		"E820=0x100000000 0x40000000 0x1", "CMDLINE_ADDR=0x20000",
		"CMDLINE=\"console=ttyS0 q\"", "INITRD_ADDR=0x120000000",
		"INITRD_SIZE=0x1000", "INITRD_CRC32=@CRC@", "PROBE END", NULL};
	struct probe_expect x;
	unsigned int failed;
	char *text = build(base, NULL), *out;

	(void)state;
	expect32(&x);
	x.mem = 4ull << 30;
	out = run(text, &x, &failed);
	if (failed)
		fail_msg("%s", out);
	free(out);
	x.xloadflags = XLF_KERNEL_64;
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL initrd-addr-max:"));
	free(out);
	free(text);
}

static void test_initrd_crc_mismatch(void **state)
{
	static const char *const repl[] = {"INITRD_CRC32=0x12345678", NULL};
	static const char *const names[] = {"initrd-crc", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_initrd_missing(void **state)
{
	static const char *const repl[] = {"INITRD_ADDR=0x0",
					   "INITRD_SIZE=0x0", "INITRD_CRC32=",
					   NULL};
	static const char *const names[] = {"initrd", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_e820_overlap(void **state)
{
	static const char *const repl[] = {
		"E820=0x9fc00 0x60400 0x2|E820=0x9fc00 0x70400 0x2", NULL};
	static const char *const names[] = {"e820-no-overlap", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_e820_ram_in_low_hole(void **state)
{
	static const char *const repl[] = {
		"E820=0x0 0x9fc00 0x1|E820=0x0 0xa0000 0x1", NULL};
	static const char *const names[] = {"e820-low-hole", "e820-no-overlap",
					    NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_e820_ram_in_32bit_hole(void **state)
{
	static const char *const repl[] = {
		"E820=0x100000 0x3f00000 0x1|E820=0x100000 0xfff00000 0x1",
		NULL};
	static const char *const names[] = {"e820-32bit-hole",
					    "e820-covers-mem", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_e820_short_of_mem(void **state)
{
	static const char *const repl[] = {
		"E820=0x100000 0x3f00000 0x1|E820=0x100000 0x3e00000 0x1",
		NULL};
	static const char *const names[] = {"e820-covers-mem", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_e820_empty_entry(void **state)
{
	/* microvm's qboot appends a zero-sized, typeless row. */
	static const char *const repl[] = {
		"E820_ENTRIES=0x4", "SETUP_DATA_PTR=0x0|E820=0x0 0x0 0x0",
		NULL};
	static const char *const names[] = {"e820-entries-sane", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_wrong_code_selector(void **state)
{
	static const char *const repl[] = {"CS=0x8", NULL};
	static const char *const names[] = {"entry-selectors", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_wrong_data_selector(void **state)
{
	static const char *const repl[] = {"SS=0x10", NULL};
	static const char *const names[] = {"entry-selectors", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_segment_not_flat(void **state)
{
	/* Base 0x10000 in the data descriptor. */
	static const char *const repl[] = {"DS_DESC=0xcf93010000ffff", NULL};
	static const char *const names[] = {"entry-descriptors", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_segment_no_gdt(void **state)
{
	/* A launcher that sets the segment caches but no GDT in memory. */
	static const char *const repl[] = {"CS_DESC=", "DS_DESC=", "ES_DESC=",
					   "SS_DESC=", NULL};
	static const char *const names[] = {"entry-descriptors", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_paging_on_at_32(void **state)
{
	static const char *const repl[] = {"CR0=0x80000011", NULL};
	static const char *const names[] = {"entry-paging", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_interrupts_on(void **state)
{
	static const char *const repl[] = {"EFLAGS=0x202", NULL};
	static const char *const names[] = {"entry-if", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_nonzero_regs(void **state)
{
	static const char *const repl[] = {"EBX=0x1", NULL};
	static const char *const names[] = {"entry-zero-regs", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_esi_not_boot_params(void **state)
{
	static const char *const repl[] = {"BP_HEADER=0x0", NULL};
	static const char *const names[] = {"entry-boot-params", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_type_of_loader_zero(void **state)
{
	static const char *const repl[] = {"TYPE_OF_LOADER=0x0", NULL};
	static const char *const names[] = {"type-of-loader", NULL};

	(void)state;
	assert_fails(repl, names, NULL);
}

static void test_keep_segments(void **state)
{
	/* The loader set KEEP_SEGMENTS with its own selectors: the state
	 * checks on selectors no longer apply, the probe must have kept. */
	static const char *const repl[] = {"CS=0x8", "DS=0x20",
					   "KEEP_SEGMENTS=0x1",
					   "SEGMENTS=kept", NULL};
	struct probe_expect x;

	(void)state;
	expect32(&x);
	x.keep_segments = true;
	assert_fails(repl, NULL, &x);
	/* Asked to set it, but the zero page said otherwise. */
	static const char *const names[] = {"keep-segments", NULL};

	assert_fails(NULL, names, &x);
}

static void test_subarch_path(void **state)
{
	static const char *const base[] = {
		"PROBE BEGIN entry=32", "RUN_ADDR=0x1000000", "ESI=0x7000",
		"EDI=0x0", "EBX=0x0", "EBP=0x0", "EFLAGS=0x2", "CS=0x10",
		"DS=0x18", "ES=0x18", "SS=0x18", "CR0=0x11",
		"CS_DESC=0xcf9b000000ffff", "DS_DESC=0xcf93000000ffff",
		"ES_DESC=0xcf93000000ffff", "SS_DESC=0xcf93000000ffff",
		"KEEP_SEGMENTS=0x0", "SEGMENTS=reloaded",
		"SUBARCH_PATH=lguest", "BOOT_PARAMS=0x7000",
		"BP_HEADER=0x53726448", "HARDWARE_SUBARCH=0x1",
		"HARDWARE_SUBARCH_DATA=0x1234", "PROBE END", NULL};
	static const char *const bad_path[] = {"SUBARCH_PATH=pc", NULL};
	struct probe_expect x;
	unsigned int failed;
	char *text = build(base, NULL), *out;

	(void)state;
	expect32(&x);
	x.subarch = X86_SUBARCH_LGUEST;
	x.has_subarch_data = true;
	x.subarch_data = 0x1234;
	out = run(text, &x, &failed);
	if (failed)
		fail_msg("%s", out);
	free(out);
	x.subarch_data = 0x1235;
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL subarch-data:"));
	free(out);
	free(text);
	x.subarch_data = 0x1234;
	text = build(base, bad_path);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL subarch:"));
	free(out);
	free(text);
}

static void test_truncated_transcript(void **state)
{
	char *text = build(good32, NULL), *out;
	struct probe_expect x;
	unsigned int failed;

	(void)state;
	/* The probe stopped mid-report. */
	out = strstr(text, "PROBE END");
	assert_non_null(out);
	*out = 0;
	expect32(&x);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL transcript:"));
	free(out);
	free(text);
}

static void test_no_transcript(void **state)
{
	struct probe_expect x;
	unsigned int failed;
	char *out;

	(void)state;
	expect32(&x);
	out = run("SeaBIOS\r\nBooting from ROM..\r\n", &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL transcript:"));
	assert_non_null(strstr(out, "0 passed, 1 failed"));
	free(out);
}

static void test_firmware_noise_before_begin(void **state)
{
	char *text = build(good32, NULL), *t2, *out;
	struct probe_expect x;
	unsigned int failed;

	(void)state;
	assert_true(asprintf(&t2, "\x1b[2JSeaBIOS\r\nBooting from ROM..%s",
			     text) > 0);
	expect32(&x);
	out = run(t2, &x, &failed);
	if (failed)
		fail_msg("%s", out);
	free(out);
	free(t2);
	free(text);
}

static void test_wrong_entry_kind(void **state)
{
	struct probe_expect x;

	(void)state;
	expect32(&x);
	x.entry = PROBE_KIND_64;
	char *text = build(good32, NULL), *out;
	unsigned int failed;

	out = run(text, &x, &failed);
	assert_non_null(strstr(out, "FAIL entry:"));
	assert_non_null(strstr(out, "FAIL entry-long-mode:"));
	free(out);
	free(text);
}

static void test_64_long_mode(void **state)
{
	static const char *const base[] = {
		"PROBE BEGIN entry=64", "RUN_ADDR=0x1000000",
		"INIT_SIZE=0x17000", "RSI=0x7000", "EFLAGS=0x2", "CS=0x10",
		"DS=0x18", "ES=0x18", "SS=0x18", "CR0=0x80000011",
		"CR4=0x20", "EFER=0x500", "CS_DESC=0xaf9b000000ffff",
		"DS_DESC=0xcf93000000ffff", "ES_DESC=0xcf93000000ffff",
		"SS_DESC=0xcf93000000ffff", "BOOT_PARAMS=0x7000",
		"BP_HEADER=0x53726448", "TYPE_OF_LOADER=0xff",
		"E820_ENTRIES=0x2", "E820=0x0 0x9fc00 0x1",
		"E820=0x100000 0x3f00000 0x1", "CMDLINE_ADDR=0x20000",
		"CMDLINE=\"console=ttyS0 q\"", "INITRD_ADDR=0x3000000",
		"INITRD_SIZE=0x1000", "INITRD_CRC32=@CRC@", "PROBE END", NULL};
	static const char *const no_lma[] = {"EFER=0x100", NULL};
	static const char *const cs32[] = {"CS_DESC=0xcf9b000000ffff", NULL};
	struct probe_expect x;
	unsigned int failed;
	char *text, *out;

	(void)state;
	expect32(&x);
	x.entry = PROBE_KIND_64;
	text = build(base, NULL);
	out = run(text, &x, &failed);
	if (failed)
		fail_msg("%s", out);
	free(out);
	free(text);
	text = build(base, no_lma);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL entry-long-mode:"));
	free(out);
	free(text);
	text = build(base, cs32);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL entry-descriptors:"));
	free(out);
	free(text);
	x.kernel_alignment = 1 << 25;
	text = build(base, NULL);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "FAIL load-aligned:"));
	free(out);
	free(text);
}

static void test_pvh_state(void **state)
{
	static const char *const base[] = {
		"PROBE BEGIN entry=pvh", "RUN_ADDR=0x1000000",
		"INIT_SIZE=0x17000", "ESI=0x0", "EBX=0x7000", "EFLAGS=0x2",
		"CS=0x8", "DS=0x10", "ES=0x10", "SS=0x10", "CR0=0x11",
		"CR4=0x0", "START_INFO=0x7000", "PVH_MAGIC=0x336ec578",
		"PVH_VERSION=0x1", "E820_ENTRIES=0x2", "E820=0x0 0x9fc00 0x1",
		"E820=0x100000 0x3f00000 0x1", "INITRD_ADDR=0x3000000",
		"INITRD_SIZE=0x1000", "INITRD_CRC32=@CRC@",
		"CMDLINE_ADDR=0x20000", "CMDLINE=\"console=ttyS0 q\"",
		"PROBE END", NULL};
	static const char *const bad[] = {"CR4=0x20", "CR0=0x80000011",
					  "EFLAGS=0x202",
					  "PVH_MAGIC=0x336ec579", NULL};
	struct probe_expect x;
	unsigned int failed;
	char *text, *out;

	(void)state;
	expect32(&x);
	x.entry = PROBE_KIND_PVH;
	text = build(base, NULL);
	out = run(text, &x, &failed);
	if (failed)
		fail_msg("%s", out);
	assert_non_null(strstr(out, "skip entry-descriptors:"));
	free(out);
	free(text);
	text = build(base, bad);
	out = run(text, &x, &failed);
	assert_int_equal(failed, 5);
	assert_non_null(strstr(out, "FAIL entry-cr4:"));
	assert_non_null(strstr(out, "FAIL entry-cr0:"));
	assert_non_null(strstr(out, "FAIL entry-paging:"));
	assert_non_null(strstr(out, "FAIL entry-eflags:"));
	assert_non_null(strstr(out, "FAIL entry-start-info:"));
	free(out);
	free(text);
}

static void test_entry_parse(void **state)
{
	enum probe_entry_kind k;

	(void)state;
	assert_true(probe_entry_parse("pvh", &k));
	assert_int_equal(k, PROBE_KIND_PVH);
	assert_true(probe_entry_parse("16", &k));
	assert_int_equal(k, PROBE_KIND_16);
	assert_false(probe_entry_parse("elf", &k));
	/* zlib's check value for "123456789". */
	assert_int_equal(probe_crc32((const uint8_t *)"123456789", 9),
			 0xcbf43926);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_transcript_passes),
		cmocka_unit_test(test_wrong_cmdline),
		cmocka_unit_test(test_truncated_cmdline),
		cmocka_unit_test(test_escaped_cmdline),
		cmocka_unit_test(test_broken_quoting),
		cmocka_unit_test(test_initrd_over_kernel),
		cmocka_unit_test(test_initrd_over_kernel_given_load),
		cmocka_unit_test(test_initrd_over_boot_params),
		cmocka_unit_test(test_initrd_unaligned_and_outside_ram),
		cmocka_unit_test(test_initrd_above_addr_max),
		cmocka_unit_test(test_initrd_above_4g),
		cmocka_unit_test(test_initrd_crc_mismatch),
		cmocka_unit_test(test_initrd_missing),
		cmocka_unit_test(test_e820_overlap),
		cmocka_unit_test(test_e820_ram_in_low_hole),
		cmocka_unit_test(test_e820_ram_in_32bit_hole),
		cmocka_unit_test(test_e820_short_of_mem),
		cmocka_unit_test(test_e820_empty_entry),
		cmocka_unit_test(test_wrong_code_selector),
		cmocka_unit_test(test_wrong_data_selector),
		cmocka_unit_test(test_segment_not_flat),
		cmocka_unit_test(test_segment_no_gdt),
		cmocka_unit_test(test_paging_on_at_32),
		cmocka_unit_test(test_interrupts_on),
		cmocka_unit_test(test_nonzero_regs),
		cmocka_unit_test(test_esi_not_boot_params),
		cmocka_unit_test(test_type_of_loader_zero),
		cmocka_unit_test(test_keep_segments),
		cmocka_unit_test(test_subarch_path),
		cmocka_unit_test(test_truncated_transcript),
		cmocka_unit_test(test_no_transcript),
		cmocka_unit_test(test_firmware_noise_before_begin),
		cmocka_unit_test(test_wrong_entry_kind),
		cmocka_unit_test(test_64_long_mode),
		cmocka_unit_test(test_pvh_state),
		cmocka_unit_test(test_entry_parse),
	};

	for (size_t i = 0; i < INITRD_LEN; i++)
		initrd[i] = (uint8_t)(i * 7 + 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
