/* SPDX-License-Identifier: MIT */
/*
 * lzma payloads (CONFIG_KERNEL_LZMA): the legacy "LZMA alone" format,
 * a 13-byte header (properties, dictionary size, uncompressed size or
 * all ones for "unknown") and then raw LZMA1 data.  The kernel's build
 * pipes into `lzma -9`, so the size field reads unknown and the stream
 * ends with an end-of-payload marker; liblzma's alone decoder stops
 * there.  Also here: the liblzma run loop that payload_xz.c shares.
 */
#include "payload_liblzma.h"

static const char *lzma_strerror(lzma_ret ret)
{
	switch (ret) {
	case LZMA_FORMAT_ERROR:
		return "LZMA_FORMAT_ERROR, the header is not recognised";
	case LZMA_OPTIONS_ERROR:
		return "LZMA_OPTIONS_ERROR, unsupported header options";
	case LZMA_DATA_ERROR:
		return "LZMA_DATA_ERROR, the compressed data is corrupt";
	case LZMA_BUF_ERROR:
		return "LZMA_BUF_ERROR, the stream is truncated";
	case LZMA_UNSUPPORTED_CHECK:
		return "LZMA_UNSUPPORTED_CHECK";
	case LZMA_PROG_ERROR:
		return "LZMA_PROG_ERROR";
	default:
		return "an unexpected status";
	}
}

int payload_liblzma_fail(const char *fmt, lzma_stream *s, lzma_ret ret,
			 const struct payload_out *out, struct db_error *err)
{
	if (ret == LZMA_MEMLIMIT_ERROR)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: %s stream needs %llu bytes of decoder "
			       "memory, over the %llu that its size trailer "
			       "(%zu) allows",
			       fmt, (unsigned long long)lzma_memusage(s),
			       (unsigned long long)lzma_memlimit_get(s),
			       out->want);
	if (ret == LZMA_MEM_ERROR)
		return db_fail(err, DB_ERR_HOST,
			       "payload: %s: liblzma is out of memory", fmt);
	return db_fail(err, DB_ERR_INPUT,
		       "payload: %s stream is corrupt: liblzma says %s (%d)",
		       fmt, lzma_strerror(ret), (int)ret);
}

static int liblzma_loop(const char *fmt, lzma_stream *s, const uint8_t *in,
			size_t size, struct payload_out *out,
			struct db_error *err)
{
	size_t out_pos = 0;
	lzma_ret ret;

	/* All the input at once: liblzma takes size_t counts. */
	s->next_in = in;
	s->avail_in = size;
	for (;;) {
		if (!s->avail_out) {
			if (out_pos == out->cap)
				return payload_overrun(err, fmt, out);
			s->next_out = out->buf + out_pos;
			s->avail_out = out->cap - out_pos;
			out_pos += s->avail_out;
		}
		ret = lzma_code(s, LZMA_FINISH);
		out->len = out_pos - s->avail_out;
		out->consumed = size - s->avail_in;
		if (ret == LZMA_STREAM_END)
			return DB_OK;
		if (ret == LZMA_BUF_ERROR && s->avail_out)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: %s stream is truncated: the "
				       "input ends after %zu bytes, before the "
				       "stream's end",
				       fmt, size);
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR)
			return payload_liblzma_fail(fmt, s, ret, out, err);
	}
}

int payload_liblzma_run(const char *fmt, lzma_stream *s, const uint8_t *in,
			size_t size, struct payload_out *out,
			struct db_error *err)
{
	int ret = liblzma_loop(fmt, s, in, size, out, err);

	lzma_end(s);
	return ret;
}

int payload_decode_lzma(const uint8_t *in, size_t size, struct payload_out *out,
			struct db_error *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret ret;

	ret = lzma_alone_decoder(&s, payload_liblzma_memlimit(out));
	if (ret != LZMA_OK) {
		int st = payload_liblzma_fail("lzma", &s, ret, out, err);

		lzma_end(&s);
		return st;
	}
	return payload_liblzma_run("lzma", &s, in, size, out, err);
}
