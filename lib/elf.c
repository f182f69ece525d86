/* SPDX-License-Identifier: MIT */
/*
 * x86 ELF kernels: a vmlinux, or the payload a bzImage carries.
 *
 * Only what a loader needs is read: the PT_LOAD segments (placed by
 * p_paddr), the PT_NOTE notes (Xen's PVH entry among them) and where the
 * ELF proper ends.  In a bzImage payload the relocation table is appended
 * to vmlinux.bin inside the same compressed stream, so "the ELF" is
 * shorter than the decompressed bytes, and only the section and program
 * headers say by how much.
 *
 * Field offsets come from <elf.h>'s structs through offsetof(); no struct
 * is ever laid over the image's bytes.
 */
#include <elf.h>
#include <string.h>

#include "bytes.h"
#include "directboot/elf.h"

static uint64_t rd(const uint8_t *p, size_t width)
{
	switch (width) {
	case 1:
		return p[0];
	case 2:
		return get_le16(p);
	case 4:
		return get_le32(p);
	default:
		return get_le64(p);
	}
}

/* Field f of the ELF struct T (Ehdr, Phdr, Shdr) at p, for either class. */
#define FIELD(p, T, f) rd((p) + offsetof(T, f), sizeof(((T *)0)->f))
#define GET(is64, p, T, f)                                                     \
	((is64) ? FIELD(p, Elf64_##T, f) : FIELD(p, Elf32_##T, f))

struct ehdr {
	bool is64;
	uint16_t type, phentsize, phnum, shentsize, shnum;
	uint64_t phoff, shoff;
	size_t ehsize, phsize, shsize; /* what this class's structs take */
};

static void grow(struct elf_image *elf, uint64_t end)
{
	if (end > elf->elf_size)
		elf->elf_size = end;
}

static int read_ehdr(const uint8_t *buf, size_t size, struct elf_image *elf,
		     struct ehdr *eh, struct db_error *err)
{
	uint8_t class;

	if (!range_ok(0, EI_NIDENT, size) || memcmp(buf, ELFMAG, SELFMAG))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_ident: no ELF magic (size %zu)", size);
	class = buf[EI_CLASS];
	if (class != ELFCLASS64 && class != ELFCLASS32)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_ident[EI_CLASS]=%u is neither "
			       "ELFCLASS32 nor ELFCLASS64",
			       class);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_ident[EI_DATA]=%u is not ELFDATA2LSB "
			       "(x86 is little-endian)",
			       buf[EI_DATA]);
	eh->is64 = class == ELFCLASS64;
	eh->ehsize = eh->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	eh->phsize = eh->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	eh->shsize = eh->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (!range_ok(0, eh->ehsize, size))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: the file (size %zu) ends inside the "
			       "%zu-byte ELF header",
			       size, eh->ehsize);
	elf->elf_class = eh->is64 ? 64 : 32;
	elf->machine = GET(eh->is64, buf, Ehdr, e_machine);
	if (elf->machine != (eh->is64 ? EM_X86_64 : EM_386))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_machine=%u is not %s for ELFCLASS%d",
			       elf->machine,
			       eh->is64 ? "EM_X86_64 (62)" : "EM_386 (3)",
			       elf->elf_class);
	eh->type = GET(eh->is64, buf, Ehdr, e_type);
	if (eh->type != ET_EXEC && eh->type != ET_DYN)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_type=%u is neither ET_EXEC nor ET_DYN: "
			       "not a loadable image",
			       eh->type);
	elf->entry = GET(eh->is64, buf, Ehdr, e_entry);
	eh->phoff = GET(eh->is64, buf, Ehdr, e_phoff);
	eh->shoff = GET(eh->is64, buf, Ehdr, e_shoff);
	eh->phentsize = GET(eh->is64, buf, Ehdr, e_phentsize);
	eh->phnum = GET(eh->is64, buf, Ehdr, e_phnum);
	eh->shentsize = GET(eh->is64, buf, Ehdr, e_shentsize);
	eh->shnum = GET(eh->is64, buf, Ehdr, e_shnum);
	grow(elf, eh->ehsize);
	return DB_OK;
}

/* The program header table: entries of the class's size, in bounds.
 * phnum and phentsize are 16-bit, so their product cannot overflow. */
static int check_phdr_table(size_t size, struct elf_image *elf,
			    const struct ehdr *eh, struct db_error *err)
{
	uint64_t len = (uint64_t)eh->phnum * eh->phentsize;

	if (!eh->phnum)
		return db_fail(
			err, DB_ERR_INPUT,
			"elf: e_phnum=0: no program headers, nothing to load");
	if (eh->phnum == PN_XNUM)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_phnum=0x%x (PN_XNUM): extended program "
			       "header numbering is not supported",
			       eh->phnum);
	if (eh->phentsize != eh->phsize)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_phentsize=%u is not the ELFCLASS%d "
			       "program header size %zu",
			       eh->phentsize, elf->elf_class, eh->phsize);
	if (!range_ok(eh->phoff, len, size))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_phoff=0x%llx + e_phnum=%u * %u reaches "
			       "past the file end (size %zu)",
			       (unsigned long long)eh->phoff, eh->phnum,
			       eh->phentsize, size);
	grow(elf, eh->phoff + len);
	return DB_OK;
}

static int add_load(struct elf_image *elf, const struct elf_segment *seg,
		    unsigned idx, bool is64, struct db_error *err)
{
	uint64_t limit = is64 ? UINT64_MAX : UINT32_MAX;

	if (seg->filesz > seg->memsz)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: phdr %u: p_filesz=0x%llx is more than "
			       "p_memsz=0x%llx",
			       idx, (unsigned long long)seg->filesz,
			       (unsigned long long)seg->memsz);
	if (seg->memsz && seg->memsz - 1 > limit - seg->paddr)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: phdr %u: p_paddr=0x%llx + p_memsz=0x%llx "
			       "wraps past the end of the %d-bit address space",
			       idx, (unsigned long long)seg->paddr,
			       (unsigned long long)seg->memsz, is64 ? 64 : 32);
	if (elf->nr_loads == ELF_SEGMENTS_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: phdr %u: more than %d PT_LOAD segments",
			       idx, ELF_SEGMENTS_MAX);
	elf->loads[elf->nr_loads++] = *seg;
	return DB_OK;
}

/* A 4- or 8-byte number, as Xen reads its numeric notes. */
static int note_number(const struct elf_note *n, uint64_t *v,
		       struct db_error *err)
{
	if (n->descsz == 4)
		*v = get_le32(n->desc);
	else if (n->descsz == 8)
		*v = get_le64(n->desc);
	else
		return db_fail(
			err, DB_ERR_INPUT,
			"elf: Xen note type %u: descsz=%u is neither 4 nor 8",
			n->type, n->descsz);
	return DB_OK;
}

static int xen_note(struct elf_image *elf, const struct elf_note *n,
		    struct db_error *err)
{
	uint64_t v = 0;
	int ret;

	if (n->type == XEN_ELFNOTE_PHYS32_ENTRY) {
		ret = note_number(n, &v, err);
		if (ret)
			return ret;
		if (v > UINT32_MAX)
			return db_fail(
				err, DB_ERR_INPUT,
				"elf: XEN_ELFNOTE_PHYS32_ENTRY=0x%llx is above "
				"4 GiB: PVH enters in 32-bit mode",
				(unsigned long long)v);
		elf->has_pvh_entry = true;
		elf->pvh_entry = (uint32_t)v;
	} else if (n->type == XEN_ELFNOTE_PHYS32_RELOC) {
		/* Xen reads as many of the three u32s as the desc holds;
		 * pvh_reloc_align is fixed up once p_align is known. */
		elf->has_pvh_reloc = true;
		elf->pvh_reloc_align = n->descsz >= 4 ? get_le32(n->desc) : 0;
		elf->pvh_reloc_min = n->descsz >= 8
					     ? get_le32(n->desc + 4)
					     : XEN_PHYS32_RELOC_MIN_DEFAULT;
		elf->pvh_reloc_max = n->descsz >= 12
					     ? get_le32(n->desc + 8)
					     : XEN_PHYS32_RELOC_MAX_DEFAULT;
	}
	return DB_OK;
}

/*
 * Walk one PT_NOTE segment: a 12-byte header (namesz, descsz, type), the
 * name, the desc.  The desc and the next note start at the next multiple
 * of 4, or of 8 in a segment whose p_align is 8 (GNU property notes), as
 * binutils' readelf counts them: from the note's start, header included,
 * so an 8-aligned "GNU" note's desc is at 16, not 12 + 8.  Bytes too few
 * for another header are padding.
 */
static int walk_notes(const uint8_t *buf, const struct elf_segment *seg,
		      unsigned idx, struct elf_image *elf, struct db_error *err)
{
	const uint8_t *p = buf + seg->offset;
	uint64_t pos = 0, len = seg->filesz, align = seg->align == 8 ? 8 : 4;
	const size_t hdr = sizeof(Elf64_Nhdr);

	while (range_ok(pos, hdr, len)) {
		uint32_t namesz = FIELD(p + pos, Elf64_Nhdr, n_namesz);
		uint32_t descsz = FIELD(p + pos, Elf64_Nhdr, n_descsz);
		uint64_t name = pos + hdr;
		uint64_t desc = pos + align_up(hdr + (uint64_t)namesz, align);
		struct elf_note *n;
		int ret;

		if (!range_ok(name, namesz, len) ||
		    !range_ok(desc, descsz, len))
			return db_fail(err, DB_ERR_INPUT,
				       "elf: phdr %u: note at 0x%llx: "
				       "namesz=%u descsz=%u run past the "
				       "PT_NOTE end (p_filesz=0x%llx)",
				       idx, (unsigned long long)pos, namesz,
				       descsz, (unsigned long long)len);
		if (elf->nr_notes == ELF_NOTES_MAX)
			return db_fail(err, DB_ERR_INPUT,
				       "elf: phdr %u: more than %d notes", idx,
				       ELF_NOTES_MAX);
		n = &elf->notes[elf->nr_notes++];
		memset(n, 0, sizeof(*n));
		for (uint32_t i = 0; i < namesz && i + 1 < sizeof(n->name);
		     i++) {
			if (!p[name + i])
				break;
			n->name[i] = (char)p[name + i];
		}
		n->type = FIELD(p + pos, Elf64_Nhdr, n_type);
		n->desc = p + desc;
		n->descsz = descsz;
		if (namesz == sizeof(XEN_ELFNOTE_NAME) &&
		    !memcmp(p + name, XEN_ELFNOTE_NAME, namesz)) {
			ret = xen_note(elf, n, err);
			if (ret)
				return ret;
		}
		pos = align_up(desc + descsz, align);
	}
	return DB_OK;
}

static int read_phdrs(const uint8_t *buf, size_t size, struct elf_image *elf,
		      const struct ehdr *eh, struct db_error *err)
{
	for (unsigned i = 0; i < eh->phnum; i++) {
		const uint8_t *p =
			buf + eh->phoff + (uint64_t)i * eh->phentsize;
		uint32_t type = GET(eh->is64, p, Phdr, p_type);
		struct elf_segment seg = {
			.offset = GET(eh->is64, p, Phdr, p_offset),
			.filesz = GET(eh->is64, p, Phdr, p_filesz),
			.memsz = GET(eh->is64, p, Phdr, p_memsz),
			.vaddr = GET(eh->is64, p, Phdr, p_vaddr),
			.paddr = GET(eh->is64, p, Phdr, p_paddr),
			.align = GET(eh->is64, p, Phdr, p_align),
			.flags = GET(eh->is64, p, Phdr, p_flags),
		};
		int ret = DB_OK;

		if (type == PT_NULL)
			continue;
		if (!range_ok(seg.offset, seg.filesz, size))
			return db_fail(err, DB_ERR_INPUT,
				       "elf: phdr %u: p_offset=0x%llx + "
				       "p_filesz=0x%llx reaches past the file "
				       "end (size %zu)",
				       i, (unsigned long long)seg.offset,
				       (unsigned long long)seg.filesz, size);
		grow(elf, seg.offset + seg.filesz);
		if (type == PT_LOAD)
			ret = add_load(elf, &seg, i, eh->is64, err);
		else if (type == PT_NOTE)
			ret = walk_notes(buf, &seg, i, elf, err);
		if (ret)
			return ret;
	}
	if (!elf->nr_loads)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_phnum=%u program headers hold no "
			       "PT_LOAD segment",
			       eh->phnum);
	return DB_OK;
}

/* Section headers matter only for where the ELF ends: a stripped image
 * has none (e_shoff 0). */
static int read_shdrs(const uint8_t *buf, size_t size, struct elf_image *elf,
		      const struct ehdr *eh, struct db_error *err)
{
	uint64_t len = (uint64_t)eh->shnum * eh->shentsize;

	if (!eh->shoff)
		return DB_OK;
	if (!eh->shnum)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_shoff=0x%llx with e_shnum=0: extended "
			       "section numbering is not supported",
			       (unsigned long long)eh->shoff);
	if (eh->shentsize != eh->shsize)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_shentsize=%u is not the ELFCLASS%d "
			       "section header size %zu",
			       eh->shentsize, elf->elf_class, eh->shsize);
	if (!range_ok(eh->shoff, len, size))
		return db_fail(err, DB_ERR_INPUT,
			       "elf: e_shoff=0x%llx + e_shnum=%u * %u reaches "
			       "past the file end (size %zu)",
			       (unsigned long long)eh->shoff, eh->shnum,
			       eh->shentsize, size);
	grow(elf, eh->shoff + len);
	for (unsigned i = 0; i < eh->shnum; i++) {
		const uint8_t *p =
			buf + eh->shoff + (uint64_t)i * eh->shentsize;
		uint32_t type = GET(eh->is64, p, Shdr, sh_type);
		uint64_t off = GET(eh->is64, p, Shdr, sh_offset);
		uint64_t sz = GET(eh->is64, p, Shdr, sh_size);

		if (type == SHT_NULL || type == SHT_NOBITS)
			continue;
		if (!range_ok(off, sz, size))
			return db_fail(err, DB_ERR_INPUT,
				       "elf: section %u: sh_offset=0x%llx + "
				       "sh_size=0x%llx reaches past the file "
				       "end (size %zu)",
				       i, (unsigned long long)off,
				       (unsigned long long)sz, size);
		grow(elf, off + sz);
	}
	return DB_OK;
}

/* The PVH entry must land in loaded bytes, and a RELOC note without an
 * alignment takes the largest p_align of at least 4 KiB. */
static int check_pvh(struct elf_image *elf, struct db_error *err)
{
	uint64_t palign = 0;
	bool found = false;

	for (unsigned i = 0; i < elf->nr_loads; i++) {
		const struct elf_segment *s = &elf->loads[i];

		if (s->align > palign)
			palign = s->align;
		if (elf->pvh_entry >= s->paddr &&
		    elf->pvh_entry - s->paddr < s->memsz)
			found = true;
	}
	if (elf->has_pvh_entry && !found)
		return db_fail(err, DB_ERR_INPUT,
			       "elf: XEN_ELFNOTE_PHYS32_ENTRY=0x%x lies in no "
			       "PT_LOAD segment's p_paddr range",
			       elf->pvh_entry);
	if (elf->has_pvh_reloc && !elf->pvh_reloc_align)
		elf->pvh_reloc_align =
			palign >= XEN_PHYS32_RELOC_ALIGN_MIN_PALIGN &&
					palign <= UINT32_MAX
				? (uint32_t)palign
				: XEN_PHYS32_RELOC_ALIGN_DEFAULT;
	return DB_OK;
}

int elf_parse(const uint8_t *buf, size_t size, struct elf_image *elf,
	      struct db_error *err)
{
	struct ehdr eh = {0};
	int ret;

	memset(elf, 0, sizeof(*elf));
	ret = read_ehdr(buf, size, elf, &eh, err);
	if (!ret)
		ret = check_phdr_table(size, elf, &eh, err);
	if (!ret)
		ret = read_phdrs(buf, size, elf, &eh, err);
	if (!ret)
		ret = read_shdrs(buf, size, elf, &eh, err);
	if (!ret)
		ret = check_pvh(elf, err);
	if (ret)
		return ret;
	elf->trailing_size = size - elf->elf_size;
	return DB_OK;
}
