// SPDX-License-Identifier: MIT
/* The newc cpio writer (cpio.h says the format). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"

#define CPIO_HEADER_LEN 110

static void cpio_put(struct cpio *c, const void *data, size_t n)
{
	if (c->oom)
		return;
	if (c->len + n + 4 > c->cap) {
		size_t cap = (c->cap ? c->cap * 2 : 65536) + n + 4;
		uint8_t *b = realloc(c->buf, cap);

		if (!b) {
			c->oom = true;
			return;
		}
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
}

static void cpio_pad(struct cpio *c)
{
	static const uint8_t zero[4];

	cpio_put(c, zero, (4 - c->len % 4) % 4);
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode,
		       unsigned rmajor, unsigned rminor, const void *data,
		       size_t size)
{
	char hdr[CPIO_HEADER_LEN + 1];
	size_t namesize = strlen(name) + 1;

	/* ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	 * devminor, rdevmajor, rdevminor, namesize, check */
	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
		 (unsigned)size, 0u, 0u, rmajor, rminor, (unsigned)namesize,
		 0u);
	cpio_put(c, hdr, CPIO_HEADER_LEN);
	cpio_put(c, name, namesize);
	cpio_pad(c);
	if (size) {
		cpio_put(c, data, size);
		cpio_pad(c);
	}
}

void cpio_dir(struct cpio *c, const char *name, unsigned perm)
{
	cpio_entry(c, name, S_IFDIR | perm, 0, 0, NULL, 0);
}

void cpio_file(struct cpio *c, const char *name, unsigned perm,
	       const void *data, size_t size)
{
	cpio_entry(c, name, S_IFREG | perm, 0, 0, data, size);
}

void cpio_chardev(struct cpio *c, const char *name, unsigned perm,
		  unsigned major, unsigned minor)
{
	cpio_entry(c, name, S_IFCHR | perm, major, minor, NULL, 0);
}

void cpio_end(struct cpio *c)
{
	cpio_entry(c, "TRAILER!!!", 0, 0, 0, NULL, 0);
}
