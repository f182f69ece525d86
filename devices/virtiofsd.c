// SPDX-License-Identifier: MIT
/*
 * virtiofsd: find it, start it for one share, stop it (virtiofsd.h).
 *
 * The child between fork() and execve() makes system calls only (no
 * malloc, no stdio): directboot has threads by then, and a lock one of
 * them held at the fork would stay locked in the child for ever.  The
 * argument vector is therefore built before the fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtiofsd.h"

#define CAP_SYS_ADMIN_BIT 21
#define STOP_GRACE_MS 500

static const char *const known_paths[] = {
	"/usr/libexec/virtiofsd",  /* Debian 13: package virtiofsd */
	"/usr/lib/qemu/virtiofsd", /* Debian 12: package qemu-system-common */
};

static bool executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

static bool copy_path(char *path, const char *s)
{
	return snprintf(path, VIRTIOFSD_PATH_MAX, "%s", s) < VIRTIOFSD_PATH_MAX;
}

static bool on_path(char *path)
{
	const char *p = getenv("PATH");

	for (p = p ? p : ""; *p;) {
		size_t n = strcspn(p, ":");

		if (n &&
		    snprintf(path, VIRTIOFSD_PATH_MAX, "%.*s/virtiofsd", (int)n,
			     p) < VIRTIOFSD_PATH_MAX &&
		    executable(path))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

int virtiofsd_find(char *path, struct db_error *err)
{
	const char *env = getenv(VIRTIOFSD_ENV);

	if (env && *env) {
		if (executable(env) && copy_path(path, env))
			return DB_OK;
		return db_fail(err, DB_ERR_HOST,
			       "--share: %s=%s: no executable virtiofsd there "
			       "(Debian's package virtiofsd, or "
			       "qemu-system-common on Debian 12)",
			       VIRTIOFSD_ENV, env);
	}
	for (size_t i = 0; i < sizeof(known_paths) / sizeof(*known_paths); i++)
		if (executable(known_paths[i]) &&
		    copy_path(path, known_paths[i]))
			return DB_OK;
	if (on_path(path))
		return DB_OK;
	return db_fail(err, DB_ERR_HOST,
		       "--share: virtiofsd not found (/usr/libexec/virtiofsd, "
		       "/usr/lib/qemu/virtiofsd, $PATH): install the Debian "
		       "package virtiofsd (Debian 13) or qemu-system-common "
		       "(Debian 12)");
}

int virtiofsd_check_dir(const char *dir, struct db_error *err)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return db_fail(err, db_errno_status(errno), "--share %s: %s",
			       dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return db_fail(err, DB_ERR_INPUT,
			       "--share %s: not a directory (mode 0%o)", dir,
			       (unsigned)st.st_mode);
	return DB_OK;
}

/* CapEff from /proc/self/status: one hex number. */
static bool has_sys_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	if (f)
		fclose(f);
	if (!found) /* no /proc: let the mount itself say */
		return true;
	return (eff >> CAP_SYS_ADMIN_BIT) & 1;
}

int virtiofsd_check_privilege(struct db_error *err)
{
	if (has_sys_admin())
		return DB_OK;
	return db_fail(err, DB_ERR_HOST,
		       "--share: virtiofsd's sandbox (mount, pid and net "
		       "namespaces) and read-only shares need root "
		       "(CAP_SYS_ADMIN); run directboot as root");
}

/*
 * A listening socket at an abstract address the kernel picks
 * (autobind), already holding our connection: virtiofsd accepts that
 * one first, whoever else might try to connect afterwards.
 */
static int socket_pair_listening(int *listen_fd, int *conn_fd)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	socklen_t len = sizeof(sa_family_t);
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c = -1;

	if (l < 0 || bind(l, (struct sockaddr *)&addr, len) < 0 ||
	    listen(l, 1) < 0)
		goto fail;
	len = sizeof(addr);
	if (getsockname(l, (struct sockaddr *)&addr, &len) < 0)
		goto fail;
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, len) < 0)
		goto fail;
	*listen_fd = l;
	*conn_fd = c;
	return 0;
fail:
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
	return -1;
}

/*
 * In the child: HOSTDIR read-only in a mount namespace of its own.  The
 * root needs no bind (the namespace's copy of it is ours to change), and
 * a bind stacked on / would not even be seen: a path walk starts from
 * the root beneath it.
 */
static int bind_read_only(const char *dir, bool is_root)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    (!is_root && mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0))
		return -1;
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, dir, AT_RECURSIVE,
			    &attr, sizeof(attr));
}

/* The child's words go here: stderr, or its copy from before a quiet
 * daemon's stderr became /dev/null. */
static int child_say_fd = STDERR_FILENO;

static void child_say(const char *what, const char *dir)
{
	const char *e = strerror(errno);
	struct iovec v[] = {
		{(void *)"directboot: virtiofsd: ", 23},
		{(void *)what, strlen(what)},
		{(void *)" ", 1},
		{(void *)dir, strlen(dir)},
		{(void *)": ", 2},
		{(void *)e, strlen(e)},
		{(void *)"\r\n", 2},
	};

	if (writev(child_say_fd, v, 7) < 0)
		_exit(127);
}

static void __attribute__((noreturn))
child(char *const argv[], int listen_fd, const char *dir, bool ro, bool is_root,
      bool quiet, pid_t parent)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent) /* the parent died before the prctl */
		_exit(127);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	if (ro && bind_read_only(dir, is_root) < 0) {
		child_say("cannot make a read-only bind of", dir);
		_exit(127);
	}
	if (fcntl(listen_fd, F_SETFD, 0) < 0)
		_exit(127);
	if (quiet && null >= 0) {
		child_say_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (child_say_fd < 0)
			child_say_fd = STDERR_FILENO;
		else
			dup2(null, STDERR_FILENO);
	}
	execv(argv[0], argv);
	child_say("cannot run", argv[0]);
	_exit(127);
}

int virtiofsd_start(struct virtiofsd *d, const char *bin, const char *dir,
		    bool ro, bool quiet, struct db_error *err)
{
	char fd_arg[32], *source = NULL;
	char *argv[] = {(char *)bin, fd_arg,	       "-o", NULL,
			"-o",	     "cache=auto",     "-o", NULL,
			"-o",	     "log_level=warn", "-f", NULL};
	pid_t parent = getpid();
	char real[PATH_MAX];
	bool is_root = realpath(dir, real) && !strcmp(real, "/");
	int listen_fd, e;

	d->pid = 0;
	d->sock = d->pidfd = -1;
	if (asprintf(&source, "source=%s", dir) < 0)
		return db_fail(err, DB_ERR_HOST, "virtiofsd: out of memory");
	argv[3] = source;
	/* The namespace sandbox pivots into HOSTDIR, which fails for /
	 * itself (EBUSY): there, chroot and seccomp, the only sandbox
	 * that means anything for a share of the whole tree. */
	argv[7] = is_root ? "sandbox=chroot" : "sandbox=namespace";
	if (socket_pair_listening(&listen_fd, &d->sock) < 0) {
		e = errno;
		free(source);
		return db_fail(err, DB_ERR_HOST,
			       "virtiofsd: vhost-user socket: %s", strerror(e));
	}
	snprintf(fd_arg, sizeof(fd_arg), "--fd=%d", listen_fd);
	d->pid = fork();
	if (d->pid == 0)
		child(argv, listen_fd, dir, ro, is_root, quiet, parent);
	e = errno;
	close(listen_fd);
	free(source);
	if (d->pid < 0) {
		d->pid = 0;
		close(d->sock);
		d->sock = -1;
		return db_fail(err, DB_ERR_HOST, "virtiofsd: fork: %s",
			       strerror(e));
	}
	d->pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0);
	return DB_OK;
}

/* Wait up to ms for the daemon to end; true once it has been reaped. */
static bool reaped(struct virtiofsd *d, int ms)
{
	struct pollfd p = {.fd = d->pidfd, .events = POLLIN};

	if (d->pidfd >= 0)
		poll(&p, 1, ms);
	else
		for (int i = 0; i < ms / 10 && !waitpid(d->pid, NULL, WNOHANG);
		     i++)
			usleep(10000);
	return waitpid(d->pid, NULL, WNOHANG) != 0;
}

void virtiofsd_stop(struct virtiofsd *d)
{
	/*
	 * SIGTERM first and the hang-up after, which it would report as
	 * an error: the daemon's sandboxed child gets its SIGTERM from
	 * its own PR_SET_PDEATHSIG as the daemon ends.  Where the signal
	 * cannot be sent (directboot dropped to --user), the hang-up
	 * alone ends it.  The socket is closed before any wait that
	 * cannot time out.
	 */
	if (d->pid > 0 && kill(d->pid, SIGTERM) < 0 && d->sock >= 0) {
		close(d->sock);
		d->sock = -1;
	}
	if (d->pid > 0 && !reaped(d, STOP_GRACE_MS)) {
		kill(d->pid, SIGKILL);
		if (d->sock >= 0)
			close(d->sock);
		d->sock = -1;
		waitpid(d->pid, NULL, 0);
	}
	if (d->sock >= 0)
		close(d->sock);
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pid = 0;
	d->sock = d->pidfd = -1;
}
