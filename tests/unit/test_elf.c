/* SPDX-License-Identifier: MIT */
/*
 * elf_parse() on ELF images built in memory, both classes: an ELF header,
 * a program header table with one PT_LOAD and one PT_NOTE, the notes,
 * the loaded bytes and, optionally, a section header table.  Each test
 * bends one field and checks the result or that the refusal names it.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "directboot/elf.h"

#define PHOFF 0x40
#define NOTES 0x200 /* the PT_NOTE's bytes */
#define LOAD 0x1000 /* the PT_LOAD's bytes */
#define LOAD_FILESZ 0x800
#define LOAD_MEMSZ 0x2000
#define LOAD_PADDR 0x1000000
#define LOAD_VADDR 0xffffffff81000000ull
#define ENTRY 0x1000000
#define PVH 0x1000040
#define END (LOAD + LOAD_FILESZ)

static uint8_t img[0x4000];
static struct elf_image elf;
static struct db_error err;
static bool is64;
static size_t notes_len;

/* Set field f of ELF struct T at p, for the class being built. */
#define SET(p, T, f, v)                                                        \
	do {                                                                   \
		if (is64)                                                      \
			put(p, offsetof(Elf64_##T, f),                         \
			    sizeof(((Elf64_##T *)0)->f), v);                   \
		else                                                           \
			put(p, offsetof(Elf32_##T, f),                         \
			    sizeof(((Elf32_##T *)0)->f), v);                   \
	} while (0)

static void put(uint8_t *p, size_t off, size_t width, uint64_t v)
{
	if (width == 2)
		put_le16(p + off, (uint16_t)v);
	else if (width == 4)
		put_le32(p + off, (uint32_t)v);
	else
		put_le64(p + off, v);
}

static size_t phsize(void)
{
	return is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

static uint8_t *phdr(unsigned i)
{
	return img + PHOFF + i * phsize();
}

/* Append a note to the PT_NOTE's bytes, padded to 4. */
static void note(const char *name, uint32_t type, const void *desc,
		 uint32_t descsz)
{
	uint8_t *p = img + NOTES + notes_len;
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	put_le32(p, namesz);
	put_le32(p + 4, descsz);
	put_le32(p + 8, type);
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + align_up(namesz, 4), desc, descsz);
	notes_len += 12 + align_up(namesz, 4) + align_up(descsz, 4);
	SET(phdr(1), Phdr, p_filesz, notes_len);
}

/* An ELF of the class with a PT_LOAD and an empty PT_NOTE; its size. */
static size_t mk(bool want64)
{
	uint16_t machine = want64 ? EM_X86_64 : EM_386;

	is64 = want64;
	notes_len = 0;
	memset(img, 0, sizeof(img));
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	SET(img, Ehdr, e_type, ET_EXEC);
	SET(img, Ehdr, e_machine, machine);
	SET(img, Ehdr, e_version, EV_CURRENT);
	SET(img, Ehdr, e_entry, ENTRY);
	SET(img, Ehdr, e_phoff, PHOFF);
	SET(img, Ehdr, e_ehsize,
	    is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr));
	SET(img, Ehdr, e_phentsize, phsize());
	SET(img, Ehdr, e_phnum, 2);

	SET(phdr(0), Phdr, p_type, PT_LOAD);
	SET(phdr(0), Phdr, p_flags, PF_R | PF_X);
	SET(phdr(0), Phdr, p_offset, LOAD);
	SET(phdr(0), Phdr, p_vaddr, is64 ? LOAD_VADDR : 0xc1000000);
	SET(phdr(0), Phdr, p_paddr, LOAD_PADDR);
	SET(phdr(0), Phdr, p_filesz, LOAD_FILESZ);
	SET(phdr(0), Phdr, p_memsz, LOAD_MEMSZ);
	SET(phdr(0), Phdr, p_align, 0x200000);

	SET(phdr(1), Phdr, p_type, PT_NOTE);
	SET(phdr(1), Phdr, p_offset, NOTES);
	SET(phdr(1), Phdr, p_align, 4);
	return END;
}

static int parse(size_t size)
{
	memset(&err, 0, sizeof(err));
	return elf_parse(img, size, &elf, &err);
}

static void refused(size_t size, const char *want)
{
	assert_int_equal(parse(size), DB_ERR_INPUT);
	assert_int_equal(err.status, DB_ERR_INPUT);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, want);
	assert_null(strchr(err.msg, '\n'));
}

static void check_good(bool want64)
{
	size_t size = mk(want64);

	assert_int_equal(parse(size), DB_OK);
	assert_int_equal(elf.elf_class, want64 ? 64 : 32);
	assert_int_equal(elf.machine, want64 ? EM_X86_64 : EM_386);
	assert_int_equal(elf.entry, ENTRY);
	assert_int_equal(elf.nr_loads, 1);
	assert_int_equal(elf.loads[0].offset, LOAD);
	assert_int_equal(elf.loads[0].filesz, LOAD_FILESZ);
	assert_int_equal(elf.loads[0].memsz, LOAD_MEMSZ);
	assert_int_equal(elf.loads[0].paddr, LOAD_PADDR);
	assert_true(elf.loads[0].vaddr == (want64 ? LOAD_VADDR : 0xc1000000));
	assert_int_equal(elf.loads[0].align, 0x200000);
	assert_int_equal(elf.loads[0].flags, PF_R | PF_X);
	assert_int_equal(elf.nr_notes, 0);
	assert_false(elf.has_pvh_entry);
	assert_false(elf.has_pvh_reloc);
	assert_int_equal(elf.elf_size, END);
	assert_int_equal(elf.trailing_size, 0);
}

static void test_good64(void **state)
{
	(void)state;
	check_good(true);
}

static void test_good32(void **state)
{
	(void)state;
	check_good(false);
}

static void test_ident(void **state)
{
	(void)state;
	mk(true);
	img[EI_DATA] = ELFDATA2MSB;
	refused(END, "e_ident[EI_DATA]=2");
	mk(true);
	img[EI_CLASS] = 3;
	refused(END, "e_ident[EI_CLASS]=3");
	mk(true);
	SET(img, Ehdr, e_machine, EM_386);
	refused(END, "e_machine=3 is not EM_X86_64");
	mk(false);
	SET(img, Ehdr, e_machine, EM_X86_64);
	refused(END, "e_machine=62 is not EM_386");
	mk(true);
	SET(img, Ehdr, e_type, ET_REL);
	refused(END, "e_type=1");
	mk(true);
	refused(sizeof(Elf64_Ehdr) - 1, "ELF header");
	mk(true);
	img[0] = 0;
	refused(END, "e_ident");
}

/* Whatever follows the ELF proper is trailing: in a payload, relocs. */
static void test_trailing(void **state)
{
	(void)state;
	mk(true);
	assert_int_equal(parse(END + 100), DB_OK);
	assert_int_equal(elf.elf_size, END);
	assert_int_equal(elf.trailing_size, 100);
}

/* Sections count toward the ELF's end; NOBITS ones do not. */
static void test_sections(void **state)
{
	const size_t shoff = END + 0x100, shsz = sizeof(Elf64_Shdr);
	uint8_t *sh = img + shoff;

	(void)state;
	mk(true);
	SET(img, Ehdr, e_shoff, shoff);
	SET(img, Ehdr, e_shentsize, shsz);
	SET(img, Ehdr, e_shnum, 3);
	/* [0] SHT_NULL, [1] PROGBITS up to shoff - 0x10, [2] NOBITS huge */
	SET(sh + shsz, Shdr, sh_type, SHT_PROGBITS);
	SET(sh + shsz, Shdr, sh_offset, END);
	SET(sh + shsz, Shdr, sh_size, 0xf0);
	SET(sh + 2 * shsz, Shdr, sh_type, SHT_NOBITS);
	SET(sh + 2 * shsz, Shdr, sh_offset, 0x10);
	SET(sh + 2 * shsz, Shdr, sh_size, 0x7fffffffffffull);
	assert_int_equal(parse(shoff + 3 * shsz + 50), DB_OK);
	assert_int_equal(elf.elf_size, shoff + 3 * shsz);
	assert_int_equal(elf.trailing_size, 50);

	/* A section past the file end: the file is truncated. */
	SET(sh + shsz, Shdr, sh_size, 0x10000);
	refused(shoff + 3 * shsz,
		"section 1: sh_offset=0x1800 + sh_size=0x10000");
	SET(sh + shsz, Shdr, sh_size, 0xf0);
	/* The table itself past the end. */
	refused(shoff + 2 * shsz, "e_shoff=0x1900");
	SET(img, Ehdr, e_shentsize, 40);
	refused(shoff + 3 * shsz, "e_shentsize=40");
}

static void test_phdr_table_bounds(void **state)
{
	(void)state;
	mk(true);
	SET(img, Ehdr, e_phoff, END - 0x10);
	refused(END, "e_phoff=0x17f0");
	mk(true);
	SET(img, Ehdr, e_phoff, UINT64_MAX - 8);
	refused(END, "e_phoff=0xfffffffffffffff7");
	mk(false);
	SET(img, Ehdr, e_phoff, 0xfffffff0);
	refused(END, "e_phoff=0xfffffff0");
	mk(true);
	SET(img, Ehdr, e_phnum, 0xfffe);
	refused(END, "e_phnum=65534");
	mk(true);
	SET(img, Ehdr, e_phentsize, 32);
	refused(END, "e_phentsize=32");
	mk(true);
	SET(img, Ehdr, e_phnum, 0);
	refused(END, "e_phnum=0");
	mk(true);
	SET(img, Ehdr, e_phnum, PN_XNUM);
	refused(END, "PN_XNUM");
}

static void test_segment_bounds(void **state)
{
	(void)state;
	/* p_offset + p_filesz overflows 64 bits. */
	mk(true);
	SET(phdr(0), Phdr, p_offset, 0xfffffffffffff000ull);
	SET(phdr(0), Phdr, p_filesz, 0x2000);
	refused(END, "phdr 0: p_offset=0xfffffffffffff000 + p_filesz=0x2000");
	/* ... and 32 bits (no wrap in our 64-bit arithmetic either). */
	mk(false);
	SET(phdr(0), Phdr, p_offset, 0xfffff000);
	SET(phdr(0), Phdr, p_filesz, 0x2000);
	refused(END, "phdr 0: p_offset=0xfffff000");
	/* One byte past the end. */
	mk(true);
	refused(END - 1, "p_filesz=0x800 reaches past the file end");
	/* A PT_NOTE out of bounds too. */
	mk(true);
	SET(phdr(1), Phdr, p_filesz, 0x10000);
	refused(END, "phdr 1: p_offset=0x200");
}

static void test_segment_sizes(void **state)
{
	(void)state;
	mk(true);
	SET(phdr(0), Phdr, p_memsz, LOAD_FILESZ - 1);
	refused(END, "p_filesz=0x800 is more than p_memsz=0x7ff");
	mk(false);
	SET(phdr(0), Phdr, p_paddr, 0xfffff000);
	refused(END, "p_paddr=0xfffff000 + p_memsz=0x2000 wraps");
	mk(true);
	SET(phdr(0), Phdr, p_paddr, 0xfffffffffffff000ull);
	refused(END, "wraps past the end of the 64-bit");
	/* Up to the very last byte is fine. */
	SET(phdr(0), Phdr, p_paddr, 0xffffffffffffe000ull);
	assert_int_equal(parse(END), DB_OK);
	/* No PT_LOAD at all. */
	mk(true);
	SET(phdr(0), Phdr, p_type, PT_NULL);
	refused(END, "no PT_LOAD");
}

static void test_too_many_loads(void **state)
{
	const unsigned n = ELF_SEGMENTS_MAX + 1;

	(void)state;
	mk(true);
	SET(img, Ehdr, e_phnum, n);
	for (unsigned i = 1; i < n; i++)
		memcpy(phdr(i), phdr(0), phsize());
	refused(END, "more than 64 PT_LOAD");
	SET(img, Ehdr, e_phnum, n - 1);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.nr_loads, ELF_SEGMENTS_MAX);
}

static void test_pvh_notes(void **state)
{
	uint8_t e8[8], r[12];
	uint32_t e4 = PVH;

	(void)state;
	put_le64(e8, PVH);
	put_le32(r, 0x1000);
	put_le32(r + 4, 0x100000);
	put_le32(r + 8, 0x3fffffff);

	/* Linux 6.1 writes an 8-byte entry; a foreign note of the same
	 * type is not Xen's. */
	mk(true);
	note("GNU", XEN_ELFNOTE_PHYS32_ENTRY, "\x01\x02\x03\x04", 4);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, e8, 8);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_RELOC, r, 12);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.nr_notes, 3);
	assert_string_equal(elf.notes[0].name, "GNU");
	assert_string_equal(elf.notes[1].name, "Xen");
	assert_int_equal(elf.notes[1].type, XEN_ELFNOTE_PHYS32_ENTRY);
	assert_int_equal(elf.notes[1].descsz, 8);
	assert_ptr_equal(elf.notes[1].desc, img + NOTES + 20 + 12 + 4);
	assert_true(elf.has_pvh_entry);
	assert_int_equal(elf.pvh_entry, PVH);
	assert_true(elf.has_pvh_reloc);
	assert_int_equal(elf.pvh_reloc_align, 0x1000);
	assert_int_equal(elf.pvh_reloc_min, 0x100000);
	assert_int_equal(elf.pvh_reloc_max, 0x3fffffff);

	/* A 4-byte entry, on ELF32; a RELOC with only its alignment. */
	mk(false);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, &e4, 4);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_RELOC, r, 4);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.pvh_entry, PVH);
	assert_int_equal(elf.pvh_reloc_align, 0x1000);
	assert_int_equal(elf.pvh_reloc_min, XEN_PHYS32_RELOC_MIN_DEFAULT);
	assert_int_equal(elf.pvh_reloc_max, XEN_PHYS32_RELOC_MAX_DEFAULT);

	/* Align and min only. */
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_RELOC, r, 8);
	assert_int_equal(parse(END), DB_OK);
	assert_false(elf.has_pvh_entry);
	assert_int_equal(elf.pvh_reloc_min, 0x100000);
	assert_int_equal(elf.pvh_reloc_max, XEN_PHYS32_RELOC_MAX_DEFAULT);

	/* Empty: the alignment comes from p_align (0x200000 here, >= 4k),
	 * or the default when p_align is small. */
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_RELOC, r, 0);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.pvh_reloc_align, 0x200000);
	SET(phdr(0), Phdr, p_align, 0x10);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.pvh_reloc_align, XEN_PHYS32_RELOC_ALIGN_DEFAULT);
	SET(phdr(0), Phdr, p_align, 0x400000);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.pvh_reloc_align, 0x400000);
}

static void test_pvh_notes_bad(void **state)
{
	uint8_t e8[8];
	uint32_t e4;

	(void)state;
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, "\0\0\0", 3);
	refused(END, "descsz=3");

	put_le64(e8, 0x100000000ull + PVH);
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, e8, 8);
	refused(END, "XEN_ELFNOTE_PHYS32_ENTRY=0x101000040");

	/* Past the loaded bytes (memsz counts, filesz does not). */
	e4 = LOAD_PADDR + LOAD_MEMSZ;
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, &e4, 4);
	refused(END, "XEN_ELFNOTE_PHYS32_ENTRY=0x1002000 lies in no PT_LOAD");
	e4 = LOAD_PADDR + LOAD_MEMSZ - 1;
	mk(true);
	note(XEN_ELFNOTE_NAME, XEN_ELFNOTE_PHYS32_ENTRY, &e4, 4);
	assert_int_equal(parse(END), DB_OK);
}

static void test_notes_bounds(void **state)
{
	(void)state;
	/* descsz past the segment. */
	mk(true);
	note("Xen", 6, "linux", 6);
	put_le32(img + NOTES + 4, 0x1000);
	refused(END, "descsz=4096");
	/* A namesz that would wrap a 32-bit sum. */
	mk(true);
	note("Xen", 6, "linux", 6);
	put_le32(img + NOTES, 0xfffffffe);
	refused(END, "namesz=4294967294");
	/* Fewer bytes than a note header at the end: padding. */
	mk(true);
	note("Xen", 6, "linux", 6);
	SET(phdr(1), Phdr, p_filesz, notes_len + 8);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.nr_notes, 1);
	assert_int_equal(elf.notes[0].type, 6);
	assert_memory_equal(elf.notes[0].desc, "linux", 6);
}

/* GNU property notes align to 8 from the note's start: the desc of a
 * "GNU" note follows its 12-byte header and 4-byte name at 16. */
static void test_notes_align8(void **state)
{
	uint8_t *p = img + NOTES;

	(void)state;
	mk(true);
	SET(phdr(1), Phdr, p_align, 8);
	put_le32(p, 4);
	put_le32(p + 4, 16);
	put_le32(p + 8, NT_GNU_PROPERTY_TYPE_0);
	memcpy(p + 12, "GNU", 4);
	memset(p + 16, 0xab, 16);
	/* The next note at 32; its 5-byte name pads the desc to 32 + 24. */
	put_le32(p + 32, 6);
	put_le32(p + 36, 4);
	put_le32(p + 40, 7);
	memcpy(p + 44, "Linux", 6);
	put_le32(p + 56, 0x12345678);
	SET(phdr(1), Phdr, p_filesz, 64);
	assert_int_equal(parse(END), DB_OK);
	assert_int_equal(elf.nr_notes, 2);
	assert_ptr_equal(elf.notes[0].desc, p + 16);
	assert_int_equal(elf.notes[0].descsz, 16);
	assert_string_equal(elf.notes[1].name, "Linux");
	assert_ptr_equal(elf.notes[1].desc, p + 56);
	/* Read 4-aligned, the second desc would start at 32 + 20. */
	SET(phdr(1), Phdr, p_align, 4);
	assert_int_equal(parse(END), DB_OK);
	assert_ptr_equal(elf.notes[1].desc, p + 52);
}

static void test_too_many_notes(void **state)
{
	(void)state;
	mk(true);
	for (unsigned i = 0; i <= ELF_NOTES_MAX; i++)
		note("Linux", i, "", 0);
	refused(END, "more than 64 notes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good64),
		cmocka_unit_test(test_good32),
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_phdr_table_bounds),
		cmocka_unit_test(test_segment_bounds),
		cmocka_unit_test(test_segment_sizes),
		cmocka_unit_test(test_too_many_loads),
		cmocka_unit_test(test_pvh_notes),
		cmocka_unit_test(test_pvh_notes_bad),
		cmocka_unit_test(test_notes_bounds),
		cmocka_unit_test(test_notes_align8),
		cmocka_unit_test(test_too_many_notes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
