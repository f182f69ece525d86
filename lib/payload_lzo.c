/* SPDX-License-Identifier: MIT */
/*
 * lzo payloads (CONFIG_KERNEL_LZO): an lzop file, not a bare LZO1X
 * stream.  liblzo2 decodes blocks but knows nothing of lzop's container,
 * so this file parses it (lzop 1.04's layout, big-endian throughout):
 *
 *	magic 89 4c 5a 4f 00 0d 0a 1a 0a
 *	version, lib_version, [version_needed >= 0.940], method, [level],
 *	flags, [filter if F_H_FILTER], mode, mtime_low, [mtime_high],
 *	name_len, name, header checksum (Adler-32, or CRC-32 if F_H_CRC32)
 *	[extra field if F_H_EXTRA_FIELD: len, bytes, checksum]
 *	blocks: dst_len (0 ends the stream), src_len, checksums the flags
 *	ask for, then src_len bytes; src_len == dst_len means stored.
 *
 * The fields in brackets exist only from format version 0x0940 on, the
 * fact a reader gets wrong.  Every block decodes straight into its place
 * in the output, and every checksum the file carries is verified.
 */
#include <lzo/lzo1x.h>
#include <string.h>
#include <zlib.h>

#include "payload_codec.h"

static const uint8_t lzop_magic[9] = {0x89, 0x4c, 0x5a, 0x4f, 0x00,
				      0x0d, 0x0a, 0x1a, 0x0a};

/* lzop's flag bits (lzop's conf.h names). */
#define F_ADLER32_D 0x00000001u
#define F_ADLER32_C 0x00000002u
#define F_H_EXTRA_FIELD 0x00000040u
#define F_CRC32_D 0x00000100u
#define F_CRC32_C 0x00000200u
#define F_H_FILTER 0x00000800u
#define F_H_CRC32 0x00001000u

/* Methods: all three are LZO1X and share one decompressor. */
#define M_LZO1X_1 1
#define M_LZO1X_1_15 2
#define M_LZO1X_999 3

#define LZOP_VERSION_MIN 0x0900	   /* lzop refuses older files */
#define LZOP_VERSION_FIELDS 0x0940 /* version_needed, level, mtime_high */
#define LZOP_VERSION_MAX 0x1040	   /* lzop 1.04, the newest format */
#define LZOP_BLOCK_MAX (64u << 20) /* lzop's MAX_BLOCK_SIZE */

struct lzop_reader {
	const uint8_t *in;
	size_t size;
	size_t pos;
};

struct lzop_header {
	uint16_t version;
	uint8_t method;
	uint32_t flags;
};

static int lzop_short(const struct lzop_reader *r, const char *what,
		      struct db_error *err)
{
	return db_fail(err, DB_ERR_INPUT,
		       "payload: lzo stream is truncated: %s at byte %zu runs "
		       "past the end (%zu bytes)",
		       what, r->pos, r->size);
}

/* Take n bytes; NULL (with err set) when they are not there. */
static const uint8_t *lzop_take(struct lzop_reader *r, size_t n,
				const char *what, struct db_error *err)
{
	const uint8_t *p;

	if (n > r->size - r->pos) {
		lzop_short(r, what, err);
		return NULL;
	}
	p = r->in + r->pos;
	r->pos += n;
	return p;
}

static int lzop_be(struct lzop_reader *r, unsigned bytes, uint32_t *v,
		   const char *what, struct db_error *err)
{
	const uint8_t *p = lzop_take(r, bytes, what, err);

	if (!p)
		return DB_ERR_INPUT;
	*v = 0;
	for (unsigned i = 0; i < bytes; i++)
		*v = *v << 8 | p[i];
	return DB_OK;
}

static int lzop_header_fields(struct lzop_reader *r, struct lzop_header *h,
			      struct db_error *err)
{
	uint32_t v, needed = 0, name_len;

	if (lzop_be(r, 2, &v, "version", err))
		return DB_ERR_INPUT;
	h->version = v;
	if (h->version < LZOP_VERSION_MIN)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo header version=0x%04x is older "
			       "than lzop's oldest, 0x%04x",
			       h->version, LZOP_VERSION_MIN);
	if (lzop_be(r, 2, &v, "lib_version", err))
		return DB_ERR_INPUT;
	if (h->version >= LZOP_VERSION_FIELDS &&
	    lzop_be(r, 2, &needed, "version_needed", err))
		return DB_ERR_INPUT;
	if (needed > LZOP_VERSION_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo header version_needed=0x%04x is "
			       "newer than lzop 1.04's format (0x%04x)",
			       needed, LZOP_VERSION_MAX);
	if (lzop_be(r, 1, &v, "method", err))
		return DB_ERR_INPUT;
	h->method = v;
	if (h->method != M_LZO1X_1 && h->method != M_LZO1X_1_15 &&
	    h->method != M_LZO1X_999)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo header method=%u is not LZO1X "
			       "(1, 2 or 3)",
			       h->method);
	if (h->version >= LZOP_VERSION_FIELDS &&
	    lzop_be(r, 1, &v, "level", err))
		return DB_ERR_INPUT;
	if (lzop_be(r, 4, &h->flags, "flags", err))
		return DB_ERR_INPUT;
	/* A filter rewrites the data after decoding; the kernel never
	 * asks for one, and lzop itself deprecates them. */
	if (h->flags & F_H_FILTER)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo header flags=0x%08x ask for a "
			       "filter (F_H_FILTER), which is not supported",
			       h->flags);
	if (lzop_be(r, 4, &v, "mode", err) ||
	    lzop_be(r, 4, &v, "mtime_low", err))
		return DB_ERR_INPUT;
	if (h->version >= LZOP_VERSION_FIELDS &&
	    lzop_be(r, 4, &v, "mtime_high", err))
		return DB_ERR_INPUT;
	if (lzop_be(r, 1, &name_len, "name length", err) ||
	    !lzop_take(r, name_len, "file name", err))
		return DB_ERR_INPUT;
	return DB_OK;
}

static uint32_t lzop_sum(bool crc, const uint8_t *p, size_t n)
{
	/* lzop's Adler-32 and CRC-32 are zlib's (seeds 1 and 0); zlib's
	 * are the faster implementations. */
	uint32_t sum = crc ? crc32(0, Z_NULL, 0) : adler32(0, Z_NULL, 0);

	while (n) {
		uInt chunk = n > (1u << 30) ? 1u << 30 : (uInt)n;

		sum = crc ? crc32(sum, p, chunk) : adler32(sum, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return sum;
}

static int lzop_header(struct lzop_reader *r, struct lzop_header *h,
		       struct db_error *err)
{
	const uint8_t *magic;
	uint32_t want, got, extra_len;
	size_t start;
	bool crc;

	magic = lzop_take(r, sizeof(lzop_magic), "magic", err);
	if (!magic)
		return DB_ERR_INPUT;
	if (memcmp(magic, lzop_magic, sizeof(lzop_magic)))
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo magic is not lzop's 89 4c 5a 4f "
			       "00 0d 0a 1a 0a");
	start = r->pos;
	if (lzop_header_fields(r, h, err))
		return DB_ERR_INPUT;
	crc = h->flags & F_H_CRC32;
	got = lzop_sum(crc, r->in + start, r->pos - start);
	if (lzop_be(r, 4, &want, "header checksum", err))
		return DB_ERR_INPUT;
	if (got != want)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo header %s is 0x%08x but the "
			       "header hashes to 0x%08x",
			       crc ? "CRC-32" : "Adler-32", want, got);
	if (!(h->flags & F_H_EXTRA_FIELD))
		return DB_OK;
	/* Skipped, as lzop does: nothing in it concerns decoding. */
	if (lzop_be(r, 4, &extra_len, "extra field length", err) ||
	    !lzop_take(r, extra_len, "extra field", err) ||
	    lzop_be(r, 4, &want, "extra field checksum", err))
		return DB_ERR_INPUT;
	return DB_OK;
}

struct lzop_block {
	unsigned index;
	uint32_t dst_len, src_len;
	uint32_t sum_d, sum_c; /* checksums, where the flags ask */
	const uint8_t *src;
};

static int lzop_check_sum(const struct lzop_block *b, bool crc, bool compressed,
			  uint32_t want, const uint8_t *p, size_t n,
			  struct db_error *err)
{
	uint32_t got = lzop_sum(crc, p, n);

	if (got == want)
		return DB_OK;
	return db_fail(err, DB_ERR_INPUT,
		       "payload: lzo block %u: its %s data hash to 0x%08x, "
		       "not the %s 0x%08x it records",
		       b->index, compressed ? "compressed" : "decompressed",
		       got, crc ? "CRC-32" : "Adler-32", want);
}

static int lzop_block_header(struct lzop_reader *r, uint32_t flags,
			     struct lzop_block *b, struct db_error *err)
{
	uint32_t dummy;

	if (lzop_be(r, 4, &b->src_len, "block src_len", err))
		return DB_ERR_INPUT;
	if (b->src_len == 0 || b->src_len > b->dst_len)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lzo block %u: src_len=%u with "
			       "dst_len=%u breaks 0 < src_len <= dst_len",
			       b->index, b->src_len, b->dst_len);
	/* With both bits set lzop writes both; the Adler-32 comes first
	 * and is the one checked here. */
	if ((flags & F_ADLER32_D) &&
	    lzop_be(r, 4, &b->sum_d, "block checksum", err))
		return DB_ERR_INPUT;
	if ((flags & F_CRC32_D) &&
	    lzop_be(r, 4, (flags & F_ADLER32_D) ? &dummy : &b->sum_d,
		    "block checksum", err))
		return DB_ERR_INPUT;
	if (b->src_len < b->dst_len) {
		if ((flags & F_ADLER32_C) &&
		    lzop_be(r, 4, &b->sum_c, "block checksum", err))
			return DB_ERR_INPUT;
		if ((flags & F_CRC32_C) &&
		    lzop_be(r, 4, (flags & F_ADLER32_C) ? &dummy : &b->sum_c,
			    "block checksum", err))
			return DB_ERR_INPUT;
	}
	b->src = lzop_take(r, b->src_len, "block data", err);
	return b->src ? DB_OK : DB_ERR_INPUT;
}

static int lzop_decode_block(const struct lzop_block *b, uint32_t flags,
			     uint8_t *dst, struct db_error *err)
{
	bool c_crc = !(flags & F_ADLER32_C), d_crc = !(flags & F_ADLER32_D);
	lzo_uint n = b->dst_len;
	int ret;

	if (b->src_len == b->dst_len) {
		/* Stored: lzop keeps incompressible blocks as they are. */
		memcpy(dst, b->src, b->dst_len);
	} else {
		if ((flags & (F_ADLER32_C | F_CRC32_C)) &&
		    lzop_check_sum(b, c_crc, true, b->sum_c, b->src, b->src_len,
				   err))
			return DB_ERR_INPUT;
		ret = lzo1x_decompress_safe(b->src, b->src_len, dst, &n, NULL);
		if (ret != LZO_E_OK || n != b->dst_len)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: lzo block %u is corrupt: "
				       "liblzo2 says %d after %lu of %u "
				       "bytes",
				       b->index, ret, (unsigned long)n,
				       b->dst_len);
	}
	if (flags & (F_ADLER32_D | F_CRC32_D))
		return lzop_check_sum(b, d_crc, false, b->sum_d, dst,
				      b->dst_len, err);
	return DB_OK;
}

static int lzop_blocks(struct lzop_reader *r, uint32_t flags,
		       struct payload_out *out, struct db_error *err)
{
	struct lzop_block b = {0};

	for (b.index = 0;; b.index++) {
		if (lzop_be(r, 4, &b.dst_len, "block dst_len", err))
			return DB_ERR_INPUT;
		if (!b.dst_len)
			break;
		if (b.dst_len > LZOP_BLOCK_MAX)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: lzo block %u: dst_len=%u is "
				       "over lzop's block limit of %u",
				       b.index, b.dst_len, LZOP_BLOCK_MAX);
		if (b.dst_len > out->want - out->len)
			return payload_overrun(err, "lzo", out);
		if (lzop_block_header(r, flags, &b, err))
			return DB_ERR_INPUT;
		if (lzop_decode_block(&b, flags, out->buf + out->len, err))
			return DB_ERR_INPUT;
		out->len += b.dst_len;
	}
	out->consumed = r->pos;
	return DB_OK;
}

int payload_decode_lzo(const uint8_t *in, size_t size, struct payload_out *out,
		       struct db_error *err)
{
	struct lzop_reader r = {.in = in, .size = size};
	struct lzop_header h = {0};

	if (lzo_init() != LZO_E_OK)
		return db_fail(err, DB_ERR_HOST,
			       "payload: lzo: liblzo2 failed to initialise");
	if (lzop_header(&r, &h, err))
		return DB_ERR_INPUT;
	return lzop_blocks(&r, h.flags, out, err);
}
