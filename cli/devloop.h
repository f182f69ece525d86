/* SPDX-License-Identifier: MIT */
/*
 * `directboot run IMAGE [--rootfs DIR] [--modules DIR] [-- CMD ARGS...]`,
 * the kernel developer's loop (docs/devloop.md): boot the image on a
 * host directory (by default /, over virtio-fs, read-only under a tmpfs
 * overlay), run CMD on the console and exit with its status.
 *
 * Here the front end's half: the options' meaning, the rootfs share,
 * and the initramfs, built in memory as a newc cpio (cli/cpio.c): our
 * init (guest/devinit.c), the modules the kernel lacks (cli/kmod.c),
 * /directboot/config and /directboot/argv.  The accelerators' half is
 * cfg->devloop: the status port (include/directboot/pc.h) and a kernel
 * console kept off stdout.
 */
#ifndef DIRECTBOOT_CLI_DEVLOOP_H
#define DIRECTBOOT_CLI_DEVLOOP_H

#include <stdbool.h>

struct cli_args;

/* What the options and the words after "--" fill. */
struct devloop_opts {
	const char *rootfs;  /* --rootfs DIR; NULL: / when a CMD is given */
	const char *modules; /* --modules DIR; NULL: /lib/modules/RELEASE */
	char **argv;	     /* CMD ARGS... after "--"; NULL: none */
	int argc;
};

/* The tag of the rootfs share, and of no --share. */
#define DEVLOOP_ROOTFS_TAG "rootfs"

/* Does this run boot the loop (a --rootfs, --modules or a CMD)? */
bool devloop_wanted(const struct cli_args *a);

/*
 * Everything the loop needs before the plan: the accelerator (auto is
 * kvm when /dev/kvm opens, else tcg), the rootfs share, the console,
 * the command line and the initramfs (into a->bo.initrd, which -i files
 * follow).  Returns 0, or an exit status after printing why.
 */
int devloop_prepare(struct cli_args *a);

#endif
