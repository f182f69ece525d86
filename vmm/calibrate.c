// SPDX-License-Identifier: MIT
/*
 * How fast does this host's KVM run guest code?  On most machines the
 * answer is "as fast as the CPU", but a KVM that is itself emulated (a
 * nested hypervisor without hardware support underneath, as on the
 * development machines here) runs each guest instruction in software at
 * one or two per microsecond, and a full kernel then boots faster on
 * QEMU's TCG.  `--accel auto` asks this file.
 *
 * The guest is eight bytes of 32-bit code: "1: dec ecx; jnz 1b; out
 * 0xf4, al".  A first run with ECX=1 pays for the vCPU's first entry and
 * the code page's fault; each later, timed, run executes 2N+1
 * instructions.  N is small enough that an emulated KVM answers in about
 * 10 ms, and large enough that even a nested exit's tens of microseconds
 * cannot make a hardware KVM look slow.
 *
 * The figure is the best of up to CAL_TRIES timed runs.  Nothing makes
 * an emulating KVM fast, but a real one, even nested, looks slow when
 * the host takes its CPU away in the middle of a run: on a nested KVM
 * under QEMU's software CPU, on two busy host cores, a run of 0.4 ms is
 * often cut by a host time slice of milliseconds, and single runs there
 * gave 45 and 68 instructions/us, or less.  So the runs stop at the first
 * one that reaches the caller's bar: a hardware KVM pays for one run, an
 * emulated one for CAL_TRIES.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm.h"
#include "vcpu.h"
#include "vm.h"

#define CAL_RAM_SIZE 0x2000
#define CAL_CODE_GPA 0x1000
#define CAL_LOOPS 10000
#define CAL_PORT 0xf4
#define CAL_TRIES 5

static const uint8_t cal_code[] = {
	0x49,		/* 1: dec %ecx */
	0x75, 0xfd,	/*    jnz 1b */
	0xe6, CAL_PORT, /*    out %al, $0xf4 */
	0xf4,		/*    hlt */
};

static const struct plan_segment flat_code = {
	.selector = 0x10,
	.limit = 0xffffffff,
	.type = 0xb,
	.s = 1,
	.present = 1,
	.db = 1,
	.g = 1,
};

static const struct plan_segment flat_data = {
	.selector = 0x18,
	.limit = 0xffffffff,
	.type = 0x3,
	.s = 1,
	.present = 1,
	.db = 1,
	.g = 1,
};

/* One run from the loop's start with ECX=loops; the time in KVM_RUN. */
static int cal_run(struct vcpu *v, uint64_t loops, uint64_t *ns,
		   struct db_error *err)
{
	struct plan_cpu cpu = {
		.mode = 32,
		.rip = CAL_CODE_GPA,
		.rcx = loops,
		.cr0 = 1,
		.cs = flat_code,
		.ds = flat_data,
		.es = flat_data,
		.fs = flat_data,
		.gs = flat_data,
		.ss = flat_data,
	};
	uint64_t t;
	int ret;

	ret = vcpu_set_plan_state(v, &cpu, err);
	if (ret)
		return ret;
	t = accel_now_ns();
	if (ioctl(v->fd, KVM_RUN, 0) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: calibration KVM_RUN: %s",
			       strerror(errno));
	*ns = accel_now_ns() - t;
	if (v->run->exit_reason != KVM_EXIT_IO || v->run->io.port != CAL_PORT)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: the calibration guest stopped with exit "
			       "reason %u instead of its port write",
			       v->run->exit_reason);
	return DB_OK;
}

int kvm_calibrate(double enough, double *mips, struct db_error *err)
{
	struct vm vm;
	struct vcpu v = {.fd = -1};
	uint64_t ns, best = UINT64_MAX;
	uint8_t *code;
	int ret;

	ret = vm_create(&vm, false, err);
	if (ret)
		return ret;
	ret = vm_add_ram(&vm, 0, CAL_RAM_SIZE, err);
	if (ret)
		goto out;
	code = vm_gpa_to_hva(&vm, CAL_CODE_GPA, sizeof(cal_code));
	memcpy(code, cal_code, sizeof(cal_code));
	ret = vcpu_create(&vm, 0, &v, err);
	if (ret)
		goto out;
	ret = cal_run(&v, 1, &ns, err);
	if (ret)
		goto out;
	for (int i = 0; i < CAL_TRIES; i++) {
		ret = cal_run(&v, CAL_LOOPS, &ns, err);
		if (ret)
			goto out;
		if (ns < best)
			best = ns;
		*mips = (2.0 * CAL_LOOPS + 1) /
			((double)(best ? best : 1) / 1000.0);
		if (*mips >= enough)
			break;
	}
out:
	vcpu_destroy(&v);
	vm_destroy(&vm);
	return ret;
}
