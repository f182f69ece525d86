// SPDX-License-Identifier: MIT
/*
 * The kernel developer's loop, the front end's half (devloop.h).
 *
 * The initramfs holds:
 *   /init                     guest/devinit.c, linked in as a blob
 *   /dev/console              for the kernel's open of init's stdio
 *   /directboot/config        "key value" lines (devinit.c reads them)
 *   /directboot/argv          CMD's words, NUL-separated, exactly as
 *                             given: no quoting survives the kernel's
 *                             command line because none goes through it
 *   /directboot/modules/N.ko  decompressed, in load order
 * It comes first in the initrd; -i files follow, and since the kernel
 * unpacks every archive in turn, theirs win where names meet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cpio.h"
#include "devloop.h"
#include "kmod.h"
#include "options.h"
#include "directboot/bzimage.h"
#include "directboot/image.h"
#include "directboot/pc.h"

/* The init, built by guest/guest.mk and linked in. */
extern const unsigned char devinit_blob[], devinit_blob_end[];

#define DEVLOOP_HOSTNAME "directboot"
#define DEVLOOP_CONFIG_MAX 8192

/* What each accelerator's guest loads: the virtio-mmio transport and
 * hvc0 under KVM; virtio-pci under QEMU (its vhost-user-fs-pci).
 * fuse comes in as virtiofs's dependency. */
static const char *const kvm_modules[] = {"virtio_mmio", "virtio_console",
					  "virtiofs", "overlay"};
static const char *const tcg_modules[] = {"virtio_pci", "virtiofs", "overlay"};

bool devloop_wanted(const struct cli_args *a)
{
	return a->loop.rootfs || a->loop.modules || a->loop.argv;
}

static int devloop_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int devloop_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("directboot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* auto: kvm when /dev/kvm opens, else tcg (the loop runs on both). */
static void devloop_accel(struct accel_config *cfg)
{
	int fd;

	if (cfg->accel != ACCEL_AUTO)
		return;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		cfg->accel = ACCEL_KVM;
		return;
	}
	fprintf(stderr,
		"directboot: --accel auto: tcg, because /dev/kvm cannot be "
		"opened: %s\n",
		strerror(errno));
	cfg->accel = ACCEL_TCG;
}

/*
 * --rootfs /: virtiofsd's sandbox binds the share onto itself and
 * pivot_root()s into it, which cannot be done into the process's own
 * root (EBUSY: a mount stacked on / is not entered by a chdir to /).
 * So / is shared as a recursive bind of itself at a fresh directory, in
 * a mount namespace of directboot's own (its children, virtiofsd and
 * QEMU, inherit it): the host sees only an empty directory.  A small
 * child, forked before the namespace and so still in the host's,
 * removes it once directboot is gone, however it ends (SIGKILL too): it
 * waits for the end of a pipe whose other end only directboot holds.
 * directboot itself could not: its seccomp sandbox allows no umount2
 * or rmdir, and in its own namespace the directory is busy.
 */
static char root_bind[64];

static void devloop_root_reaper(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(p[0], STDIN_FILENO);
		close_range(STDOUT_FILENO, ~0u, 0);
		setsid();
		while (read(STDIN_FILENO, &c, 1) < 0 && errno == EINTR)
			;
		rmdir(root_bind);
		_exit(0);
	}
	close(p[0]);
	if (pid < 0)
		close(p[1]); /* the directory stays behind; nothing worse */
}

static const char *devloop_root_bind(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root_bind, sizeof(root_bind), "%s/directboot-rootfs.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(root_bind)) {
		fprintf(stderr, "directboot: --rootfs /: mkdtemp %s: %s\n",
			root_bind, strerror(errno));
		return NULL;
	}
	devloop_root_reaper();
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("/", root_bind, NULL, MS_BIND | MS_REC, NULL)) {
		fprintf(stderr,
			"directboot: --rootfs /: cannot bind / at %s in a "
			"mount namespace of our own: %s (virtiofsd needs root "
			"too)\n",
			root_bind, strerror(errno));
		rmdir(root_bind);
		return NULL;
	}
	return root_bind;
}

/* The rootfs as the first share, read-only on the host too. */
static int devloop_rootfs(struct cli_args *a)
{
	struct accel_devices *d = &a->run.devices;
	const char *dir = a->loop.rootfs;
	char *real;

	if (!is_dir(dir))
		return devloop_fail("--rootfs %s: not a directory", dir);
	real = realpath(dir, NULL);
	if (real && !strcmp(real, "/") && !(dir = devloop_root_bind())) {
		free(real);
		return EXIT_HOST;
	}
	free(real);
	for (unsigned i = 0; i < d->nr_shares; i++)
		if (!strcmp(d->shares[i].tag, DEVLOOP_ROOTFS_TAG))
			return devloop_fail(
				"--share %s: the tag '%s' is the rootfs's; "
				"give it another (HOSTDIR:TAG)",
				d->shares[i].dir, DEVLOOP_ROOTFS_TAG);
	if (d->nr_shares == ACCEL_SHARES_MAX)
		return devloop_fail("--share: at most %d with --rootfs",
				    ACCEL_SHARES_MAX - 1);
	memmove(&d->shares[1], &d->shares[0],
		d->nr_shares * sizeof(d->shares[0]));
	memset(&d->shares[0], 0, sizeof(d->shares[0]));
	d->shares[0].dir = dir;
	snprintf(d->shares[0].tag, sizeof(d->shares[0].tag), "%s",
		 DEVLOOP_ROOTFS_TAG);
	d->shares[0].ro = true;
	d->nr_shares++;
	return 0;
}

/* The release a bzImage names ("6.1.0-57-cloud-amd64 (debian-...)" ->
 * its first word), or "" when the image says none. */
static void devloop_release(const char *image, char *rel, size_t n)
{
	struct image_file f = {0};
	struct db_error err = {0};
	struct bzimage *bz = malloc(sizeof(*bz));

	rel[0] = '\0';
	if (!bz || image_file_open(image, &f, &err)) {
		free(bz);
		return;
	}
	if (!bzimage_parse(f.data, f.size, bz, &err) && bz->has_kernel_version)
		snprintf(rel, n, "%.*s", (int)strcspn(bz->kernel_version, " "),
			 bz->kernel_version);
	image_file_close(&f);
	free(bz);
}

/* The modules: from --modules, else /lib/modules/RELEASE where that
 * exists; with neither, the kernel must have them built in. */
static int devloop_modules(struct cli_args *a, struct kmod_list *mods)
{
	bool tcg = a->run.accel == ACCEL_TCG;
	const char *const *want = tcg ? tcg_modules : kvm_modules;
	unsigned n = tcg ? 3 : 4;
	char rel[128], dir[4096];
	struct db_error err = {0};

	if (a->loop.modules) {
		if (!is_dir(a->loop.modules))
			return devloop_fail("--modules %s: not a directory",
					    a->loop.modules);
		snprintf(dir, sizeof(dir), "%s", a->loop.modules);
	} else {
		devloop_release(a->image, rel, sizeof(rel));
		snprintf(dir, sizeof(dir), "/lib/modules/%s", rel);
		if (!rel[0] || !is_dir(dir)) {
			fprintf(stderr,
				"directboot: no %s: the kernel must have "
				"%s, %s, %s%s%s built in (--modules DIR "
				"names a lib/modules/RELEASE tree)\n",
				rel[0] ? dir : "kernel release in the image",
				want[0], want[1], want[2], n > 3 ? ", " : "",
				n > 3 ? want[3] : "");
			return 0;
		}
	}
	if (kmod_resolve(dir, want, n, mods, &err))
		return cli_report(&err);
	return 0;
}

static void devloop_config(const struct cli_args *a, const struct kmod_list *m,
			   char *buf, size_t size)
{
	const struct accel_devices *d = &a->run.devices;
	const char *term = getenv("TERM");
	char cwd[4096];
	size_t n = 0;

#define PUT(...)                                                               \
	n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__)
	PUT("console %s\n", a->run.accel == ACCEL_TCG ? "ttyS0" : "hvc0");
	PUT("status-port %#x\n", DEVLOOP_STATUS_PORT);
	PUT("hostname %s\n", DEVLOOP_HOSTNAME);
	if (term && !strpbrk(term, "\n") && strlen(term) < 60)
		PUT("term %s\n", term);
	if (getcwd(cwd, sizeof(cwd)) && !strchr(cwd, '\n'))
		PUT("cwd %s\n", cwd);
	PUT("rootfs %s\n", DEVLOOP_ROOTFS_TAG);
	for (unsigned i = 1; i < d->nr_shares; i++)
		PUT("share %s %s\n", d->shares[i].tag,
		    d->shares[i].ro ? "ro" : "rw");
	for (unsigned i = 0; i < m->n; i++)
		PUT("module /directboot/modules/%02u-%s.ko\n", i,
		    m->mods[i].name);
	if (a->run.debug)
		PUT("debug 1\n");
#undef PUT
}

static int devloop_initramfs(struct cli_args *a, const struct kmod_list *m)
{
	struct cpio c = {0};
	char config[DEVLOOP_CONFIG_MAX], name[128];
	size_t argv_len = 0;
	char *argv_buf = NULL;

	devloop_config(a, m, config, sizeof(config));
	for (int i = 0; i < a->loop.argc; i++)
		argv_len += strlen(a->loop.argv[i]) + 1;
	if (argv_len && !(argv_buf = malloc(argv_len)))
		return devloop_fail("out of memory");
	for (int i = 0, off = 0; i < a->loop.argc; i++) {
		size_t k = strlen(a->loop.argv[i]) + 1;

		memcpy(argv_buf + off, a->loop.argv[i], k);
		off += (int)k;
	}
	cpio_dir(&c, "dev", 0755);
	cpio_chardev(&c, "dev/console", 0600, 5, 1);
	cpio_dir(&c, "proc", 0755);
	cpio_dir(&c, "sys", 0755);
	cpio_dir(&c, "directboot", 0755);
	cpio_dir(&c, "directboot/modules", 0755);
	cpio_file(&c, "init", 0755, devinit_blob,
		  (size_t)(devinit_blob_end - devinit_blob));
	cpio_file(&c, "directboot/config", 0644, config, strlen(config));
	if (argv_len)
		cpio_file(&c, "directboot/argv", 0644, argv_buf, argv_len);
	for (unsigned i = 0; i < m->n; i++) {
		snprintf(name, sizeof(name), "directboot/modules/%02u-%s.ko", i,
			 m->mods[i].name);
		cpio_file(&c, name, 0644, m->mods[i].data, m->mods[i].size);
	}
	cpio_end(&c);
	free(argv_buf);
	if (c.oom) {
		free(c.buf);
		return devloop_fail("out of memory for the initramfs");
	}
	a->bo.initrd = c.buf;
	a->bo.initrd_size = c.len;
	return 0;
}

/*
 * The kernel's console is COM1, which the loop keeps off stdout (KVM:
 * to /dev/null, or stderr with --debug) while the panic watch still
 * reads it; quiet keeps the boot fast (each byte on COM1 is a port
 * exit under KVM).  Under tcg CMD shares ttyS0 with it, so only
 * emergencies (a panic) print there.
 *
 * Under tcg the shares are PCI devices, and the plan's DSDT has no PCI
 * host bridge: with ACPI on, Linux scans no bus.  pci=lastbus=1 makes
 * it scan buses 0 and 1 by hand (pcibios_fixup_peer_bridges()) while
 * ACPI keeps the interrupts: virtio-pci gets its MSI-X vectors.
 * (pci=noacpi scans too, but also drops the MADT's IOAPIC, and with it
 * MSI: virtio-fs then fails to probe.)
 */
static void devloop_cmdline(struct cli_args *a)
{
	bool tcg = a->run.accel == ACCEL_TCG;

	if (a->bo.plan.cmdline)
		return;
	if (a->run.debug)
		a->bo.default_cmdline =
			tcg ? "console=ttyS0 pci=lastbus=1" : "console=ttyS0";
	else if (tcg)
		a->bo.default_cmdline =
			"console=ttyS0 quiet loglevel=1 pci=lastbus=1";
	else
		a->bo.default_cmdline = "console=ttyS0 quiet";
}

int devloop_prepare(struct cli_args *a)
{
	struct kmod_list mods;
	int ret;

	memset(&mods, 0, sizeof(mods));
	if (!a->loop.rootfs)
		a->loop.rootfs = "/";
	devloop_accel(&a->run);
	ret = devloop_rootfs(a);
	if (!ret)
		ret = devloop_modules(a, &mods);
	if (!ret)
		ret = devloop_initramfs(a, &mods);
	kmod_list_free(&mods);
	if (ret)
		return ret;
	if (a->run.accel == ACCEL_KVM)
		a->run.devices.console = true;
	a->run.devloop = true;
	devloop_cmdline(a);
	return 0;
}
