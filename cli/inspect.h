/* SPDX-License-Identifier: MIT */
/*
 * A kernel image read all the way down, for inspect and extract: the
 * file, its header and, for a bzImage, its decompressed payload ELF.
 */
#ifndef DIRECTBOOT_CLI_INSPECT_H
#define DIRECTBOOT_CLI_INSPECT_H

#include <stdbool.h>

#include "directboot/bzimage.h"
#include "directboot/elf.h"
#include "directboot/image.h"
#include "directboot/payload.h"

struct inspect_image {
	const char *path;
	struct image_file file;
	uint8_t *stdin_data; /* IMAGE "-": file.data, read into memory */
	enum image_kind kind;
	struct bzimage bz; /* kind == IMAGE_BZIMAGE */

	/* A bzImage's payload: its format, trailer and what came out. */
	bool has_payload;
	enum payload_format format;
	uint32_t trailer_size;
	uint8_t *out; /* malloc'd decompressed bytes */
	size_t out_size;

	/* The ELF: the file itself, or the bzImage's payload. */
	bool has_elf;
	struct elf_image elf;
};

/*
 * Open (path "-": read standard input into memory, up to
 * IMAGE_SIZE_MAX), detect and parse path; decompress and parse a bzImage's payload.
 * Returns DB_OK or a status with err filled.  Release with
 * inspect_image_free() whatever it returned.
 */
int inspect_image_load(const char *path, struct inspect_image *img,
		       struct db_error *err);
void inspect_image_free(struct inspect_image *img);

#endif
