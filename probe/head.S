/* SPDX-License-Identifier: MIT */
/*
 * The probe's entry points: the protected-mode part of probe.bzImage and
 * the loadable segment of probe.elf start here.
 *
 *   offset 0      startup_32: the 32-bit boot protocol (boot.rst, "32-bit
 *                 boot protocol"), also reached from the real-mode stub
 *   offset 0x200  startup_64: the 64-bit boot protocol
 *   pvh_start     the PVH entry (probe.elf's XEN_ELFNOTE_PHYS32_ENTRY)
 *
 * Each entry first writes down the CPU state exactly as its loader left
 * it (struct probe_entry_record), then switches to long mode on the
 * probe's own GDT and page tables and calls probe_main().
 *
 * Everything is position independent: the probe runs wherever it is
 * put.  The one fact a reader would get wrong: the 32-bit entries have
 * no usable stack, so they borrow one word of memory the loader handed
 * over (boot_params.scratch, which boot.rst reserves for this; for PVH
 * the start_info magic, restored at once) for the call that finds their
 * own address.
 */
#include "probe_abi.h"
#include "asm-offsets.h"

#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80
#define PAGE_SIZE 4096

/* A record field, addressed from the run address in the given register. */
#define REC(f, base) (probe_entry + ER_##f - startup_32)(base)
#define ADDR(sym, base) (sym - startup_32)(base)

/* A 32-bit value into a 64-bit record field, upper half zero. */
#define REC32(f, reg, base) \
	movl	reg, REC(f, base); \
	movl	$0, (probe_entry + ER_##f + 4 - startup_32)(base)

	.section .head.text, "ax"
	.code32
	.globl	startup_32
startup_32:
	movl	%esp, %eax
	leal	(BP_scratch + 4)(%esi), %esp
	pushfl
	popl	%ecx
	cli			/* recorded; no IDT to take an interrupt */
	call	.Lpc32
.Lpc32:
	popl	%edx
	subl	$(.Lpc32 - startup_32), %edx
	REC32(rsp, %eax, %edx)
	REC32(rflags, %ecx, %edx)
	REC32(rsi, %esi, %edx)
	REC32(rdi, %edi, %edx)
	REC32(rbx, %ebx, %edx)
	REC32(rbp, %ebp, %edx)
	movl	%edx, %ebp
	jmp	startup_32_common

	.org	KERNEL_64BIT_ENTRY_OFFSET
	.code64
	.globl	startup_64
startup_64:
	movq	%rsp, probe_entry + ER_rsp(%rip)
	movq	%rsi, probe_entry + ER_rsi(%rip)
	movq	%rdi, probe_entry + ER_rdi(%rip)
	movq	%rbx, probe_entry + ER_rbx(%rip)
	movq	%rbp, probe_entry + ER_rbp(%rip)
	leaq	probe_stack_top(%rip), %rsp
	pushfq
	popq	probe_entry + ER_rflags(%rip)
	cli
	movw	%cs, probe_entry + ER_cs(%rip)
	movw	%ds, probe_entry + ER_ds(%rip)
	movw	%es, probe_entry + ER_es(%rip)
	movw	%ss, probe_entry + ER_ss(%rip)
	movw	%fs, probe_entry + ER_fs(%rip)
	movw	%gs, probe_entry + ER_gs(%rip)
	movq	%cr0, %rax
	movq	%rax, probe_entry + ER_cr0(%rip)
	movq	%cr3, %rax
	movq	%rax, probe_entry + ER_cr3(%rip)
	movq	%cr4, %rax
	movq	%rax, probe_entry + ER_cr4(%rip)
	movl	$MSR_EFER, %ecx
	rdmsr
	movl	%eax, probe_entry + ER_efer(%rip)
	movl	%edx, probe_entry + ER_efer + 4(%rip)
	sgdt	probe_entry + ER_gdt_limit(%rip)
	leaq	startup_32(%rip), %rax
	movq	%rax, probe_entry + ER_run_addr(%rip)
	movl	$PROBE_ENTRY_64, probe_entry + ER_kind(%rip)
	movl	$PROBE_PATH_PC, probe_entry + ER_path(%rip)

	/* The stack is empty again, so clearing .bss cannot hurt it. */
	cld
	leaq	__bss_start(%rip), %rdi
	leaq	_end(%rip), %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq

	/*
	 * The 64-bit protocol keeps no promise about where the loader's GDT
	 * lives; the probe is about to change the page tables, so it moves
	 * to its own first.
	 */
	leaq	probe_gdt(%rip), %rax
	movq	%rax, probe_gdt_desc + 2(%rip)
	lgdt	probe_gdt_desc(%rip)
	pushq	$PROBE_CS64
	leaq	long_mode(%rip), %rax
	pushq	%rax
	lretq

	.code32
/* %ebp = run address, %esi = boot_params (unless PVH). */
.macro record_cpu32
	movw	%cs, REC(cs, %ebp)
	movw	%ds, REC(ds, %ebp)
	movw	%es, REC(es, %ebp)
	movw	%ss, REC(ss, %ebp)
	movw	%fs, REC(fs, %ebp)
	movw	%gs, REC(gs, %ebp)
	movl	%cr0, %eax
	REC32(cr0, %eax, %ebp)
	movl	%cr3, %eax
	REC32(cr3, %eax, %ebp)
	movl	%cr4, %eax
	REC32(cr4, %eax, %ebp)
	movl	$MSR_EFER, %ecx
	rdmsr
	movl	%eax, REC(efer, %ebp)
	movl	%edx, (probe_entry + ER_efer + 4 - startup_32)(%ebp)
	sgdt	REC(gdt_limit, %ebp)
	movl	$0, (probe_entry + ER_gdt_limit + 6 - startup_32)(%ebp)
	REC32(run_addr, %ebp, %ebp)
.endm

/* Load the probe's GDT and its flat 32-bit segments; needs a stack. */
.macro load_gdt32
	leal	ADDR(probe_gdt, %ebp), %eax
	movl	%eax, ADDR(probe_gdt_desc + 2, %ebp)
	movl	$0, ADDR(probe_gdt_desc + 6, %ebp)
	lgdt	ADDR(probe_gdt_desc, %ebp)
	movl	$PROBE_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	pushl	$PROBE_CS32
	leal	ADDR(1f, %ebp), %eax
	pushl	%eax
	lretl
1:
.endm

.macro clear_bss32
	cld
	leal	ADDR(__bss_start, %ebp), %edi
	leal	ADDR(_end, %ebp), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
.endm

startup_32_common:
	record_cpu32
	movl	$PROBE_ENTRY_32, %eax
	cmpl	$PROBE_RM_MAGIC, %edi
	jne	1f
	movl	$PROBE_ENTRY_16, %eax
	movl	REC(rbp, %ebp), %ecx
	movl	%ecx, REC(rm_record, %ebp)
1:	movl	%eax, REC(kind, %ebp)

	/*
	 * Boot protocol 2.07: with KEEP_SEGMENTS clear the loader promises
	 * nothing about the segments beyond the entry, so the kernel loads
	 * its own before using them; with it set (lguest) it must keep the
	 * loader's, which may not be reloadable from any GDT it knows.
	 */
	testb	$KEEP_SEGMENTS, SH_loadflags(%esi)
	jnz	.Lkeep_segments
	leal	ADDR(probe_stack_top, %ebp), %esp
	load_gdt32
	orl	$PROBE_F_SEGS_RELOADED, REC(flags, %ebp)
	jmp	.Lsegments_done
.Lkeep_segments:
	orl	$PROBE_F_KEEP_SEGMENTS, REC(flags, %ebp)
.Lsegments_done:
	leal	ADDR(probe_stack_top, %ebp), %esp
	clear_bss32

	/*
	 * Boot protocol 2.07: hardware_subarch says which environment booted
	 * the kernel, and each gets its own entry.  Only the PC one reads
	 * the PC's tables; the others report what they were given and end.
	 */
	movl	SH_hardware_subarch(%esi), %eax
	cmpl	$X86_SUBARCH_PC, %eax
	je	.Lsubarch_pc
	cmpl	$X86_SUBARCH_LGUEST, %eax
	je	.Lsubarch_lguest
	cmpl	$X86_SUBARCH_XEN, %eax
	je	.Lsubarch_xen
	movl	$PROBE_PATH_OTHER, REC(path, %ebp)
	jmp	to_long_mode
.Lsubarch_lguest:
	movl	$PROBE_PATH_LGUEST, REC(path, %ebp)
	jmp	to_long_mode
.Lsubarch_xen:
	movl	$PROBE_PATH_XEN, REC(path, %ebp)
	jmp	to_long_mode
.Lsubarch_pc:
	movl	$PROBE_PATH_PC, REC(path, %ebp)
	jmp	to_long_mode

	.globl	pvh_start
pvh_start:
	movl	(%ebx), %eax
	movl	%esp, %edx
	leal	4(%ebx), %esp
	pushfl
	popl	%ecx
	cli
	call	.Lpcpvh
.Lpcpvh:
	popl	%esp
	movl	%eax, (%ebx)
	subl	$(.Lpcpvh - startup_32), %esp
	REC32(rsp, %edx, %esp)
	REC32(rflags, %ecx, %esp)
	REC32(rsi, %esi, %esp)
	REC32(rdi, %edi, %esp)
	REC32(rbx, %ebx, %esp)
	REC32(rbp, %ebp, %esp)
	movl	%esp, %ebp
	record_cpu32
	movl	$PROBE_ENTRY_PVH, REC(kind, %ebp)
	movl	$PROBE_PATH_PC, REC(path, %ebp)
	/* pvh.pandoc: "The OS is in charge of setting up its own GDT". */
	leal	ADDR(probe_stack_top, %ebp), %esp
	load_gdt32
	orl	$PROBE_F_SEGS_RELOADED, REC(flags, %ebp)
	clear_bss32
	jmp	to_long_mode

/*
 * Long mode needs paging: an identity map of the low 4 GiB in 2 MiB
 * pages is enough to reach the probe (a 32-bit entry runs below 4 GiB);
 * probe_main() then maps whatever else it reads.
 */
to_long_mode:
	/*
	 * A loader that broke the rule and left paging on (the report says
	 * so) most likely identity-mapped us: turn it off, or setting
	 * EFER.LME below would fault before anything is reported.
	 */
	movl	%cr0, %eax
	andl	$~X86_CR0_PG, %eax
	movl	%eax, %cr0
	leal	ADDR(probe_pt, %ebp), %edi
	leal	(PAGE_SIZE + PTE_P + PTE_RW)(%edi), %eax
	movl	%eax, (%edi)
	leal	(2 * PAGE_SIZE + PTE_P + PTE_RW)(%edi), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, PAGE_SIZE(%edi, %ecx, 8)
	addl	$PAGE_SIZE, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b
	leal	(2 * PAGE_SIZE)(%edi), %ebx
	movl	$(PTE_P + PTE_RW + PTE_PS), %eax
	movl	$(4 * 512), %ecx
1:	movl	%eax, (%ebx)
	addl	$0x200000, %eax
	addl	$8, %ebx
	decl	%ecx
	jnz	1b

	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	%edi, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	/* Kept segments stay loaded; the GDT must still know a 64-bit CS. */
	leal	ADDR(probe_gdt, %ebp), %eax
	movl	%eax, ADDR(probe_gdt_desc + 2, %ebp)
	movl	$0, ADDR(probe_gdt_desc + 6, %ebp)
	lgdt	ADDR(probe_gdt_desc, %ebp)
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_PE), %eax
	movl	%eax, %cr0
	pushl	$PROBE_CS64
	leal	ADDR(long_mode, %ebp), %eax
	pushl	%eax
	lretl

	.code64
long_mode:
	movl	$PROBE_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	probe_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	call	probe_main
1:	cli
	hlt
	jmp	1b

	.section .rodata
	/* boot.rst, "The kernel_info": found through kernel_info_offset. */
	.balign	4
	.globl	kernel_info
kernel_info:
	.long	KERNEL_INFO_MAGIC
	.long	kernel_info_end - kernel_info
	.long	kernel_info_end - kernel_info
	.long	SETUP_TYPE_MAX
kernel_info_end:

	.data
	.balign	16
	.globl	probe_entry
probe_entry:
	.skip	ER_size
	.balign	16
probe_gdt:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* PROBE_CS32: flat 32-bit */
	.quad	0x00cf92000000ffff	/* PROBE_DS: flat data */
	.quad	0x00af9a000000ffff	/* PROBE_CS64: 64-bit code */
probe_gdt_end:
	.balign	8
	.word	0, 0, 0
probe_gdt_desc:
	.word	probe_gdt_end - probe_gdt - 1
	.quad	0

	.bss
	.balign	PAGE_SIZE
	.globl	probe_pt
probe_pt:
	.skip	PROBE_PT_PAGES * PAGE_SIZE
	.balign	16
probe_stack:
	.skip	PROBE_STACK_SIZE
probe_stack_top:
