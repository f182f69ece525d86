/* SPDX-License-Identifier: MIT */
/*
 * The application processors' way in (probe/smp.c copies this page to
 * AP_TRAMP_BASE and points the SIPI vector at it).  An AP wakes in real
 * mode at CS:IP = (AP_TRAMP_BASE >> 4):0000, so everything here is
 * addressed from AP_TRAMP_BASE, never from where the probe was linked:
 * real mode, then protected mode on the little GDT below, then PAE, the
 * BSP's CR3, EFER.LME and paging, which is long mode, then a jump into
 * the probe's C code (ap_entry, patched in by the BSP) on the stack the
 * BSP patched in too.  The BSP wakes one AP at a time, so one stack
 * serves them all.
 */
#include "probe_smp.h"

#define T(sym) (AP_TRAMP_BASE + (sym - ap_tramp_start))

	.section .rodata, "a"
	.balign	16
	.globl	ap_tramp_start, ap_tramp_end
	.globl	ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry
	.code16
ap_tramp_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	T(ap_gdt_desc)
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $T(ap_pm32)

	.code32
ap_pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax			/* PAE */
	movl	%eax, %cr4
	movl	T(ap_tramp_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	$0x100, %eax			/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000000, %eax		/* PG: long mode */
	movl	%eax, %cr0
	ljmpl	$0x18, $T(ap_lm64)

	.code64
ap_lm64:
	movq	T(ap_tramp_stack), %rsp
	movq	T(ap_tramp_entry), %rax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.balign	8
ap_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: code, 32-bit */
	.quad	0x00cf92000000ffff		/* 0x10: data */
	.quad	0x00af9a000000ffff		/* 0x18: code, 64-bit */
ap_gdt_desc:
	.word	ap_gdt_desc - ap_gdt - 1
	.long	T(ap_gdt)
	.balign	8
ap_tramp_cr3:
	.quad	0
ap_tramp_stack:
	.quad	0
ap_tramp_entry:
	.quad	0
ap_tramp_end:
