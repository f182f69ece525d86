// SPDX-License-Identifier: MIT
/*
 * The sandbox: what the launcher may still do once the guest runs.
 *
 * A launcher runs an untrusted guest, and every device model is code the
 * guest drives with its own bytes.  If one of them is ever subverted,
 * the process should be able to do no more than the run loop does.  So
 * after set-up (the VM, its memory, the vCPUs, the devices' files and
 * eventfds, every thread) and before the guest's first instruction, this
 * file, in order:
 *
 *  1. chroots to --chroot DIR and changes to its root, while it still
 *     may: lguest's Launcher did the same, so that a subverted launcher
 *     sees an empty tree;
 *  2. drops to --user (supplementary groups, then the group, then the
 *     user), and checks that root cannot be taken back;
 *  3. installs a seccomp filter (libseccomp) on every thread at once
 *     (TSYNC), which allows only:
 *       - read, write, their vector and positioned forms, fdatasync,
 *         fsync and fallocate: console, TAP, eventfds and disk I/O
 *         (virtio-blk's FLUSH and DISCARD);
 *       - ioctl only on the vCPU fds (KVM_RUN, the register reads a
 *         crash report makes, and the register, FPU and event calls
 *         that complete an INT3 or FWAIT, vmm/emulate.c, and the
 *         MP state, registers, events and LAPIC the halt watch reads,
 *         vmm/vcpu.c's vcpu_halt_state()), on the VM fd
 *         (the interrupt lines, and COM1's coalesced zone) and on
 *         fds 0-2 (the terminal's modes, which the console restores);
 *       - poll, ppoll and epoll_* (the console and I/O threads), futex,
 *         the signal calls, clocks and sleeps, alarm (--timeout);
 *       - memory: mmap and mprotect never with PROT_EXEC, munmap,
 *         mremap, madvise, brk, mincore (malloc, teardown, --timings);
 *       - getrandom (virtio-rng), tgkill/getpid/gettid (the vCPU kicks);
 *       - for each --share: sendmsg and recvfrom on its vhost-user
 *         socket only (the ring start and stop messages that the
 *         guest's DRIVER_OK and reset cause), and kill and wait4 of its
 *         virtiofsd only (the stop at exit);
 *       - one openat: /proc/self/status read-only, through the one
 *         string sandbox_proc_status, for --timings' peak RSS; the
 *         filter compares the pointer, which lives in read-only memory
 *         and so always names that file;
 *       - close, exit, and what a thread started just before the
 *         filter may still call after it: set_robust_list, rseq,
 *         sched_getaffinity and getrlimit (glibc's and ASan's thread
 *         start).
 *     No thread is created after this point, so clone is refused too.
 *
 * Everything else traps: SIGSYS, whose handler names the call on stderr
 * and then dies of SIGSYS itself, so that the exit status says why.  A
 * trap and not KILL_PROCESS, because "killed by SIGSYS" alone leaves the
 * reader guessing which call it was.  A thread that blocks SIGSYS (the
 * console and I/O threads block all signals) still dies of it, as the
 * kernel then forces the default action, only without the message.
 *
 * An ASan build checks for leaks at exit, which needs ptrace and /proc:
 * it runs that check here, before the filter, instead.
 *
 * DIRECTBOOT_SANDBOX_SELFTEST=1 in the environment makes the run attempt
 * an openat() right after the filter is in, so that a test can see the
 * process die of SIGSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kvm.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "../devices/term.h"
#include "sandbox.h"
#include "virtio_host.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

const char sandbox_proc_status[] = "/proc/self/status";

/* Syscall names for the SIGSYS handler, resolved before the filter is
 * in: libseccomp's resolver allocates, which a handler must not. */
#define NAMES_MAX 512
#define NAME_LEN 24
static char names[NAMES_MAX][NAME_LEN];

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* By name, else by number (sandbox.h). */
bool sandbox_find_user(const char *name, uid_t *uid, gid_t *gid)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	char *end;
	unsigned long v;
	bool numeric, found = false;

	errno = 0;
	v = strtoul(name, &end, 10);
	numeric =
		!errno && end != name && !*end && *name != '-' && v < (uid_t)-1;
	while (f && !found && (pw = fgetpwent(f))) {
		if (strcmp(pw->pw_name, name) && !(numeric && pw->pw_uid == v))
			continue;
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		found = true;
	}
	if (f)
		fclose(f);
	if (!found && numeric) {
		*uid = (uid_t)v;
		*gid = (gid_t)v;
		found = true;
	}
	return found;
}

/* ---- the SIGSYS handler: write(2) only ---- */

static size_t put_str(char *buf, size_t pos, size_t len, const char *s)
{
	while (*s && pos + 1 < len)
		buf[pos++] = *s++;
	return pos;
}

static size_t put_num(char *buf, size_t pos, size_t len, uint64_t v,
		      unsigned base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && pos + 1 < len)
		buf[pos++] = tmp[--n];
	return pos;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[256];
	size_t n = 0;
	int nr = si->si_syscall;

	(void)uc;
	n = put_str(msg, n, sizeof(msg),
		    "\r\ndirectboot: sandbox: refused system call ");
	if (nr >= 0 && nr < NAMES_MAX && names[nr][0])
		n = put_str(msg, n, sizeof(msg), names[nr]);
	else
		n = put_str(msg, n, sizeof(msg), "?");
	n = put_str(msg, n, sizeof(msg), " (nr ");
	n = put_num(msg, n, sizeof(msg), (uint64_t)nr, 10);
	n = put_str(msg, n, sizeof(msg), ") at 0x");
	n = put_num(msg, n, sizeof(msg), (uintptr_t)si->si_call_addr, 16);
	n = put_str(msg, n, sizeof(msg),
		    "; killed (--no-sandbox to debug)\r\n");
	if (write(STDERR_FILENO, msg, n) < 0)
		n = 0;
	term_restore();
	/* SA_RESETHAND made the action the default, and SA_NODEFER left
	 * the signal unblocked: this ends the process with SIGSYS. */
	raise(sig);
	_exit(128 + sig);
}

static void resolve_names(void)
{
	for (int nr = 0; nr < NAMES_MAX; nr++) {
		char *s =
			seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (s) {
			strncpy(names[nr], s, NAME_LEN - 1);
			free(s);
		}
	}
}

/* ---- privileges ---- */

static int drop_privileges(const struct accel_sandbox *c, struct db_error *err)
{
	if (c->chroot_dir && (chroot(c->chroot_dir) < 0 || chdir("/") < 0))
		return db_fail(err, DB_ERR_HOST, "sandbox: --chroot %s: %s",
			       c->chroot_dir, strerror(errno));
	if (!c->user)
		return DB_OK;
	if (setgroups(1, &c->gid) < 0 || setgid(c->gid) < 0 ||
	    setuid(c->uid) < 0)
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: --user %s (uid %u, gid %u): %s",
			       c->user, (unsigned)c->uid, (unsigned)c->gid,
			       strerror(errno));
	if (c->uid && (setuid(0) == 0 || geteuid() != c->uid))
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: --user %s: root could be taken back",
			       c->user);
	return DB_OK;
}

/* ---- the filter ---- */

static const int plain_calls[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(preadv),
	SCMP_SYS(pwritev),
	SCMP_SYS(preadv2),
	SCMP_SYS(pwritev2),
	SCMP_SYS(fdatasync),
	SCMP_SYS(fsync),
	SCMP_SYS(fallocate),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl),
	SCMP_SYS(futex),
	SCMP_SYS(sched_yield),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(alarm),
	SCMP_SYS(setitimer),
	SCMP_SYS(getitimer),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(mincore),
	SCMP_SYS(getrandom),
	SCMP_SYS(tgkill),
	SCMP_SYS(tkill),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	/* A thread started just before the filter may run its first lines
	 * after it: glibc's start registers the robust futex list and the
	 * rseq area, and its exit unregisters the latter. */
	SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),
	/* ...and under ASan, its thread start reads the stack bounds
	 * (pthread_getattr_np: the CPU set) before the thread runs. */
	SCMP_SYS(sched_getaffinity),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};

static const unsigned long vcpu_ioctls[] = {
	KVM_RUN,
	KVM_GET_REGS,
	KVM_GET_SREGS,
	KVM_SET_REGS,
	KVM_GET_FPU,
	KVM_GET_VCPU_EVENTS,
	KVM_SET_VCPU_EVENTS,
	KVM_GET_MP_STATE,
	KVM_GET_LAPIC, /* the halt watch, vcpu_halt_state() */
};

static const unsigned long vm_ioctls[] = {
	KVM_IRQ_LINE,
	KVM_IRQ_LINE_STATUS,
	KVM_SIGNAL_MSI,
	/* COM1's THR batched or not (run.c, vmm/coalesced.h) */
	KVM_REGISTER_COALESCED_MMIO,
	KVM_UNREGISTER_COALESCED_MMIO,
};

static const unsigned long tty_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
};

/* ioctl(fd, req) for each req; the request is an int to the kernel. */
static int allow_ioctls(scmp_filter_ctx ctx, int fd, const unsigned long *reqs,
			size_t n)
{
	int ret = 0;

	for (size_t k = 0; k < n && !ret; k++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 2,
				       SCMP_A0(SCMP_CMP_EQ, (uint64_t)fd),
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
					       reqs[k] & 0xffffffffu));
	return ret;
}

/* The --share devices' sockets and virtiofsd processes, by value. */
static int allow_backends(scmp_filter_ctx ctx)
{
	int socks[ACCEL_SHARES_MAX], pids[ACCEL_SHARES_MAX], ret = 0;
	unsigned n = virtio_host_backends(socks, pids, ACCEL_SHARES_MAX);

	for (unsigned i = 0; i < n && !ret; i++) {
		uint64_t fd = (uint32_t)socks[i], pid = (uint32_t)pids[i];

		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 1,
			SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fd));
		if (!ret)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, fd));
		if (!ret)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, pid));
		if (!ret)
			ret = seccomp_rule_add(
				ctx, SCMP_ACT_ALLOW, SCMP_SYS(wait4), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, pid));
	}
	return ret;
}

static int add_rules(scmp_filter_ctx ctx, int vm_fd, const struct vcpu *vcpus,
		     unsigned nr_vcpus)
{
	int ret = 0;

	for (size_t k = 0; k < ARRAY_SIZE(plain_calls) && !ret; k++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain_calls[k], 0);
	/* Never new executable memory. */
	if (!ret)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!ret)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* fopen(sandbox_proc_status, "r"), and fstat's newfstatat form. */
	if (!ret)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 3,
			SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu,
				(uint32_t)AT_FDCWD),
			SCMP_A1(SCMP_CMP_EQ, (uintptr_t)sandbox_proc_status),
			SCMP_A2(SCMP_CMP_MASKED_EQ,
				O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND,
				O_RDONLY));
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
				       SCMP_SYS(newfstatat), 1,
				       SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH));
	/* getrlimit() is prlimit64(0, resource, NULL, old): reads only. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64),
				       2, SCMP_A0(SCMP_CMP_EQ, 0),
				       SCMP_A2(SCMP_CMP_EQ, 0));
	/* glibc tries clone3 first; ENOSYS makes it fall back, should a
	 * library ever start a thread here, onto clone, which traps. */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	for (unsigned i = 0; i < nr_vcpus && !ret; i++)
		ret = allow_ioctls(ctx, vcpus[i].fd, vcpu_ioctls,
				   ARRAY_SIZE(vcpu_ioctls));
	if (!ret)
		ret = allow_ioctls(ctx, vm_fd, vm_ioctls,
				   ARRAY_SIZE(vm_ioctls));
	for (int fd = 0; fd <= 2 && !ret; fd++)
		ret = allow_ioctls(ctx, fd, tty_ioctls, ARRAY_SIZE(tty_ioctls));
	if (!ret)
		ret = allow_backends(ctx);
	return ret;
}

static int install_filter(int vm_fd, const struct vcpu *vcpus,
			  unsigned nr_vcpus, struct db_error *err)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys,
			       .sa_flags =
				       SA_SIGINFO | SA_RESETHAND | SA_NODEFER};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: seccomp_init failed (out of memory)");
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!ret)
		ret = add_rules(ctx, vm_fd, vcpus, nr_vcpus);
	if (ret) {
		seccomp_release(ctx);
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: cannot build the seccomp filter: %s",
			       strerror(-ret));
	}
	resolve_names();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: cannot install the seccomp filter: %s "
			       "(--no-sandbox runs without it)",
			       strerror(-ret));
	return DB_OK;
}

int sandbox_enter(const struct accel_sandbox *c, int vm_fd,
		  const struct vcpu *vcpus, unsigned nr_vcpus,
		  struct db_error *err)
{
	bool selftest = getenv("DIRECTBOOT_SANDBOX_SELFTEST") != NULL;
	int ret;

	if (c->disabled)
		return DB_OK;
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	ret = drop_privileges(c, err);
	if (ret)
		return ret;
	/* No core file of guest RAM when the filter kills us. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	ret = install_filter(vm_fd, vcpus, nr_vcpus, err);
	if (ret)
		return ret;
	if (selftest) {
		int fd = openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);

		/* Not reached while the filter works. */
		if (fd >= 0)
			close(fd);
		return db_fail(err, DB_ERR_HOST,
			       "sandbox: self-test: openat was allowed (%s)",
			       fd >= 0 ? "it succeeded" : strerror(errno));
	}
	return DB_OK;
}
