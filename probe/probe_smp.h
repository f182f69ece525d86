/* SPDX-License-Identifier: MIT */
/*
 * The probe's SMP bring-up (smp.c, ap.S): find the CPUs in the MP table
 * and wake each application processor with INIT-SIPI-SIPI.
 */
#ifndef PROBE_SMP_H
#define PROBE_SMP_H

/* The page the APs start in (SIPI vector AP_TRAMP_BASE >> 12), below
 * 1 MiB as SIPI requires; the probe overwrites it only after it has
 * reported everything the loader put in low memory. */
#define AP_TRAMP_BASE 0x8000

#ifndef __ASSEMBLER__
#include <stdint.h>

extern const uint8_t ap_tramp_start[], ap_tramp_end[];
extern const uint8_t ap_tramp_cr3[], ap_tramp_stack[], ap_tramp_entry[];

/* Report the MP table and bring up every AP it lists; each prints
 * "AP n alive" (n its APIC ID). */
void smp_probe(void);
#endif

#endif
