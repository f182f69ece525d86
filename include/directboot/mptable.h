/* SPDX-License-Identifier: MIT */
/*
 * The Intel MultiProcessor Specification 1.4 tables: the MP floating
 * pointer structure and the MP configuration table with its processor,
 * bus, I/O APIC, I/O interrupt and local interrupt entries.  Linux finds
 * its CPUs through these when there is no ACPI (arch/x86/kernel/mpparse.c
 * scans the first KiB, the last KiB of base memory and 0xf0000-0xfffff
 * for "_MP_").  Names follow Linux's asm/mpspec_def.h.
 */
#ifndef DIRECTBOOT_MPTABLE_H
#define DIRECTBOOT_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"
#include "directboot/plan.h"

#define MPF_SIGNATURE "_MP_"
#define MPC_SIGNATURE "PCMP"
#define MPC_SPEC_1_4 4

#define MP_PROCESSOR 0
#define MP_BUS 1
#define MP_IOAPIC 2
#define MP_INTSRC 3
#define MP_LINTSRC 4

#define CPU_ENABLED 1
#define CPU_BOOTPROCESSOR 2
#define MPC_APIC_USABLE 1

#define mp_INT 0
#define mp_NMI 1
#define mp_ExtINT 3
#define MP_IRQPOL_DEFAULT 0

#define MP_APIC_ALL 0xff
#define MP_LAPIC_ADDR 0xfee00000u
#define MP_IOAPIC_ADDR 0xfec00000u
#define MP_LAPIC_VERSION 0x14
#define MP_IOAPIC_VERSION 0x11
#define MP_IOAPIC_PINS 24
/* ISA IRQ 0's I/O APIC pin on a PC. */
#define MP_PIT_PIN 2
/* Interrupt entries: every ISA IRQ but the cascade. */
#define MP_INTSRCS (MP_IOAPIC_PINS - 1)

struct mpf_intel {
	char signature[4];
	uint32_t physptr;
	uint8_t length; /* in 16-byte units: 1 */
	uint8_t specification;
	uint8_t checksum;
	uint8_t feature1; /* 0: a configuration table follows physptr */
	uint8_t feature2;
	uint8_t feature3, feature4, feature5;
} __attribute__((packed));
_Static_assert(sizeof(struct mpf_intel) == 16, "mpf_intel");
_Static_assert(offsetof(struct mpf_intel, physptr) == 4, "mpf.physptr");
_Static_assert(offsetof(struct mpf_intel, checksum) == 10, "mpf.checksum");

struct mpc_table {
	char signature[4];
	uint16_t length; /* the base table, header included */
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char productid[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t oemcount; /* entries */
	uint32_t lapic;
	uint16_t reserved;
	uint8_t ext_checksum;
	uint8_t reserved2;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_table) == 44, "mpc_table");
_Static_assert(offsetof(struct mpc_table, oemcount) == 34, "mpc.oemcount");
_Static_assert(offsetof(struct mpc_table, lapic) == 36, "mpc.lapic");

struct mpc_cpu {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t cpuflag;
	uint32_t cpufeature;  /* CPUID.1:EAX, the signature */
	uint32_t featureflag; /* CPUID.1:EDX */
	uint32_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_cpu) == 20, "mpc_cpu");
_Static_assert(offsetof(struct mpc_cpu, featureflag) == 8, "mpc_cpu.ff");

struct mpc_bus {
	uint8_t type;
	uint8_t busid;
	char bustype[6];
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_bus) == 8, "mpc_bus");

struct mpc_ioapic {
	uint8_t type;
	uint8_t apicid;
	uint8_t apicver;
	uint8_t flags;
	uint32_t apicaddr;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_ioapic) == 8, "mpc_ioapic");

struct mpc_intsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;
	uint8_t srcbus;
	uint8_t srcbusirq;
	uint8_t dstapic;
	uint8_t dstirq;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_intsrc) == 8, "mpc_intsrc");
_Static_assert(offsetof(struct mpc_intsrc, dstirq) == 7, "mpc_intsrc.dst");

struct mpc_lintsrc {
	uint8_t type;
	uint8_t irqtype;
	uint16_t irqflag;
	uint8_t srcbusid;
	uint8_t srcbusirq;
	uint8_t destapic;
	uint8_t destapiclint;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_lintsrc) == 8, "mpc_lintsrc");

/* Bytes of the configuration table for cpus processors. */
size_t mptable_size(unsigned cpus);

/*
 * The configuration table for cpus processors (APIC IDs 0..cpus-1, the
 * first the boot processor), one ISA bus, the I/O APIC (ID cpus, at
 * MP_IOAPIC_ADDR) with ISA IRQ 0 on pin 2 and IRQ n on pin n for every
 * other n but 2 (the cascade), ExtINT on LINT0 and NMI on LINT1: the
 * wiring of QEMU's pc machine, and of KVM's in-kernel irqchip once
 * vm_route_pc_irqs() has routed GSI 0 to pin 2.  buf holds
 * mptable_size(cpus) bytes.  DB_ERR_INPUT when cpus is 0 or over
 * PLAN_CPUS_MAX.
 */
int mptable_build(uint8_t *buf, unsigned cpus, struct db_error *err);

/* The floating pointer, pointing at a table at table_gpa. */
void mptable_floating(struct mpf_intel *mpf, uint32_t table_gpa);

#endif
