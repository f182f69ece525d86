/* SPDX-License-Identifier: MIT */
/*
 * The decompressed-ELF cache (cache.h).  Keyed by the SHA-256 of the
 * image, not its path or mtime: a kernel rebuilt in place gets a new
 * entry, and a copy of the same kernel elsewhere shares one.  Entries
 * are never rewritten in place: a writer renames a finished temporary
 * file over the name, so a concurrent reader maps either the old whole
 * file or the new one.  A hit is still parsed as an ELF before use,
 * since the directory is the user's and anything may be in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "directboot/elf.h"
#include "directboot/payload.h"

#define PATH_LEN 4096

void cache_key(const uint8_t *data, size_t size, char key[CACHE_KEY_LEN + 1])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, size, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (unsigned i = 0; i < sizeof(digest); i++)
		snprintf(key + 2 * i, 3, "%02x", digest[i]);
}

bool cache_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG spec: a relative XDG_CACHE_HOME is invalid, ignore it. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/directboot", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.cache/directboot", home);
	else
		return false;
	return n > 0 && (size_t)n < len;
}

static bool entry_path(const char *key, char *buf, size_t len)
{
	char dir[PATH_LEN];
	int n;

	if (!cache_dir(dir, sizeof(dir)))
		return false;
	n = snprintf(buf, len, "%s/%s.elf", dir, key);
	return n > 0 && (size_t)n < len;
}

bool cache_lookup(const char *key, const uint8_t **data, size_t *size)
{
	char path[PATH_LEN];
	struct elf_image *elf;
	struct stat st;
	void *p;
	int fd;
	bool ok;

	if (!entry_path(key, path, sizeof(path)))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > PAYLOAD_OUT_MAX) {
		close(fd);
		return false;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	elf = malloc(sizeof(*elf));
	ok = elf && !elf_parse(p, st.st_size, elf, NULL);
	free(elf);
	if (!ok) {
		munmap(p, st.st_size);
		return false;
	}
	*data = p;
	*size = st.st_size;
	return true;
}

void cache_unmap(const uint8_t *data, size_t size)
{
	if (data)
		munmap((void *)data, size);
}

static int mkdirs(char *dir)
{
	for (char *s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

static int write_all(int fd, const uint8_t *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		size -= n;
	}
	return 0;
}

/* data into path, through a temporary file in dir renamed into place. */
static int write_atomic(const char *dir, const char *path, const uint8_t *data,
			size_t size, bool sync)
{
	char tmp[PATH_LEN];
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", dir) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, size) || fchmod(fd, 0644) ||
	    (sync && fsync(fd))) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	close(fd);
	if (rename(tmp, path)) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int cache_store(const char *key, const uint8_t *data, size_t size,
		struct db_error *err)
{
	char dir[PATH_LEN], path[PATH_LEN];

	if (!cache_dir(dir, sizeof(dir)) ||
	    !entry_path(key, path, sizeof(path)))
		return db_fail(err, DB_ERR_HOST,
			       "cache: neither XDG_CACHE_HOME nor HOME is set");
	if (mkdirs(dir))
		return db_fail(err, DB_ERR_HOST, "cache: mkdir %s: %s", dir,
			       strerror(errno));
	if (write_atomic(dir, path, data, size, true))
		return db_fail(err, DB_ERR_HOST, "cache: write %s: %s", path,
			       strerror(errno));
	return DB_OK;
}

/* ids/<dev>-<ino>-<size>-<mtime>-<ctime>: ctime too, since a write
 * that restores the mtime (cp -p, touch -r) still moves the ctime. */
static bool id_path(const struct stat *st, char *buf, size_t len)
{
	char dir[PATH_LEN];
	int n;

	if (!cache_dir(dir, sizeof(dir)))
		return false;
	n = snprintf(buf, len, "%s/ids/%llx-%llx-%llx-%lld.%09ld-%lld.%09ld",
		     dir, (unsigned long long)st->st_dev,
		     (unsigned long long)st->st_ino,
		     (unsigned long long)st->st_size,
		     (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		     (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	return n > 0 && (size_t)n < len;
}

static bool read_id(const char *path, char key[CACHE_KEY_LEN + 1])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, key, CACHE_KEY_LEN + 1);
	close(fd);
	if (n != CACHE_KEY_LEN)
		return false;
	key[CACHE_KEY_LEN] = '\0';
	return strspn(key, "0123456789abcdef") == CACHE_KEY_LEN;
}

void cache_key_file(const struct stat *st, const uint8_t *data, size_t size,
		    char key[CACHE_KEY_LEN + 1])
{
	char path[PATH_LEN], dir[PATH_LEN];

	if (!id_path(st, path, sizeof(path))) {
		cache_key(data, size, key);
		return;
	}
	if (read_id(path, key))
		return;
	cache_key(data, size, key);
	/* Best effort: without the memo the next boot hashes again. */
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (!mkdirs(dir))
		write_atomic(dir, path, (const uint8_t *)key, CACHE_KEY_LEN,
			     false);
}
