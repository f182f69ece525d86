/* SPDX-License-Identifier: MIT */
/* The devloop's init (guest/devinit.c, a static executable built by
 * guest/guest.mk), linked into directboot as read-only data: it becomes
 * /init of the initramfs cli/devloop.c builds. */
	.section .rodata
	.balign 16
	.globl devinit_blob, devinit_blob_end
devinit_blob:
	.incbin DEVINIT_BIN
devinit_blob_end:
	.section .note.GNU-stack, "", @progbits
