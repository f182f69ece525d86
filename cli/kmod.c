// SPDX-License-Identifier: MIT
/* Kernel modules from a lib/modules/RELEASE tree (kmod.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "kmod.h"

#define KMOD_FILE_MAX (64u << 20)
#define KMOD_INDEX_MAX 16384
#define KMOD_DEPTH_MAX 16

/* One module file of the tree: its name, its path (relative to the
 * tree) and, from modules.dep, its dependencies' paths. */
struct kmod_entry {
	char name[KMOD_NAME_MAX];
	char *path;
	char *deps; /* space-separated; NULL: read the module's modinfo */
};

struct kmod_tree {
	const char *dir;
	struct kmod_entry *e;
	unsigned n;
	char *dep_text;	    /* modules.dep, split in place */
	char *builtin_text; /* modules.builtin, or NULL */
	char missing[512];
	/* The modules being visited, outermost first: one met again is a
	 * cycle (each waits for the other). */
	const char *visiting[KMOD_DEPTH_MAX + 1];
	struct db_error *err;
};

/* "kernel/fs/fuse/virtiofs.ko.xz" -> "virtiofs"; '-' as '_'. */
static void kmod_name_of(const char *path, char *name)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= KMOD_NAME_MAX)
		n = KMOD_NAME_MAX - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = '\0';
}

static bool kmod_is_module(const char *path)
{
	static const char *const ends[] = {".ko", ".ko.xz", ".ko.zst",
					   ".ko.gz"};
	size_t n = strlen(path);

	for (unsigned i = 0; i < 4; i++) {
		size_t k = strlen(ends[i]);

		if (n > k && !strcmp(path + n - k, ends[i]))
			return true;
	}
	return false;
}

static char *kmod_read_text(const char *dir, const char *file)
{
	char path[4096];
	struct stat st;
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) || st.st_size > (off_t)KMOD_FILE_MAX ||
	    !(buf = malloc((size_t)st.st_size + 1))) {
		fclose(f);
		return NULL;
	}
	buf[fread(buf, 1, (size_t)st.st_size, f)] = '\0';
	fclose(f);
	return buf;
}

static bool kmod_add(struct kmod_tree *t, char *path, char *deps)
{
	struct kmod_entry *e;

	if (t->n == KMOD_INDEX_MAX)
		return false;
	if (!(t->n % 256)) {
		e = realloc(t->e, (t->n + 256) * sizeof(*e));
		if (!e)
			return false;
		t->e = e;
	}
	e = &t->e[t->n++];
	kmod_name_of(path, e->name);
	e->path = path;
	e->deps = deps;
	return true;
}

/* modules.dep: "kernel/a/b.ko: kernel/c/d.ko kernel/e.ko" per line. */
static void kmod_index_dep(struct kmod_tree *t)
{
	for (char *line = t->dep_text; line && *line;) {
		char *nl = strchr(line, '\n');
		char *colon;

		if (nl)
			*nl = '\0';
		colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			colon++;
			colon += strspn(colon, " ");
			if (!kmod_add(t, line, colon))
				return;
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* No modules.dep: every module file under the tree. */
static struct kmod_tree *walking;

static int kmod_walk_one(const char *path, const struct stat *st, int type,
			 struct FTW *ftw)
{
	size_t k = strlen(walking->dir);
	char *rel;

	(void)st, (void)ftw;
	if (type != FTW_F || !kmod_is_module(path))
		return 0;
	/* nftw() drops the dir's trailing '/'s ("tree/" walks "tree/k/a.ko"). */
	while (k > 1 && walking->dir[k - 1] == '/')
		k--;
	rel = strdup(path + k + strspn(path + k, "/"));
	if (!rel || !kmod_add(walking, rel, NULL)) {
		free(rel);
		return 1;
	}
	return 0;
}

static void kmod_index_walk(struct kmod_tree *t)
{
	walking = t;
	nftw(t->dir, kmod_walk_one, 32, FTW_PHYS);
	walking = NULL;
}

static bool kmod_builtin(const struct kmod_tree *t, const char *name)
{
	char n[KMOD_NAME_MAX];

	for (const char *line = t->builtin_text; line && *line;) {
		const char *nl = strchr(line, '\n');
		char path[512];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		snprintf(path, sizeof(path), "%.*s", (int)len, line);
		kmod_name_of(path, n);
		if (!strcmp(n, name))
			return true;
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static const struct kmod_entry *kmod_find(const struct kmod_tree *t,
					  const char *name)
{
	for (unsigned i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

/* ---- decompression ------------------------------------------------------ */

static int kmod_grow(uint8_t **out, size_t *cap, size_t need)
{
	uint8_t *b;

	if (need <= *cap)
		return 0;
	if (need > KMOD_FILE_MAX * 4)
		return -1;
	b = realloc(*out, need);
	if (!b)
		return -1;
	*out = b;
	*cap = need;
	return 0;
}

static int kmod_unxz(const uint8_t *in, size_t n, uint8_t **out, size_t *len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = 0;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -1;
	s.next_in = in;
	s.avail_in = n;
	do {
		if (kmod_grow(out, &cap, cap * 2 + n * 4)) {
			lzma_end(&s);
			return -1;
		}
		s.next_out = *out + s.total_out;
		s.avail_out = cap - s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
	} while (r == LZMA_OK);
	*len = s.total_out;
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : -1;
}

static int kmod_unzstd(const uint8_t *in, size_t n, uint8_t **out, size_t *len)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, n, 0};
	size_t cap = 0, r = 1;

	if (!d)
		return -1;
	*len = 0;
	while (r) {
		ZSTD_outBuffer ob;

		if (kmod_grow(out, &cap, cap * 2 + n * 4))
			break;
		ob = (ZSTD_outBuffer){*out, cap, *len};
		r = ZSTD_decompressStream(d, &ob, &ib);
		*len = ob.pos;
		if (ZSTD_isError(r) ||
		    (r && ib.pos == ib.size && ob.pos < ob.size))
			break;
	}
	ZSTD_freeDStream(d);
	return r ? -1 : 0;
}

static int kmod_ungzip(const uint8_t *in, size_t n, uint8_t **out, size_t *len)
{
	z_stream s = {0};
	size_t cap = 0;
	int r;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return -1;
	s.next_in = (uint8_t *)in;
	s.avail_in = (uInt)n;
	do {
		if (kmod_grow(out, &cap, cap * 2 + n * 4)) {
			inflateEnd(&s);
			return -1;
		}
		s.next_out = *out + s.total_out;
		s.avail_out = (uInt)(cap - s.total_out);
		r = inflate(&s, Z_FINISH);
	} while (r == Z_OK || r == Z_BUF_ERROR);
	*len = s.total_out;
	inflateEnd(&s);
	return r == Z_STREAM_END ? 0 : -1;
}

/* The module's ELF, whatever its compression (by magic). */
static int kmod_load(struct kmod_tree *t, const char *rel, struct kmod *m)
{
	static const uint8_t xz[] = {0xfd, '7', 'z', 'X', 'Z', 0};
	static const uint8_t zst[] = {0x28, 0xb5, 0x2f, 0xfd};
	char path[4096];
	struct stat st;
	uint8_t *raw;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return db_fail(t->err, db_errno_status(errno),
			       "--modules %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)KMOD_FILE_MAX || st.st_size < 6) {
		close(fd);
		return db_fail(t->err, DB_ERR_INPUT,
			       "--modules %s: not a module file", path);
	}
	raw = malloc((size_t)st.st_size);
	if (!raw || read(fd, raw, (size_t)st.st_size) != st.st_size) {
		close(fd);
		free(raw);
		return db_fail(t->err, DB_ERR_HOST, "--modules %s: cannot read",
			       path);
	}
	close(fd);
	if (!memcmp(raw, xz, sizeof(xz)))
		r = kmod_unxz(raw, (size_t)st.st_size, &m->data, &m->size);
	else if (!memcmp(raw, zst, sizeof(zst)))
		r = kmod_unzstd(raw, (size_t)st.st_size, &m->data, &m->size);
	else if (raw[0] == 0x1f && raw[1] == 0x8b)
		r = kmod_ungzip(raw, (size_t)st.st_size, &m->data, &m->size);
	else {
		m->data = raw;
		m->size = (size_t)st.st_size;
		raw = NULL;
	}
	free(raw);
	if (r || m->size < 4 || memcmp(m->data, "\177ELF", 4))
		return db_fail(t->err, DB_ERR_INPUT,
			       "--modules %s: not an ELF module once "
			       "decompressed",
			       path);
	return DB_OK;
}

/* ---- resolution --------------------------------------------------------- */

static bool kmod_have(const struct kmod_list *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (!strcmp(l->mods[i].name, name))
			return true;
	return false;
}

static int kmod_visit(struct kmod_tree *t, const char *name,
		      struct kmod_list *l, unsigned depth);

/* The "depends=a,b" string of a module's .modinfo. */
static int kmod_visit_modinfo(struct kmod_tree *t, const struct kmod *m,
			      struct kmod_list *l, unsigned depth)
{
	static const char key[] = "depends=";
	const uint8_t *p = memmem(m->data, m->size, key, sizeof(key) - 1);
	char deps[512], name[KMOD_NAME_MAX];

	while (p && p > m->data && p[-1] != '\0')
		p = memmem(p + 1, m->size - (size_t)(p + 1 - m->data), key,
			   sizeof(key) - 1);
	if (!p)
		return DB_OK;
	snprintf(
		deps, sizeof(deps), "%.*s",
		(int)strnlen((const char *)p + sizeof(key) - 1,
			     m->size - (size_t)(p - m->data) - sizeof(key) + 1),
		(const char *)p + sizeof(key) - 1);
	for (char *save, *s = strtok_r(deps, ",", &save); s;
	     s = strtok_r(NULL, ",", &save)) {
		int r;

		kmod_name_of(s, name);
		r = kmod_visit(t, name, l, depth + 1);
		if (r)
			return r;
	}
	return DB_OK;
}

static int kmod_visit_deps(struct kmod_tree *t, const char *deps,
			   struct kmod_list *l, unsigned depth)
{
	char name[KMOD_NAME_MAX];

	while (*deps) {
		size_t n = strcspn(deps, " ");
		char path[512];
		int r;

		snprintf(path, sizeof(path), "%.*s", (int)n, deps);
		kmod_name_of(path, name);
		r = kmod_visit(t, name, l, depth + 1);
		if (r)
			return r;
		deps += n;
		deps += strspn(deps, " ");
	}
	return DB_OK;
}

static void kmod_missing(struct kmod_tree *t, const char *name)
{
	size_t n = strlen(t->missing), k = strlen(name);

	/* Named once, however many modules need it. */
	for (const char *p = t->missing; (p = strstr(p, name)); p += k)
		if ((p == t->missing || p[-1] == ' ') &&
		    (p[k] == ',' || p[k] == '\0'))
			return;

	snprintf(t->missing + n, sizeof(t->missing) - n, "%s%s", n ? ", " : "",
		 name);
}

/* "a -> b -> a": no order loads it. */
static int kmod_cycle(struct kmod_tree *t, unsigned from, unsigned depth,
		      const char *name)
{
	char chain[200] = "";
	size_t n = 0;

	for (unsigned i = from; i < depth; i++)
		n += (size_t)snprintf(chain + n,
				      n < sizeof(chain) ? sizeof(chain) - n : 0,
				      "%s -> ", t->visiting[i]);
	return db_fail(t->err, DB_ERR_INPUT,
		       "--modules %s: the modules depend on each other: %s%s",
		       t->dir, chain, name);
}

static int kmod_visit(struct kmod_tree *t, const char *name,
		      struct kmod_list *l, unsigned depth)
{
	const struct kmod_entry *e;
	struct kmod m = {0};
	int r;

	if (kmod_have(l, name))
		return DB_OK;
	for (unsigned i = 0; i < depth && i <= KMOD_DEPTH_MAX; i++)
		if (!strcmp(t->visiting[i], name))
			return kmod_cycle(t, i, depth, name);
	if (depth > KMOD_DEPTH_MAX)
		return db_fail(t->err, DB_ERR_INPUT,
			       "--modules %s: %s: dependencies nested deeper "
			       "than %d",
			       t->dir, name, KMOD_DEPTH_MAX);
	if (kmod_builtin(t, name)) {
		l->nr_builtin += !depth;
		return DB_OK;
	}
	e = kmod_find(t, name);
	if (!e) {
		kmod_missing(t, name);
		return DB_OK;
	}
	t->visiting[depth] = name;
	if (e->deps)
		r = kmod_visit_deps(t, e->deps, l, depth);
	else
		r = kmod_load(t, e->path, &m);
	if (!r && !e->deps)
		r = kmod_visit_modinfo(t, &m, l, depth);
	if (!r && e->deps)
		r = kmod_load(t, e->path, &m);
	if (!r && l->n == KMOD_MAX)
		r = db_fail(t->err, DB_ERR_INPUT,
			    "--modules %s: more than %d modules needed", t->dir,
			    KMOD_MAX);
	if (r) {
		free(m.data);
		return r;
	}
	snprintf(m.name, sizeof(m.name), "%s", name);
	l->mods[l->n++] = m;
	return DB_OK;
}

int kmod_resolve(const char *dir, const char *const *want, unsigned nr_want,
		 struct kmod_list *out, struct db_error *err)
{
	struct kmod_tree t = {.dir = dir, .err = err};
	int r = DB_OK;

	memset(out, 0, sizeof(*out));
	t.dep_text = kmod_read_text(dir, "modules.dep");
	t.builtin_text = kmod_read_text(dir, "modules.builtin");
	if (t.dep_text)
		kmod_index_dep(&t);
	else
		kmod_index_walk(&t);
	for (unsigned i = 0; !r && i < nr_want; i++)
		r = kmod_visit(&t, want[i], out, 0);
	if (!r && t.missing[0])
		r = db_fail(err, DB_ERR_INPUT,
			    "--modules %s: no module %s in the tree (%s), and "
			    "not built in (modules.builtin)%s",
			    dir, t.missing,
			    t.dep_text ? "modules.dep"
				       : "no modules.dep: walked",
			    t.builtin_text ? "" : ": the tree has none");
	if (!t.dep_text)
		for (unsigned i = 0; i < t.n; i++)
			free(t.e[i].path);
	free(t.e);
	free(t.dep_text);
	free(t.builtin_text);
	return r;
}

void kmod_list_free(struct kmod_list *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->mods[i].data);
	l->n = 0;
}
