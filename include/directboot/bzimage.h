/* SPDX-License-Identifier: MIT */
/*
 * bzImage parsing, boot protocol 2.00 to 2.15 (boot.rst, "THE REAL-MODE
 * KERNEL HEADER").  bzimage_parse() reads and range-checks every header
 * field the image's version defines; fields newer than the version are
 * left at the protocol's defaults, never read from the file.
 */
#ifndef DIRECTBOOT_BZIMAGE_H
#define DIRECTBOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/bootparam.h"
#include "directboot/error.h"

/* A kernel that asks for a longer command line than this is refused:
 * x86's COMMAND_LINE_SIZE is 2048, and the cmdline must fit below 1 MiB
 * for older kernels. */
#define BZIMAGE_CMDLINE_SIZE_MAX (1u << 20)

struct bzimage {
	/* The setup header as found in the file, copied out field by
	 * field; fields past the image's version hold their defaults. */
	struct setup_header hdr;
	uint16_t version;       /* hdr.version, e.g. 0x020f */
	unsigned setup_sects;   /* effective: 0 in the file means 4 */
	size_t setup_size;      /* (setup_sects + 1) * 512 */

	/* The protected-mode part: file bytes after the setup.  pm_size is
	 * what the file holds; pm_syssize is syssize * 16 (0 if unset).
	 * Bytes past syssize * 16 (a signature, on signed images) are
	 * counted in trailing_size and never loaded.  A file that ends less
	 * than 16 bytes before syssize * 16 (syssize rounded up) loads
	 * pm_size bytes. */
	const uint8_t *pm;
	size_t pm_size;
	size_t pm_syssize;
	size_t trailing_size;
	/* What a loader copies: pm_syssize, or pm_size when syssize is 0,
	 * untrusted or rounded up past the file's end. */
	size_t pm_load_size;

	/* Effective values, the protocol's defaults for older versions. */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint32_t kernel_alignment;
	uint32_t init_size;   /* 0 before 2.10 */

	bool has_kernel_version;
	char kernel_version[128];

	/* Protocol 2.08: the payload, a slice of pm; NULL when absent. */
	const uint8_t *payload;
	size_t payload_size;

	/* Protocol 2.15: the kernel_info block. */
	bool has_kernel_info;
	struct kernel_info kernel_info;
};

/*
 * Parse buf as a bzImage.  buf must stay alive while *bz is used: pm and
 * payload point into it.  Returns DB_OK, or DB_ERR_INPUT with a message
 * naming the field, value and rule.
 */
DB_EXPORT
int bzimage_parse(const uint8_t *buf, size_t size, struct bzimage *bz,
		  struct db_error *err);

/* Names of the set bits of loadflags and xloadflags, "|"-joined into buf
 * (unknown bits as 0x..), cut at len.  Returns buf, which the caller
 * owns.  Cannot fail. */
DB_EXPORT
const char *bzimage_loadflags_str(uint8_t flags, char *buf, size_t len);
DB_EXPORT
const char *bzimage_xloadflags_str(uint16_t flags, char *buf, size_t len);

#endif
