/* SPDX-License-Identifier: MIT */
/* The trampoline image (tcg/trampoline.S, assembled and cut to 64 KiB by
 * tcg/tcg.mk), linked into directboot as read-only data. */
	.section .rodata
	.balign 16
	.globl tcg_trampoline, tcg_trampoline_end
tcg_trampoline:
	.incbin TRAMPOLINE_BIN
tcg_trampoline_end:
	.section .note.GNU-stack, "", @progbits
