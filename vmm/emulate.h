/* SPDX-License-Identifier: MIT */
/*
 * Completing the instructions a software KVM's emulator gives up on
 * (vmm/emulate.c).
 */
#ifndef DIRECTBOOT_VMM_EMULATE_H
#define DIRECTBOOT_VMM_EMULATE_H

#include <linux/kvm.h>

enum emulate_result {
	EMULATE_DONE,	  /* completed: run the vCPU again */
	EMULATE_NOT_MINE, /* not an instruction we complete: a crash */
	EMULATE_FAILED,	  /* a vCPU ioctl failed: a crash */
};

/* The failed instruction's first byte from a KVM_EXIT_INTERNAL_ERROR,
 * or -1 when the exit carries none. */
int emulate_failed_opcode(const struct kvm_run *run);

/* Complete INT3 or FWAIT (opcode, from emulate_failed_opcode()) after
 * KVM's emulator failed on it. */
enum emulate_result emulate_failed_insn(int vcpu_fd, int opcode);

#endif
