/* SPDX-License-Identifier: MIT */
/*
 * zstd payloads (CONFIG_KERNEL_ZSTD): one zstd frame (`zstd -22
 * --ultra`), then the size trailer.  ZSTD_decompressStream() returns 0
 * exactly when a frame is complete and flushed, so the loop stops there
 * and never reads the trailer as the start of a second frame.
 *
 * The kernel's frame has a window of up to 128 MiB.  Streaming through
 * zstd's own window buffer would cost that much memory and a copy of
 * every byte, so the output buffer is declared stable
 * (ZSTD_d_stableOutBuffer): zstd decodes straight into it and refers
 * back into it for matches.  That needs the whole output in one
 * ZSTD_outBuffer, which is what payload.c allocates anyway.
 */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_stableOutBuffer */
#include <zstd.h>
#include <zstd_errors.h>

#include "payload_codec.h"

static int zstd_fail(size_t ret, struct db_error *err)
{
	if (ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation)
		return db_fail(err, DB_ERR_HOST,
			       "payload: zstd: libzstd is out of memory");
	return db_fail(err, DB_ERR_INPUT,
		       "payload: zstd stream is corrupt: libzstd says %s",
		       ZSTD_getErrorName(ret));
}

/* Only a libzstd older than 1.4.4, which lacks the parameters, fails. */
static int zstd_setup(ZSTD_DCtx *dctx, struct db_error *err)
{
	size_t ret;

	ret = ZSTD_DCtx_setParameter(dctx, ZSTD_d_stableOutBuffer, 1);
	/* With a stable output buffer the window costs no memory, so any
	 * window the format allows is fine. */
	if (!ZSTD_isError(ret))
		ret = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax,
					     ZSTD_WINDOWLOG_MAX);
	if (ZSTD_isError(ret))
		return db_fail(err, DB_ERR_HOST,
			       "payload: zstd: libzstd %s refuses the decoder "
			       "parameters: %s",
			       ZSTD_versionString(), ZSTD_getErrorName(ret));
	return DB_OK;
}

static int zstd_run(ZSTD_DCtx *dctx, const uint8_t *in, size_t size,
		    struct payload_out *out, struct db_error *err)
{
	ZSTD_outBuffer ob = {out->buf, out->cap, 0};
	ZSTD_inBuffer ib = {in, size, 0};
	size_t ret, in_was, out_was;

	for (;;) {
		in_was = ib.pos;
		out_was = ob.pos;
		ret = ZSTD_decompressStream(dctx, &ob, &ib);
		out->len = ob.pos;
		out->consumed = ib.pos;
		if (ZSTD_isError(ret)) {
			if (ZSTD_getErrorCode(ret) ==
			    ZSTD_error_dstSize_tooSmall)
				return payload_overrun(err, "zstd", out);
			return zstd_fail(ret, err);
		}
		if (!ret)
			return DB_OK;
		if (ob.pos == ob.size)
			return payload_overrun(err, "zstd", out);
		if (ib.pos == size)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: zstd stream is truncated: the "
				       "input ends after %zu bytes, before the "
				       "frame's end",
				       size);
		if (ib.pos == in_was && ob.pos == out_was)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: zstd stream makes no progress "
				       "at byte %zu",
				       ib.pos);
	}
}

int payload_decode_zstd(const uint8_t *in, size_t size, struct payload_out *out,
			struct db_error *err)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	int ret;

	if (!dctx)
		return db_fail(err, DB_ERR_HOST,
			       "payload: zstd: libzstd is out of memory");
	ret = zstd_setup(dctx, err);
	if (!ret)
		ret = zstd_run(dctx, in, size, out, err);
	ZSTD_freeDCtx(dctx);
	return ret;
}
