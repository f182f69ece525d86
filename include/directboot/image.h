/* SPDX-License-Identifier: MIT */
/*
 * Image detection and loading: what kind of kernel a buffer holds.
 */
#ifndef DIRECTBOOT_IMAGE_H
#define DIRECTBOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

enum image_kind {
	IMAGE_UNKNOWN = 0,
	IMAGE_BZIMAGE, /* "HdrS" at 0x202 */
	IMAGE_ELF64,   /* ELFCLASS64, EM_X86_64 */
	IMAGE_ELF32,   /* ELFCLASS32, EM_386 */
};

/* Images above this size are refused: no x86 kernel comes near it. */
#define IMAGE_SIZE_MAX (2ull << 30)

/*
 * Decide what buf holds.  Returns DB_OK and sets *kind, or DB_ERR_INPUT
 * with a message naming what was seen (the first bytes) when it is none
 * of the kinds above.
 */
DB_EXPORT
int image_detect(const uint8_t *buf, size_t size, enum image_kind *kind,
		 struct db_error *err);

/* A static name ("unknown" for a value out of range): never freed,
 * never NULL.  Cannot fail. */
DB_EXPORT
const char *image_kind_name(enum image_kind kind);

/* A whole file, read-only mapped.  data is NULL for an empty file. */
struct image_file {
	const uint8_t *data;
	size_t size;
};

/*
 * Map path read-only.  Refuses directories, non-regular files, empty
 * files and files over IMAGE_SIZE_MAX (DB_ERR_INPUT), and reports open or
 * mmap failures as DB_ERR_HOST.  Release with image_file_close().
 */
DB_EXPORT
int image_file_open(const char *path, struct image_file *f,
		    struct db_error *err);
/* Unmap f and zero it, so that closing twice or closing a zeroed f is
 * harmless.  Whatever pointed into f->data is invalid afterwards. */
DB_EXPORT
void image_file_close(struct image_file *f);

#endif
