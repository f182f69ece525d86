/* SPDX-License-Identifier: MIT */
/*
 * xz payloads (CONFIG_KERNEL_XZ), through liblzma.  The kernel writes one
 * .xz stream (`xz --check=crc32`, with the x86 BCJ filter) and then the
 * size trailer, so the decoder runs without LZMA_CONCATENATED: it stops
 * at the first stream's footer and never reads the trailer as stream
 * padding or as the start of a second stream.  liblzma verifies the
 * stream's check (CRC-32 for kernels) as it goes.
 */
#include "payload_liblzma.h"

int payload_decode_xz(const uint8_t *in, size_t size, struct payload_out *out,
		      struct db_error *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret ret;

	ret = lzma_stream_decoder(&s, payload_liblzma_memlimit(out), 0);
	if (ret != LZMA_OK) {
		int st = payload_liblzma_fail("xz", &s, ret, out, err);

		lzma_end(&s);
		return st;
	}
	return payload_liblzma_run("xz", &s, in, size, out, err);
}
