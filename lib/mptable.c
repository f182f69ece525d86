// SPDX-License-Identifier: MIT
/*
 * The MP table (Intel MultiProcessor Specification 1.4), so that a
 * kernel without ACPI finds every CPU, the I/O APIC and how the ISA
 * interrupts reach it.  This file fills the two buffers; lib/plan.c
 * (place_mptable) puts the floating pointer in the first KiB of memory,
 * the first place Linux's mpparse.c scans, and the configuration table
 * in a low page of its own, both in RAM the plan reserved, so that
 * nothing else is put over them.
 *
 * The fact a reader gets wrong: the I/O APIC pins.  ISA IRQ 0, the
 * PIT's, goes to pin 2, as on every PC (QEMU's pc machine, and KVM once
 * vmm/irq_routing.c has routed GSI 0 there); every other ISA IRQ n,
 * the virtio-mmio devices' among them, to pin n; pins 16-23 are listed
 * too, and pin 0 not at all (the 8259's ExtINT reaches the CPUs through
 * LINT0 instead).
 */
#include <string.h>

#include "bytes.h"
#include "directboot/mptable.h"

#define MP_BUS_ISA 0
/* CPUID.1 as the processor entries describe it: family 6, with an FPU
 * and a local APIC.  Linux takes the real values from CPUID. */
#define MP_CPU_SIGNATURE 0x600
#define MP_CPU_FEATURES ((1u << 0) | (1u << 9))
#define MP_LINTSRCS 2

static size_t entries_size(unsigned cpus)
{
	return cpus * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) +
	       MP_INTSRCS * sizeof(struct mpc_intsrc) +
	       MP_LINTSRCS * sizeof(struct mpc_lintsrc);
}

size_t mptable_size(unsigned cpus)
{
	return sizeof(struct mpc_table) + entries_size(cpus);
}

static uint8_t *put(uint8_t *at, const void *entry, size_t size)
{
	memcpy(at, entry, size);
	return at + size;
}

static uint8_t *put_cpus(uint8_t *p, unsigned cpus)
{
	for (unsigned i = 0; i < cpus; i++) {
		struct mpc_cpu c = {
			.type = MP_PROCESSOR,
			.apicid = (uint8_t)i,
			.apicver = MP_LAPIC_VERSION,
			.cpuflag = CPU_ENABLED | (i ? 0 : CPU_BOOTPROCESSOR),
			.cpufeature = MP_CPU_SIGNATURE,
			.featureflag = MP_CPU_FEATURES,
		};

		p = put(p, &c, sizeof(c));
	}
	return p;
}

static uint8_t *put_interrupts(uint8_t *p, uint8_t ioapic)
{
	struct mpc_lintsrc lint[MP_LINTSRCS] = {
		{MP_LINTSRC, mp_ExtINT, MP_IRQPOL_DEFAULT, MP_BUS_ISA, 0,
		 MP_APIC_ALL, 0},
		{MP_LINTSRC, mp_NMI, MP_IRQPOL_DEFAULT, MP_BUS_ISA, 0,
		 MP_APIC_ALL, 1},
	};

	for (unsigned irq = 0; irq < MP_IOAPIC_PINS; irq++) {
		struct mpc_intsrc s = {
			.type = MP_INTSRC,
			.irqtype = mp_INT,
			.irqflag = MP_IRQPOL_DEFAULT,
			.srcbus = MP_BUS_ISA,
			.srcbusirq = (uint8_t)irq,
			.dstapic = ioapic,
			.dstirq = (uint8_t)(irq ? irq : MP_PIT_PIN),
		};

		if (irq == MP_PIT_PIN)
			continue;

		p = put(p, &s, sizeof(s));
	}
	return put(p, lint, sizeof(lint));
}

int mptable_build(uint8_t *buf, unsigned cpus, struct db_error *err)
{
	struct mpc_table h = {
		.signature = MPC_SIGNATURE,
		.spec = MPC_SPEC_1_4,
		.oem = "DIRBOOT ",
		.productid = "directboot  ",
		.lapic = MP_LAPIC_ADDR,
	};
	struct mpc_bus bus = {MP_BUS, MP_BUS_ISA, "ISA   "};
	struct mpc_ioapic io = {MP_IOAPIC, (uint8_t)cpus, MP_IOAPIC_VERSION,
				MPC_APIC_USABLE, MP_IOAPIC_ADDR};
	uint8_t *p;

	if (!cpus || cpus > PLAN_CPUS_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "mptable: %u CPUs, the MP "
			       "table takes 1 to %u",
			       cpus, PLAN_CPUS_MAX);
	h.length = (uint16_t)mptable_size(cpus);
	h.oemcount = (uint16_t)(cpus + 2 + MP_INTSRCS + MP_LINTSRCS);
	p = buf + sizeof(h);
	p = put_cpus(p, cpus);
	p = put(p, &bus, sizeof(bus));
	p = put(p, &io, sizeof(io));
	put_interrupts(p, (uint8_t)cpus);
	memcpy(buf, &h, sizeof(h));
	buf[offsetof(struct mpc_table, checksum)] = checksum8(buf, h.length);
	return DB_OK;
}

void mptable_floating(struct mpf_intel *mpf, uint32_t table_gpa)
{
	memset(mpf, 0, sizeof(*mpf));
	memcpy(mpf->signature, MPF_SIGNATURE, 4);
	mpf->physptr = table_gpa;
	mpf->length = 1;
	mpf->specification = MPC_SPEC_1_4;
	mpf->checksum = checksum8(mpf, sizeof(*mpf));
}
