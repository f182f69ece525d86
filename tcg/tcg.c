// SPDX-License-Identifier: MIT
/*
 * `directboot run --accel tcg`: the same boot plan on QEMU's software CPU.
 *
 * Where KVM is absent, or present but emulating guest instructions (as
 * on the development machines), a full kernel only boots in reasonable
 * time on a binary translator.  The loader decisions stay ours: every
 * placement of the plan becomes a `-device loader,force-raw=on` blob at
 * its guest physical address, and the plan's entry state goes into a
 * parameter block of our own reset-vector trampoline (tcg/trampoline.S),
 * which QEMU runs as the BIOS.  QEMU only supplies the CPU, the RAM and
 * the PC devices.
 *
 * The machine is -M pc, not microvm, for the reset: Linux reboots a PC
 * through the i8042 (0xfe to port 0x64) first, which pc has and microvm
 * has not.  On microvm a guest reset only ends by a triple fault
 * (reboot=t), which looks exactly like a crash; on pc a triple fault is
 * a crash, and QEMU's `-d cpu_reset` log says "Triple fault" when one
 * happens, so that both end QEMU with status 0 (-no-reboot) and the log
 * tells them apart: 0 for the reset, 1 for the crash, as under KVM.
 * A power-off needs ACPI, which neither machine offers without a
 * firmware; like the KVM launcher, the guest leaves by a reset.
 *
 * pc's memory: RAM below 640 KiB, the VGA window and the BIOS ROMs in
 * [0xa0000, 1 MiB), RAM from 1 MiB up to the 32-bit hole and above
 * 4 GiB.  max-ram-below-4g=3G puts pc's hole where the plan's e820 puts
 * it, and every placement is checked to fall in RAM.
 *
 * The blobs go to memfds handed to QEMU as /proc/self/fd/N: nothing is
 * written to disk, and nothing is left behind if we are killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytes.h"
#include "directboot/acpi.h"
#include "directboot/bootparam.h"
#include "../accel/panic.h"
#include "../devices/virtiofsd.h"
#include "directboot/pc.h"
#include "halt.h"
#include "tcg.h"
#include "trampoline.h"

/* The trampoline image, built by tcg/tcg.mk and linked in. */
extern const uint8_t tcg_trampoline[], tcg_trampoline_end[];

#define TCG_QEMU "qemu-system-x86_64"
#define TCG_LOW_RAM_END 0xa0000ull /* VGA window and ROMs above */
#define TCG_HIGH_RAM 0x100000ull
#define TCG_BELOW_4G_MAX                                                       \
	(3ull << 30) /* pc's max-ram-below-4g, the plan's hole */
#define TCG_4G (1ull << 32)
/* The bits long mode needs; the kernel's names live in lib/plan_int.h,
 * which a VMM does not see. */
#define TCG_CR0_PG (1ull << 31)
#define TCG_CR4_PAE (1ull << 5)
#define TCG_EFER_LME (1ull << 8)
#define TCG_EFER_LMA (1ull << 10) /* read-only to wrmsr; paging sets it */
#define TCG_ARGS_MAX (64 + 2 * PLAN_PLACEMENTS_MAX + 4 * ACCEL_SHARES_MAX + 8)
#define TCG_ARG_LEN 96
#define TCG_LOG_TAIL_LINES 8

struct tcg_run {
	const struct plan *plan;
	const struct accel_config *cfg;
	int bios_fd, log_fd;
	int err_fd; /* QEMU's stderr, kept off the terminal; -1: --debug */
	int out_fd; /* QEMU's stdout (COM1 and its monitor), read here */
	int blob_fd[PLAN_PLACEMENTS_MAX];
	char *argv[TCG_ARGS_MAX];
	char args[TCG_ARGS_MAX][TCG_ARG_LEN];
	unsigned argc;
	pid_t pid;
	struct accel_panic panic; /* watching COM1 for the guest's panic */
	/* The kernel developer's loop (cfg->devloop; tcg_devloop_*()). */
	int status_fd; /* isa-debugcon's file: CMD's status */
	struct virtiofsd fsd[ACCEL_SHARES_MAX];
	struct tcg_halt halt; /* QMP: does any CPU still run? */
	bool halted;	      /* the guest halted for good */
};

static volatile sig_atomic_t tcg_signal, tcg_alarm;

static void tcg_on_signal(int sig)
{
	if (sig == SIGALRM)
		tcg_alarm = 1;
	else
		tcg_signal = sig;
}

static int tcg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Where tcg_fail() says why; one run per process, as with KVM. */
static struct db_error *tcg_err;

/* Record why the run failed, once: the first reason is the cause. */
static int tcg_fail(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (tcg_err->msg[0])
		return EXIT_HOST;
	tcg_err->status = DB_ERR_HOST;
	n = snprintf(tcg_err->msg, sizeof(tcg_err->msg), "tcg: ");
	va_start(ap, fmt);
	vsnprintf(tcg_err->msg + n, sizeof(tcg_err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return EXIT_HOST;
}

/* Is [gpa, gpa + size) RAM on QEMU's pc with this much memory? */
static bool tcg_in_ram(uint64_t gpa, uint64_t size, uint64_t mem)
{
	uint64_t below = mem < TCG_BELOW_4G_MAX ? mem : TCG_BELOW_4G_MAX;
	uint64_t above = mem - below;

	if (size == 0)
		return true;
	if (gpa < TCG_LOW_RAM_END)
		return range_ok(gpa, size, TCG_LOW_RAM_END);
	if (gpa >= TCG_HIGH_RAM && gpa < below)
		return range_ok(gpa, size, below);
	return gpa >= TCG_4G && range_ok(gpa - TCG_4G, size, above);
}

/* The trampoline can take only what it was written for. */
static int tcg_check_plan(const struct plan *plan)
{
	const struct plan_cpu *c = &plan->cpu;

	for (unsigned i = 0; i < plan->nr_placements; i++) {
		const struct plan_placement *p = &plan->placements[i];
		uint64_t size = p->mem_size > p->size ? p->mem_size : p->size;

		if (!tcg_in_ram(p->gpa, size, plan->mem_size))
			return tcg_fail("placement '%s' at [%#" PRIx64
					", %#" PRIx64 ") is not in QEMU pc's "
					"RAM with %" PRIu64 " MiB (RAM: below "
					"0xa0000, from 1 MiB to 3 GiB, above "
					"4 GiB)",
					p->what, p->gpa, p->gpa + size,
					plan->mem_size >> 20);
	}
	/* The kernel will use what the e820 map calls RAM. */
	for (unsigned i = 0; i < plan->nr_regions; i++) {
		const struct plan_region *m = &plan->regions[i];

		if (m->type == E820_TYPE_RAM &&
		    !tcg_in_ram(m->start, m->size, plan->mem_size))
			return tcg_fail(
				"the plan's RAM [%#" PRIx64 ", %#" PRIx64
				") is not RAM on QEMU pc with %" PRIu64 " MiB",
				m->start, m->start + m->size,
				plan->mem_size >> 20);
	}
	/* QEMU pc has no virtio-mmio: the windows would be empty. */
	if (plan->nr_virtio)
		return tcg_fail("the plan has %u virtio-mmio windows; QEMU pc "
				"has no virtio-mmio (use --accel kvm)",
				plan->nr_virtio);
	if (c->mode != 32 && c->mode != 64)
		return tcg_fail("the plan's CPU mode %d is neither 32 nor 64",
				c->mode);
	if (c->cr3 >= TCG_4G || (c->mode == 32 && c->rip >= TCG_4G))
		return tcg_fail(
			"CR3 %#" PRIx64 " or RIP %#" PRIx64
			" is above 4 GiB, out of the trampoline's reach",
			c->cr3, c->rip);
	if (c->mode == 64 &&
	    (!(c->cr0 & TCG_CR0_PG) || !(c->cr4 & TCG_CR4_PAE) ||
	     !(c->efer & TCG_EFER_LME)))
		return tcg_fail("a 64-bit plan needs CR0.PG, CR4.PAE and "
				"EFER.LME, not CR0 %#" PRIx64 " CR4 %#" PRIx64
				" EFER %#" PRIx64,
				c->cr0, c->cr4, c->efer);
	return 0;
}

/* The trampoline image with the plan's entry state in its block. */
static int tcg_bios_image(const struct plan *plan, uint8_t *img)
{
	const struct plan_cpu *c = &plan->cpu;
	size_t size = (size_t)(tcg_trampoline_end - tcg_trampoline);

	if (size != TRAMP_SIZE || get_le32(tcg_trampoline) != TRAMP_MAGIC)
		return tcg_fail("the built-in trampoline is %zu bytes with "
				"magic %#x (a bad build)",
				size, get_le32(tcg_trampoline));
	memcpy(img, tcg_trampoline, TRAMP_SIZE);
	put_le32(img + TRAMP_P_MODE, (uint32_t)c->mode);
	put_le64(img + TRAMP_P_CR0, c->cr0);
	put_le64(img + TRAMP_P_CR3, c->cr3);
	put_le64(img + TRAMP_P_CR4, c->cr4);
	put_le64(img + TRAMP_P_EFER, c->efer & ~TCG_EFER_LMA);
	put_le16(img + TRAMP_P_GDT, c->gdt_limit);
	put_le64(img + TRAMP_P_GDT + 2, c->gdt_base);
	put_le16(img + TRAMP_P_IDT, c->idt_limit);
	put_le64(img + TRAMP_P_IDT + 2, c->idt_base);
	put_le16(img + TRAMP_P_DS, c->ds.selector);
	put_le16(img + TRAMP_P_ES, c->es.selector);
	put_le16(img + TRAMP_P_FS, c->fs.selector);
	put_le16(img + TRAMP_P_GS, c->gs.selector);
	put_le64(img + TRAMP_P_RAX, c->rax);
	put_le64(img + TRAMP_P_RBX, c->rbx);
	put_le64(img + TRAMP_P_RCX, c->rcx);
	put_le64(img + TRAMP_P_RDX, c->rdx);
	put_le64(img + TRAMP_P_RSI, c->rsi);
	put_le64(img + TRAMP_P_RDI, c->rdi);
	put_le64(img + TRAMP_P_RBP, c->rbp);
	put_le64(img + TRAMP_P_RIP, c->rip);
	put_le64(img + TRAMP_P_CS, c->cs.selector);
	put_le64(img + TRAMP_P_RFLAGS, c->rflags);
	put_le64(img + TRAMP_P_RSP, c->rsp);
	put_le64(img + TRAMP_P_SS, c->ss.selector);
	put_le32(img + TRAMP_P_FAR32, (uint32_t)c->rip);
	put_le16(img + TRAMP_P_FAR32 + 4, c->cs.selector);
	put_le32(img + TRAMP_P_PMBA, ACPI_PM_BASE | 1);
	return 0;
}

/* A memfd holding size bytes of data; -1 on failure (said). */
static int tcg_memfd(const char *name, const void *data, uint64_t size)
{
	const uint8_t *p = data;
	int fd = memfd_create(name, 0); /* inherited by QEMU */

	if (fd < 0) {
		tcg_fail("memfd_create: %s", strerror(errno));
		return -1;
	}
	while (size) {
		ssize_t n = write(fd, p, size > (1u << 30) ? 1u << 30 : size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			tcg_fail("writing the '%s' blob: %s", name,
				 n < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		p += n;
		size -= (uint64_t)n;
	}
	return fd;
}

static void tcg_arg(struct tcg_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tcg_arg(struct tcg_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->argc + 1 >= TCG_ARGS_MAX)
		return; /* cannot happen: TCG_ARGS_MAX counts every blob */
	va_start(ap, fmt);
	vsnprintf(r->args[r->argc], TCG_ARG_LEN, fmt, ap);
	va_end(ap);
	r->argv[r->argc] = r->args[r->argc];
	r->argv[++r->argc] = NULL;
}

/* QEMU's -m wants a unit; K keeps every plan size exact in practice. */
static void tcg_arg_mem(struct tcg_run *r, uint64_t mem)
{
	if (mem % 1024)
		tcg_arg(r, "%" PRIu64 "B", mem);
	else
		tcg_arg(r, "%" PRIu64 "K", mem >> 10);
}

/* ---- the kernel developer's loop (docs/devloop.md) --------------------- */

/*
 * Under QEMU the loop's shares are vhost-user-fs-pci devices on the same
 * virtiofsd as under KVM (devices/virtiofsd.c), each on its own
 * pre-connected socket, passed as fd=; vhost-user needs the guest's RAM
 * in shared memory, so it comes from a memfd backend.  CMD's status
 * comes back through isa-debugcon at DEVLOOP_STATUS_PORT, one byte
 * written to a memfd, which keeps all 8 bits (isa-debug-exit's exit
 * code, (v << 1) | 1, would lose the top one); the reset that follows
 * ends QEMU (-no-reboot).
 */
static int tcg_devloop_setup(struct tcg_run *r)
{
	const struct accel_devices *d = &r->cfg->devices;
	char bin[VIRTIOFSD_PATH_MAX];

	if (!r->cfg->devloop)
		return 0;
	r->status_fd = tcg_memfd("directboot-status", NULL, 0);
	if (r->status_fd < 0)
		return EXIT_HOST;
	if (!d->nr_shares)
		return 0;
	if (virtiofsd_find(bin, tcg_err) || virtiofsd_check_privilege(tcg_err))
		return accel_error_status(tcg_err);
	for (unsigned i = 0; i < d->nr_shares; i++) {
		if (virtiofsd_start(&r->fsd[i], bin, d->shares[i].dir,
				    d->shares[i].ro, !r->cfg->debug, tcg_err))
			return accel_error_status(tcg_err);
		/* QEMU inherits it: the one fd it must not lose at exec. */
		fcntl(r->fsd[i].sock, F_SETFD, 0);
	}
	return 0;
}

static void tcg_devloop_args(struct tcg_run *r)
{
	const struct accel_devices *d = &r->cfg->devices;

	if (!r->cfg->devloop)
		return;
	if (d->nr_shares) {
		tcg_arg(r, "-object");
		tcg_arg(r,
			"memory-backend-memfd,id=ram,size=%" PRIu64 ",share=on",
			r->plan->mem_size);
		tcg_arg(r, "-machine");
		tcg_arg(r, "memory-backend=ram");
	}
	for (unsigned i = 0; i < d->nr_shares; i++) {
		tcg_arg(r, "-chardev");
		tcg_arg(r, "socket,id=fs%u,fd=%d", i, r->fsd[i].sock);
		tcg_arg(r, "-device");
		tcg_arg(r, "vhost-user-fs-pci,chardev=fs%u,tag=%s", i,
			d->shares[i].tag);
	}
	tcg_arg(r, "-chardev");
	tcg_arg(r, "file,id=status,path=/proc/self/fd/%d", r->status_fd);
	tcg_arg(r, "-device");
	tcg_arg(r, "isa-debugcon,iobase=%#x,chardev=status",
		DEVLOOP_STATUS_PORT);
}

/* A clean end (the guest's reset) is CMD's status when the init wrote
 * one, else a guest that never got CMD to run. */
static int tcg_devloop_status(struct tcg_run *r, int ret)
{
	uint8_t status;

	if (!r->cfg->devloop || ret != EXIT_GUEST_OK)
		return ret;
	if (pread(r->status_fd, &status, 1, 0) == 1)
		return status;
	accel_note(r->cfg, "the guest reset without reporting a status: its "
			   "init did not finish (--debug shows the kernel's "
			   "console)");
	return EXIT_GUEST_CRASH;
}

static void tcg_devloop_stop(struct tcg_run *r)
{
	for (unsigned i = 0; i < ACCEL_SHARES_MAX; i++)
		virtiofsd_stop(&r->fsd[i]);
	if (r->status_fd >= 0)
		close(r->status_fd);
}

/* A second monitor, QMP on the halt watch's socket (tcg/halt.c). */
static void tcg_halt_args(struct tcg_run *r)
{
	if (r->halt.qemu_fd < 0)
		return;
	tcg_arg(r, "-chardev");
	tcg_arg(r, "socket,id=dbqmp,fd=%d", r->halt.qemu_fd);
	tcg_arg(r, "-mon");
	tcg_arg(r, "chardev=dbqmp,mode=control");
}

/* In tcg_pump()'s loop: a guest that halted for good ends the run as a
 * power-off would (status 0), said in one line by tcg_wait(). */
static void tcg_halt_check(struct tcg_run *r, bool stopping)
{
	if (stopping || r->halted || r->panic.seen)
		return;
	if (tcg_halt_tick(&r->halt, r->plan->cpus ? r->plan->cpus : 1)) {
		r->halted = true;
		kill(r->pid, SIGTERM);
	}
}

static int tcg_halt_start(struct tcg_run *r)
{
	int e = tcg_halt_open(&r->halt);

	return e ? tcg_fail("socketpair for QEMU's QMP: %s", strerror(-e)) : 0;
}

static void tcg_build_argv(struct tcg_run *r)
{
	const struct plan *plan = r->plan;

	/* The path as given, of any length: the others fit TCG_ARG_LEN. */
	r->argv[0] = (char *)(r->cfg->qemu ? r->cfg->qemu : TCG_QEMU);
	r->argv[1] = NULL;
	r->argc = 1;
	tcg_arg(r, "-M");
	tcg_arg(r, "pc,max-ram-below-4g=3G");
	tcg_arg(r, "-accel");
	tcg_arg(r, "tcg");
	tcg_arg(r, "-m");
	tcg_arg_mem(r, plan->mem_size);
	tcg_arg(r, "-smp");
	tcg_arg(r, "%u", plan->cpus ? plan->cpus : 1);
	/* No VGA, NIC, drives or option ROMs: only what a kernel console
	 * needs, and our trampoline as the only firmware. */
	tcg_arg(r, "-nodefaults");
	tcg_arg(r, "-no-user-config");
	tcg_arg(r, "-display");
	tcg_arg(r, "none");
	tcg_arg(r, "-no-reboot");
	/* COM1 and QEMU's monitor share stdio: Ctrl-A x quits, Ctrl-A
	 * Ctrl-A sends one, as on the KVM console; Ctrl-C goes to the
	 * guest. */
	tcg_arg(r, "-chardev");
	tcg_arg(r, "stdio,id=con,mux=on,signal=off");
	tcg_arg(r, "-serial");
	tcg_arg(r, "chardev:con");
	tcg_arg(r, "-mon");
	tcg_arg(r, "chardev=con,mode=readline");
	tcg_halt_args(r);
	tcg_arg(r, "-d");
	tcg_arg(r,
		r->cfg->debug ? "cpu_reset,guest_errors,unimp" : "cpu_reset");
	tcg_arg(r, "-D");
	tcg_arg(r, "/proc/self/fd/%d", r->log_fd);
	tcg_arg(r, "-bios");
	tcg_arg(r, "/proc/self/fd/%d", r->bios_fd);
	tcg_devloop_args(r);
	for (unsigned i = 0; i < plan->nr_placements; i++) {
		if (r->blob_fd[i] < 0)
			continue;
		tcg_arg(r, "-device");
		tcg_arg(r,
			"loader,file=/proc/self/fd/%d,addr=%#" PRIx64
			",force-raw=on",
			r->blob_fd[i], plan->placements[i].gpa);
	}
}

static int tcg_write_blobs(struct tcg_run *r)
{
	const struct plan *plan = r->plan;
	uint8_t *img = malloc(TRAMP_SIZE);
	int ret;

	if (!img)
		return tcg_fail("no memory for the trampoline image");
	ret = tcg_bios_image(plan, img);
	if (!ret) {
		r->bios_fd = tcg_memfd("directboot-bios", img, TRAMP_SIZE);
		ret = r->bios_fd < 0 ? EXIT_HOST : 0;
	}
	free(img);
	if (ret)
		return ret;
	r->log_fd = tcg_memfd("directboot-qemu-log", NULL, 0);
	if (r->log_fd < 0)
		return EXIT_HOST;
	/* QEMU's own lines ("terminating on signal 15 from pid N" when we
	 * stop it, its warnings) are not the user's: they go to a memfd,
	 * whose tail is shown when QEMU fails.  --debug lets them through. */
	if (!r->cfg->debug) {
		r->err_fd = tcg_memfd("directboot-qemu-stderr", NULL, 0);
		if (r->err_fd < 0)
			return EXIT_HOST;
	}
	for (unsigned i = 0; i < plan->nr_placements; i++) {
		const struct plan_placement *p = &plan->placements[i];

		/* Fresh RAM is zero: a placement without bytes needs no
		 * blob, and a blob's tail past size is zero already. */
		if (!p->size)
			continue;
		r->blob_fd[i] = tcg_memfd(p->what, p->data, p->size);
		if (r->blob_fd[i] < 0)
			return EXIT_HOST;
	}
	return 0;
}

static void tcg_close_all(struct tcg_run *r)
{
	if (r->bios_fd >= 0)
		close(r->bios_fd);
	if (r->log_fd >= 0)
		close(r->log_fd);
	if (r->err_fd >= 0)
		close(r->err_fd);
	if (r->out_fd >= 0)
		close(r->out_fd);
	for (unsigned i = 0; i < PLAN_PLACEMENTS_MAX; i++)
		if (r->blob_fd[i] >= 0)
			close(r->blob_fd[i]);
}

/* Start QEMU; an exec failure comes back through a CLOEXEC pipe. */
static int tcg_spawn(struct tcg_run *r)
{
	int pfd[2], ofd[2], err = 0;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC))
		return tcg_fail("pipe: %s", strerror(errno));
	if (pipe2(ofd, O_CLOEXEC)) {
		close(pfd[0]);
		close(pfd[1]);
		return tcg_fail("pipe: %s", strerror(errno));
	}
	r->pid = fork();
	if (r->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		close(ofd[0]);
		close(ofd[1]);
		return tcg_fail("fork: %s", strerror(errno));
	}
	if (r->pid == 0) {
		close(pfd[0]);
		/* Should directboot die unannounced (SIGKILL), QEMU follows
		 * and restores the terminal. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(ofd[1], STDOUT_FILENO);
		if (r->err_fd >= 0)
			dup2(r->err_fd, STDERR_FILENO);
		execvp(r->argv[0], r->argv);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	close(ofd[1]);
	tcg_halt_spawned(&r->halt);
	r->out_fd = ofd[0];
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(err)) {
		waitpid(r->pid, NULL, 0);
		return tcg_fail("cannot run %s: %s (install qemu-system-x86, "
				"or name it with --qemu)",
				r->argv[0], strerror(err));
	}
	return 0;
}

/*
 * The log's last lines, up to TCG_LOG_TAIL_LINES of them, after the
 * register dumps of the CPU resets (which show the reset state, not the
 * fault's): what guest_errors and unimp logged before the fault.
 */
static const char *tcg_log_tail(const char *buf, size_t n)
{
	const char *line = buf + n;
	int lines = 0;

	if (line > buf && line[-1] == '\n')
		line--;
	while (line > buf && lines < TCG_LOG_TAIL_LINES) {
		const char *start = line;

		while (start > buf && start[-1] != '\n')
			start--;
		if (!strncmp(start, "XMM", 3))
			break;
		line = start;
		lines++;
		if (line > buf)
			line--;
	}
	return *line == '\n' ? line + 1 : line;
}

/* Did QEMU's cpu_reset log see a triple fault?  Prints the log's last
 * lines with --debug. */
static bool tcg_triple_fault(struct tcg_run *r)
{
	char buf[65536];
	off_t size = lseek(r->log_fd, 0, SEEK_END);
	off_t off = size > (off_t)sizeof(buf) - 1
			    ? size - (off_t)sizeof(buf) + 1
			    : 0;
	ssize_t n = pread(r->log_fd, buf, sizeof(buf) - 1, off);

	if (n <= 0)
		return false;
	buf[n] = 0;
	if (!strstr(buf, "Triple fault"))
		return false;
	if (r->cfg->debug)
		accel_note(r->cfg, "tcg: QEMU's log ends:\n%s",
			   tcg_log_tail(buf, (size_t)n));
	return true;
}

/* When QEMU failed: the last lines of its stderr, through the note
 * hook, but for the line about our own SIGTERM. */
static void tcg_show_stderr(struct tcg_run *r)
{
	char buf[4096];
	off_t size, off;
	ssize_t n;
	const char *tail;

	if (r->err_fd < 0)
		return;
	size = lseek(r->err_fd, 0, SEEK_END);
	off = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
	n = pread(r->err_fd, buf, sizeof(buf) - 1, off);
	if (n <= 0)
		return;
	buf[n] = 0;
	tail = tcg_log_tail(buf, (size_t)n);
	while (*tail == '\n')
		tail++;
	if (*tail)
		accel_note(r->cfg, "tcg: QEMU's stderr ends:\n%s", tail);
}

static void tcg_write_out(const char *buf, size_t len, bool *ok)
{
	while (*ok && len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*ok = false; /* a closed pipe: drain QEMU, show nothing */
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Copy QEMU's stdout (the guest's COM1) to ours until QEMU closes it,
 * stopping QEMU on --timeout or a signal.  The one line QEMU's mux
 * writes on Ctrl-A x, "QEMU: Terminated\n\r", is QEMU's, not the
 * guest's: held back while it may be coming, and dropped when it is the
 * last thing QEMU wrote.  poll() wakes every 100 ms, so a signal that
 * lands just before it is never lost.
 */
static void tcg_pump(struct tcg_run *r, bool *timed_out, int *stop_sig)
{
	static const char quit[] = "QEMU: Terminated\n\r";
	const size_t qlen = sizeof(quit) - 1;
	char buf[4096 + sizeof(quit)];
	size_t held = 0;
	bool ok = true;

	for (;;) {
		struct pollfd p = {.fd = r->out_fd, .events = POLLIN};
		size_t len, k;
		ssize_t n;
		int ready;

		if (tcg_alarm && !*timed_out) {
			*timed_out = true;
			kill(r->pid, SIGTERM);
		}
		if (tcg_signal && !*stop_sig) {
			*stop_sig = tcg_signal;
			kill(r->pid, SIGTERM);
		}
		ready = poll(&p, 1, 100);
		tcg_halt_check(r, *timed_out || *stop_sig);
		if (ready <= 0)
			continue;
		n = read(r->out_fd, buf + held, sizeof(buf) - qlen - 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		tcg_halt_output(&r->halt);
		/* A panic ends the run as on KVM: QEMU is stopped, and what
		 * it wrote until then still drains. */
		if (!r->panic.seen &&
		    accel_panic_feed(&r->panic, buf + held, (size_t)n))
			kill(r->pid, SIGTERM);
		len = held + (size_t)n;
		for (k = len < qlen ? len : qlen; k; k--)
			if (!memcmp(buf + len - k, quit, k))
				break;
		tcg_write_out(buf, len - k, &ok);
		memmove(buf, buf + len - k, k);
		held = k;
	}
	if (held != qlen)
		tcg_write_out(buf, held, &ok);
}

/* Signals that stop the run: QEMU gets SIGTERM (and restores the tty). */
static void tcg_catch_signals(void)
{
	static const int stops[] = {SIGALRM, SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = tcg_on_signal};

	for (unsigned i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	/* A reader of our stdout that went away is tcg_write_out()'s
	 * EPIPE, not our death. */
	signal(SIGPIPE, SIG_IGN);
}

static int tcg_wait(struct tcg_run *r)
{
	bool timed_out = false;
	int status, sig, stop_sig = 0;

	if (r->cfg->timeout_s)
		alarm(r->cfg->timeout_s);
	tcg_pump(r, &timed_out, &stop_sig);
	while (waitpid(r->pid, &status, 0) < 0) {
		if (errno != EINTR)
			return tcg_fail("waitpid: %s", strerror(errno));
		if (tcg_alarm && !timed_out) {
			timed_out = true;
			kill(r->pid, SIGTERM);
		}
		if (tcg_signal && !stop_sig) {
			stop_sig = tcg_signal;
			kill(r->pid, SIGTERM);
		}
	}
	alarm(0);
	if (r->panic.seen) {
		accel_note(r->cfg, "guest panicked: %s", r->panic.reason);
		return EXIT_GUEST_PANIC;
	}
	if (r->halted) {
		accel_note(r->cfg, ACCEL_HALT_NOTE);
		return EXIT_GUEST_OK;
	}
	if (timed_out) {
		accel_note(r->cfg, ACCEL_TIMEOUT_NOTE, r->cfg->timeout_s);
		return EXIT_TIMEOUT;
	}
	if (stop_sig) /* as the KVM launcher does */
		return EXIT_SIGNAL + stop_sig;
	if (WIFSIGNALED(status) || WEXITSTATUS(status))
		tcg_show_stderr(r);
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		return tcg_fail("QEMU was killed by signal %d (%s)", sig,
				strsignal(sig));
	}
	if (WEXITSTATUS(status))
		return tcg_fail("QEMU failed with status %d (its message is "
				"above)",
				WEXITSTATUS(status));
	if (tcg_triple_fault(r)) {
		accel_note(r->cfg, "guest crashed: triple fault (QEMU TCG; "
				   "--debug shows QEMU's log)");
		return EXIT_GUEST_CRASH;
	}
	return EXIT_GUEST_OK;
}

static void tcg_print_argv(const struct tcg_run *r)
{
	char line[TCG_ARGS_MAX * (TCG_ARG_LEN + 1)];
	size_t n = 0;

	for (unsigned i = 0; i < r->argc && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s",
				      r->argv[i]);
	accel_note(r->cfg, "tcg:%s", line);
}

int tcg_run_plan(const struct plan *plan, const struct accel_config *cfg,
		 struct db_error *err)
{
	struct tcg_run *r = calloc(1, sizeof(*r));
	uint64_t t0 = accel_now_ns(), t1;
	int ret;

	tcg_err = err;
	if (!r)
		return tcg_fail("no memory");
	r->plan = plan;
	r->cfg = cfg;
	r->bios_fd = r->log_fd = r->err_fd = r->out_fd = r->status_fd = -1;
	for (unsigned i = 0; i < ACCEL_SHARES_MAX; i++)
		r->fsd[i].sock = r->fsd[i].pidfd = -1;
	r->halt.fd = r->halt.qemu_fd = -1;
	for (unsigned i = 0; i < PLAN_PLACEMENTS_MAX; i++)
		r->blob_fd[i] = -1;
	ret = tcg_check_plan(plan);
	if (!ret)
		ret = tcg_write_blobs(r);
	if (!ret)
		ret = tcg_devloop_setup(r);
	if (!ret)
		ret = tcg_halt_start(r);
	if (ret)
		goto out;
	tcg_build_argv(r);
	if (cfg->debug)
		tcg_print_argv(r);
	fflush(NULL);
	t1 = accel_now_ns();
	tcg_catch_signals();
	ret = tcg_spawn(r);
	if (ret)
		goto out;
	ret = tcg_devloop_status(r, tcg_wait(r));
	accel_timing(cfg, "tcg blobs written", t1 - t0);
	accel_timing(cfg, "qemu run (start to exit)", accel_now_ns() - t1);
	if (cfg->t_start_ns)
		accel_timing(cfg, "total (exec to exit)",
			     accel_now_ns() - cfg->t_start_ns);
out:
	tcg_devloop_stop(r);
	tcg_halt_close(&r->halt);
	tcg_close_all(r);
	free(r);
	return ret;
}
