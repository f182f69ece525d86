/* SPDX-License-Identifier: MIT */
/*
 * Structure offsets for the probe's assembly, computed by the compiler
 * from the one set of struct definitions.  Compiled with -S only; the
 * build turns each "->NAME value" marker into a #define.
 */
#include <stddef.h>

#include "probe_abi.h"

#define DEFINE(sym, val) \
	asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"((long)(val)))
#define BP(f) DEFINE(BP_##f, offsetof(struct boot_params, f))
#define SH(f) DEFINE(SH_##f, SH_OFF(f))
#define ER(f) DEFINE(ER_##f, offsetof(struct probe_entry_record, f))
#define RM(f) DEFINE(RM_##f, offsetof(struct probe_rm_record, f))

void asm_offsets(void);

void asm_offsets(void)
{
	BP(scratch);
	BP(e820_entries);
	BP(e820_table);
	BP(sentinel);
	DEFINE(BP_size, sizeof(struct boot_params));
	DEFINE(E820_entry_size, sizeof(struct boot_e820_entry));

	SH(setup_sects);
	SH(root_flags);
	SH(syssize);
	SH(ram_size);
	SH(vid_mode);
	SH(root_dev);
	SH(boot_flag);
	SH(jump);
	SH(header);
	SH(version);
	SH(realmode_swtch);
	SH(start_sys_seg);
	SH(kernel_version);
	SH(type_of_loader);
	SH(loadflags);
	SH(setup_move_size);
	SH(code32_start);
	SH(ramdisk_image);
	SH(ramdisk_size);
	SH(bootsect_kludge);
	SH(heap_end_ptr);
	SH(ext_loader_ver);
	SH(ext_loader_type);
	SH(cmd_line_ptr);
	SH(initrd_addr_max);
	SH(kernel_alignment);
	SH(relocatable_kernel);
	SH(min_alignment);
	SH(xloadflags);
	SH(cmdline_size);
	SH(hardware_subarch);
	SH(hardware_subarch_data);
	SH(payload_offset);
	SH(payload_length);
	SH(setup_data);
	SH(pref_address);
	SH(init_size);
	SH(handover_offset);
	SH(kernel_info_offset);
	DEFINE(SH_end, SETUP_HEADER_END);

	DEFINE(KI_size, sizeof(struct kernel_info));

	ER(kind);
	ER(flags);
	ER(path);
	ER(rm_record);
	ER(run_addr);
	ER(rsi);
	ER(rdi);
	ER(rbx);
	ER(rbp);
	ER(rsp);
	ER(rflags);
	ER(cr0);
	ER(cr3);
	ER(cr4);
	ER(efer);
	ER(cs);
	ER(ds);
	ER(es);
	ER(ss);
	ER(fs);
	ER(gs);
	ER(gdt_limit);
	DEFINE(ER_size, sizeof(struct probe_entry_record));

	RM(cs);
	RM(ds);
	RM(es);
	RM(ss);
	RM(fs);
	RM(gs);
	RM(sp);
	RM(flags);
	RM(cr0);
	RM(base);
	RM(e820_status);
	RM(heap_end_ptr);
	DEFINE(RM_size, sizeof(struct probe_rm_record));
}
