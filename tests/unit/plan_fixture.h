/* SPDX-License-Identifier: MIT */
/*
 * Kernel images built in memory for the plan's tests: a minimal valid
 * bzImage (protocol 2.15 unless asked otherwise) whose header fields a
 * test sets one by one, and a minimal x86-64 vmlinux-like ELF with an
 * optional Xen PVH entry note, which can also ride in a bzImage as an
 * uncompressed payload for --decompress host.
 */
#ifndef DIRECTBOOT_TESTS_PLAN_FIXTURE_H
#define DIRECTBOOT_TESTS_PLAN_FIXTURE_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "directboot/bootparam.h"
#include "directboot/hvm_start_info.h"
#include "directboot/plan.h"

#define FX_SETUP_SECTS 4
#define FX_SETUP_SIZE ((FX_SETUP_SECTS + 1) * BOOT_SECTOR_SIZE)
#define FX_PM_CODE 0x1000 /* protected-mode bytes before a payload */
#define FX_IMAGE_MAX (1u << 20)

static const uint8_t fx_seed[32] = {
	1,  2,	3,  4,	5,  6,	7,  8,	9,  10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

/* Options for a plan with mem MiB of RAM and a fixed RNG seed. */
#define FX_OPTS(mem)                                                           \
	((struct plan_options){.mem_size = (uint64_t)(mem) << 20,              \
			       .rng_seed = fx_seed})

/* The placement named what, or NULL. */
static inline const struct plan_placement *fx_placement(const struct plan *p,
							const char *what)
{
	for (unsigned i = 0; i < p->nr_placements; i++)
		if (!strcmp(p->placements[i].what, what))
			return &p->placements[i];
	return NULL;
}

struct fx_bz {
	uint16_t version;
	bool not_relocatable;
	uint64_t pref_address;
	uint32_t kernel_alignment;
	uint32_t init_size;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint32_t code32_start;
	const uint8_t *payload;
	size_t payload_size;
};

/* The values a test gets unless it changes them: a relocatable 64-bit
 * kernel like Debian's. */
static inline struct fx_bz fx_bz_default(void)
{
	return (struct fx_bz){
		.version = BOOT_PROTOCOL(2, 15),
		.pref_address = 0x1000000,
		.kernel_alignment = 0x200000,
		.init_size = 0x400000,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
		.initrd_addr_max = 0x7fffffff,
		.cmdline_size = 2047,
		.code32_start = CODE32_START_DEFAULT,
	};
}

/* Write the bzImage into buf (FX_IMAGE_MAX bytes); returns its size. */
static inline size_t fx_bzimage(uint8_t *buf, const struct fx_bz *p)
{
	size_t pm = FX_PM_CODE + align_up(p->payload_size, 16);
	uint8_t *b = buf;

	memset(buf, 0, FX_SETUP_SIZE + pm);
	b[SH_OFF(setup_sects)] = FX_SETUP_SECTS;
	put_le32(b + SH_OFF(syssize), (uint32_t)(pm / 16));
	put_le16(b + SH_OFF(boot_flag), BOOT_FLAG_MAGIC);
	put_le16(b + SH_OFF(jump), 0x6aeb); /* header ends at 0x202+0x6a */
	put_le32(b + SH_OFF(header), HDRS_MAGIC);
	put_le16(b + SH_OFF(version), p->version);
	b[SH_OFF(loadflags)] = LOADED_HIGH;
	put_le32(b + SH_OFF(code32_start), p->code32_start);
	put_le32(b + SH_OFF(initrd_addr_max), p->initrd_addr_max);
	put_le32(b + SH_OFF(kernel_alignment), p->kernel_alignment);
	b[SH_OFF(relocatable_kernel)] = !p->not_relocatable;
	b[SH_OFF(min_alignment)] = 21;
	put_le16(b + SH_OFF(xloadflags), p->xloadflags);
	put_le32(b + SH_OFF(cmdline_size), p->cmdline_size);
	put_le64(b + SH_OFF(pref_address), p->pref_address);
	put_le32(b + SH_OFF(init_size), p->init_size);
	if (p->payload) {
		put_le32(b + SH_OFF(payload_offset), FX_PM_CODE);
		put_le32(b + SH_OFF(payload_length), (uint32_t)p->payload_size);
		memcpy(b + FX_SETUP_SIZE + FX_PM_CODE, p->payload,
		       p->payload_size);
	}
	/* Something recognisable where the 32-bit entry is. */
	memset(b + FX_SETUP_SIZE, 0x90, 16);
	return FX_SETUP_SIZE + pm;
}

/* The ELF: one PT_LOAD of FX_ELF_FILESZ bytes (FX_ELF_MEMSZ in memory)
 * at physical FX_ELF_PADDR, linked at FX_ELF_VADDR like vmlinux. */
#define FX_ELF_PADDR 0x1000000ull
#define FX_ELF_VADDR 0xffffffff81000000ull
#define FX_ELF_OFFSET 0x1000
#define FX_ELF_FILESZ 0x1000
#define FX_ELF_MEMSZ 0x5000
#define FX_ELF_ENTRY_OFF 0x10 /* e_entry: physical, as vmlinux's */
#define FX_ELF_PVH_OFF 0x40   /* the PVH note's entry */
#define FX_ELF_SIZE (FX_ELF_OFFSET + FX_ELF_FILESZ)
#define FX_NOTE_OFF 0x100

struct fx_elf {
	bool pvh_note;
	bool virtual_entry; /* e_entry inside the PT_LOAD's vaddr range */
	uint64_t paddr;	    /* 0: FX_ELF_PADDR */
};

static inline size_t fx_elf(uint8_t *buf, const struct fx_elf *p)
{
	uint64_t paddr = p->paddr ? p->paddr : FX_ELF_PADDR;
	Elf64_Ehdr eh = {
		.e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			    ELFDATA2LSB, EV_CURRENT},
		.e_type = ET_EXEC,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = (p->virtual_entry ? FX_ELF_VADDR : paddr) +
			   FX_ELF_ENTRY_OFF,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = p->pvh_note ? 2 : 1,
	};
	Elf64_Phdr ph[2] = {
		{.p_type = PT_LOAD,
		 .p_flags = PF_R | PF_X,
		 .p_offset = FX_ELF_OFFSET,
		 .p_vaddr = FX_ELF_VADDR,
		 .p_paddr = paddr,
		 .p_filesz = FX_ELF_FILESZ,
		 .p_memsz = FX_ELF_MEMSZ,
		 .p_align = 0x200000},
		{.p_type = PT_NOTE,
		 .p_flags = PF_R,
		 .p_offset = FX_NOTE_OFF,
		 .p_filesz = 12 + 4 + 8,
		 .p_align = 4},
	};
	uint8_t *note = buf + FX_NOTE_OFF;

	memset(buf, 0, FX_ELF_SIZE);
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, eh.e_phnum * sizeof(ph[0]));
	put_le32(note, 4);     /* namesz: "Xen\0" */
	put_le32(note + 4, 8); /* descsz */
	put_le32(note + 8, XEN_ELFNOTE_PHYS32_ENTRY);
	memcpy(note + 12, "Xen", 4);
	put_le64(note + 16, paddr + FX_ELF_PVH_OFF);
	memset(buf + FX_ELF_OFFSET, 0xcc, FX_ELF_FILESZ);
	return FX_ELF_SIZE;
}

/* Walk an identity map built by pagetables.c: the physical address that
 * va maps to, or ~0 when unmapped.  tables is the placement's bytes. */
static inline uint64_t fx_walk(const uint8_t *tables, uint64_t size,
			       uint64_t cr3, uint64_t va)
{
	uint64_t e = cr3;
	static const unsigned shift[] = {39, 30, 21};

	for (unsigned lvl = 0; lvl < 3; lvl++) {
		uint64_t off = (e & 0x000ffffffffff000ull) - cr3 +
			       8 * ((va >> shift[lvl]) & 511);

		if (off + 8 > size)
			return ~0ull;
		e = get_le64(tables + off);
		if (!(e & 1))
			return ~0ull;
		if (lvl == 2)
			return (e & 0x80) ? (e & 0x000fffffffe00000ull) +
						    (va & 0x1fffff)
					  : ~0ull;
	}
	return ~0ull;
}

#endif
