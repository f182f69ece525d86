// SPDX-License-Identifier: MIT
/*
 * devinit: the init of `directboot run IMAGE --rootfs DIR [-- CMD]`, the
 * kernel developer's loop (docs/devloop.md).  directboot builds the
 * initramfs in memory (cli/devloop.c) with this program as /init, the
 * modules the kernel lacks, and two files of its own:
 *
 *   /directboot/config  one "key value" per line: console, status-port,
 *                       hostname, cwd, term, rootfs TAG, share TAG ro|rw,
 *                       module PATH (in load order)
 *   /directboot/argv    CMD's argv, NUL-separated (absent: a shell)
 *
 * The steps, in order:
 *   1. /proc, /sys, /dev (devtmpfs) in the initramfs;
 *   2. the modules, with finit_module() (EEXIST: built in or loaded);
 *   3. the rootfs share read-only at /lower, a tmpfs at /rw for the
 *      overlay's upper and work directories, the overlay at /newroot:
 *      writes land in guest RAM and never reach the host;
 *   4. each --share at /newroot/mnt/TAG (its source is TAG in
 *      /proc/mounts), read-only when asked;
 *   5. /newroot becomes / (MS_MOVE + chroot), with fresh /proc, /sys,
 *      /dev, /tmp and /run, and the hostname set;
 *   6. CMD (or /bin/sh) on the console, in its own session with the
 *      console as controlling terminal, in the host's current directory
 *      when the guest has it;
 *   7. CMD's status goes out through the status port (one byte, OUT to
 *      DEVLOOP_STATUS_PORT: KVM stops the VM there, QEMU's isa-debugcon
 *      keeps it in a file), then a reboot ends the run.
 *
 * Statuses as timeout(1) gives them: CMD's own, 128+N when signal N
 * killed it, 126 when it could not be executed, 127 when it was not
 * found, 125 when this init failed before CMD ran (its reason on the
 * console).  Static, no libc beyond glibc's static archive.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "directboot/pc.h"

#define CONFIG_PATH "/directboot/config"
#define ARGV_PATH "/directboot/argv"
#define STATUS_INIT_FAILED 125
#define STATUS_CANNOT_EXEC 126
#define STATUS_NOT_FOUND 127
#define MODULES_MAX 32
#define SHARES_MAX 16
#define LINE_MAX_ 4096

struct share {
	char tag[64];
	bool ro;
};

struct config {
	char console[32];
	unsigned status_port;
	char hostname[64];
	char cwd[LINE_MAX_];
	char term[64];
	char rootfs[64];
	unsigned nr_modules;
	char modules[MODULES_MAX][128];
	unsigned nr_shares;
	struct share shares[SHARES_MAX];
	bool debug;
};

static struct config cfg;
static int console_fd = -1;

/* Say something: on the console once it is open (the user sees it),
 * always in the kernel log (kept for --debug). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, fd;

	n = snprintf(buf, sizeof(buf), "directboot-init: ");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(buf);
	if (n < (int)sizeof(buf) - 1)
		buf[n++] = '\n';
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, buf, (size_t)n) < 0)
			(void)0;
		close(fd);
	}
	if (console_fd >= 0 && write(console_fd, buf, (size_t)n) < 0)
		(void)0;
}

/* ---- the way out -------------------------------------------------------- */

/*
 * One byte to the status port: under KVM directboot stops the VM right
 * there; under QEMU the isa-debugcon device keeps it and the reset after
 * ends the run.  Output written to hvc0 has reached the host already
 * (virtio_console waits for the host to take each buffer); a serial
 * console is drained first.
 */
/*
 * One byte OUT to an I/O port.  ioperm() needs CONFIG_X86_IOPL_IOPERM,
 * which tinyconfig-style kernels leave out; /dev/port (CONFIG_DEVPORT)
 * does the same OUT from the kernel, so it is the fallback.  After the
 * pivot /dev is the new root's devtmpfs, which has it too.
 */
static void port_out(unsigned port, unsigned char val)
{
	int fd;

	if (!port)
		return;
	if (!ioperm(port, 1, 1)) {
		outb(val, (unsigned short)port);
		return;
	}
	fd = open("/dev/port", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, &val, 1, (off_t)port) != 1)
		say("cannot write port %#x (no ioperm, no /dev/port): %s", port,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void leave(int status)
{
	int fd;

	if (console_fd >= 0)
		tcdrain(console_fd);
	sync();
	/* The reset's own line ("reboot: Restarting system") is an
	 * emergency, printed at any loglevel but 0: under tcg it would
	 * follow CMD's output on ttyS0.  A panic still prints (panic()
	 * raises the level again). */
	fd = open("/proc/sys/kernel/printk", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && !cfg.debug && write(fd, "0", 1) < 0)
		(void)0;
	if (fd >= 0)
		close(fd);
	port_out(cfg.status_port, (unsigned char)status);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("%s", buf);
	leave(STATUS_INIT_FAILED);
}

/* ---- the configuration -------------------------------------------------- */

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

static void config_line(char *line)
{
	char *val = strchr(line, ' ');

	if (!val)
		return;
	*val++ = '\0';
	if (!strcmp(line, "console"))
		copy(cfg.console, sizeof(cfg.console), val);
	else if (!strcmp(line, "status-port"))
		cfg.status_port = (unsigned)strtoul(val, NULL, 0);
	else if (!strcmp(line, "hostname"))
		copy(cfg.hostname, sizeof(cfg.hostname), val);
	else if (!strcmp(line, "cwd"))
		copy(cfg.cwd, sizeof(cfg.cwd), val);
	else if (!strcmp(line, "term"))
		copy(cfg.term, sizeof(cfg.term), val);
	else if (!strcmp(line, "rootfs"))
		copy(cfg.rootfs, sizeof(cfg.rootfs), val);
	else if (!strcmp(line, "debug"))
		cfg.debug = true;
	else if (!strcmp(line, "module") && cfg.nr_modules < MODULES_MAX)
		copy(cfg.modules[cfg.nr_modules++], sizeof(cfg.modules[0]),
		     val);
	else if (!strcmp(line, "share") && cfg.nr_shares < SHARES_MAX) {
		struct share *s = &cfg.shares[cfg.nr_shares++];
		char *mode = strrchr(val, ' ');

		if (mode)
			*mode++ = '\0';
		copy(s->tag, sizeof(s->tag), val);
		s->ro = mode && !strcmp(mode, "ro");
	}
}

static void config_read(void)
{
	static char line[LINE_MAX_];
	FILE *f = fopen(CONFIG_PATH, "re");

	if (!f)
		fail("%s: %s", CONFIG_PATH, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		config_line(line);
	}
	fclose(f);
}

/* CMD's argv from its NUL-separated file; NULL: none (a shell). */
static char **argv_read(void)
{
	static char buf[256 * 1024];
	char **argv;
	size_t n = 0, argc = 0;
	ssize_t r;
	int fd = open(ARGV_PATH, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while (n < sizeof(buf) - 1 &&
	       (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (!n)
		return NULL;
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		argc += !buf[i];
	argv = calloc(argc + 2, sizeof(*argv));
	if (!argv)
		fail("out of memory");
	argc = 0;
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	return argv;
}

/* ---- mounts and modules ------------------------------------------------- */

static void must_mount(const char *src, const char *dst, const char *type,
		       unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data))
		fail("mount -t %s %s %s%s%s: %s", type, src, dst,
		     data ? " -o " : "", data ? data : "", strerror(errno));
}

static void load_modules(void)
{
	for (unsigned i = 0; i < cfg.nr_modules; i++) {
		int fd = open(cfg.modules[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			fail("%s: %s", cfg.modules[i], strerror(errno));
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			fail("finit_module %s: %s", cfg.modules[i],
			     strerror(errno));
		close(fd);
	}
}

/* The rootfs share read-only under a tmpfs overlay, at /newroot. */
static void mount_root(void)
{
	must_mount(cfg.rootfs, "/lower", "virtiofs", MS_RDONLY, NULL);
	must_mount("rw", "/rw", "tmpfs", 0, "mode=0755");
	mkdir("/rw/upper", 0755);
	mkdir("/rw/work", 0755);
	must_mount("overlay", "/newroot", "overlay", 0,
		   "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work");
}

static void mount_shares(void)
{
	char dst[128];

	mkdir("/newroot/mnt", 0755);
	for (unsigned i = 0; i < cfg.nr_shares; i++) {
		const struct share *s = &cfg.shares[i];

		snprintf(dst, sizeof(dst), "/newroot/mnt/%s", s->tag);
		must_mount(s->tag, dst, "virtiofs", s->ro ? MS_RDONLY : 0,
			   NULL);
	}
}

/* /newroot becomes /: the initramfs stays below it, unreachable. */
static void switch_root(void)
{
	if (chdir("/newroot") || mount(".", "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") || chdir("/"))
		fail("switch to the overlay root: %s", strerror(errno));
	must_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL);
	must_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		   NULL);
	must_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mkdir("/dev/pts", 0755);
	mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	      "gid=5,mode=620,ptmxmode=666");
	mkdir("/dev/shm", 01777);
	mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	must_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	must_mount("run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (cfg.hostname[0] && sethostname(cfg.hostname, strlen(cfg.hostname)))
		say("sethostname %s: %s", cfg.hostname, strerror(errno));
}

/* ---- the command -------------------------------------------------------- */

static void open_console(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", cfg.console);
	console_fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (console_fd < 0)
		fail("%s: %s", path, strerror(errno));
}

/*
 * A command's bytes pass unchanged (no echo of its input, no \r added
 * to its output): the console is raw.  A shell gets the usual cooked
 * terminal with its signals (Ctrl-C, Ctrl-Z).
 */
static void console_mode(bool raw)
{
	struct termios t;

	if (tcgetattr(console_fd, &t))
		return;
	if (raw) {
		cfmakeraw(&t);
	} else {
		t.c_iflag |= ICRNL;
		t.c_oflag |= OPOST | ONLCR;
		t.c_lflag |= ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
	}
	tcsetattr(console_fd, TCSANOW, &t);
}

static void child(char **argv)
{
	static char *shell[] = {"/bin/sh", NULL};
	char term[80];

	setsid();
	ioctl(console_fd, TIOCSCTTY, 1);
	for (int fd = 0; fd < 3; fd++)
		dup2(console_fd, fd);
	if (!cfg.cwd[0] || chdir(cfg.cwd))
		if (chdir(argv ? "/" : "/root"))
			(void)0;
	clearenv();
	setenv("PATH",
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	       "/sbin:/bin",
	       1);
	setenv("HOME", "/root", 1);
	setenv("USER", "root", 1);
	snprintf(term, sizeof(term), "%s", cfg.term[0] ? cfg.term : "linux");
	setenv("TERM", term, 1);
	signal(SIGCHLD, SIG_DFL);
	if (!argv)
		argv = shell;
	execvp(argv[0], argv);
	fprintf(stderr, "directboot-init: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? STATUS_NOT_FOUND : STATUS_CANNOT_EXEC);
}

/* Run argv and reap every orphan (we are PID 1) until it ends. */
static int run(char **argv)
{
	int status;
	pid_t pid, w;

	console_mode(argv != NULL);
	/* Now stdin may come (include/directboot/pc.h, DEVLOOP_READY_PORT). */
	if (cfg.status_port)
		port_out(cfg.status_port + 1, 0);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0)
		child(argv);
	for (;;) {
		w = wait(&status);
		if (w < 0 && errno != EINTR)
			fail("wait: %s", strerror(errno));
		if (w == pid)
			break;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(void)
{
	char **argv;

	if (getpid() != 1) {
		fprintf(stderr, "devinit: the init of directboot's "
				"initramfs; not for running by hand\n");
		return 2;
	}
	must_mount("proc", "/proc", "proc", 0, NULL);
	must_mount("sysfs", "/sys", "sysfs", 0, NULL);
	must_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	config_read();
	argv = argv_read();
	load_modules();
	open_console();
	mount_root();
	mount_shares();
	switch_root();
	leave(run(argv));
	return 0;
}
