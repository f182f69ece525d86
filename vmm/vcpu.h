/* SPDX-License-Identifier: MIT */
/*
 * A vCPU: its file descriptor, its shared kvm_run page, and the entry
 * state a boot plan gives it.
 */
#ifndef DIRECTBOOT_VMM_VCPU_H
#define DIRECTBOOT_VMM_VCPU_H

#include <linux/kvm.h>
#include <stdio.h>

#include "directboot/plan.h"
#include "vm.h"

struct vcpu {
	int fd;
	unsigned id;
	struct kvm_run *run;
	size_t run_size;
};

int vcpu_create(struct vm *vm, unsigned id, struct vcpu *vcpu,
		struct db_error *err);

/* Load the plan's entry state: segments, descriptor tables, control
 * registers, EFER and the general registers. */
int vcpu_set_plan_state(struct vcpu *vcpu, const struct plan_cpu *cpu,
			struct db_error *err);

/* Let the in-kernel LAPIC pass the PIC's interrupts (LINT0 = ExtINT) and
 * NMIs (LINT1), the wiring a PC gives the boot CPU. */
int vcpu_set_lapic_wiring(struct vcpu *vcpu, struct db_error *err);

/*
 * Whether a vCPU can still run, for ending a run that nothing can wake
 * (vmm/run.c's halt watch).  Asked on the vCPU's own thread while it is
 * out of KVM_RUN.
 */
enum vcpu_halt {
	VCPU_ACTIVE,	      /* running, idle with IF=1, or about to wake */
	VCPU_HALTED_FOR_GOOD, /* HLT with IF=0, no NMI or event pending,
				 no unmasked NMI source in its LAPIC */
	VCPU_WAITING_SIPI,    /* an AP never started (INIT/SIPI not seen) */
};

/* The vCPU's halt state; VCPU_ACTIVE when it cannot be read. */
enum vcpu_halt vcpu_halt_state(const struct vcpu *vcpu);

/* Print the registers, control registers and segments, for a crash. */
void vcpu_dump(const struct vcpu *vcpu, FILE *f);

void vcpu_destroy(struct vcpu *vcpu);

/* CPUID for this vCPU (cpuid.c): what KVM supports, plus the hypervisor
 * bit, the KVM signature leaves and this vCPU's APIC id. */
int cpuid_setup(struct vm *vm, struct vcpu *vcpu, unsigned nr_cpus,
		struct db_error *err);

#endif
