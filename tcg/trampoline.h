/* SPDX-License-Identifier: MIT */
/*
 * The parameter block at the start of the tcg trampoline image
 * (tcg/trampoline.S), shared by the assembly and tcg/tcg.c, which
 * patches a plan's entry state into it before QEMU runs the image as its
 * BIOS.  Offsets, not a struct: the assembly reads the fields by
 * absolute address, and tcg.c writes them with put_le*().
 */
#ifndef DIRECTBOOT_TCG_TRAMPOLINE_H
#define DIRECTBOOT_TCG_TRAMPOLINE_H

/* QEMU maps a 64 KiB -bios image at 4 GiB - 64 KiB and, through the
 * ISA BIOS alias, at 1 MiB - 64 KiB; the trampoline runs in the latter,
 * whose addresses fit the 32-bit displacements of every mode. */
#define TRAMP_BASE 0xf0000
#define TRAMP_SIZE 0x10000
#define TRAMP_RESET_OFF 0xfff0 /* the reset vector, 16 bytes from the end */

#define TRAMP_MAGIC 0x52544244 /* "DBTR" */

/* QEMU pc's PIIX4 power-management function, 00:01.3, through PCI
 * configuration mechanism #1 (0xcf8/0xcfc): its PMBA register at 0x40
 * and PMREGMISC (bit 0 turns the PM I/O block on) at 0x80. */
#define TRAMP_PCI_CONFIG_ADDRESS 0xcf8
#define TRAMP_PCI_CONFIG_DATA 0xcfc
#define TRAMP_PIIX4_PM_PMBA 0x80000b40
#define TRAMP_PIIX4_PM_PMREGMISC 0x80000b80

#define TRAMP_P_MAGIC 0x00  /* u32 */
#define TRAMP_P_MODE 0x04   /* u32: 32 or 64 */
#define TRAMP_P_CR0 0x08    /* u64 */
#define TRAMP_P_CR3 0x10    /* u64 */
#define TRAMP_P_CR4 0x18    /* u64 */
#define TRAMP_P_EFER 0x20   /* u64, LMA clear: paging sets it */
#define TRAMP_P_GDT 0x28    /* u16 limit, u64 base (lgdt's operand) */
#define TRAMP_P_IDT 0x34    /* u16 limit, u64 base */
#define TRAMP_P_DS 0x40     /* u16 selectors */
#define TRAMP_P_ES 0x42
#define TRAMP_P_FS 0x44
#define TRAMP_P_GS 0x46
#define TRAMP_P_RAX 0x50    /* u64 each */
#define TRAMP_P_RBX 0x58
#define TRAMP_P_RCX 0x60
#define TRAMP_P_RDX 0x68
#define TRAMP_P_RSI 0x70
#define TRAMP_P_RDI 0x78
#define TRAMP_P_RBP 0x80
/* iretq's frame (64-bit mode): five u64, read in place from the ROM. */
#define TRAMP_P_RIP 0x88
#define TRAMP_P_CS 0x90
#define TRAMP_P_RFLAGS 0x98 /* also popfl's operand in 32-bit mode */
#define TRAMP_P_RSP 0xa0
#define TRAMP_P_SS 0xa8
/* ljmpl's far pointer (32-bit mode): u32 eip, u16 cs. */
#define TRAMP_P_FAR32 0xb0
#define TRAMP_P_PMBA 0xb8   /* u32: PIIX4 PM base | 1 (I/O space) */
#define TRAMP_P_SIZE 0xc0

#endif
