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
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../vmm/run.h"
#include "../vmm/sandbox.h"
#include "../vmm/virtio_host.h"
#include "bootopts.h"
#include "cli.h"
#include "run.h"

/* Guest instructions per microsecond below which KVM is deemed to be
 * emulated: an emulated KVM manages 1-2, the slowest hardware hundreds. */
#define RUN_AUTO_MIN_MIPS 50.0

/* The tcg accelerator lives in its own part of the tree; a build
 * without it still runs KVM. */
#pragma weak tcg_run_plan

static void usage(FILE *f)
{
	fprintf(f, "Usage: directboot run IMAGE [OPTIONS]\n"
		   "Boot a kernel image (bzImage or ELF vmlinux) with COM1 on "
		   "stdin/stdout.\n\n"
		   "Boot options:\n");
	bootopts_usage(f);
	fprintf(f,
		"\nRun options:\n"
		"  --accel auto|kvm|tcg  where the guest runs (default auto: "
		"kvm when a\n"
		"                        calibration guest shows hardware "
		"speed, else tcg)\n"
		"  -c, --cpus N          vCPUs (default 1)\n"
		"  --timeout SECONDS     stop the guest after SECONDS; exit "
		"124\n"
		"  --timings             print each phase's duration and the "
		"memory used\n"
		"  --debug               name unknown port and MMIO accesses, "
		"once each\n"
		"  --qemu PATH           qemu-system-x86_64 for --accel tcg\n"
		"  -h, --help            this text\n\n"
		"Devices (virtio-mmio, --accel kvm):\n");
	virtio_host_usage(f);
	sandbox_usage(f);
	fprintf(f,
		"\n"
		"On the console, Ctrl-A x quits and Ctrl-A Ctrl-A sends "
		"Ctrl-A.\n"
		"Exit status: 0 the guest reset or powered off (or Ctrl-A x), "
		"1 it crashed\n"
		"(triple fault, KVM internal error: registers on stderr), 2 "
		"bad usage or\n"
		"image, 3 host problem (no /dev/kvm, no memory), 124 "
		"--timeout.\n");
}

static uint64_t ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * When did exec happen?  Nothing records it finely, but from exec to
 * here the process has only computed (ld.so mapping and relocating the
 * libraries, libc start-up), never waited, so the CPU time it has used
 * is the wall time since exec, to within the scheduler's noise.
 */
static uint64_t exec_time_ns(void)
{
	return run_now_ns() - ns_of(CLOCK_PROCESS_CPUTIME_ID);
}

static int parse_uint(const char *cmd, const char *opt, const char *s,
		      unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-') {
		cli_usage_error(cmd, "%s wants a number from 0 to %u, not '%s'",
				opt, max, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

struct run_args {
	struct run_config cfg;
	const char *image;
	struct virtio_host_config virtio;
};

/* One run option at argv[*i]: 1 taken, 0 not ours, -1 bad (printed). */
static int parse_run_opt(struct run_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *val = NULL;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	static const char *const with_val[] = {"--accel", "--timeout", "--cpus",
					       "-c", "--qemu"};
	bool wants = false;
	int dev = virtio_host_parse(&a->virtio, "run", argc, argv, i);

	if (!dev)
		dev = sandbox_parse(argc, argv, i);
	if (dev)
		return dev;
	for (size_t k = 0; k < sizeof(with_val) / sizeof(with_val[0]); k++)
		if (strlen(with_val[k]) == len &&
		    !strncmp(arg, with_val[k], len))
			wants = true;
	if (wants) {
		if (eq) {
			val = eq + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			cli_usage_error("run", "%s needs a value", arg);
			return -1;
		}
	} else if (eq) {
		return 0;
	}
	if (!strncmp(arg, "--accel", len) && len == 7) {
		if (!strcmp(val, "auto"))
			a->cfg.accel = RUN_ACCEL_AUTO;
		else if (!strcmp(val, "kvm"))
			a->cfg.accel = RUN_ACCEL_KVM;
		else if (!strcmp(val, "tcg"))
			a->cfg.accel = RUN_ACCEL_TCG;
		else {
			cli_usage_error("run",
					"--accel takes auto, kvm or "
					"tcg, not '%s'",
					val);
			return -1;
		}
		return 1;
	}
	if (!strncmp(arg, "--timeout", len) && len == 9)
		return parse_uint("run", "--timeout", val, 86400 * 365,
				  &a->cfg.timeout_s)
			       ? -1
			       : 1;
	if ((len == 2 && !strncmp(arg, "-c", 2)) ||
	    (len == 6 && !strncmp(arg, "--cpus", 6))) {
		if (parse_uint("run", "--cpus", val, 64, &a->cfg.cpus))
			return -1;
		if (!a->cfg.cpus) {
			cli_usage_error("run", "--cpus must be at least 1");
			return -1;
		}
		return 1;
	}
	if (len == 6 && !strncmp(arg, "--qemu", 6)) {
		a->cfg.qemu = val;
		return 1;
	}
	if (!strcmp(arg, "--debug"))
		a->cfg.debug = true;
	else if (!strcmp(arg, "--timings"))
		a->cfg.timings = true;
	else
		return 0;
	return 1;
}

static int parse_args(struct run_args *a, struct bootopts *bo, int argc,
		      char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r = bootopts_parse_one(bo, "run", argc, argv, &i);

		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		r = parse_run_opt(a, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 1;
		}
		if (arg[0] == '-' && arg[1]) {
			cli_usage_error("run", "unknown option '%s'", arg);
			return -1;
		}
		if (a->image) {
			cli_usage_error("run",
					"one IMAGE only ('%s' and "
					"'%s')",
					a->image, arg);
			return -1;
		}
		a->image = arg;
	}
	if (!a->image) {
		cli_usage_error("run", "no IMAGE given");
		return -1;
	}
	return 0;
}

/* --accel auto: KVM if it runs at hardware speed, else tcg.  One line
 * on stderr says which and why. */
static enum run_accel choose_accel(const struct run_config *cfg)
{
	struct db_error err = {0};
	bool have_tcg = tcg_run_plan != NULL;
	uint64_t t = run_now_ns();
	double mips = 0;
	int ret = kvm_calibrate(&mips, &err);

	if (cfg->timings)
		run_print_timing("accel calibration", run_now_ns() - t);
	if (ret) {
		fprintf(stderr, "directboot: --accel auto: tcg, because %s\n",
			err.msg);
		return RUN_ACCEL_TCG;
	}
	if (mips >= RUN_AUTO_MIN_MIPS) {
		fprintf(stderr,
			"directboot: --accel auto: kvm, which runs "
			"guest code at %.0f instructions/us (hardware "
			"speed)\n",
			mips);
		return RUN_ACCEL_KVM;
	}
	if (!have_tcg) {
		fprintf(stderr,
			"directboot: --accel auto: kvm, although it "
			"runs guest code at %.1f instructions/us "
			"(emulated): this build has no tcg\n",
			mips);
		return RUN_ACCEL_KVM;
	}
	fprintf(stderr,
		"directboot: --accel auto: tcg, because KVM runs "
		"guest code at %.1f instructions/us, emulated (under "
		"%.0f)\n",
		mips, RUN_AUTO_MIN_MIPS);
	return RUN_ACCEL_TCG;
}

static void print_plan_timings(const struct bootopts *bo)
{
	run_print_timing("parse (image and initrds read)", bo->t_read_ns);
	if (bo->plan.decompress_host)
		run_print_timing(bo->cache_hit ? "decompress (cache hit)"
					       : "decompress",
				 bo->t_decompress_ns);
	run_print_timing("plan", bo->t_plan_ns);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = {.cfg = {.accel = RUN_ACCEL_AUTO}};
	struct db_error err = {0};
	struct bootopts bo;
	struct plan *plan = NULL;
	enum run_accel accel;
	int ret;

	a.cfg.t_start_ns = exec_time_ns();
	bootopts_init(&bo);
	ret = parse_args(&a, &bo, argc, argv);
	if (ret) {
		bootopts_free(&bo);
		return ret < 0 ? EXIT_USAGE : 0;
	}
	bo.plan.cpus = a.cfg.cpus;
	bo.plan.nr_virtio = virtio_host_count(&a.virtio);
	a.cfg.virtio = &a.virtio;
	/* For auto too, when KVM is there at all: on a host where the
	 * calibration picks kvm, the VM is then ready sooner. */
	if (a.cfg.accel == RUN_ACCEL_KVM ||
	    (a.cfg.accel == RUN_ACCEL_AUTO && !access("/dev/kvm", R_OK | W_OK)))
		kvm_prepare();
	ret = bootopts_plan(&bo, a.image, &plan, &err);
	if (ret) {
		bootopts_free(&bo);
		return cli_report(&err);
	}
	if (a.cfg.timings)
		print_plan_timings(&bo);
	accel = a.cfg.accel;
	if (accel == RUN_ACCEL_AUTO)
		accel = choose_accel(&a.cfg);
	if (accel != RUN_ACCEL_KVM)
		kvm_unprepare();
	if (accel == RUN_ACCEL_TCG && !tcg_run_plan) {
		fprintf(stderr, "directboot: --accel tcg: this build has no "
				"tcg accelerator\n");
		ret = EXIT_HOST;
	} else if (accel == RUN_ACCEL_TCG && virtio_host_count(&a.virtio)) {
		fprintf(stderr, "directboot: --disk, --net, --console virtio "
				"and --rng need --accel kvm\n");
		ret = EXIT_USAGE;
	} else if (accel == RUN_ACCEL_TCG) {
		ret = tcg_run_plan(plan, &a.cfg);
	} else {
		ret = kvm_run_plan(plan, &a.cfg);
	}
	plan_free(plan);
	bootopts_free(&bo);
	return ret;
}
