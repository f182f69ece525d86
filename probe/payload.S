/* SPDX-License-Identifier: MIT */
/*
 * The bzImage payload (boot protocol 2.08): probe.elf, compressed, with
 * the decompressed size as le32 at its end.  payload_offset and
 * payload_length in the setup header point here.
 */
	.section .payload, "a"
	.globl	probe_payload, probe_payload_end
probe_payload:
	.incbin	PROBE_PAYLOAD_FILE
probe_payload_end:
