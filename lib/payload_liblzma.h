/* SPDX-License-Identifier: MIT */
/*
 * The liblzma run loop that the .lzma and .xz decoders share: they differ
 * only in how the stream is set up (payload_lzma.c, payload_xz.c).
 */
#ifndef DIRECTBOOT_LIB_PAYLOAD_LIBLZMA_H
#define DIRECTBOOT_LIB_PAYLOAD_LIBLZMA_H

#include <lzma.h>

#include "payload_codec.h"

/*
 * The decoder's memory limit.  A dictionary larger than the whole output
 * is never needed, but encoders still ask for 64 MiB at -9 even for a
 * small input, so the limit is the trailer's size plus that much and
 * change.  A hostile header asking for gigabytes is refused as input.
 */
#define PAYLOAD_LIBLZMA_MEM_EXTRA (128ull << 20)
static inline uint64_t payload_liblzma_memlimit(const struct payload_out *out)
{
	return (uint64_t)out->want + PAYLOAD_LIBLZMA_MEM_EXTRA;
}

/* Report a liblzma status as the failure of the named format. */
int payload_liblzma_fail(const char *fmt, lzma_stream *s, lzma_ret ret,
			 const struct payload_out *out, struct db_error *err);

/* Decode one stream from an initialised decoder into out; ends it. */
int payload_liblzma_run(const char *fmt, lzma_stream *s, const uint8_t *in,
			size_t size, struct payload_out *out,
			struct db_error *err);

#endif
