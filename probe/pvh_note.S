/* SPDX-License-Identifier: MIT */
/*
 * The PVH entry note, linked into probe.elf only: its value is the
 * physical address of pvh_start, which only a fixed link can name.
 */
#include "probe_abi.h"

	.section .note.Xen, "a", @note
	.balign	4
	.long	2f - 1f			/* namesz */
	.long	4f - 3f			/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz	XEN_ELFNOTE_NAME
2:	.balign	4
3:	.long	pvh_start
4:	.balign	4
