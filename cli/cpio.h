/* SPDX-License-Identifier: MIT */
/*
 * A newc cpio archive built in memory, the initramfs format Linux reads
 * (Documentation/driver-api/early-userspace/buffer-format.rst): each
 * entry is a 110-byte ASCII header ("070701" and thirteen 8-digit hex
 * fields), the name with its NUL, padding to 4 bytes, the data, padding
 * to 4; "TRAILER!!!" ends it.
 *
 *	struct cpio c = {0};
 *	cpio_dir(&c, "dev", 0755);
 *	cpio_file(&c, "init", 0755, data, size);
 *	cpio_end(&c);
 *	if (c.oom) ... else use c.buf, c.len; free(c.buf);
 */
#ifndef DIRECTBOOT_CLI_CPIO_H
#define DIRECTBOOT_CLI_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpio {
	uint8_t *buf;
	size_t len, cap;
	unsigned ino;
	bool oom; /* a realloc failed: the archive is incomplete */
};

void cpio_dir(struct cpio *c, const char *name, unsigned perm);
void cpio_file(struct cpio *c, const char *name, unsigned perm,
	       const void *data, size_t size);
/* A character device node (mode S_IFCHR | perm). */
void cpio_chardev(struct cpio *c, const char *name, unsigned perm,
		  unsigned major, unsigned minor);
void cpio_end(struct cpio *c);

#endif
