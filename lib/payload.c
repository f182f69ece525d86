/* SPDX-License-Identifier: MIT */
/*
 * The protocol 2.08 payload (boot.rst, "payload_offset"): hpa's design,
 * in which the bzImage carries the vmlinux ELF itself, compressed, so
 * that a loader (Xen's, or ours) can unpack it on the host and enter the
 * kernel without running its self-decompressor.
 *
 * arch/x86/boot/compressed/Makefile builds it as
 *	compress(vmlinux.bin + vmlinux.relocs) + le32 size of the input
 * in one of seven formats, told apart by their magic bytes.  The fact a
 * reader gets wrong: for gzip the last 4 bytes are the stream's own
 * ISIZE, while for the other six they follow the stream.  So each
 * decoder must stop at its own stream's end, and a trailer that the
 * CLI tools happen to ignore must still match what came out.
 *
 * Policy on the bytes between a stream's end and the trailer: the
 * kernel's decompressors ignore them, but Linux never writes any, so
 * here they are refused.  A payload with stray bytes was not made by
 * the kernel's build, and we would rather say so than guess.
 *
 * The output is allocated once, at the size the trailer claims (after
 * checking it against the caller's bound), and every decoder writes
 * straight into it: no staging buffer, no copy, no growth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bytes.h"
#include "directboot/payload.h"
#include "payload_codec.h"

#define ELF_MAGIC "\177ELF"

/* Below this the output fits in a few pages anyway. */
#define PAYLOAD_HUGE_MIN (4u << 20)

struct payload_codec {
	enum payload_format fmt;
	const char *name;
	const char *magic;
	size_t magic_len;
	payload_decode_fn *decode;
	int trailer_in_stream; /* gzip: the trailer is the stream's ISIZE */
};

static const struct payload_codec codecs[] = {
	{PAYLOAD_GZIP, "gzip", "\x1f\x8b", 2, payload_decode_gzip, 1},
	{PAYLOAD_BZIP2, "bzip2", "BZh", 3, payload_decode_bzip2, 0},
	{PAYLOAD_LZMA, "lzma", "\x5d\x00\x00", 3, payload_decode_lzma, 0},
	{PAYLOAD_XZ, "xz", "\3757zXZ\0", 6, payload_decode_xz, 0},
	{PAYLOAD_LZO, "lzo", "\211LZO", 4, payload_decode_lzo, 0},
	{PAYLOAD_LZ4, "lz4", "\x02\x21\x4c\x18", 4, payload_decode_lz4, 0},
	{PAYLOAD_ZSTD, "zstd", "\x28\xb5\x2f\xfd", 4, payload_decode_zstd, 0},
};

#define NR_CODECS (sizeof(codecs) / sizeof(codecs[0]))

static const struct payload_codec *codec_of(enum payload_format fmt)
{
	for (size_t i = 0; i < NR_CODECS; i++)
		if (codecs[i].fmt == fmt)
			return &codecs[i];
	return NULL;
}

enum payload_format payload_detect(const uint8_t *buf, size_t size)
{
	if (!buf)
		return PAYLOAD_UNKNOWN;
	if (size >= 4 && !memcmp(buf, ELF_MAGIC, 4))
		return PAYLOAD_NONE;
	for (size_t i = 0; i < NR_CODECS; i++)
		if (size >= codecs[i].magic_len &&
		    !memcmp(buf, codecs[i].magic, codecs[i].magic_len))
			return codecs[i].fmt;
	return PAYLOAD_UNKNOWN;
}

const char *payload_format_name(enum payload_format fmt)
{
	const struct payload_codec *c = codec_of(fmt);

	if (c)
		return c->name;
	return fmt == PAYLOAD_NONE ? "none" : "unknown";
}

uint32_t payload_trailer_size(const uint8_t *buf, size_t size)
{
	if (!buf || size < 4)
		return 0;
	return get_le32(buf + size - 4);
}

/*
 * Transparent huge pages for the output.  A kernel's output is tens of
 * megabytes of fresh memory, and faulting it in 4 KiB at a time costs
 * more than lz4 takes to decode it (24 ms against 7 ms for Debian's 53
 * MB cloud kernel); 2 MiB pages cut that to a few hundred faults.  The
 * advice touches nothing, so a hostile trailer still costs no memory.
 */
static void payload_out_advise(struct payload_out *out)
{
#ifdef MADV_HUGEPAGE
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;

	if (page <= 0 || out->cap < PAYLOAD_HUGE_MIN)
		return;
	lo = align_up((uintptr_t)out->buf, page);
	hi = align_down((uintptr_t)out->buf + out->cap, page);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)out;
#endif
}

static int payload_copy_elf(const uint8_t *buf, size_t size, size_t max_out,
			    uint8_t **out, size_t *out_size,
			    struct db_error *err)
{
	uint8_t *p;

	if (size > max_out)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: the uncompressed ELF is %zu bytes, "
			       "over the bound of %zu bytes",
			       size, max_out);
	p = malloc(size);
	if (!p)
		return db_fail(err, DB_ERR_HOST,
			       "payload: out of memory for %zu bytes", size);
	memcpy(p, buf, size);
	*out = p;
	*out_size = size;
	return DB_OK;
}

static int payload_unknown(const uint8_t *buf, size_t size,
			   struct db_error *err)
{
	char seen[3 * 8] = "";
	size_t n = !buf ? 0 : size < 8 ? size : 8;

	for (size_t i = 0; i < n; i++)
		snprintf(seen + 3 * i, sizeof(seen) - 3 * i, "%02x%s", buf[i],
			 i + 1 < n ? " " : "");
	return db_fail(err, DB_ERR_INPUT,
		       "payload: unknown format (first bytes: %s); expected "
		       "the magic of gzip, bzip2, lzma, xz, lzo, lz4, zstd "
		       "or an ELF",
		       n ? seen : "none");
}

/* The checks every format shares, once its decoder has returned. */
static int payload_check_result(const struct payload_codec *c,
				const struct payload_out *o, size_t in_size,
				size_t size, struct db_error *err)
{
	if (o->consumed != in_size && c->trailer_in_stream)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: %s stream ends at byte %zu of %zu: "
			       "its ISIZE must be the last 4 bytes, the size "
			       "trailer",
			       c->name, o->consumed, size);
	if (o->consumed != in_size)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: %s stream ends at byte %zu but the "
			       "size trailer starts at byte %zu: %zu stray "
			       "bytes between them",
			       c->name, o->consumed, size - 4,
			       in_size - o->consumed);
	if (o->len != o->want)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: %s decompressed %zu bytes but the "
			       "size trailer says %zu",
			       c->name, o->len, o->want);
	return DB_OK;
}

int payload_decompress(const uint8_t *buf, size_t size, size_t max_out,
		       uint8_t **out, size_t *out_size, struct db_error *err)
{
	enum payload_format fmt = payload_detect(buf, size);
	const struct payload_codec *c;
	struct payload_out o = {0};
	size_t in_size;
	int ret;

	*out = NULL;
	*out_size = 0;
	if (!max_out)
		max_out = PAYLOAD_OUT_MAX;
	/* The slack must fit too, where size_t is 32 bits. */
	if (max_out > SIZE_MAX - PAYLOAD_SLACK)
		max_out = SIZE_MAX - PAYLOAD_SLACK;
	if (fmt == PAYLOAD_NONE)
		return payload_copy_elf(buf, size, max_out, out, out_size, err);
	c = codec_of(fmt);
	if (!c)
		return payload_unknown(buf, size, err);
	if (size < c->magic_len + 4)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: %s payload of %zu bytes is too short "
			       "for a stream and its 4-byte size trailer",
			       c->name, size);

	/* Refuse before allocating: the trailer is input, and a hostile
	 * one must cost nothing. */
	o.want = payload_trailer_size(buf, size);
	if (o.want > max_out)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: the %s size trailer says %zu bytes, "
			       "over the bound of %zu bytes",
			       c->name, o.want, max_out);
	o.cap = o.want + PAYLOAD_SLACK;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return db_fail(err, DB_ERR_HOST,
			       "payload: out of memory for %zu bytes of %s "
			       "output",
			       o.cap, c->name);

	payload_out_advise(&o);
	in_size = c->trailer_in_stream ? size : size - 4;
	ret = c->decode(buf, in_size, &o, err);
	if (ret == DB_OK)
		ret = payload_check_result(c, &o, in_size, size, err);
	if (ret != DB_OK) {
		free(o.buf);
		return ret;
	}
	*out = o.buf;
	*out_size = o.len;
	return DB_OK;
}
