/* SPDX-License-Identifier: MIT */
/*
 * What `directboot run` hands to an accelerator once the plan is built.
 * cli/run.c parses the options and builds the plan; vmm/ applies it on
 * KVM (kvm_run_plan) and tcg/ on QEMU's software CPU (tcg_run_plan).
 * Both return an exit status from cli.h.
 */
#ifndef DIRECTBOOT_CLI_RUN_H
#define DIRECTBOOT_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "directboot/plan.h"

enum run_accel { RUN_ACCEL_AUTO, RUN_ACCEL_KVM, RUN_ACCEL_TCG };

struct virtio_host_config; /* vmm/virtio_host.h */

struct run_config {
	enum run_accel accel;
	bool debug;         /* log unknown port/MMIO accesses, once each */
	bool timings;       /* print each phase's duration on stderr */
	unsigned timeout_s; /* 0: none; else exit EXIT_TIMEOUT when reached */
	unsigned cpus;      /* vCPUs, 1 by default */
	const char *qemu;   /* qemu-system-x86_64 for tcg; NULL: from PATH */
	uint64_t t_start_ns; /* CLOCK_MONOTONIC at exec, for --timings */
	const struct virtio_host_config *virtio; /* --disk, --net, ... */
};

int kvm_run_plan(const struct plan *plan, const struct run_config *cfg);
int tcg_run_plan(const struct plan *plan, const struct run_config *cfg);

/*
 * Time a short calibration guest under KVM.  Sets *mips to the guest's
 * instructions per microsecond; returns DB_OK, or DB_ERR_HOST when
 * /dev/kvm cannot be used (the message says why).
 */
int kvm_calibrate(double *mips, struct db_error *err);

#endif
