/* SPDX-License-Identifier: MIT */
/*
 * bzip2 payloads (CONFIG_KERNEL_BZIP2), through libbz2.  The size
 * trailer follows the stream, so decoding stops at BZ_STREAM_END, the
 * end of the first stream, and whatever follows is payload.c's concern.
 */
#include <bzlib.h>
#include <limits.h>

#include "payload_codec.h"

/* libbz2 counts in unsigned int. */
#define BZ_CHUNK_MAX (UINT_MAX & ~0xfffu)

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static const char *bz_strerror(int ret)
{
	switch (ret) {
	case BZ_DATA_ERROR:
		return "BZ_DATA_ERROR, a block fails its CRC or is malformed";
	case BZ_DATA_ERROR_MAGIC:
		return "BZ_DATA_ERROR_MAGIC, no bzip2 stream header";
	case BZ_PARAM_ERROR:
		return "BZ_PARAM_ERROR";
	case BZ_CONFIG_ERROR:
		return "BZ_CONFIG_ERROR";
	default:
		return "an unexpected status";
	}
}

static int bz_fail(int ret, struct db_error *err)
{
	if (ret == BZ_MEM_ERROR)
		return db_fail(err, DB_ERR_HOST,
			       "payload: bzip2: libbz2 is out of memory");
	return db_fail(err, DB_ERR_INPUT,
		       "payload: bzip2 stream is corrupt: libbz2 says %s (%d)",
		       bz_strerror(ret), ret);
}

static int bz_run(bz_stream *s, const uint8_t *in, size_t size,
		  struct payload_out *out, struct db_error *err)
{
	size_t in_pos = 0, out_pos = 0;
	int ret;

	for (;;) {
		if (!s->avail_in && in_pos < size) {
			s->next_in = (char *)in + in_pos;
			s->avail_in = min_size(size - in_pos, BZ_CHUNK_MAX);
			in_pos += s->avail_in;
		}
		if (!s->avail_out) {
			if (out_pos == out->cap)
				return payload_overrun(err, "bzip2", out);
			s->next_out = (char *)out->buf + out_pos;
			s->avail_out =
				min_size(out->cap - out_pos, BZ_CHUNK_MAX);
			out_pos += s->avail_out;
		}
		ret = BZ2_bzDecompress(s);
		out->len = out_pos - s->avail_out;
		out->consumed = in_pos - s->avail_in;
		if (ret == BZ_STREAM_END)
			return DB_OK;
		if (ret != BZ_OK)
			return bz_fail(ret, err);
		/* BZ_OK with room left to write means it wants input. */
		if (s->avail_out && !s->avail_in && in_pos == size)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: bzip2 stream is truncated: "
				       "the input ends after %zu bytes, before "
				       "the stream's end",
				       size);
	}
}

int payload_decode_bzip2(const uint8_t *in, size_t size,
			 struct payload_out *out, struct db_error *err)
{
	bz_stream s = {0};
	int ret;

	/* small=0: the fast decoder, about 3.7 MB of state at -9. */
	ret = BZ2_bzDecompressInit(&s, 0, 0);
	if (ret != BZ_OK)
		return bz_fail(ret, err);
	ret = bz_run(&s, in, size, out, err);
	BZ2_bzDecompressEnd(&s);
	return ret;
}
