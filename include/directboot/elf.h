/* SPDX-License-Identifier: MIT */
/*
 * ELF parsing for x86-64 and i386 kernels: PT_LOAD segments, PT_NOTE
 * notes with the Xen PVH notes recognised, and whatever follows the ELF
 * proper (in a bzImage payload: the relocation table).
 */
#ifndef DIRECTBOOT_ELF_H
#define DIRECTBOOT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

#define ELF_SEGMENTS_MAX 64
#define ELF_NOTES_MAX 64

/* Xen's ELF notes (xen/include/public/elfnote.h), owner name "Xen".
 * PHYS32_ENTRY's desc is a 4- or 8-byte number (Linux 6.1 writes 8),
 * the 32-bit physical PVH entry.  PHYS32_RELOC's desc holds up to three
 * u32s, in this order, each defaulting when the desc stops before it:
 * the start alignment (default: the largest PT_LOAD p_align if at least
 * 4 KiB, else 2 MiB), the lowest start address (0) and the highest
 * address of the image's last byte (0xffffffff). */
#define XEN_ELFNOTE_NAME "Xen"
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_ELFNOTE_PHYS32_RELOC 19
#define XEN_PHYS32_RELOC_ALIGN_DEFAULT 0x200000u
#define XEN_PHYS32_RELOC_ALIGN_MIN_PALIGN 0x1000u
#define XEN_PHYS32_RELOC_MIN_DEFAULT 0u
#define XEN_PHYS32_RELOC_MAX_DEFAULT 0xffffffffu

struct elf_segment {
	uint64_t offset;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t align;
	uint32_t flags; /* PF_R/PF_W/PF_X */
};

struct elf_note {
	char name[16];      /* NUL-terminated, truncated if longer */
	uint32_t type;
	const uint8_t *desc; /* points into the image */
	uint32_t descsz;
};

struct elf_image {
	int elf_class;     /* 32 or 64 */
	uint16_t machine;  /* EM_386 or EM_X86_64 */
	uint64_t entry;
	unsigned nr_loads;
	struct elf_segment loads[ELF_SEGMENTS_MAX]; /* PT_LOAD, file order */
	unsigned nr_notes;
	struct elf_note notes[ELF_NOTES_MAX];

	bool has_pvh_entry; /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint32_t pvh_entry;
	bool has_pvh_reloc; /* XEN_ELFNOTE_PHYS32_RELOC */
	uint32_t pvh_reloc_align, pvh_reloc_min, pvh_reloc_max;

	/* End of the ELF proper: the furthest of the headers, program
	 * headers, section headers, sections and segments.  Bytes past it
	 * are trailing (the relocation table in a kernel payload). */
	uint64_t elf_size;
	uint64_t trailing_size;
};

/*
 * Parse buf as an x86 ELF.  Notes' desc points into buf, which must stay
 * alive while *elf is used; nothing is allocated.  Returns DB_OK or
 * DB_ERR_INPUT naming the field, value and rule.
 */
DB_EXPORT
int elf_parse(const uint8_t *buf, size_t size, struct elf_image *elf,
	      struct db_error *err);

#endif
