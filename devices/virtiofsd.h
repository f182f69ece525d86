/* SPDX-License-Identifier: MIT */
/*
 * virtiofsd, the vhost-user backend that serves a --share: found on the
 * host, started one per share with its own sandbox, and stopped on
 * every exit path.
 *
 * Where it is looked for, in order: $DIRECTBOOT_VIRTIOFSD (a path; the
 * override, also for tests), /usr/libexec/virtiofsd (Debian 13's
 * package virtiofsd), /usr/lib/qemu/virtiofsd (Debian 12's
 * qemu-system-common), then virtiofsd on $PATH.
 *
 * The daemon gets its end of the vhost-user connection as --fd=N, a
 * listening socket that already holds our connection: no socket path
 * appears anywhere, and no other process can connect first.  It dies
 * with us (PR_SET_PDEATHSIG, SIGKILL), and it also exits on its own
 * once our end of the socket closes.
 *
 * A read-only share: QEMU 7.2's virtiofsd has no read-only option, so
 * the child that becomes virtiofsd first moves into a mount namespace
 * of its own, binds HOSTDIR onto itself and makes that bind (and every
 * mount under it) read-only.  A guest write then fails with EROFS in the
 * host kernel, and no file on the host changes.  This needs
 * mount_setattr (Linux 5.12).
 *
 * virtiofsd's own sandbox (-o sandbox=namespace: mount, pid and net
 * namespaces, pivot_root into HOSTDIR, seccomp) needs CAP_SYS_ADMIN,
 * and so does the read-only bind: directboot checks for it first.
 */
#ifndef DIRECTBOOT_DEVICES_VIRTIOFSD_H
#define DIRECTBOOT_DEVICES_VIRTIOFSD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "directboot/error.h"

#define VIRTIOFSD_ENV "DIRECTBOOT_VIRTIOFSD"
#define VIRTIOFSD_PATH_MAX 4096

struct virtiofsd {
	pid_t pid; /* 0: not running */
	int sock;  /* our end of the vhost-user connection, or -1 */
	int pidfd; /* for the stop's wait, or -1 */
};

/*
 * The daemon's path into path[VIRTIOFSD_PATH_MAX].  DB_ERR_HOST (exit 3)
 * with a message naming the package when none is found, or when
 * $DIRECTBOOT_VIRTIOFSD names no executable file.
 */
int virtiofsd_find(char *path, struct db_error *err);

/* HOSTDIR exists and is a directory, else DB_ERR_INPUT (exit 2); a host
 * failure reading it is DB_ERR_HOST. */
int virtiofsd_check_dir(const char *dir, struct db_error *err);

/* The process may mount and start virtiofsd's sandbox (CAP_SYS_ADMIN in
 * its effective set), else DB_ERR_HOST with a message saying so. */
int virtiofsd_check_privilege(struct db_error *err);

/*
 * Start bin serving dir (read-only when ro) and connect to it: d->sock
 * is then our end of the vhost-user connection.  Call it from the thread
 * that lives until the run ends (PR_SET_PDEATHSIG follows the thread
 * that forked).  quiet: the daemon's own stderr goes to /dev/null (its
 * warnings, such as fv_remove_watch's at every device reset, are
 * not the user's business unless --debug); our own words about starting
 * it still reach stderr.  On failure nothing is left running.
 */
int virtiofsd_start(struct virtiofsd *d, const char *bin, const char *dir,
		    bool ro, bool quiet, struct db_error *err);

/* Close the connection, end the daemon (SIGTERM, then SIGKILL after
 * 500 ms) and reap it.  Safe on a struct that never started. */
void virtiofsd_stop(struct virtiofsd *d);

#endif
