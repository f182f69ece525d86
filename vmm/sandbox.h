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

#include "../accel/accel.h"
#include "directboot/error.h"
#include "vcpu.h"

/* The one file the filter lets the run open: --timings reads its peak
 * RSS from it.  Pass this pointer itself: the filter compares it. */
extern const char sandbox_proc_status[];

/*
 * Look a --user NAME (or UID) up in /etc/passwd, directly: the binary is
 * linked statically, and getpwnam() would need glibc's NSS modules at
 * run time.  A number with no entry keeps gid = uid.  False when there
 * is no such user.
 */
bool sandbox_find_user(const char *name, uid_t *uid, gid_t *gid);

/*
 * Enter the sandbox as c says: chroot, drop the user, then
 * the filter, for every thread of the process.  The ioctls allowed are
 * KVM_RUN and the register reads on the vCPU fds, the interrupt lines on
 * vm_fd and the terminal's on fds 0-2.  Returns DB_OK, DB_ERR_HOST (no
 * seccomp, a privilege that cannot be dropped) with the reason.
 */
int sandbox_enter(const struct accel_sandbox *c, int vm_fd,
		  const struct vcpu *vcpus, unsigned nr_vcpus,
		  struct db_error *err);

#endif
