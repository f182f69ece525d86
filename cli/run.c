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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../accel/accel.h"
#include "../devices/virtiofsd.h"
#include "../tcg/tcg.h"
#include "../vmm/kvm.h"
#include "bootopts.h"
#include "cli.h"
#include "devloop.h"
#include "options.h"

/* Guest instructions per microsecond below which KVM is deemed to be
 * emulated: an emulating KVM manages 0.3 to 2.1, a real one nested under
 * QEMU's software CPU 31 to 282 in single runs (kvm_calibrate() takes the
 * best of several), hardware hundreds.  The bar leaves a factor of three
 * or more to each side (docs/run.md). */
#define RUN_AUTO_MIN_MIPS 10.0

static void usage(FILE *f)
{
	fprintf(f, "Usage: directboot run IMAGE [OPTIONS] [-- CMD ARGS...]\n"
		   "Boot a kernel image (bzImage or ELF vmlinux) with COM1 on "
		   "stdin/stdout.\n"
		   "With -- CMD (or --rootfs): boot on the host's files "
		   "(/ by default) and\n"
		   "run CMD on the console; exit with its status "
		   "(docs/devloop.md).\n\n");
	cli_options_usage(f, CMD_RUN);
	fprintf(f, "\n"
		   "On the console, Ctrl-A x quits and Ctrl-A Ctrl-A sends "
		   "Ctrl-A.\n"
		   "Exit status: 0 the guest reset, powered off or halted "
		   "for good (every CPU\n"
		   "in HLT with interrupts off; or Ctrl-A x); 1 it crashed\n"
		   "(triple fault, KVM internal error: registers on stderr); 2 "
		   "bad usage, a bad\n"
		   "image, or a file argument (IMAGE, -i, --disk, --qemu) that "
		   "is missing, not\n"
		   "a regular file or not yours to use; 3 a host problem (no "
		   "/dev/kvm, no\n"
		   "qemu-system-x86_64 in PATH, no memory, an I/O error on a "
		   "usable file);\n"
		   "4 the guest kernel panicked (its reason on stderr); 124 "
		   "--timeout expired;\n"
		   "128+N signal N stopped it.\n");
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

/*
 * The file arguments run uses besides IMAGE and -i (which bootopts.c
 * reads): each --disk and --qemu, checked before anything runs, with
 * the one rule of db_errno_status(): a name that is missing, not a
 * regular file or not the user's to use is bad usage (2), a host failure
 * on a usable file is 3.
 */
static int check_file(const char *opt, const char *path, int flags,
		      struct db_error *err)
{
	struct stat st;
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return db_fail(err, db_errno_status(errno), "%s %s: %s", opt,
			       path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return db_fail(err, DB_ERR_HOST, "%s %s: %s", opt, path,
			       strerror(e));
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return db_fail(err, DB_ERR_INPUT,
			       "%s %s: not a regular file (mode 0%o)", opt,
			       path, (unsigned)st.st_mode);
	return DB_OK;
}

/* --qemu PATH: a regular executable file, or a name found in $PATH (as
 * execvp() will look it up). */
static int check_qemu(const char *qemu, struct db_error *err)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(qemu, '/')) {
		if (check_file("--qemu", qemu, O_RDONLY, err))
			return err->status;
		if (access(qemu, X_OK))
			return db_fail(err, db_errno_status(errno),
				       "--qemu %s: not executable: %s", qemu,
				       strerror(errno));
		return DB_OK;
	}
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		struct stat st;

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, qemu) <
			    (int)sizeof(buf) &&
		    !stat(buf, &st) && S_ISREG(st.st_mode) &&
		    !access(buf, X_OK))
			return DB_OK;
		p += n + (p[n] == ':');
	}
	return db_fail(err, DB_ERR_INPUT,
		       "--qemu %s: no executable of that name in $PATH", qemu);
}

/* --share: each HOSTDIR a directory (2), virtiofsd there and the right
 * to start it (3). */
static int check_shares(const struct accel_devices *d, struct db_error *err)
{
	char bin[VIRTIOFSD_PATH_MAX];

	for (unsigned i = 0; i < d->nr_shares; i++)
		if (virtiofsd_check_dir(d->shares[i].dir, err))
			return err->status;
	if (d->nr_shares &&
	    (virtiofsd_find(bin, err) || virtiofsd_check_privilege(err)))
		return err->status;
	return DB_OK;
}

static int check_run_files(const struct accel_config *cfg, struct db_error *err)
{
	const struct accel_devices *d = &cfg->devices;

	for (unsigned i = 0; i < d->nr_disks; i++)
		if (check_file("--disk", d->disks[i].path,
			       d->disks[i].ro ? O_RDONLY : O_RDWR, err))
			return err->status;
	if (cfg->qemu && check_qemu(cfg->qemu, err))
		return err->status;
	return check_shares(d, err);
}

/* "--disk, --net, --console virtio, --rng": the device options given. */
static void device_words(const struct accel_devices *d, char *buf, size_t n)
{
	const char *w[5];
	unsigned k = 0;
	size_t pos = 0;

	if (d->nr_disks)
		w[k++] = "--disk";
	if (d->net)
		w[k++] = "--net";
	if (d->console)
		w[k++] = "--console virtio";
	if (d->rng)
		w[k++] = "--rng";
	if (d->nr_shares)
		w[k++] = "--share";
	buf[0] = '\0';
	for (unsigned i = 0; i < k && pos < n; i++)
		pos += snprintf(buf + pos, n - pos, "%s%s", i ? ", " : "",
				w[i]);
}

/*
 * The virtio-mmio devices exist on kvm only, so they decide the
 * accelerator before anything runs (no calibration, no plan): --accel
 * tcg with a device is bad usage; --accel auto with a device is kvm when
 * /dev/kvm is usable, else refused at once, as --accel kvm would be.
 */
static int devices_accel(struct accel_config *cfg)
{
	char words[64];
	int fd;

	unsigned n = accel_devices_count(&cfg->devices);

	if (cfg->devloop && cfg->accel == ACCEL_TCG)
		n -= cfg->devices.nr_shares; /* served by QEMU there */
	if (!n || cfg->accel == ACCEL_KVM)
		return 0;
	device_words(&cfg->devices, words, sizeof(words));
	if (cfg->accel == ACCEL_TCG) {
		fprintf(stderr,
			"directboot: %s: virtio devices need --accel kvm "
			"(tcg runs without them)\n",
			words);
		return EXIT_USAGE;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"directboot: --accel auto: %s need kvm, and "
			"/dev/kvm cannot be opened: %s (tcg runs without "
			"virtio devices)\n",
			words, strerror(errno));
		return EXIT_HOST;
	}
	close(fd);
	fprintf(stderr, "directboot: --accel auto: kvm, which %s need\n",
		words);
	cfg->accel = ACCEL_KVM;
	return 0;
}

/*
 * The command line.  Without -a the kernel would have no console and
 * the user would see nothing at all: run gives the console the guest's
 * output reaches, COM1 (console=ttyS0) or, with --console virtio, hvc0.
 * A command line the user gives is theirs; when it names no console=,
 * one line on stderr says so.
 */
#define RUN_CMDLINE_SERIAL "console=ttyS0"
#define RUN_CMDLINE_VIRTIO "console=hvc0"

static bool names_console(const char *cmdline)
{
	for (const char *p = cmdline; (p = strstr(p, "console=")); p++)
		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t')
			return true;
	return false;
}

static void run_cmdline(struct cli_args *a)
{
	const char *c = a->bo.plan.cmdline;

	if (!c) {
		a->bo.default_cmdline = a->run.devices.console
						? RUN_CMDLINE_VIRTIO
						: RUN_CMDLINE_SERIAL;
		return;
	}
	if (!names_console(c))
		fprintf(stderr,
			"directboot: the command line names no console=: the "
			"kernel's messages may not reach this terminal (%s "
			"is the default without -a)\n",
			a->run.devices.console ? RUN_CMDLINE_VIRTIO
					       : RUN_CMDLINE_SERIAL);
}

/* --accel auto: KVM if it runs at hardware speed, else tcg.  One line
 * on stderr says which and why. */
static enum accel_kind choose_accel(const struct accel_config *cfg)
{
	struct db_error err = {0};
	uint64_t t = accel_now_ns();
	double mips = 0;
	int ret = kvm_calibrate(RUN_AUTO_MIN_MIPS, &mips, &err);

	accel_timing(cfg, "accel calibration", accel_now_ns() - t);
	if (ret) {
		fprintf(stderr, "directboot: --accel auto: tcg, because %s\n",
			err.msg);
		return ACCEL_TCG;
	}
	if (mips >= RUN_AUTO_MIN_MIPS) {
		fprintf(stderr,
			"directboot: --accel auto: kvm, which runs "
			"guest code at %.0f instructions/us (not "
			"emulated)\n",
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
	ret = cli_parse_command(&a, argc, argv, usage);
	if (ret >= 0)
		return ret;
	if (devloop_wanted(&a)) {
		ret = devloop_prepare(&a);
		if (ret) {
			bootopts_free(&a.bo);
			return ret;
		}
	}
	a.bo.plan.nr_virtio = accel_devices_count(&a.run.devices);
	/* The loop's shares are PCI devices under tcg (tcg/tcg.c), not
	 * virtio-mmio windows of the plan. */
	if (a.run.devloop && a.run.accel == ACCEL_TCG)
		a.bo.plan.nr_virtio -= a.run.devices.nr_shares;
	if (check_run_files(&a.run, &err)) {
		bootopts_free(&a.bo);
		return cli_report(&err);
	}
	ret = devices_accel(&a.run);
	if (ret) {
		bootopts_free(&a.bo);
		return ret;
	}
	if (!a.run.devloop)
		run_cmdline(&a);
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
