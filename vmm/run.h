/* SPDX-License-Identifier: MIT */
/*
 * Shared by the KVM launcher's files: the clock the timings use.
 */
#ifndef DIRECTBOOT_VMM_RUN_H
#define DIRECTBOOT_VMM_RUN_H

#include <stdint.h>
#include <time.h>

#define RUN_VCPUS_MAX 64

static inline uint64_t run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Start creating the VM on a helper thread (KVM_CREATE_VM, the TSS and
 * identity map, the first megabyte's memory slot) while the caller reads
 * the image and builds the plan.  kvm_run_plan() takes the VM over, adds
 * the plan's other slots and only then the irqchip and PIT (see
 * vm_add_irqchip() for why that order); without this call it creates its
 * own VM.
 */
void kvm_prepare(void);

/* Give up the VM kvm_prepare() started, when another accelerator runs. */
void kvm_unprepare(void);

/* "directboot: timing: NAME  X.XXX ms" on stderr. */
void run_print_timing(const char *name, uint64_t ns);

#endif
