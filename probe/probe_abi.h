/* SPDX-License-Identifier: MIT */
/*
 * What the probe guest and its host-side checker agree on: the values
 * the probe's setup header advertises, the entry kinds it reports, and
 * the records its entry stubs fill before any C code runs.
 *
 * The protocol numbers themselves (flags, offsets, magics) come from
 * include/directboot/bootparam.h and hvm_start_info.h; this header only
 * picks the probe's own choices among them.  It is __ASSEMBLER__-safe.
 */
#ifndef PROBE_ABI_H
#define PROBE_ABI_H

#include "directboot/bootparam.h"
#include "directboot/hvm_start_info.h"

/* The setup header the probe's bzImage carries (probe/setup.S). */
#define PROBE_SETUP_SECTS 3
#define PROBE_LOADFLAGS (LOADED_HIGH | CAN_USE_HEAP)
#define PROBE_XLOADFLAGS (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)
#define PROBE_KERNEL_ALIGNMENT 0x200000
#define PROBE_MIN_ALIGNMENT_LG2 12 /* it runs at any 4 KiB boundary */
#define PROBE_PREF_ADDRESS 0x1000000
#define PROBE_CMDLINE_SIZE 2047
#define PROBE_INITRD_ADDR_MAX 0x7fffffff
#define PROBE_CODE32_START CODE32_START_DEFAULT

/* probe.elf is linked at pref_address, so that PVH loads it there. */
#define PROBE_ELF_BASE PROBE_PREF_ADDRESS

/* Selectors of the probe's own GDT (the boot protocol's __BOOT_CS/DS). */
#define PROBE_CS32 0x10
#define PROBE_DS 0x18
#define PROBE_CS64 0x20

/* Entry kinds: the value after "entry=" in the first transcript line. */
#define PROBE_ENTRY_16 16
#define PROBE_ENTRY_32 32
#define PROBE_ENTRY_64 64
#define PROBE_ENTRY_PVH 0x9e /* printed as "pvh" */

/*
 * The real-mode stub enters the 32-bit entry like any loader would, but
 * with EDI set to this and EBP to its real-mode record, so that the
 * probe can tell "16" from "32" (a loader must pass EDI=0).
 */
#define PROBE_RM_MAGIC 0x36316d72 /* "rm16" */

/* Entry record flags. */
#define PROBE_F_KEEP_SEGMENTS 0x1 /* loadflags had KEEP_SEGMENTS */
#define PROBE_F_SEGS_RELOADED 0x2 /* the probe loaded its own GDT first */

/* The setup scratch area the real-mode stub uses, from the setup base. */
#define PROBE_RM_ZEROPAGE 0x1000 /* the boot_params it hands on */
#define PROBE_RM_STACK_TOP 0x3000

/*
 * x86 architectural bits the probe sets and the checker tests (names as
 * in the kernel's asm/processor-flags.h and msr-index.h).
 */
#define X86_EFLAGS_TF (1 << 8)
#define X86_EFLAGS_IF (1 << 9)
#define X86_EFLAGS_VM (1 << 17)
#define X86_CR0_PE (1 << 0)
#define X86_CR0_ET (1 << 4)
#define X86_CR0_PG 0x80000000
#define X86_CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)

/* The int 0x15 e820 call's signature, "SMAP". */
#define E820_SMAP 0x534d4150

/* What the 32-bit entry's hardware_subarch dispatch chose. */
#define PROBE_PATH_PC 0
#define PROBE_PATH_LGUEST 1
#define PROBE_PATH_XEN 2
#define PROBE_PATH_OTHER 3

/* The probe's own memory, in .bss. */
#define PROBE_PT_PAGES 12
#define PROBE_STACK_SIZE 0x4000

/* The largest stretch the window maps at once, and its virtual base. */
#define PROBE_WINDOW_SHIFT 30
#define PROBE_WINDOW_VA 0xffffff8000000000

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * Filled by the entry stubs with the CPU state exactly as the loader
 * left it, before anything is changed.  32-bit entries store zero in
 * the upper halves.
 */
struct probe_entry_record {
	uint32_t kind;
	uint32_t flags;
	uint32_t path;           /* PROBE_PATH_*: the subarch dispatch */
	uint32_t rm_record;      /* PROBE_ENTRY_16: the rm record's address */
	uint64_t run_addr;       /* where startup_32 lies */
	uint64_t rsi;
	uint64_t rdi;
	uint64_t rbx;
	uint64_t rbp;
	uint64_t rsp;
	uint64_t rflags;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
	uint16_t cs, ds, es, ss, fs, gs;
	uint16_t gdt_limit;       /* sgdt: limit, then base */
	uint64_t gdt_base;
	uint16_t pad[3];
} __attribute__((packed));

/* Filled by the real-mode stub, in the setup, at its own entry. */
struct probe_rm_record {
	uint16_t cs, ds, es, ss, fs, gs;
	uint16_t sp;
	uint16_t flags;
	uint32_t cr0;
	uint32_t base;           /* linear address of the setup (zero page) */
	uint32_t e820_status;    /* 0 ok, 1 no int 0x15 vector, 2 BIOS error */
	uint32_t heap_end_ptr;
} __attribute__((packed));
#endif

#endif
