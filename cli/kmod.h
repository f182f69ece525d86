/* SPDX-License-Identifier: MIT */
/*
 * The kernel modules a guest needs, found in a lib/modules/RELEASE tree
 * on the host (a kernel package's, or what `make modules_install
 * INSTALL_MOD_PATH=` leaves) and read into memory, decompressed, in an
 * order finit_module() accepts: each after the modules it depends on.
 *
 * Dependencies come from the tree's modules.dep; a tree without one (a
 * Debian package unpacked by hand: depmod writes it at install) is
 * walked instead, and each module's own .modinfo "depends=" names what
 * it needs.  A module listed in modules.builtin is part of the kernel
 * and needs no file.  .ko, .ko.xz, .ko.zst and .ko.gz are read.
 */
#ifndef DIRECTBOOT_CLI_KMOD_H
#define DIRECTBOOT_CLI_KMOD_H

#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

#define KMOD_MAX 32
#define KMOD_NAME_MAX 64

struct kmod {
	char name[KMOD_NAME_MAX]; /* "virtio_mmio": '-' written as '_' */
	uint8_t *data;		  /* the ELF, decompressed */
	size_t size;
};

struct kmod_list {
	unsigned n;
	struct kmod mods[KMOD_MAX]; /* in load order */
	unsigned nr_builtin;	    /* wanted modules built in */
};

/*
 * The wanted modules and what they depend on, from dir.  A wanted
 * module that is neither built in nor in the tree is DB_ERR_INPUT, the
 * message naming every one missing.  Free with kmod_list_free(), also
 * after a failure.
 */
int kmod_resolve(const char *dir, const char *const *want, unsigned nr_want,
		 struct kmod_list *out, struct db_error *err);

void kmod_list_free(struct kmod_list *l);

#endif
