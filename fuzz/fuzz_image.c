// SPDX-License-Identifier: MIT
/*
 * The image parsers on arbitrary bytes: image_detect, bzimage_parse
 * (which reads kernel_info for protocol 2.15) and elf_parse, each given
 * the whole input whatever image_detect says, since a caller may ask
 * for either directly.  A bzImage whose payload is uncompressed has its
 * payload parsed as the ELF it claims to be, as --decompress host would.
 */
#include "directboot/bzimage.h"
#include "directboot/elf.h"
#include "directboot/image.h"
#include "directboot/payload.h"
#include "fuzz.h"

static void parse_bzimage(const uint8_t *data, size_t size)
{
	static struct bzimage bz;
	struct db_error err = { 0 };
	char flags[128];
	int ret;

	ret = bzimage_parse(data, size, &bz, &err);
	fuzz_check_error(ret, &err);
	if (ret)
		return;
	/* Everything the parser hands back must lie inside the input. */
	if (bz.pm < data || bz.pm_size > size ||
	    (size_t)(bz.pm - data) > size - bz.pm_size)
		abort();
	if (bz.payload && (bz.payload < bz.pm || bz.payload_size > bz.pm_size ||
			   (size_t)(bz.payload - bz.pm) >
				   bz.pm_size - bz.payload_size))
		abort();
	if (bz.has_kernel_version &&
	    !memchr(bz.kernel_version, '\0', sizeof(bz.kernel_version)))
		abort();
	bzimage_loadflags_str(bz.hdr.loadflags, flags, sizeof(flags));
	bzimage_xloadflags_str(bz.hdr.xloadflags, flags, sizeof(flags));
	if (bz.payload &&
	    payload_detect(bz.payload, bz.payload_size) == PAYLOAD_NONE) {
		static struct elf_image elf;

		ret = elf_parse(bz.payload, bz.payload_size, &elf, &err);
		fuzz_check_error(ret, &err);
	}
}

static void parse_elf(const uint8_t *data, size_t size)
{
	static struct elf_image elf;
	struct db_error err = { 0 };
	int ret;

	ret = elf_parse(data, size, &elf, &err);
	fuzz_check_error(ret, &err);
	if (ret)
		return;
	if (elf.nr_loads > ELF_SEGMENTS_MAX || elf.nr_notes > ELF_NOTES_MAX)
		abort();
	for (unsigned i = 0; i < elf.nr_notes; i++) {
		const struct elf_note *n = &elf.notes[i];

		if (!memchr(n->name, '\0', sizeof(n->name)))
			abort();
		if (n->descsz && (n->desc < data || n->descsz > size ||
				  (size_t)(n->desc - data) > size - n->descsz))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_error err = { 0 };
	enum image_kind kind = IMAGE_UNKNOWN;
	int ret;

	ret = image_detect(data, size, &kind, &err);
	fuzz_check_error(ret, &err);
	if (!ret && kind == IMAGE_UNKNOWN)
		abort();
	(void)image_kind_name(kind);
	parse_bzimage(data, size);
	parse_elf(data, size);
	return 0;
}
