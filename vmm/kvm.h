/* SPDX-License-Identifier: MIT */
/*
 * The KVM accelerator as its front end sees it: run a plan, start the
 * VM early, and measure whether this /dev/kvm runs guest code at
 * hardware speed.  The configuration and the exit statuses are the
 * accelerators' shared contract (accel/accel.h).
 */
#ifndef DIRECTBOOT_VMM_KVM_H
#define DIRECTBOOT_VMM_KVM_H

#include "../accel/accel.h"

/*
 * Run the plan on plan->cpus vCPUs and return an exit status (accel.h).
 * When the run could not start, or the host failed it, err says why;
 * otherwise err->msg stays empty.  What the user should see while the
 * guest runs goes through cfg->hooks.
 */
int kvm_run_plan(const struct plan *plan, const struct accel_config *cfg,
		 struct db_error *err);

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

/*
 * Time a short calibration guest under KVM.  Sets *mips to the guest's
 * instructions per microsecond, the best of a few runs (no more once one
 * reaches ENOUGH); returns DB_OK, or DB_ERR_HOST when /dev/kvm cannot be
 * used (the message says why).
 */
int kvm_calibrate(double enough, double *mips, struct db_error *err);

#endif
