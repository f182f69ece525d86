// SPDX-License-Identifier: MIT
/*
 * The interrupt wiring of a PC, as QEMU's pc machine and kvmtool give
 * it, so that one MP table (lib/mptable.c) is true on both accelerators:
 * GSIs 0-15 reach the 8259 pair (master 0-7 but the cascade, slave
 * 8-15) and the I/O APIC, GSIs 16-23 the I/O APIC alone, and GSI 0, the
 * PIT's, reaches I/O APIC pin 2: ISA IRQ 0's override on every PC.
 * KVM's default routing would put it on pin 0 instead, where QEMU's TCG
 * pc machine does not, and a kernel told the other would find its timer
 * on the wrong pin ("MP-BIOS bug: 8254 timer not connected").
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "directboot/mptable.h"
#include "vm.h"

#define IRQCHIP_MASTER 0
#define IRQCHIP_SLAVE 1
#define IRQCHIP_IOAPIC 2
#define ROUTES_MAX (16 + MP_IOAPIC_PINS)

static void route(struct kvm_irq_routing *r, unsigned gsi, unsigned chip,
		  unsigned pin)
{
	struct kvm_irq_routing_entry *e = &r->entries[r->nr++];

	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

int vm_route_pc_irqs(struct vm *vm, struct db_error *err)
{
	struct kvm_irq_routing *r = calloc(
		1,
		sizeof(*r) + ROUTES_MAX * sizeof(struct kvm_irq_routing_entry));
	int ret;

	if (!r)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: out of memory for the "
			       "IRQ routes");
	for (unsigned i = 0; i < 16; i++)
		if (i != 2)
			route(r, i, i < 8 ? IRQCHIP_MASTER : IRQCHIP_SLAVE,
			      i % 8);
	for (unsigned i = 0; i < MP_IOAPIC_PINS; i++)
		if (i != 2)
			route(r, i, IRQCHIP_IOAPIC, i ? i : 2);
	ret = ioctl(vm->fd, KVM_SET_GSI_ROUTING, r);
	free(r);
	if (ret < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_SET_GSI_ROUTING: %s",
			       strerror(errno));
	return DB_OK;
}
