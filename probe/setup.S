/* SPDX-License-Identifier: MIT */
/*
 * The real-mode part of probe.bzImage: the boot sector area, the setup
 * header, and a minimal real-mode stub (boot.rst, "Running the kernel").
 *
 * A firmware-based loader (QEMU -kernel through its option ROM, GRUB in
 * BIOS mode) jumps to offset 0x200 of the setup with CS = base + 0x20,
 * DS = ES = SS = base.  The stub writes down that state, builds a fresh
 * zero page (the setup header copied in, e820 from int 0x15), enters
 * protected mode and jumps to code32_start with ESI pointing at the new
 * zero page, exactly as a 32-bit loader would, plus EDI = PROBE_RM_MAGIC
 * and EBP = its record so that the probe reports "entry=16".
 *
 * The one fact a reader would get wrong: the loader's zero page is the
 * setup itself, and the e820 table's slot (0x2d0) lies on top of the
 * setup's own code, so the stub cannot fill it in place; Linux's setup
 * copies to a new boot_params for the same reason.
 */
#include "probe_abi.h"
#include "asm-offsets.h"
#include "pm_layout.h"

#define SETUP_SIZE ((PROBE_SETUP_SECTS + 1) * BOOT_SECTOR_SIZE)
#define REAL_MODE_CS_OFFSET 0x20	/* paragraphs: the jump at 0x200 */
#define VID_MODE_NORMAL 0xffff
#define SETUP_MOVE_SIZE 0x8000
#define START_SYS_SEG 0x1000
#define IVT_INT15 (0x15 * 4)
#define PORT_A20_FAST 0x92
#define RM_E820_COUNT (PROBE_RM_ZEROPAGE + BP_e820_entries)

	.section .setup, "ax"
	.code16
	.globl	_setup
_setup:
	/* Booted by a BIOS from a disk: there is nothing to load; stop. */
	cli
1:	hlt
	jmp	1b
	.ascii	"probe.bzImage: boot it with a boot-protocol loader\r\n"

	.org	SH_setup_sects
	.byte	PROBE_SETUP_SECTS
	.org	SH_root_flags
	.word	0
	.org	SH_syssize
	.long	PM_SYSSIZE
	.org	SH_ram_size
	.word	0
	.org	SH_vid_mode
	.word	VID_MODE_NORMAL
	.org	SH_root_dev
	.word	0
	.org	SH_boot_flag
	.word	BOOT_FLAG_MAGIC
	.org	SH_jump
	.byte	0xeb, rm_entry - (SH_jump + 2)	/* jmp short */
	.org	SH_header
	.long	HDRS_MAGIC
	.org	SH_version
	.word	BOOT_PROTOCOL_MAX
	.org	SH_realmode_swtch
	.long	0
	.org	SH_start_sys_seg
	.word	START_SYS_SEG
	.org	SH_kernel_version
	.word	kernel_version - 0x200
	.org	SH_type_of_loader
	.byte	0
	.org	SH_loadflags
	.byte	PROBE_LOADFLAGS
	.org	SH_setup_move_size
	.word	SETUP_MOVE_SIZE
	.org	SH_code32_start
	.long	PROBE_CODE32_START
	.org	SH_ramdisk_image
	.long	0
	.org	SH_ramdisk_size
	.long	0
	.org	SH_bootsect_kludge
	.long	0
	.org	SH_heap_end_ptr
	.word	0
	.org	SH_ext_loader_ver
	.byte	0
	.org	SH_ext_loader_type
	.byte	0
	.org	SH_cmd_line_ptr
	.long	0
	.org	SH_initrd_addr_max
	.long	PROBE_INITRD_ADDR_MAX
	.org	SH_kernel_alignment
	.long	PROBE_KERNEL_ALIGNMENT
	.org	SH_relocatable_kernel
	.byte	1
	.org	SH_min_alignment
	.byte	PROBE_MIN_ALIGNMENT_LG2
	.org	SH_xloadflags
	.word	PROBE_XLOADFLAGS
	.org	SH_cmdline_size
	.long	PROBE_CMDLINE_SIZE
	.org	SH_hardware_subarch
	.long	X86_SUBARCH_PC
	.org	SH_hardware_subarch_data
	.quad	0
	.org	SH_payload_offset
	.long	PM_PAYLOAD_OFFSET
	.org	SH_payload_length
	.long	PM_PAYLOAD_LENGTH
	.org	SH_setup_data
	.quad	0
	.org	SH_pref_address
	.quad	PROBE_PREF_ADDRESS
	.org	SH_init_size
	.long	PM_INIT_SIZE
	.org	SH_handover_offset
	.long	0
	.org	SH_kernel_info_offset
	.long	PM_KERNEL_INFO_OFFSET
	.org	SH_end

/* Entered with CS = base + 0x20, so a label's offset in CS is label - 0x200. */
#define CSREL(sym) %cs:((sym) - 0x200)

rm_entry:
	movw	%sp, CSREL(rm_record + RM_sp)
	pushfw
	popw	CSREL(rm_record + RM_flags)
	cli
	movw	%cs, CSREL(rm_record + RM_cs)
	movw	%ds, CSREL(rm_record + RM_ds)
	movw	%es, CSREL(rm_record + RM_es)
	movw	%ss, CSREL(rm_record + RM_ss)
	movw	%fs, CSREL(rm_record + RM_fs)
	movw	%gs, CSREL(rm_record + RM_gs)
	movl	%cr0, %eax
	movl	%eax, CSREL(rm_record + RM_cr0)

	/* From here on CS = DS = ES = SS = the setup's base. */
	movw	%cs, %ax
	subw	$REAL_MODE_CS_OFFSET, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$PROBE_RM_STACK_TOP, %sp
	pushw	%ax
	pushw	$rm_normalised
	lretw
rm_normalised:
	cld
	movzwl	SH_heap_end_ptr, %eax
	movl	%eax, rm_record + RM_heap_end_ptr

	/* Fast A20: nothing above 1 MiB is reachable without it. */
	inb	$PORT_A20_FAST, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $PORT_A20_FAST

	movw	$PROBE_RM_ZEROPAGE, %di
	movw	$(BP_size / 2), %cx
	xorw	%ax, %ax
	rep stosw
	movw	$SETUP_HEADER_OFFSET, %si
	movw	$(PROBE_RM_ZEROPAGE + SETUP_HEADER_OFFSET), %di
	movw	$(SH_end - SETUP_HEADER_OFFSET), %cx
	rep movsb

	call	rm_detect_e820

	movw	%ds, %ax
	movzwl	%ax, %ebx
	shll	$4, %ebx
	movl	%ebx, rm_record + RM_base
	leal	rm_gdt(%ebx), %eax
	movl	%eax, rm_gdt_desc + 2
	lgdtl	rm_gdt_desc

	leal	PROBE_RM_ZEROPAGE(%ebx), %esi
	leal	rm_record(%ebx), %ebp
	movl	$PROBE_RM_MAGIC, %edi
	movl	(PROBE_RM_ZEROPAGE + SH_code32_start), %edx
	leal	rm_pm32(%ebx), %eax
	movl	%cr0, %ecx
	orl	$X86_CR0_PE, %ecx
	movl	%ecx, %cr0
	pushl	$PROBE_CS32
	pushl	%eax
	lretl

	.code32
rm_pm32:
	movl	$PROBE_DS, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %ss
	movl	%ecx, %fs
	movl	%ecx, %gs
	xorl	%ebx, %ebx
	jmp	*%edx

	.code16
/* The BIOS memory map into the new zero page; status into the record. */
rm_detect_e820:
	xorw	%ax, %ax
	movw	%ax, %fs
	cmpl	$0, %fs:IVT_INT15
	jne	1f
	movl	$1, rm_record + RM_e820_status
	ret
1:	xorl	%ebx, %ebx
	movw	$(PROBE_RM_ZEROPAGE + BP_e820_table), %di
2:	movl	$0xe820, %eax
	movl	$E820_SMAP, %edx
	movl	$E820_entry_size, %ecx
	int	$0x15
	cli
	jc	3f
	cmpl	$E820_SMAP, %eax
	jne	3f
	addw	$E820_entry_size, %di
	incb	RM_E820_COUNT
	cmpb	$E820_MAX_ENTRIES_ZEROPAGE, RM_E820_COUNT
	je	4f
	testl	%ebx, %ebx
	jnz	2b
	jmp	4f
3:	/* A carry on the first call is an error; later, the list's end. */
	cmpb	$0, RM_E820_COUNT
	jne	4f
	movl	$2, rm_record + RM_e820_status
4:	ret

	.balign	16
rm_gdt:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* PROBE_CS32 */
	.quad	0x00cf92000000ffff	/* PROBE_DS */
rm_gdt_end:
	.balign	4
	.word	0
rm_gdt_desc:
	.word	rm_gdt_end - rm_gdt - 1
	.long	0

	.balign	4
rm_record:
	.skip	RM_size

kernel_version:
	.asciz	"probe-1 (directboot probe guest)"

	.org	SETUP_SIZE
