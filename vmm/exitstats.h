/* SPDX-License-Identifier: MIT */
/*
 * --timings' count of the exits that reach us: how many of each reason
 * (port I/O per port, MMIO, HLT, signals, the rest), the time spent
 * answering each kind, and the time inside KVM_RUN.  Each vCPU thread
 * counts in its own record, so nothing is shared while the guest runs;
 * without --timings the loop never calls here.
 */
#ifndef DIRECTBOOT_VMM_EXITSTATS_H
#define DIRECTBOOT_VMM_EXITSTATS_H

#include <linux/kvm.h>
#include <stdint.h>

#include "../accel/accel.h"

struct exitstats;

/* vCPU id's record, zeroed; NULL when id is out of range. */
struct exitstats *exitstats_for(unsigned id);

/* One return from KVM_RUN: in_ns inside it, then handled_ns answering
 * the exit run describes (ret < 0: a signal, nothing to answer). */
void exitstats_add(struct exitstats *es, const struct kvm_run *run, int ret,
		   uint64_t in_ns, uint64_t handled_ns);

/* Port writes the coalesced ring carried without an exit. */
void exitstats_coalesced(struct exitstats *es, uint16_t port, unsigned n);

/* Every vCPU's counts, summed, through cfg's timing hook. */
void exitstats_report(const struct accel_config *cfg, unsigned nr_vcpus);

#endif
