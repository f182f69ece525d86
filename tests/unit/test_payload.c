/* SPDX-License-Identifier: MIT */
/*
 * lib/payload.c and its seven decoders.  Every payload here is built in
 * the test with the format's own library compressor (the lzop container
 * and the lz4 legacy frame are assembled around liblzo2's and liblz4's
 * block compressors), then the kernel's le32 size trailer is appended,
 * as arch/x86/boot/compressed/Makefile does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "bytes.h"
#include "directboot/payload.h"

struct buf {
	uint8_t *p;
	size_t n;
};

/* Text-like, compressible, deterministic: what a kernel image is to a
 * compressor, more or less. */
static struct buf sample(size_t n, uint32_t seed)
{
	static const char *words[] = {
		"vmlinux",     " ",  "\177ELF",	 "\0\0\0\0",
		"boot_params", "\n", "\xff\xfe", "payload_offset",
		"0123456789"};
	struct buf b = {malloc(n), n};
	size_t pos = 0;

	assert_non_null(b.p);
	while (pos < n) {
		seed = seed * 1103515245 + 12345;
		const char *w = words[(seed >> 16) % 9];
		size_t len = (seed >> 16) % 9 == 3 ? 4 : strlen(w);

		if ((seed >> 8) % 7 == 0) {
			b.p[pos++] = (uint8_t)(seed >> 24);
			continue;
		}
		for (size_t i = 0; i < len && pos < n; i++)
			b.p[pos++] = (uint8_t)w[i];
	}
	return b;
}

/* Incompressible bytes, to make lzop store blocks as they are. */
static struct buf noise(size_t n, uint32_t seed)
{
	struct buf b = {malloc(n), n};

	assert_non_null(b.p);
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		b.p[i] = (uint8_t)seed;
	}
	return b;
}

static void add_trailer(struct buf *b, uint32_t size)
{
	b->p = realloc(b->p, b->n + 4);
	assert_non_null(b->p);
	put_le32(b->p + b->n, size);
	b->n += 4;
}

static struct buf make_gzip(const struct buf *in)
{
	z_stream s = {0};
	struct buf b;

	assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	b.n = deflateBound(&s, in->n);
	b.p = malloc(b.n);
	s.next_in = in->p;
	s.avail_in = in->n;
	s.next_out = b.p;
	s.avail_out = b.n;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	b.n = s.total_out;
	deflateEnd(&s);
	return b; /* the gzip ISIZE is the size trailer */
}

static struct buf make_bzip2(const struct buf *in)
{
	unsigned int n = in->n + in->n / 100 + 600;
	struct buf b = {malloc(n), 0};

	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)b.p, &n,
						  (char *)in->p, in->n, 9, 0,
						  0),
			 BZ_OK);
	b.n = n;
	add_trailer(&b, in->n);
	return b;
}

static struct buf make_xz(const struct buf *in)
{
	size_t cap = lzma_stream_buffer_bound(in->n);
	struct buf b = {malloc(cap), 0};

	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL,
						 in->p, in->n, b.p, &b.n, cap),
			 LZMA_OK);
	add_trailer(&b, in->n);
	return b;
}

static struct buf make_lzma(const struct buf *in)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	size_t cap = in->n + in->n / 2 + 4096;
	struct buf b = {malloc(cap), 0};

	assert_false(lzma_lzma_preset(&opt, 6));
	/* A 1 MiB dictionary: 5d 00 00 10 00, the legacy magic. */
	opt.dict_size = 1u << 20;
	assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
	s.next_in = in->p;
	s.avail_in = in->n;
	s.next_out = b.p;
	s.avail_out = cap;
	assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	b.n = s.total_out;
	lzma_end(&s);
	add_trailer(&b, in->n);
	return b;
}

/* With a checksum, as the zstd CLI (and so the kernel's build) writes. */
static struct buf make_zstd(const struct buf *in)
{
	size_t cap = ZSTD_compressBound(in->n);
	struct buf b = {malloc(cap), 0};
	ZSTD_CCtx *cctx = ZSTD_createCCtx();

	assert_false(ZSTD_isError(
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)));
	b.n = ZSTD_compress2(cctx, b.p, cap, in->p, in->n);
	assert_false(ZSTD_isError(b.n));
	ZSTD_freeCCtx(cctx);
	add_trailer(&b, in->n);
	return b;
}

#define LZ4_LEGACY_BLOCK (8u << 20)

/* `lz4 -l`: magic, then le32 size + block, 8 MiB of input a block. */
static struct buf make_lz4(const struct buf *in)
{
	size_t nblocks = in->n / LZ4_LEGACY_BLOCK + 1;
	size_t cap = 4 + nblocks * (4 + LZ4_compressBound(LZ4_LEGACY_BLOCK));
	struct buf b = {malloc(cap), 4};

	put_le32(b.p, 0x184c2102);
	for (size_t off = 0; off < in->n; off += LZ4_LEGACY_BLOCK) {
		size_t len = in->n - off < LZ4_LEGACY_BLOCK ? in->n - off
							    : LZ4_LEGACY_BLOCK;
		int c = LZ4_compress_default((char *)in->p + off,
					     (char *)b.p + b.n + 4, len,
					     cap - b.n - 4);

		assert_true(c > 0);
		put_le32(b.p + b.n, c);
		b.n += 4 + c;
	}
	add_trailer(&b, in->n);
	return b;
}

/* The lzop container, as lzop 1.04 writes it. */
#define LZOP_BLOCK (256u << 10)
#define F_ADLER32_D 0x1u
#define F_ADLER32_C 0x2u
#define F_CRC32_D 0x100u
#define F_H_CRC32 0x1000u

static void put_be(struct buf *b, uint32_t v, unsigned bytes)
{
	while (bytes--)
		b->p[b->n++] = (uint8_t)(v >> (8 * bytes));
}

static uint32_t lzop_sum(bool crc, const uint8_t *p, size_t n)
{
	return crc ? crc32(0, p, n) : adler32(1, p, n);
}

static struct buf make_lzo_flags(const struct buf *in, uint32_t flags)
{
	static const uint8_t magic[9] = {0x89, 0x4c, 0x5a, 0x4f, 0x00,
					 0x0d, 0x0a, 0x1a, 0x0a};
	size_t cap = 64 + in->n + in->n / 16 + 64 + 3 +
		     (in->n / LZOP_BLOCK + 1) * 20;
	struct buf b = {malloc(cap), 0};
	uint8_t *wrk = malloc(LZO1X_1_MEM_COMPRESS);
	uint8_t *tmp = malloc(LZOP_BLOCK + LZOP_BLOCK / 16 + 64 + 3);
	bool hcrc = flags & F_H_CRC32, dcrc = !(flags & F_ADLER32_D);

	assert_int_equal(lzo_init(), LZO_E_OK);
	memcpy(b.p, magic, 9);
	b.n = 9;
	put_be(&b, 0x1040, 2); /* version */
	put_be(&b, 0x20a0, 2); /* lib_version */
	put_be(&b, 0x0940, 2); /* version_needed */
	put_be(&b, 1, 1);      /* method: M_LZO1X_1 */
	put_be(&b, 5, 1);      /* level */
	put_be(&b, flags, 4);
	put_be(&b, 0100644, 4); /* mode */
	put_be(&b, 0, 4);	/* mtime_low */
	put_be(&b, 0, 4);	/* mtime_high */
	put_be(&b, 7, 1);
	memcpy(b.p + b.n, "vmlinux", 7);
	b.n += 7;
	put_be(&b, lzop_sum(hcrc, b.p + 9, b.n - 9), 4);
	for (size_t off = 0; off < in->n; off += LZOP_BLOCK) {
		size_t len =
			in->n - off < LZOP_BLOCK ? in->n - off : LZOP_BLOCK;
		lzo_uint clen;

		assert_int_equal(
			lzo1x_1_compress(in->p + off, len, tmp, &clen, wrk),
			LZO_E_OK);
		put_be(&b, len, 4);
		put_be(&b, clen < len ? clen : len, 4);
		put_be(&b, lzop_sum(dcrc, in->p + off, len), 4);
		if (clen < len && (flags & F_ADLER32_C))
			put_be(&b, lzop_sum(false, tmp, clen), 4);
		memcpy(b.p + b.n, clen < len ? tmp : in->p + off,
		       clen < len ? clen : len);
		b.n += clen < len ? clen : len;
	}
	put_be(&b, 0, 4);
	assert_true(b.n <= cap);
	free(wrk);
	free(tmp);
	add_trailer(&b, in->n);
	return b;
}

static struct buf make_lzo(const struct buf *in)
{
	return make_lzo_flags(in, F_ADLER32_D | F_ADLER32_C);
}

struct fmt_case {
	enum payload_format fmt;
	const char *name;
	struct buf (*make)(const struct buf *in);
	size_t size; /* of the test input */
};

/* Sizes: several lzop blocks, and for lz4 a second legacy block. */
static const struct fmt_case cases[] = {
	{PAYLOAD_GZIP, "gzip", make_gzip, 300000},
	{PAYLOAD_BZIP2, "bzip2", make_bzip2, 300000},
	{PAYLOAD_LZMA, "lzma", make_lzma, 300000},
	{PAYLOAD_XZ, "xz", make_xz, 300000},
	{PAYLOAD_LZO, "lzo", make_lzo, 1000000},
	{PAYLOAD_LZ4, "lz4", make_lz4, LZ4_LEGACY_BLOCK + 123457},
	{PAYLOAD_ZSTD, "zstd", make_zstd, 300000},
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

/* Decompress and expect a refusal whose message holds every string. */
static void expect_refusal(const struct buf *p, size_t max_out, int status,
			   const char *want1, const char *want2)
{
	struct db_error err = {0};
	uint8_t *out = (uint8_t *)"untouched";
	size_t out_size = 1;

	assert_int_equal(
		payload_decompress(p->p, p->n, max_out, &out, &out_size, &err),
		status);
	if (getenv("SHOW_MSGS"))
		print_message("%s\n", err.msg);
	assert_null(out);
	assert_int_equal(out_size, 0);
	if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
		fail_msg("message \"%s\" lacks \"%s\"/\"%s\"", err.msg, want1,
			 want2 ? want2 : "");
	assert_null(strchr(err.msg, '\n'));
}

static void expect_roundtrip(const struct buf *p, const struct buf *in)
{
	struct db_error err = {0};
	uint8_t *out = NULL;
	size_t out_size = 0;
	int ret;

	ret = payload_decompress(p->p, p->n, 0, &out, &out_size, &err);
	if (ret)
		fail_msg("payload_decompress: %s", err.msg);
	assert_int_equal(out_size, in->n);
	assert_memory_equal(out, in->p, in->n);
	free(out);
}

static void test_detect(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
		enum payload_format fmt;
	} magics[] = {
		{"\x1f\x8b\x08\x00", 4, PAYLOAD_GZIP},
		{"BZh9", 4, PAYLOAD_BZIP2},
		{"\x5d\x00\x00\x80\x00", 5, PAYLOAD_LZMA},
		{"\3757zXZ\x00\x00\x01", 8, PAYLOAD_XZ},
		{"\x89LZO\x00\r\n\x1a\n", 9, PAYLOAD_LZO},
		{"\x02\x21\x4c\x18", 4, PAYLOAD_LZ4},
		{"\x28\xb5\x2f\xfd", 4, PAYLOAD_ZSTD},
		{"\177ELF\x02\x01", 6, PAYLOAD_NONE},
		{"\x1f", 1, PAYLOAD_UNKNOWN},	  /* gzip, cut short */
		{"\3757zXZ", 5, PAYLOAD_UNKNOWN}, /* xz, cut short */
		{"\x5d\x00\x01", 3, PAYLOAD_UNKNOWN},
		{"MZ\x90\x00", 4, PAYLOAD_UNKNOWN},
		{"", 0, PAYLOAD_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		const uint8_t *p = (const uint8_t *)magics[i].bytes;

		assert_int_equal(payload_detect(p, magics[i].n), magics[i].fmt);
	}
	assert_int_equal(payload_detect(NULL, 10), PAYLOAD_UNKNOWN);
}

static void test_format_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_CASES; i++)
		assert_string_equal(payload_format_name(cases[i].fmt),
				    cases[i].name);
	assert_string_equal(payload_format_name(PAYLOAD_NONE), "none");
	assert_string_equal(payload_format_name(PAYLOAD_UNKNOWN), "unknown");
	assert_string_equal(payload_format_name((enum payload_format)99),
			    "unknown");
}

static void test_trailer(void **state)
{
	static const uint8_t p[] = {0xaa, 0x78, 0x56, 0x34, 0x12};

	(void)state;
	assert_int_equal(payload_trailer_size(p, 5), 0x12345678);
	assert_int_equal(payload_trailer_size(p, 4), 0x345678aa);
	assert_int_equal(payload_trailer_size(p, 3), 0);
	assert_int_equal(payload_trailer_size(NULL, 8), 0);
}

static void test_roundtrip_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf in = sample(cases[i].size, 7 + i);
		struct buf p = cases[i].make(&in);

		assert_int_equal(payload_detect(p.p, p.n), cases[i].fmt);
		expect_roundtrip(&p, &in);
		free(p.p);
		free(in.p);
	}
}

static void test_roundtrip_lzo_variants(void **state)
{
	struct buf in = noise(LZOP_BLOCK + 1000, 1), p;

	(void)state;
	/* Incompressible: every block is stored, src_len == dst_len. */
	p = make_lzo(&in);
	expect_roundtrip(&p, &in);
	free(p.p);
	free(in.p);
	/* CRC-32 for the header and the data instead of Adler-32. */
	in = sample(600000, 3);
	p = make_lzo_flags(&in, F_H_CRC32 | F_CRC32_D);
	expect_roundtrip(&p, &in);
	free(p.p);
	free(in.p);
}

static void test_roundtrip_empty_and_elf(void **state)
{
	static const uint8_t elf[] = "\177ELF\x02\x01\x01 rest of it";
	struct buf in = {malloc(1), 0}, p;
	struct db_error err = {0};
	uint8_t *out;
	size_t n;

	(void)state;
	p = make_lz4(&in);
	expect_roundtrip(&p, &in);
	free(p.p);
	p = make_zstd(&in);
	expect_roundtrip(&p, &in);
	free(p.p);
	free(in.p);
	/* Uncompressed: the ELF itself, no trailer. */
	assert_int_equal(
		payload_decompress(elf, sizeof(elf), 0, &out, &n, &err), DB_OK);
	assert_int_equal(n, sizeof(elf));
	assert_memory_equal(out, elf, sizeof(elf));
	free(out);
}

/* A trailer one too small overruns the buffer; one too large is a
 * mismatch.  For gzip the trailer is ISIZE, which zlib checks. */
static void test_wrong_trailer(void **state)
{
	char said[32];

	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf in = sample(cases[i].size, 11 + i);
		struct buf p = cases[i].make(&in);

		put_le32(p.p + p.n - 4, in.n + 1);
		if (cases[i].fmt == PAYLOAD_GZIP) {
			expect_refusal(&p, 0, DB_ERR_INPUT, "gzip",
				       "incorrect length check");
		} else {
			snprintf(said, sizeof(said), "decompressed %zu", in.n);
			expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name,
				       said);
			snprintf(said, sizeof(said), "trailer says %zu",
				 in.n + 1);
			expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name,
				       said);
		}
		/* A stream that fills the one byte of slack exactly ends
		 * cleanly and is a mismatch; a longer one overruns.  Both
		 * messages name the trailer's value. */
		put_le32(p.p + p.n - 4, in.n - 1);
		if (cases[i].fmt != PAYLOAD_GZIP) {
			snprintf(said, sizeof(said), " %zu", in.n - 1);
			expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name,
				       said);
		}
		free(p.p);
		free(in.p);
	}
}

/* Cut the stream in half, keep the right trailer. */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf in = sample(cases[i].size, 13 + i);
		struct buf p = cases[i].make(&in);
		size_t half = (p.n - 4) / 2;

		memmove(p.p + half, p.p + p.n - 4, 4);
		p.n = half + 4;
		expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name, NULL);
		free(p.p);
		free(in.p);
	}
}

/* Every format but lz4 carries a checksum or a self-check; a flipped
 * byte in lz4's data may decode to other bytes of the same length, so
 * lz4 gets a run of bad tokens instead. */
static void test_corrupt_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf in = sample(cases[i].size, 17 + i);
		struct buf p = cases[i].make(&in);
		size_t mid = (p.n - 4) / 2;

		if (cases[i].fmt == PAYLOAD_LZ4)
			memset(p.p + 12, 0xff, 64);
		else
			p.p[mid] ^= 0x55;
		expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name, NULL);
		free(p.p);
		free(in.p);
	}
}

/* Bytes between the stream's end and the trailer are refused. */
static void test_stray_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf in = sample(cases[i].size, 19 + i);
		struct buf p = cases[i].make(&in);
		uint32_t trailer = payload_trailer_size(p.p, p.n);

		size_t end = p.n - 4; /* where the stream ends */

		/* gzip's trailer is inside its stream: after it come 4
		 * stray bytes and then a trailer that matches. */
		if (cases[i].fmt == PAYLOAD_GZIP)
			end = p.n;
		p.p = realloc(p.p, end + 8);
		memset(p.p + end, 0, 4);
		put_le32(p.p + end + 4, trailer);
		p.n = end + 8;
		if (cases[i].fmt == PAYLOAD_LZ4)
			/* Its last block is short, so nothing may follow. */
			expect_refusal(&p, 0, DB_ERR_INPUT, "lz4",
				       "yet more follows");
		else
			expect_refusal(&p, 0, DB_ERR_INPUT, cases[i].name,
				       cases[i].fmt == PAYLOAD_GZIP
					       ? "ISIZE must be the last"
					       : "4 stray bytes");
		free(p.p);
		free(in.p);
	}
}

/* Two concatenated xz streams: a single-stream decoder stops after the
 * first, and the second is stray bytes, not more output. */
static void test_xz_single_stream(void **state)
{
	struct buf in = sample(5000, 23), a = make_xz(&in), b = make_xz(&in);

	(void)state;
	a.p = realloc(a.p, a.n + b.n);
	memcpy(a.p + a.n - 4, b.p, b.n);
	a.n += b.n - 4;
	put_le32(a.p + a.n - 4, 2 * in.n);
	expect_refusal(&a, 0, DB_ERR_INPUT, "xz", "stray bytes");
	free(a.p);
	free(b.p);
	free(in.p);
}

static void test_lz4_short_block_then_more(void **state)
{
	struct buf in = sample(1000, 29), p = make_lz4(&in), q;
	size_t body = p.n - 8; /* the block, less magic and trailer */

	(void)state;
	/* The same short block twice: only the last may be short. */
	q.n = 4 + 2 * body + 4;
	q.p = malloc(q.n);
	memcpy(q.p, p.p, 4 + body);
	memcpy(q.p + 4 + body, p.p + 4, body);
	put_le32(q.p + q.n - 4, 2 * in.n);
	expect_refusal(&q, 0, DB_ERR_INPUT, "lz4", "only a frame's last block");
	/* With the magic between them it is two frames, as the kernel's
	 * unlz4 accepts. */
	q.p = realloc(q.p, q.n + 4);
	memmove(q.p + 4 + body + 4, q.p + 4 + body, body);
	put_le32(q.p + 4 + body, 0x184c2102);
	q.n += 4;
	put_le32(q.p + q.n - 4, 2 * in.n);
	{
		struct buf twice = {malloc(2 * in.n), 2 * in.n};

		memcpy(twice.p, in.p, in.n);
		memcpy(twice.p + in.n, in.p, in.n);
		expect_roundtrip(&q, &twice);
		free(twice.p);
	}
	free(q.p);
	free(p.p);
	free(in.p);
}

/* liblzma's memory limit follows the trailer: a .lzma header asking for
 * a 4 GiB dictionary to make 5000 bytes is refused as input. */
static void test_lzma_hostile_dictionary(void **state)
{
	struct buf in = sample(5000, 43), p = make_lzma(&in);

	(void)state;
	put_le32(p.p + 1, 0xffff0000); /* dict_size: 5d 00 00 ff ff */
	expect_refusal(&p, 0, DB_ERR_INPUT, "lzma stream needs",
		       "size trailer (5000) allows");
	free(p.p);
	free(in.p);
}

static void test_lzo_header_checks(void **state)
{
	struct buf in = sample(5000, 31), p = make_lzo(&in);

	(void)state;
	p.p[20] ^= 1; /* a flags bit: the header checksum no longer holds */
	expect_refusal(&p, 0, DB_ERR_INPUT, "lzo header Adler-32", NULL);
	p.p[20] ^= 1;
	p.p[15] = 4; /* method */
	expect_refusal(&p, 0, DB_ERR_INPUT, "lzo header method=4", NULL);
	free(p.p);
	free(in.p);
}

/* A trailer over the bound is refused before anything is allocated:
 * 4 GiB would otherwise be asked of malloc. */
static void test_hostile_trailer(void **state)
{
	struct buf in = sample(4000, 37);

	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf p = cases[i].make(&in);

		put_le32(p.p + p.n - 4, 0xffffffff);
		expect_refusal(&p, 0, DB_ERR_INPUT, "says 4294967295 bytes",
			       "bound of 1073741824");
		free(p.p);
	}
	free(in.p);
}

static void test_max_out(void **state)
{
	struct buf in = sample(100000, 41);

	(void)state;
	for (size_t i = 0; i < NR_CASES; i++) {
		struct buf p = cases[i].make(&in);
		struct db_error err = {0};
		uint8_t *out;
		size_t n;

		expect_refusal(&p, in.n - 1, DB_ERR_INPUT, "says 100000 bytes",
			       "bound of 99999");
		assert_int_equal(
			payload_decompress(p.p, p.n, in.n, &out, &n, &err),
			DB_OK);
		assert_int_equal(n, in.n);
		free(out);
		free(p.p);
	}
	free(in.p);
}

static void test_refusals_misc(void **state)
{
	struct buf junk = {(uint8_t *)"MZ\x90\x00 not a payload", 20};
	struct buf tiny = {(uint8_t *)"\x28\xb5\x2f\xfd\x01\x02", 6};
	struct buf elf = {(uint8_t *)"\177ELF1234", 8};

	(void)state;
	expect_refusal(&junk, 0, DB_ERR_INPUT, "unknown format", "4d 5a 90 00");
	expect_refusal(&tiny, 0, DB_ERR_INPUT, "zstd payload of 6 bytes",
		       "too short");
	expect_refusal(&elf, 4, DB_ERR_INPUT, "uncompressed ELF is 8 bytes",
		       "bound of 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_trailer),
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_roundtrip_lzo_variants),
		cmocka_unit_test(test_roundtrip_empty_and_elf),
		cmocka_unit_test(test_wrong_trailer),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_byte),
		cmocka_unit_test(test_stray_bytes),
		cmocka_unit_test(test_xz_single_stream),
		cmocka_unit_test(test_lz4_short_block_then_more),
		cmocka_unit_test(test_lzma_hostile_dictionary),
		cmocka_unit_test(test_lzo_header_checks),
		cmocka_unit_test(test_hostile_trailer),
		cmocka_unit_test(test_max_out),
		cmocka_unit_test(test_refusals_misc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
