/* SPDX-License-Identifier: MIT */
/*
 * The PVH boot ABI: what EBX points at when a kernel is entered through
 * its XEN_ELFNOTE_PHYS32_ENTRY note (Xen's docs/misc/pvh.pandoc and
 * xen/include/public/arch-x86/hvm/start_info.h).  Version 1 adds the
 * memory map; a version 0 guest ignores those fields.
 */
#ifndef DIRECTBOOT_HVM_START_INFO_H
#define DIRECTBOOT_HVM_START_INFO_H

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
#define HVM_START_INFO_VERSION 1

/* ELF note name "Xen", and the two note types a PVH loader reads. */
#define XEN_ELFNOTE_NAME "Xen"
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_ELFNOTE_PHYS32_RELOC 19

/* hvm_memmap_table_entry.type uses the e820 numbering. */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;   /* version 1 */
	uint32_t memmap_entries; /* version 1 */
	uint32_t reserved;
};

_Static_assert(offsetof(struct hvm_start_info, magic) == 0x00, "magic");
_Static_assert(offsetof(struct hvm_start_info, version) == 0x04, "version");
_Static_assert(offsetof(struct hvm_start_info, flags) == 0x08, "flags");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 0x0c, "nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 0x10, "modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 0x18, "cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 0x20, "rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 0x28, "memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 0x30, "memmap_entries");
_Static_assert(offsetof(struct hvm_start_info, reserved) == 0x34, "reserved");
_Static_assert(sizeof(struct hvm_start_info) == 0x38, "hvm_start_info size");

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

_Static_assert(offsetof(struct hvm_modlist_entry, paddr) == 0x00, "mod paddr");
_Static_assert(offsetof(struct hvm_modlist_entry, size) == 0x08, "mod size");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 0x10, "mod cmdline");
_Static_assert(offsetof(struct hvm_modlist_entry, reserved) == 0x18, "mod reserved");
_Static_assert(sizeof(struct hvm_modlist_entry) == 0x20, "hvm_modlist_entry size");

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(offsetof(struct hvm_memmap_table_entry, addr) == 0x00, "mm addr");
_Static_assert(offsetof(struct hvm_memmap_table_entry, size) == 0x08, "mm size");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 0x10, "mm type");
_Static_assert(offsetof(struct hvm_memmap_table_entry, reserved) == 0x14, "mm reserved");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 0x18, "hvm_memmap_table_entry size");
#endif /* __ASSEMBLER__ */

#endif
