/* SPDX-License-Identifier: MIT */
/*
 * The PVH start of day (Xen's docs/misc/pvh.pandoc): the kernel is
 * entered at its XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode,
 * paging off, with EBX holding the physical address of struct
 * hvm_start_info.  Version 1 adds the memory map, which a PVH guest
 * under a VMM without Xen's hypercalls has no other way to learn; the
 * initrd is module 0, as Linux's arch/x86/platform/pvh reads it.
 *
 * One blob, placed low: start_info, then the modlist, then the memmap,
 * each 8-byte aligned, all three below 4 GiB as the ABI requires.
 */
#include <string.h>

#include "bytes.h"
#include "plan_int.h"

#define MODLIST_OFF sizeof(struct hvm_start_info)

static size_t memmap_off(bool module)
{
	return MODLIST_OFF + (module ? sizeof(struct hvm_modlist_entry) : 0);
}

size_t pvh_start_info_size(unsigned nr_regions, bool module)
{
	return memmap_off(module) +
	       (size_t)nr_regions * sizeof(struct hvm_memmap_table_entry);
}

void pvh_start_info_build(uint8_t *buf, uint64_t gpa,
			  const struct plan_region *r, unsigned n,
			  uint64_t cmdline_gpa, uint64_t initrd_gpa,
			  uint64_t initrd_size)
{
	bool module = initrd_size != 0;
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = HVM_START_INFO_VERSION,
		.nr_modules = module,
		.modlist_paddr = module ? gpa + MODLIST_OFF : 0,
		.cmdline_paddr = cmdline_gpa,
		.memmap_paddr = gpa + memmap_off(module),
		.memmap_entries = n,
	};
	uint8_t *mm = buf + memmap_off(module);

	memset(buf, 0, pvh_start_info_size(n, module));
	memcpy(buf, &si, sizeof(si));
	if (module) {
		struct hvm_modlist_entry mod = {
			.paddr = initrd_gpa,
			.size = initrd_size,
		};

		memcpy(buf + MODLIST_OFF, &mod, sizeof(mod));
	}
	for (unsigned i = 0; i < n; i++) {
		struct hvm_memmap_table_entry e = {
			.addr = r[i].start,
			.size = r[i].size,
			.type = r[i].type,
		};

		memcpy(mm + i * sizeof(e), &e, sizeof(e));
	}
}
