// SPDX-License-Identifier: MIT
/*
 * directboot run IMAGE [boot options] [--accel auto|kvm|tcg] [--debug]
 *                [--timings] [--timeout SECONDS] [-c N] [--qemu PATH]
 *
 * Plans the boot (cli/bootopts.c, the library) and hands the plan to an
 * accelerator: vmm/ for KVM, tcg/ for QEMU's software CPU.  With --accel
 * auto, the default, a short calibration guest (vmm/calibrate.c) decides:
 * a KVM that runs guest code at emulation speed loses to TCG on anything
 * as big as a kernel, so it is only chosen when it runs at hardware speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../accel/accel.h"
#include "../tcg/tcg.h"
#include "../vmm/kvm.h"
#include "bootopts.h"
#include "cli.h"
#include "options.h"

/* Guest instructions per microsecond below which KVM is deemed to be
 * emulated: an emulated KVM manages 1-2, the slowest hardware hundreds. */
#define RUN_AUTO_MIN_MIPS 50.0

static void usage(FILE *f)
{
	fprintf(f, "Usage: directboot run IMAGE [OPTIONS]\n"
		   "Boot a kernel image (bzImage or ELF vmlinux) with COM1 on "
		   "stdin/stdout.\n\n");
	cli_options_usage(f, CMD_RUN);
	fprintf(f,
		"\n"
		"On the console, Ctrl-A x quits and Ctrl-A Ctrl-A sends "
		"Ctrl-A.\n"
		"Exit status: 0 the guest reset or powered off (or Ctrl-A x), "
		"1 it crashed\n"
		"(triple fault, KVM internal error: registers on stderr), 2 "
		"bad usage or\n"
		"image, 3 host problem (no /dev/kvm, no memory), 124 "
		"--timeout, 128+N\n"
		"signal N stopped it.\n");
}

/*
 * When did exec happen?  Nothing records it finely, but from exec to
 * here the process has only computed (ld.so mapping and relocating the
 * libraries, libc start-up), never waited, so the CPU time it has used
 * is the wall time since exec, to within the scheduler's noise.
 */
static uint64_t exec_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return accel_now_ns() - (uint64_t)ts.tv_sec * 1000000000ull -
	       (uint64_t)ts.tv_nsec;
}

/* The accelerators' words, on stderr (accel.h, struct accel_hooks). */
static void print_timing(void *ctx, const char *name, uint64_t ns)
{
	(void)ctx;
	fprintf(stderr, "directboot: timing: %-34s %9.3f ms\n", name,
		(double)ns / 1e6);
}

/* \r\n: the terminal may be raw while the guest runs. */
static void print_note(void *ctx, const char *text)
{
	(void)ctx;
	fputs("directboot: ", stderr);
	for (; *text; text++) {
		if (*text == '\n')
			fputc('\r', stderr);
		fputc(*text, stderr);
	}
	fputs("\r\n", stderr);
}

/* --accel auto: KVM if it runs at hardware speed, else tcg.  One line
 * on stderr says which and why. */
static enum accel_kind choose_accel(const struct accel_config *cfg)
{
	struct db_error err = {0};
	uint64_t t = accel_now_ns();
	double mips = 0;
	int ret = kvm_calibrate(&mips, &err);

	accel_timing(cfg, "accel calibration", accel_now_ns() - t);
	if (ret) {
		fprintf(stderr, "directboot: --accel auto: tcg, because %s\n",
			err.msg);
		return ACCEL_TCG;
	}
	if (mips >= RUN_AUTO_MIN_MIPS) {
		fprintf(stderr,
			"directboot: --accel auto: kvm, which runs "
			"guest code at %.0f instructions/us (hardware "
			"speed)\n",
			mips);
		return ACCEL_KVM;
	}
	fprintf(stderr,
		"directboot: --accel auto: tcg, because KVM runs "
		"guest code at %.1f instructions/us, emulated (under "
		"%.0f)\n",
		mips, RUN_AUTO_MIN_MIPS);
	return ACCEL_TCG;
}

static void print_plan_timings(const struct accel_config *cfg,
			      const struct bootopts *bo)
{
	accel_timing(cfg, "parse (image and initrds read)", bo->t_read_ns);
	if (bo->plan.decompress_host)
		accel_timing(cfg,
			     bo->cache_hit ? "decompress (cache hit)"
					   : "decompress",
			     bo->t_decompress_ns);
	accel_timing(cfg, "plan", bo->t_plan_ns);
}

static int run_plan(const struct plan *plan, struct accel_config *cfg)
{
	struct db_error err = {0};
	enum accel_kind accel = cfg->accel;
	int ret;

	if (accel == ACCEL_AUTO)
		accel = choose_accel(cfg);
	if (accel != ACCEL_KVM)
		kvm_unprepare();
	if (accel == ACCEL_TCG && accel_devices_count(&cfg->devices)) {
		fprintf(stderr, "directboot: --disk, --net, --console virtio "
				"and --rng need --accel kvm\n");
		return EXIT_USAGE;
	}
	if (accel == ACCEL_TCG)
		ret = tcg_run_plan(plan, cfg, &err);
	else
		ret = kvm_run_plan(plan, cfg, &err);
	if (err.msg[0])
		fprintf(stderr, "directboot: %s\n", err.msg);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	struct cli_args a;
	struct db_error err = {0};
	struct plan *plan = NULL;
	int ret;

	cli_args_init(&a, CMD_RUN, "run");
	a.run.t_start_ns = exec_time_ns();
	a.run.hooks.timing = print_timing;
	a.run.hooks.note = print_note;
	ret = cli_parse(&a, argc, argv);
	if (ret) {
		if (ret == 1)
			usage(stdout);
		bootopts_free(&a.bo);
		return ret == 1 ? 0 : ret;
	}
	a.bo.plan.nr_virtio = accel_devices_count(&a.run.devices);
	/* For auto too, when KVM is there at all: on a host where the
	 * calibration picks kvm, the VM is then ready sooner. */
	if (a.run.accel == ACCEL_KVM ||
	    (a.run.accel == ACCEL_AUTO && !access("/dev/kvm", R_OK | W_OK)))
		kvm_prepare();
	ret = bootopts_plan(&a.bo, a.image, &plan, &err);
	if (ret) {
		kvm_unprepare();
		bootopts_free(&a.bo);
		return cli_report(&err);
	}
	print_plan_timings(&a.run, &a.bo);
	ret = run_plan(plan, &a.run);
	plan_free(plan);
	bootopts_free(&a.bo);
	return ret;
}
