// SPDX-License-Identifier: MIT
/* The modules the developer's loop gives a kernel (cli/kmod.c), from
 * small lib/modules/RELEASE trees made in a temporary directory: load
 * order from modules.dep and, without it, from each module's .modinfo
 * "depends=" (real ELF objects from the C compiler), modules.builtin,
 * .ko.xz/.ko.zst/.ko.gz, and the errors: a module missing, a cycle, a
 * file that is no module, too many modules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../cli/kmod.h"

static char tree[] = "/tmp/test_kmod.XXXXXX";

static int tree_setup(void **state)
{
	(void)state;
	memcpy(tree + strlen(tree) - 6, "XXXXXX", 6);
	return mkdtemp(tree) ? 0 : -1;
}

static int tree_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	return system(cmd) ? -1 : 0;
}

static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* tree/rel with its directories. */
static void put(const char *rel, const void *data, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	run("mkdir -p \"$(dirname %s)\"", path);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void put_text(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

/* A stand-in module for trees with a modules.dep (the reader only needs
 * the ELF magic there): "\177ELF" and the module's name. */
static void put_fake_ko(const char *rel)
{
	char buf[128];

	put(rel, buf, (size_t)snprintf(buf, sizeof(buf), "\177ELF:%s", rel));
}

/* A real relocatable object with a .modinfo section, as the kernel's
 * build leaves one: "name=" and, when deps is not NULL, "depends=". */
static void put_elf(const char *rel, const char *name, const char *deps)
{
	char src[512], path[512];
	const char *cc = getenv("CC");
	FILE *f;

	snprintf(src, sizeof(src), "%s/mod.c", tree);
	f = fopen(src, "we");
	assert_non_null(f);
	fprintf(f,
		"#define MI(id, s) static const char id[] "
		"__attribute__((section(\".modinfo\"), used, aligned(1))) = "
		"s\n"
		"MI(mi_license, \"license=GPL\");\n"
		"MI(mi_name, \"name=%s\");\n",
		name);
	if (deps)
		fprintf(f, "MI(mi_depends, \"depends=%s\");\n", deps);
	fprintf(f, "int init_module(void) { return 0; }\n");
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	run("mkdir -p \"$(dirname %s)\" && %s -c -o %s %s", path,
	    cc && *cc ? cc : "cc", path, src);
	assert_int_equal(unlink(src), 0);
}

/* The bytes of tree/rel (the test's own copy, to compare). */
static uint8_t *slurp(const char *rel, size_t *n)
{
	char path[512];
	uint8_t *buf;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	assert_int_equal(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	f = fopen(path, "re");
	assert_non_null(f);
	*n = fread(buf, 1, (size_t)st.st_size, f);
	assert_int_equal(*n, st.st_size);
	fclose(f);
	return buf;
}

static void check_mod(const struct kmod_list *l, unsigned i, const char *name,
		      const char *rel)
{
	size_t n;
	uint8_t *want = slurp(rel, &n);

	assert_true(i < l->n);
	assert_string_equal(l->mods[i].name, name);
	assert_int_equal(l->mods[i].size, n);
	assert_memory_equal(l->mods[i].data, want, n);
	free(want);
}

/* The names resolved, in order, as "a b c". */
static void check_order(const struct kmod_list *l, const char *want)
{
	char got[512] = "";
	size_t n = 0;

	for (unsigned i = 0; i < l->n; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
				      i ? " " : "", l->mods[i].name);
	assert_string_equal(got, want);
}

static int resolve(const char *dir, const char *want, struct kmod_list *l,
		   struct db_error *err)
{
	char buf[256];
	const char *names[KMOD_MAX + 8];
	unsigned n = 0;

	snprintf(buf, sizeof(buf), "%s", want);
	for (char *save, *s = strtok_r(buf, " ", &save); s;
	     s = strtok_r(NULL, " ", &save))
		names[n++] = s;
	memset(err, 0, sizeof(*err));
	return kmod_resolve(dir, names, n, l, err);
}

/* modules.dep names what each needs (all of it, the way depmod writes
 * it); each comes after its dependencies, once, the shared one first. */
static void test_dep_order(void **state)
{
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put_text("modules.dep",
		 "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko "
		 "kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/fs/fuse/fuse.ko:\n"
		 "kernel/drivers/virtio/virtio_ring.ko:\n"
		 "kernel/drivers/virtio/virtio-mmio.ko: "
		 "kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/fs/overlayfs/overlay.ko:\n");
	put_fake_ko("kernel/fs/fuse/virtiofs.ko");
	put_fake_ko("kernel/fs/fuse/fuse.ko");
	put_fake_ko("kernel/drivers/virtio/virtio_ring.ko");
	put_fake_ko("kernel/drivers/virtio/virtio-mmio.ko");
	put_fake_ko("kernel/fs/overlayfs/overlay.ko");

	assert_int_equal(resolve(tree, "virtiofs virtio_mmio", &l, &err),
			 DB_OK);
	check_order(&l, "fuse virtio_ring virtiofs virtio_mmio");
	assert_int_equal(l.nr_builtin, 0);
	check_mod(&l, 0, "fuse", "kernel/fs/fuse/fuse.ko");
	check_mod(&l, 1, "virtio_ring", "kernel/drivers/virtio/virtio_ring.ko");
	check_mod(&l, 2, "virtiofs", "kernel/fs/fuse/virtiofs.ko");
	/* The file's '-' is the module name's '_'. */
	check_mod(&l, 3, "virtio_mmio", "kernel/drivers/virtio/virtio-mmio.ko");
	kmod_list_free(&l);
	assert_int_equal(l.n, 0);

	/* Asked twice, or as a dependency first: still once. */
	assert_int_equal(resolve(tree, "fuse virtiofs fuse overlay", &l, &err),
			 DB_OK);
	check_order(&l, "fuse virtio_ring virtiofs overlay");
	kmod_list_free(&l);
	/* Nothing asked, nothing read. */
	assert_int_equal(resolve(tree, "", &l, &err), DB_OK);
	assert_int_equal(l.n, 0);
	kmod_list_free(&l);
}

/* A module in modules.builtin is the kernel's: no file is read for it
 * (even when one is there), and what depends on it still gets its other
 * dependencies. */
static void test_builtin(void **state)
{
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put_text("modules.dep",
		 "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko "
		 "kernel/drivers/virtio/virtio_ring.ko\n"
		 "kernel/fs/fuse/fuse.ko:\n"
		 "kernel/drivers/virtio/virtio_ring.ko:\n");
	put_text("modules.builtin", "kernel/drivers/virtio/virtio.ko\n"
				    "kernel/drivers/virtio/virtio_ring.ko\n"
				    "kernel/drivers/virtio/virtio_mmio.ko");
	put_fake_ko("kernel/fs/fuse/virtiofs.ko");
	put_fake_ko("kernel/fs/fuse/fuse.ko");
	put_fake_ko("kernel/drivers/virtio/virtio_ring.ko");

	assert_int_equal(resolve(tree, "virtiofs", &l, &err), DB_OK);
	check_order(&l, "fuse virtiofs");
	assert_int_equal(l.nr_builtin, 0);
	kmod_list_free(&l);

	/* Wanted and built in (the last line has no newline): counted. */
	assert_int_equal(
		resolve(tree, "virtio_mmio virtio_ring virtiofs", &l, &err),
		DB_OK);
	check_order(&l, "fuse virtiofs");
	assert_int_equal(l.nr_builtin, 2);
	kmod_list_free(&l);
}

/* Without modules.dep the tree is walked and each module's .modinfo
 * says what it needs; built-in dependencies are skipped there too. */
static void test_modinfo(void **state)
{
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put_elf("kernel/fs/fuse/virtiofs.ko", "virtiofs",
		"fuse,virtio_ring,virtio");
	put_elf("kernel/fs/fuse/fuse.ko", "fuse", "");
	put_elf("kernel/drivers/virtio/virtio_ring.ko", "virtio_ring",
		"virtio");
	put_elf("kernel/drivers/virtio/virtio_mmio.ko", "virtio_mmio",
		"virtio_ring");
	put_elf("kernel/fs/overlayfs/overlay.ko", "overlay", NULL);
	put_text("modules.builtin", "kernel/drivers/virtio/virtio.ko\n");
	put_text("modules.order", "kernel/fs/fuse/fuse.ko\n");

	assert_int_equal(
		resolve(tree, "virtio_mmio virtiofs overlay", &l, &err), DB_OK);
	check_order(&l, "virtio_ring virtio_mmio fuse virtiofs overlay");
	check_mod(&l, 0, "virtio_ring", "kernel/drivers/virtio/virtio_ring.ko");
	check_mod(&l, 3, "virtiofs", "kernel/fs/fuse/virtiofs.ko");
	assert_int_equal(l.nr_builtin, 0);
	kmod_list_free(&l);
}

/* Only a "depends=" that starts a .modinfo string counts. */
static void test_modinfo_key(void **state)
{
	static const char ko[] = "\177ELF\0\0\0\0"
				 "xdepends=nothere\0"
				 "name=a\0depends=b\0";
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put("a.ko", ko, sizeof(ko));
	put_fake_ko("b.ko");
	assert_int_equal(resolve(tree, "a", &l, &err), DB_OK);
	check_order(&l, "b a");
	kmod_list_free(&l);
}

/* .ko.xz, .ko.zst and .ko.gz come out as the ELF they hold, from
 * modules.dep and from a walk. */
static void test_compressed(void **state)
{
	static const char *const rel[] = {
		"kernel/a/virtiofs.ko",
		"kernel/a/fuse.ko",
		"kernel/a/virtio_ring.ko",
	};
	uint8_t *elf[3];
	size_t n[3];
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put_elf(rel[0], "virtiofs", "fuse,virtio_ring");
	put_elf(rel[1], "fuse", "");
	put_elf(rel[2], "virtio_ring", "");
	for (unsigned i = 0; i < 3; i++)
		elf[i] = slurp(rel[i], &n[i]);
	run("cd %s/kernel/a && xz virtiofs.ko && zstd -q --rm fuse.ko && "
	    "gzip virtio_ring.ko",
	    tree);

	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass)
			put_text("modules.dep",
				 "kernel/a/virtiofs.ko.xz: kernel/a/fuse.ko.zst"
				 " kernel/a/virtio_ring.ko.gz\n"
				 "kernel/a/fuse.ko.zst:\n"
				 "kernel/a/virtio_ring.ko.gz:\n");
		assert_int_equal(resolve(tree, "virtiofs", &l, &err), DB_OK);
		check_order(&l, "fuse virtio_ring virtiofs");
		assert_int_equal(l.mods[0].size, n[1]);
		assert_memory_equal(l.mods[0].data, elf[1], n[1]);
		assert_int_equal(l.mods[1].size, n[2]);
		assert_memory_equal(l.mods[1].data, elf[2], n[2]);
		assert_int_equal(l.mods[2].size, n[0]);
		assert_memory_equal(l.mods[2].data, elf[0], n[0]);
		kmod_list_free(&l);
	}
	for (unsigned i = 0; i < 3; i++)
		free(elf[i]);
}

/* A module neither in the tree nor built in: DB_ERR_INPUT (exit 2),
 * naming each one missing, the tree and what was read. */
static void test_missing(void **state)
{
	struct kmod_list l;
	struct db_error err;
	char want[256];

	(void)state;
	put_text("modules.dep", "kernel/fs/fuse/virtiofs.ko: "
				"kernel/fs/fuse/fuse.ko\n"
				"kernel/x/a.ko: kernel/fs/fuse/fuse.ko\n");
	put_fake_ko("kernel/fs/fuse/virtiofs.ko");
	put_fake_ko("kernel/x/a.ko");

	assert_int_equal(resolve(tree, "virtiofs overlay a", &l, &err),
			 DB_ERR_INPUT);
	assert_int_equal(err.status, DB_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "--modules %s: no module fuse, overlay in the tree "
		 "(modules.dep), and not built in (modules.builtin): the "
		 "tree has none",
		 tree);
	assert_string_equal(err.msg, want);
	kmod_list_free(&l);

	/* Without modules.dep, with modules.builtin. */
	run("rm %s/modules.dep", tree);
	put_text("modules.builtin", "kernel/fs/fuse/fuse.ko\n");
	assert_int_equal(resolve(tree, "virtiofs overlay", &l, &err),
			 DB_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "--modules %s: no module overlay in the tree (no modules.dep: "
		 "walked), and not built in (modules.builtin)",
		 tree);
	assert_string_equal(err.msg, want);
	kmod_list_free(&l);

	/* An empty directory: nothing is there. */
	run("rm -r %s/modules.builtin %s/kernel", tree, tree);
	assert_int_equal(resolve(tree, "virtio_mmio", &l, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "no module virtio_mmio"));
	assert_int_equal(l.n, 0);
	kmod_list_free(&l);
}

/* A cycle cannot be loaded in any order: an error naming it, not a list
 * with the same module twice. */
static void test_cycle(void **state)
{
	struct kmod_list l;
	struct db_error err;
	char want[256];

	(void)state;
	put_text("modules.dep", "k/a.ko: k/b.ko\n"
				"k/b.ko: k/c.ko\n"
				"k/c.ko: k/a.ko\n"
				"k/d.ko:\n");
	put_fake_ko("k/a.ko");
	put_fake_ko("k/b.ko");
	put_fake_ko("k/c.ko");
	put_fake_ko("k/d.ko");
	assert_int_equal(resolve(tree, "d a", &l, &err), DB_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "--modules %s: the modules depend on each other: "
		 "a -> b -> c -> a",
		 tree);
	assert_string_equal(err.msg, want);
	for (unsigned i = 0; i < l.n; i++)
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(l.mods[i].name, l.mods[j].name);
	kmod_list_free(&l);

	/* The same from .modinfo, a module needing itself. */
	run("rm %s/modules.dep", tree);
	put("k/a.ko", "\177ELF\0depends=a", 15);
	assert_int_equal(resolve(tree, "a", &l, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "a -> a"));
	kmod_list_free(&l);
}

/* A chain of dependencies 17 deep (the wanted one and 16 below) loads
 * bottom up; one deeper is an error, not a module left out. */
static void test_depth(void **state)
{
	char dep[2048], rel[32];
	size_t n = 0;
	struct kmod_list l;
	struct db_error err;
	char want[256];

	(void)state;
	for (unsigned i = 0; i <= 17; i++) {
		snprintf(rel, sizeof(rel), "c%u.ko", i);
		put_fake_ko(rel);
		n += (size_t)snprintf(dep + n, sizeof(dep) - n, "%s:", rel);
		if (i < 17)
			n += (size_t)snprintf(dep + n, sizeof(dep) - n,
					      " c%u.ko", i + 1);
		n += (size_t)snprintf(dep + n, sizeof(dep) - n, "\n");
	}
	put_text("modules.dep", dep);
	assert_int_equal(resolve(tree, "c1", &l, &err), DB_OK);
	check_order(&l, "c17 c16 c15 c14 c13 c12 c11 c10 c9 c8 c7 c6 c5 c4 "
			"c3 c2 c1");
	check_mod(&l, 0, "c17", "c17.ko");
	kmod_list_free(&l);
	assert_int_equal(resolve(tree, "c0", &l, &err), DB_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "--modules %s: c17: dependencies nested deeper than 16", tree);
	assert_string_equal(err.msg, want);
	assert_int_equal(l.n, 0);
	kmod_list_free(&l);
}

/* A file that is not a module, or whose compression is cut short. */
static void test_not_elf(void **state)
{
	static const char text[] = "#!/bin/sh\necho not a module\n";
	struct kmod_list l;
	struct db_error err;
	char want[512];
	uint8_t *xz;
	size_t n;

	(void)state;
	put("k/a.ko", text, sizeof(text) - 1);
	put_fake_ko("k/b.ko");
	put_text("modules.dep", "k/a.ko:\nk/b.ko:\nk/c.ko.xz:\nk/d.ko:\n");
	assert_int_equal(resolve(tree, "b a", &l, &err), DB_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "--modules %s/k/a.ko: not an ELF module once decompressed",
		 tree);
	assert_string_equal(err.msg, want);
	/* What came before is there, for kmod_list_free(). */
	check_order(&l, "b");
	kmod_list_free(&l);

	put_elf("k/c.ko", "c", "");
	run("xz %s/k/c.ko", tree);
	xz = slurp("k/c.ko.xz", &n);
	put("k/c.ko.xz", xz, n / 2);
	free(xz);
	assert_int_equal(resolve(tree, "c", &l, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "/k/c.ko.xz: not an ELF module"));
	kmod_list_free(&l);

	/* Listed in modules.dep, but no file. */
	assert_int_equal(resolve(tree, "d", &l, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "/k/d.ko: No such file"));
	kmod_list_free(&l);
}

/* More than KMOD_MAX modules needed. */
static void test_too_many(void **state)
{
	char dep[4096], want[1024], rel[32];
	size_t n = 0, w = 0;
	struct kmod_list l;
	struct db_error err;

	(void)state;
	for (unsigned i = 0; i <= KMOD_MAX; i++) {
		snprintf(rel, sizeof(rel), "m%u.ko", i);
		put_fake_ko(rel);
		n += (size_t)snprintf(dep + n, sizeof(dep) - n, "%s:\n", rel);
	}
	put_text("modules.dep", dep);
	/* m0 .. m31: exactly KMOD_MAX. */
	for (unsigned i = 0; i < KMOD_MAX; i++)
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%sm%u",
				      i ? " " : "", i);
	assert_int_equal(resolve(tree, want, &l, &err), DB_OK);
	assert_int_equal(l.n, KMOD_MAX);
	check_mod(&l, KMOD_MAX - 1, "m31", "m31.ko");
	kmod_list_free(&l);
	/* And m32. */
	snprintf(want + w, sizeof(want) - w, " m%u", KMOD_MAX);
	assert_int_equal(resolve(tree, want, &l, &err), DB_ERR_INPUT);
	snprintf(rel, sizeof(rel), "%d", KMOD_MAX);
	assert_non_null(strstr(err.msg, "more than 32 modules needed"));
	assert_int_equal(l.n, KMOD_MAX);
	kmod_list_free(&l);
}

/* A tree named with a trailing '/' (as a shell completes it) is walked
 * the same. */
static void test_trailing_slash(void **state)
{
	char dir[sizeof(tree) + 2];
	struct kmod_list l;
	struct db_error err;

	(void)state;
	put_elf("kernel/fs/fuse/virtiofs.ko", "virtiofs", "fuse");
	put_elf("kernel/fs/fuse/fuse.ko", "fuse", "");
	snprintf(dir, sizeof(dir), "%s/", tree);
	assert_int_equal(resolve(dir, "virtiofs", &l, &err), DB_OK);
	check_order(&l, "fuse virtiofs");
	check_mod(&l, 1, "virtiofs", "kernel/fs/fuse/virtiofs.ko");
	kmod_list_free(&l);
}

#define TREE_TEST(f)                                                           \
	cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TREE_TEST(test_dep_order),	TREE_TEST(test_builtin),
		TREE_TEST(test_modinfo),	TREE_TEST(test_modinfo_key),
		TREE_TEST(test_compressed),	TREE_TEST(test_missing),
		TREE_TEST(test_cycle),		TREE_TEST(test_depth),
		TREE_TEST(test_not_elf),	TREE_TEST(test_too_many),
		TREE_TEST(test_trailing_slash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
