// SPDX-License-Identifier: MIT
/*
 * The two instructions a software KVM could not emulate on the way to a
 * Debian kernel's /init.
 *
 * On hardware KVM the guest runs its own instructions and KVM's
 * emulator only sees the few that trap (MMIO, port I/O).  Some hosts
 * (the development machines among them) expose a /dev/kvm that
 * emulates every guest instruction, and that emulator gives up on
 * some: KVM_EXIT_INTERNAL_ERROR, suberror KVM_INTERNAL_ERROR_EMULATION,
 * with the instruction's bytes.  Most of those a kernel avoids when the
 * CPUID bit is cleared (clearcpuid=cx16,popcnt,smap...), but two it
 * runs on every boot whatever the CPU says:
 *
 *  - INT3 (0xcc): alternative_instructions() checks that a breakpoint
 *    reaches its handler (int3_selftest()), and every static key flip
 *    patches live code through a breakpoint (text_poke_bp()).
 *  - FWAIT (0x9b): fpu__drop() waits for a task's pending x87
 *    exceptions when a task that used the FPU exits.
 *
 * Both are easy to do from outside: INT3 is a trap, so the CPU would
 * deliver #BP with RIP past the instruction; FWAIT does nothing unless
 * an unmasked x87 exception is pending (FSW.ES), when it raises #MF.
 * Anything else still stops the guest as a crash.
 */
#include <linux/kvm.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "emulate.h"

#define OP_INT3 0xcc
#define OP_FWAIT 0x9b
#define VEC_BP 3
#define VEC_MF 16
#define FSW_ES 0x0080 /* x87 error summary: an unmasked exception pends */

/* The first byte of the failed instruction, or -1 if KVM gave none.
 * data[0] holds the flags, data[1] the length in its low byte and the
 * bytes from its second byte on (KVM_INTERNAL_ERROR_EMULATION). */
int emulate_failed_opcode(const struct kvm_run *run)
{
	if (run->exit_reason != KVM_EXIT_INTERNAL_ERROR ||
	    run->internal.suberror != KVM_INTERNAL_ERROR_EMULATION ||
	    run->internal.ndata < 2 ||
	    !(run->internal.data[0] &
	      KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) ||
	    (run->internal.data[1] & 0xff) == 0)
		return -1;
	return (int)((run->internal.data[1] >> 8) & 0xff);
}

static int raise_exception(int fd, uint8_t vector)
{
	struct kvm_vcpu_events ev;

	if (ioctl(fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -1;
	ev.exception.injected = 1;
	ev.exception.nr = vector;
	ev.exception.has_error_code = 0;
	ev.flags = 0;
	return ioctl(fd, KVM_SET_VCPU_EVENTS, &ev);
}

/* Step over the one-byte instruction, then deliver vector (or none). */
static int complete(int fd, int vector)
{
	struct kvm_regs regs;

	if (ioctl(fd, KVM_GET_REGS, &regs) < 0)
		return -1;
	regs.rip += 1;
	if (ioctl(fd, KVM_SET_REGS, &regs) < 0)
		return -1;
	return vector < 0 ? 0 : raise_exception(fd, (uint8_t)vector);
}

static int fwait_vector(int fd)
{
	struct kvm_fpu fpu;

	if (ioctl(fd, KVM_GET_FPU, &fpu) < 0)
		return -2;
	return (fpu.fsw & FSW_ES) ? VEC_MF : -1;
}

enum emulate_result emulate_failed_insn(int vcpu_fd, int opcode)
{
	int vec;

	switch (opcode) {
	case OP_INT3:
		vec = VEC_BP;
		break;
	case OP_FWAIT:
		vec = fwait_vector(vcpu_fd);
		if (vec == -2)
			return EMULATE_FAILED;
		break;
	default:
		return EMULATE_NOT_MINE;
	}
	return complete(vcpu_fd, vec) ? EMULATE_FAILED : EMULATE_DONE;
}
