/* SPDX-License-Identifier: MIT */
/*
 * lz4 payloads (CONFIG_KERNEL_LZ4): the legacy frame that `lz4 -l`
 * writes, not the modern LZ4 frame.  It is only
 *
 *	le32 magic 0x184c2102
 *	blocks: le32 compressed size, then that many bytes
 *
 * with no end mark and no checksum.  Every block but the last holds
 * exactly 8 MiB of output; the last holds the rest.  The stream simply
 * stops, and in a kernel payload the 4-byte size trailer comes next: the
 * fact a reader gets wrong is that the trailer looks like one more block
 * size.  payload.c hands this decoder the payload less its trailer, so
 * the stream ends exactly at the end of the input; a short block with
 * more input after it (other than the magic of a concatenated frame,
 * which the kernel's own decoder also accepts) is refused.
 */
#include <lz4.h>

#include "bytes.h"
#include "payload_codec.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

static int lz4_block(const uint8_t *in, size_t size, size_t *pos,
		     unsigned index, struct payload_out *out,
		     struct db_error *err)
{
	size_t room = out->cap - out->len;
	uint32_t csize = get_le32(in + *pos);
	int n;

	if (!csize || csize > (uint32_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK))
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lz4 block %u at byte %zu: size %u is "
			       "outside 1..%u, the bound for an 8 MiB block",
			       index, *pos, csize,
			       LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK));
	*pos += 4;
	if (!range_ok(*pos, csize, size))
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lz4 stream is truncated: block %u "
			       "needs %u bytes at byte %zu, past the end (%zu "
			       "bytes)",
			       index, csize, *pos, size);
	if (room > LZ4_LEGACY_BLOCK)
		room = LZ4_LEGACY_BLOCK;
	n = LZ4_decompress_safe((const char *)in + *pos,
				(char *)out->buf + out->len, (int)csize,
				(int)room);
	if (n < 0 && room < LZ4_LEGACY_BLOCK)
		/* liblz4 does not say whether the data is bad or only
		 * longer than the room, and both are refusals. */
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lz4 block %u is corrupt or produces "
			       "more than the %zu bytes the size trailer says",
			       index, out->want);
	if (n < 0)
		return db_fail(err, DB_ERR_INPUT,
			       "payload: lz4 block %u is corrupt: "
			       "LZ4_decompress_safe says %d",
			       index, n);
	if ((size_t)n == out->cap - out->len)
		return payload_overrun(err, "lz4", out);
	*pos += csize;
	out->len += n;
	return n;
}

int payload_decode_lz4(const uint8_t *in, size_t size, struct payload_out *out,
		       struct db_error *err)
{
	size_t pos = 4; /* payload.c matched the magic */
	unsigned index = 0;
	int n = LZ4_LEGACY_BLOCK;

	while (pos < size) {
		if (!range_ok(pos, 4, size))
			return db_fail(err, DB_ERR_INPUT,
				       "payload: lz4 stream is truncated: %zu "
				       "stray bytes at byte %zu, short of a "
				       "block size",
				       size - pos, pos);
		if (get_le32(in + pos) == LZ4_LEGACY_MAGIC) {
			pos += 4;
			n = LZ4_LEGACY_BLOCK;
			continue;
		}
		if (n != LZ4_LEGACY_BLOCK)
			return db_fail(err, DB_ERR_INPUT,
				       "payload: lz4 block %u holds %d bytes, "
				       "yet more follows at byte %zu: only a "
				       "frame's last block may be shorter "
				       "than 8 MiB",
				       index - 1, n, pos);
		n = lz4_block(in, size, &pos, index++, out, err);
		if (n < 0)
			return n;
	}
	out->consumed = pos;
	return DB_OK;
}
