/* SPDX-License-Identifier: MIT */
/*
 * What payload.c hands each format's decoder, and what it expects back.
 *
 * payload.c reads the size trailer, refuses it when it is over the bound,
 * and allocates the output once: the trailer's size plus PAYLOAD_SLACK
 * bytes.  A decoder writes straight into that buffer (no staging copy),
 * sets out->len to what it produced and out->consumed to the input bytes
 * its stream used, and stops at its stream's end.  A stream that wants
 * to write into the slack produces more than the trailer says, and the
 * decoder refuses it with payload_overrun().  Comparing len with the
 * trailer, and consumed with the input size, is payload.c's job.
 */
#ifndef DIRECTBOOT_LIB_PAYLOAD_CODEC_H
#define DIRECTBOOT_LIB_PAYLOAD_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

/* One byte past the trailer is enough to see a stream run over it. */
#define PAYLOAD_SLACK 1

struct payload_out {
	uint8_t *buf;
	size_t cap;	 /* want + PAYLOAD_SLACK */
	size_t want;	 /* what the size trailer says */
	size_t len;	 /* produced */
	size_t consumed; /* input bytes the stream took, up to its end */
};

/*
 * Each decoder gets the bytes of its stream: for gzip the whole payload
 * (the trailer is its ISIZE), for the others the payload less the 4-byte
 * trailer.  Returns DB_OK, or DB_ERR_INPUT / DB_ERR_HOST with err set.
 */
typedef int payload_decode_fn(const uint8_t *in, size_t size,
			      struct payload_out *out, struct db_error *err);

payload_decode_fn payload_decode_gzip;
payload_decode_fn payload_decode_bzip2;
payload_decode_fn payload_decode_lzma;
payload_decode_fn payload_decode_xz;
payload_decode_fn payload_decode_lzo;
payload_decode_fn payload_decode_lz4;
payload_decode_fn payload_decode_zstd;

/* "payload: <fmt> stream produces more than the N bytes the size
 * trailer says".  Inline, so that the decoders call nothing in
 * payload.c, which calls them. */
static inline int payload_overrun(struct db_error *err, const char *fmt,
				  const struct payload_out *out)
{
	return db_fail(err, DB_ERR_INPUT,
		       "payload: %s stream produces more than the %zu bytes "
		       "the size trailer says",
		       fmt, out->want);
}

#endif
