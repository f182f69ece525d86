// SPDX-License-Identifier: MIT
/*
 * CPUID.  The guest sees what KVM can virtualise on this host
 * (KVM_GET_SUPPORTED_CPUID), with three changes a kernel relies on:
 *  - leaf 1 ECX bit 31, "running under a hypervisor", which makes Linux
 *    look for the hypervisor leaves at all;
 *  - leaf 0x40000000, KVM's signature "KVMKVMKVM\0\0\0", and 0x40000001,
 *    its paravirtual features (kvmclock and friends) as KVM reports them;
 *  - the APIC id of this vCPU in leaf 1 EBX[31:24] and the x2APIC id in
 *    leaves 0xb and 0x1f EDX, with the logical CPU count in leaf 1
 *    EBX[23:16]: KVM leaves these to the VMM;
 *  - leaf 1 ECX bit 24, the TSC-deadline timer, when KVM has
 *    KVM_CAP_TSC_DEADLINE_TIMER: KVM emulates it in its in-kernel LAPIC,
 *    but before late 2024 KVM_GET_SUPPORTED_CPUID does not report it,
 *    and QEMU sets it itself.  Without it Debian's kernel finds no
 *    usable LAPIC timer ("APIC timer disabled due to verification
 *    failure") and falls back to the PIT;
 *  - leaf 0x40000010, the timing leaf QEMU and cloud-hypervisor give
 *    KVM guests (first VMware's): EAX the TSC frequency in kHz
 *    (KVM_GET_TSC_KHZ), EBX the LAPIC timer's in kHz (KVM's is 1 GHz), so
 *    that a guest that reads it need not calibrate either against the
 *    PIT; the signature leaf's EAX then names it as the highest leaf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vcpu.h"

#define CPUID_NENT_MAX 512
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_EDX_HTT (1u << 28)
#define KVM_SIGNATURE_LEAF 0x40000000u
#define KVM_FEATURES_LEAF 0x40000001u
#define TIMING_LEAF 0x40000010u
#define KVM_APIC_BUS_KHZ 1000000u /* KVM's LAPIC timer: 1 ns a tick */
#define LEAVES_ADDED 3		  /* signature, features, timing */

static struct kvm_cpuid2 *supported_get(int kvm_fd, struct db_error *err)
{
	struct kvm_cpuid2 *c;
	unsigned n = 256; /* enough for current hosts: one ioctl */

	for (;;) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c) {
			db_fail(err, DB_ERR_HOST,
				"kvm: out of memory for CPUID");
			return NULL;
		}
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG || n >= CPUID_NENT_MAX) {
			db_fail(err, DB_ERR_HOST,
				"kvm: KVM_GET_SUPPORTED_CPUID: %s",
				strerror(errno));
			return NULL;
		}
		n *= 2;
	}
}

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *c, uint32_t fn)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn)
			return &c->entries[i];
	return NULL;
}

/* Fetch leaf fn, appending an empty one when KVM did not report it;
 * the caller made room for LEAVES_ADDED more entries. */
static struct kvm_cpuid_entry2 *leaf_add(struct kvm_cpuid2 *c, uint32_t fn)
{
	struct kvm_cpuid_entry2 *e = leaf(c, fn);

	if (e)
		return e;
	e = &c->entries[c->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	return e;
}

static void fixup(struct kvm_cpuid2 *c, unsigned id, unsigned nr_cpus,
		  unsigned tsc_khz)
{
	struct kvm_cpuid_entry2 *e;

	for (unsigned i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		switch (e->function) {
		case 1:
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			e->ebx &= 0x0000ffffu;
			e->ebx |= (id & 0xffu) << 24;
			e->ebx |= (nr_cpus & 0xffu) << 16;
			if (nr_cpus > 1)
				e->edx |= CPUID_1_EDX_HTT;
			break;
		case 0xb:
		case 0x1f:
			e->edx = id;
			break;
		}
	}
	e = leaf_add(c, KVM_SIGNATURE_LEAF);
	e->eax = tsc_khz ? TIMING_LEAF : KVM_FEATURES_LEAF;
	memcpy(&e->ebx, "KVMK", 4);
	memcpy(&e->ecx, "VMKV", 4);
	memcpy(&e->edx, "M\0\0\0", 4);
	leaf_add(c, KVM_FEATURES_LEAF);
	if (tsc_khz) {
		e = leaf_add(c, TIMING_LEAF);
		e->eax = tsc_khz;
		e->ebx = KVM_APIC_BUS_KHZ;
		e->ecx = e->edx = 0;
	}
}

/* The vCPU's TSC frequency; 0 (no timing leaf) when KVM cannot say. */
static unsigned tsc_khz_get(const struct vcpu *vcpu)
{
	int khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);

	return khz > 0 ? (unsigned)khz : 0;
}

/* What KVM supports does not change while we run: ask once (each ask
 * is a third of a millisecond here), fix up a copy per vCPU. */
static struct kvm_cpuid2 *supported;

int cpuid_setup(struct vm *vm, struct vcpu *vcpu, unsigned nr_cpus,
		struct db_error *err)
{
	struct kvm_cpuid2 *c;
	struct kvm_cpuid_entry2 *e;
	size_t bytes;
	int ret = DB_OK;

	if (!supported) {
		supported = supported_get(vm->kvm_fd, err);
		if (!supported)
			return DB_ERR_HOST;
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_TSC_DEADLINE_TIMER) > 0 &&
		    (e = leaf(supported, 1)))
			e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
	}
	bytes = sizeof(*c) +
		(supported->nent + LEAVES_ADDED) * sizeof(c->entries[0]);
	c = malloc(bytes);
	if (!c)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: out of memory for CPUID");
	memcpy(c, supported,
	       sizeof(*c) + supported->nent * sizeof(c->entries[0]));
	fixup(c, vcpu->id, nr_cpus ? nr_cpus : 1, tsc_khz_get(vcpu));
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c) < 0)
		ret = db_fail(err, DB_ERR_HOST, "kvm: KVM_SET_CPUID2: %s",
			      strerror(errno));
	free(c);
	return ret;
}
