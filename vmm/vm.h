/* SPDX-License-Identifier: MIT */
/*
 * A KVM virtual machine: the /dev/kvm handle, the VM, its memory slots
 * and the in-kernel interrupt controllers and PIT.  vmm/ applies a boot
 * plan to it; it never parses an image.
 */
#ifndef DIRECTBOOT_VMM_VM_H
#define DIRECTBOOT_VMM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"
#include "directboot/plan.h"

/* KVM's TSS (three pages) and identity-map page go just below the BIOS
 * area at the top of the 32-bit space, inside the hole no slot covers. */
#define VM_TSS_ADDR 0xfffbd000ull
#define VM_IDENTITY_MAP_ADDR 0xfffbc000ull

#define VM_SLOTS_MAX 8

struct vm_slot {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
	int memfd; /* -1: anonymous memory (see vm_share_ram()) */
};

struct vm {
	int kvm_fd;
	int fd;
	size_t vcpu_mmap_size;
	unsigned nr_slots;
	struct vm_slot slots[VM_SLOTS_MAX];
	bool irqchip; /* the PIC, IOAPIC, LAPIC and PIT exist */
};

/*
 * Open /dev/kvm, create a VM and place KVM's TSS and identity map.  With
 * irqchip, also create the in-kernel PIC/IOAPIC/LAPIC and PIT.  Fails
 * with DB_ERR_HOST and a message naming the missing piece.
 */
int vm_create(struct vm *vm, bool irqchip, struct db_error *err);

/*
 * Create the in-kernel PIC/IOAPIC/LAPIC and PIT now: before the vCPUs,
 * and after the last memory slot.  The first slot added once they exist
 * waits in the kernel for an SRCU grace period (4 to 16 ms on the
 * machines measured); slots added before them take 0.05 ms, and the
 * whole VM set-up then 0.5 ms instead of 8.
 */
int vm_add_irqchip(struct vm *vm, struct db_error *err);

/* From now on, back guest RAM with memfds mapped MAP_SHARED, which a
 * vhost-user back-end can map too (--share); else anonymous memory. */
void vm_share_ram(bool on);

/* Back [gpa, gpa + size) (page-aligned) with fresh anonymous memory. */
int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size,
	       struct db_error *err);

/* One slot per RAM range of the plan, then every placement copied in. */
int vm_load_plan(struct vm *vm, const struct plan *plan, struct db_error *err);

/* The host address of [gpa, gpa + len) when one slot holds all of it,
 * else NULL.  Never overflows, whatever gpa and len are. */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);

/* Pages of guest RAM the host has backed so far (mincore). */
uint64_t vm_resident_bytes(const struct vm *vm);

/* The PC's GSI routing, ISA IRQ 0 on I/O APIC pin 2 (irq_routing.c). */
int vm_route_pc_irqs(struct vm *vm, struct db_error *err);

/* Drive an interrupt line of the in-kernel PIC and IOAPIC. */
int vm_irq_line(const struct vm *vm, unsigned irq, int level);

void vm_destroy(struct vm *vm);

#endif
