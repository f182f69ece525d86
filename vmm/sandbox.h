/* SPDX-License-Identifier: MIT */
/*
 * The launcher's sandbox (issue 7): once the VM, its devices and every
 * thread are set up, and before the guest runs, the process may drop to
 * another user and root directory (--user, --chroot, as lguest's
 * Launcher did) and then installs a seccomp filter that allows only the
 * system calls the run loop and the devices make.  --no-sandbox leaves
 * both out.  See vmm/sandbox.c for the list and why each is there.
 */
#ifndef DIRECTBOOT_VMM_SANDBOX_H
#define DIRECTBOOT_VMM_SANDBOX_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "directboot/error.h"
#include "vcpu.h"

struct sandbox_config {
	bool disabled;          /* --no-sandbox */
	const char *user;       /* --user NAME|UID; NULL: stay */
	uid_t uid;
	gid_t gid;
	const char *chroot_dir; /* --chroot DIR; NULL: stay */
};

/* The one file the filter lets the run open: --timings reads its peak
 * RSS from it.  Pass this pointer itself: the filter compares it. */
extern const char sandbox_proc_status[];

/* One per process, like the run it guards; the run options fill it. */
extern struct sandbox_config sandbox_config;

/*
 * One sandbox option at argv[*i] (--no-sandbox, --user, --chroot): 1
 * taken (*i on the last argument used), 0 not ours, -1 bad (printed).
 */
int sandbox_parse(int argc, char **argv, int *i);
void sandbox_usage(FILE *f);

/*
 * Enter the sandbox as sandbox_config says: chroot, drop the user, then
 * the filter, for every thread of the process.  The ioctls allowed are
 * KVM_RUN and the register reads on the vCPU fds, the interrupt lines on
 * vm_fd and the terminal's on fds 0-2.  Returns DB_OK, DB_ERR_HOST (no
 * seccomp, a privilege that cannot be dropped) with the reason.
 */
int sandbox_enter(int vm_fd, const struct vcpu *vcpus, unsigned nr_vcpus,
		  struct db_error *err);

#endif
