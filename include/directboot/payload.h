/* SPDX-License-Identifier: MIT */
/*
 * The protocol 2.08 payload: the vmlinux ELF, compressed in one of the
 * seven formats Linux builds, followed by the decompressed size as le32.
 * For gzip those 4 bytes are the stream's own ISIZE; for the other six
 * they come after the stream, so each decoder stops at its stream's end.
 */
#ifndef DIRECTBOOT_PAYLOAD_H
#define DIRECTBOOT_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

enum payload_format {
	PAYLOAD_UNKNOWN = 0,
	PAYLOAD_NONE,  /* uncompressed: the ELF itself */
	PAYLOAD_GZIP,
	PAYLOAD_BZIP2,
	PAYLOAD_LZMA,
	PAYLOAD_XZ,
	PAYLOAD_LZO,   /* lzop container */
	PAYLOAD_LZ4,   /* legacy frame, magic 0x184c2102 */
	PAYLOAD_ZSTD,
};

/* Refuse to produce more than this, whatever the trailer claims. */
#define PAYLOAD_OUT_MAX (1ull << 30)

/* By magic bytes; PAYLOAD_UNKNOWN when none matches.  Cannot fail.  The
 * name is static ("none", "unknown" out of range): never freed. */
DB_EXPORT
enum payload_format payload_detect(const uint8_t *buf, size_t size);
DB_EXPORT
const char *payload_format_name(enum payload_format fmt);

/* The le32 size trailer: the last 4 bytes.  0 when size < 4; cannot
 * fail otherwise. */
DB_EXPORT
uint32_t payload_trailer_size(const uint8_t *buf, size_t size);

/*
 * Decompress a payload (stream plus trailer).  Produces at most max_out
 * bytes (0 means PAYLOAD_OUT_MAX), checks that the output length equals
 * the trailer, and returns a malloc'd buffer in *out that the caller
 * frees.  Returns DB_OK, DB_ERR_INPUT (corrupt stream, size mismatch,
 * over the bound) or DB_ERR_HOST (out of memory).
 */
DB_EXPORT
int payload_decompress(const uint8_t *buf, size_t size, size_t max_out,
		       uint8_t **out, size_t *out_size, struct db_error *err);

#endif
