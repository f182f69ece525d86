/* SPDX-License-Identifier: MIT */
/*
 * The reset-vector trampoline for `directboot run --accel tcg`.
 *
 * QEMU runs this 64 KiB image as the machine's BIOS.  It holds no BIOS:
 * only the code that takes the CPU from its reset state (real mode,
 * CS:IP = f000:fff0) to the entry state of a boot plan, in the mode the
 * plan asks for, so that every loader decision stays in the plan and
 * QEMU only supplies the CPU.  The plan's bytes (kernel, zero page,
 * GDT, page tables, ...) are already in RAM: QEMU's loader device puts
 * them there before the first instruction.
 *
 * The steps:
 *   1. real mode: load our own GDT (in this ROM) and set CR0.PE;
 *   2. 32-bit protected mode on our flat segments: the plan's CR4, CR3
 *      and EFER (LME for long mode);
 *   3a. long mode: the plan's CR0 turns paging on through the plan's
 *      page tables, which identity-map the first 4 GiB and so this ROM
 *      too; a far jump to our 64-bit segment; then the plan's GDT, IDT,
 *      data selectors and registers, and an iretq whose frame, read in
 *      place from this ROM, loads RIP, CS, RFLAGS, RSP and SS at once;
 *   3b. 32-bit protected mode: the plan's CR0, GDT, IDT, RFLAGS (popfl
 *      from the ROM), selectors and registers, and a far jump through a
 *      pointer in the ROM to the plan's CS:EIP.
 * Before step 2 it does the one thing a BIOS does that the plan relies
 * on: it turns on the PIIX4's ACPI PM block at the ports the plan's FADT
 * names.  Nothing is written to memory: a stack or a patched far jump
 * would need writable bytes the plan did not give us.
 *
 * The fact a reader would get wrong: the 32-bit boot protocol's
 * __BOOT_CS/__BOOT_DS (0x10/0x18) must be valid in the GDT the kernel is
 * entered with, and that is the plan's GDT in guest RAM, not ours; ours
 * only lives until the entry, and its descriptors carry the accessed bit
 * already, because the CPU cannot set it in a ROM.
 *
 * The task register is left at its reset state: Linux loads its own
 * before it needs one, and the plan's TSS descriptor (busy, for KVM's
 * sake) could not be loaded with ltr anyway.
 */
#include "trampoline.h"

#define TR_CS32 0x08
#define TR_DS 0x10
#define TR_CS64 0x18

#define MSR_EFER 0xc0000080

/* The linear address of a label, and of a parameter. */
#define A(x) (TRAMP_BASE + ((x) - _image))
#define P(f) (TRAMP_BASE + TRAMP_P_##f)

	.text
	.globl _image
_image:
	/* The parameter block; tcg.c fills it in. */
	.long TRAMP_MAGIC
	.org TRAMP_P_SIZE, 0

	.code16
start16:
	cli
	cld
	lgdtl %cs:(gdt_desc - _image)
	movl %cr0, %eax
	orl $1, %eax			/* CR0.PE */
	movl %eax, %cr0
	ljmpl $TR_CS32, $A(start32)

	.code32
start32:
	movl $TR_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	/* As a BIOS would: the PIIX4's ACPI PM block (PM1, PM timer) at
	 * the ports the plan's FADT names, so that the guest's ACPI
	 * power-off and PM timer reach QEMU. */
	movw $TRAMP_PCI_CONFIG_ADDRESS, %dx
	movl $TRAMP_PIIX4_PM_PMBA, %eax
	outl %eax, %dx
	movw $TRAMP_PCI_CONFIG_DATA, %dx
	movl P(PMBA), %eax
	outl %eax, %dx
	movw $TRAMP_PCI_CONFIG_ADDRESS, %dx
	movl $TRAMP_PIIX4_PM_PMREGMISC, %eax
	outl %eax, %dx
	movw $TRAMP_PCI_CONFIG_DATA, %dx
	movb $1, %al
	outb %al, %dx
	movl P(CR4), %eax
	movl %eax, %cr4
	movl P(CR3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl P(EFER), %eax
	movl P(EFER) + 4, %edx
	wrmsr
	cmpl $64, P(MODE)
	jne enter32
	movl P(CR0), %eax		/* paging on: long mode active */
	movl %eax, %cr0
	ljmpl $TR_CS64, $A(start64)

enter32:
	movl P(CR0), %eax
	movl %eax, %cr0
	lgdtl P(GDT)
	lidtl P(IDT)
	movl $P(RFLAGS), %esp		/* our flat SS still */
	popfl
	/* From here on the plan's segments may have any base: read the
	 * block through CS, which is ours until the far jump. */
	movw %cs:P(SS), %ss
	movw %cs:P(DS), %ds
	movw %cs:P(ES), %es
	movw %cs:P(FS), %fs
	movw %cs:P(GS), %gs
	movl %cs:P(RSP), %esp
	movl %cs:P(RAX), %eax
	movl %cs:P(RBX), %ebx
	movl %cs:P(RCX), %ecx
	movl %cs:P(RDX), %edx
	movl %cs:P(RSI), %esi
	movl %cs:P(RDI), %edi
	movl %cs:P(RBP), %ebp
	ljmpl *%cs:P(FAR32)

	.code64
start64:
	lgdt P(GDT)
	lidt P(IDT)
	/* The full 64-bit values now that they can be written. */
	movq P(CR3), %rax
	movq %rax, %cr3
	movq P(CR4), %rax
	movq %rax, %cr4
	movq P(CR0), %rax
	movq %rax, %cr0
	movw P(DS), %ds
	movw P(ES), %es
	movw P(FS), %fs
	movw P(GS), %gs
	movq P(RAX), %rax
	movq P(RBX), %rbx
	movq P(RCX), %rcx
	movq P(RDX), %rdx
	movq P(RSI), %rsi
	movq P(RDI), %rdi
	movq P(RBP), %rbp
	movl $P(RIP), %esp
	iretq

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff	/* 0x10: data, flat */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long A(gdt)

	/* The CPU starts here, at f000:fff0 with CS's base at 4 GiB - 64
	 * KiB; move to the 1 MiB alias, where A() addresses hold. */
	.org TRAMP_RESET_OFF, 0xff
	.code16
reset:
	ljmp $(TRAMP_BASE >> 4), $(start16 - _image)
	.org TRAMP_SIZE, 0xff
