/* SPDX-License-Identifier: MIT */
/*
 * gzip payloads (CONFIG_KERNEL_GZIP), through zlib.  Unlike the other
 * six formats, the size trailer is inside the stream: it is the gzip
 * member's ISIZE, so the decoder is handed the whole payload and zlib
 * checks the CRC-32 and ISIZE itself.  Only one member is decoded: the
 * kernel writes one, and a second would be stray bytes.
 */
#include <limits.h>
#include <zlib.h>

#include "payload_codec.h"

/* zlib counts in uInt; feed it at most this much at a time. */
#define ZLIB_CHUNK_MAX (UINT_MAX & ~0xfffu)

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static int gzip_fail(z_stream *s, int ret, struct db_error *err)
{
	if (ret == Z_MEM_ERROR)
		return db_fail(err, DB_ERR_HOST,
			       "payload: gzip: zlib is out of memory");
	return db_fail(err, DB_ERR_INPUT,
		       "payload: gzip stream is corrupt: zlib says %s (%d)",
		       s->msg ? s->msg : zError(ret), ret);
}

static int gzip_run(z_stream *s, const uint8_t *in, size_t size,
		    struct payload_out *out, struct db_error *err)
{
	size_t in_pos = 0, out_pos = 0;
	int ret;

	for (;;) {
		if (!s->avail_in && in_pos < size) {
			s->next_in = (Bytef *)in + in_pos;
			s->avail_in = min_size(size - in_pos, ZLIB_CHUNK_MAX);
			in_pos += s->avail_in;
		}
		if (!s->avail_out) {
			if (out_pos == out->cap)
				return payload_overrun(err, "gzip", out);
			s->next_out = out->buf + out_pos;
			s->avail_out =
				min_size(out->cap - out_pos, ZLIB_CHUNK_MAX);
			out_pos += s->avail_out;
		}
		ret = inflate(s, Z_NO_FLUSH);
		out->len = out_pos - s->avail_out;
		out->consumed = in_pos - s->avail_in;
		if (ret == Z_STREAM_END)
			return DB_OK;
		if (ret == Z_BUF_ERROR && !s->avail_in && in_pos == size)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: gzip stream is truncated: the "
				       "input ends after %zu bytes, before the "
				       "stream's end",
				       size);
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			return gzip_fail(s, ret, err);
	}
}

int payload_decode_gzip(const uint8_t *in, size_t size, struct payload_out *out,
			struct db_error *err)
{
	z_stream s = {0};
	int ret;

	/* 16 + MAX_WBITS: a gzip wrapper only, never raw or zlib data. */
	ret = inflateInit2(&s, 16 + MAX_WBITS);
	if (ret != Z_OK)
		return gzip_fail(&s, ret, err);
	ret = gzip_run(&s, in, size, out, err);
	inflateEnd(&s);
	return ret;
}
