/* SPDX-License-Identifier: MIT */
/*
 * The decompressed-ELF cache: the vmlinux a bzImage's payload holds,
 * kept in $XDG_CACHE_HOME/directboot (default ~/.cache/directboot) under
 * the SHA-256 of the whole bzImage, so that the next --decompress host
 * boot of the same kernel maps a file instead of decompressing.  It
 * lives in the CLI: the library never touches the file system.
 *
 * Layout: <dir>/<sha256>.elf, the ELFs; <dir>/ids/<file identity>, the
 * SHA-256 last computed for a file, 64 hex digits.
 */
#ifndef DIRECTBOOT_CLI_CACHE_H
#define DIRECTBOOT_CLI_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

#define CACHE_KEY_LEN 64 /* hex SHA-256 */

/* The hex SHA-256 of data, NUL-terminated. */
void cache_key(const uint8_t *data, size_t size, char key[CACHE_KEY_LEN + 1]);

/*
 * The same key for a file, remembered in the cache under the file's
 * identity (device, inode, size, mtime and ctime from st), so that the
 * next boot of an unchanged file skips hashing it.  st must describe
 * the file data was read from; without a cache directory this is
 * cache_key().
 */
struct stat;
void cache_key_file(const struct stat *st, const uint8_t *data, size_t size,
		    char key[CACHE_KEY_LEN + 1]);

/* The cache directory into buf; false when neither XDG_CACHE_HOME nor
 * HOME says where it is. */
bool cache_dir(char *buf, size_t len);

/*
 * Map the cached ELF for key read-only.  Returns true on a hit, with
 * *data and *size to give back to cache_unmap(); false on a miss (no
 * file, or a file that is not a whole ELF, which is then ignored).
 */
bool cache_lookup(const char *key, const uint8_t **data, size_t *size);
void cache_unmap(const uint8_t *data, size_t size);

/*
 * Store data under key: written to a temporary file in the cache
 * directory, then renamed into place, so a reader sees the whole file
 * or none.  Returns DB_OK or DB_ERR_HOST with the reason.
 */
int cache_store(const char *key, const uint8_t *data, size_t size,
		struct db_error *err);

#endif
