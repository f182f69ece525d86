// SPDX-License-Identifier: MIT
/*
 * diskinit: the /init of the ext4 disk test (scripts/mkinitramfs.sh
 * disk), with no libc and no SIMD register anywhere.
 *
 * It loads the virtio modules from /lib/modules in dependency order
 * (Debian's package ships no modules.dep to modprobe by), lists the
 * LNRO0005 devices the kernel found in the DSDT, waits for /dev/vda,
 * mounts it as ext4 on /mnt, writes the token from /token to
 * /mnt/directboot.txt, fsyncs, unmounts and resets the machine.  Every
 * step says "directboot-disk: ..." on the console; a failed one says
 * "directboot-disk: FAILED <step> <errno>".
 *
 * Why not a busybox script: each step's errno reaches the console, the
 * initramfs is 60 KiB instead of 1 MiB, and the program has no libc
 * and no SIMD, so that it depends on nothing but the kernel.  Built
 * with -nostdlib -ffreestanding -mgeneral-regs-only, for x86-64 Linux.
 */
#include <asm/unistd.h>
#include <linux/reboot.h>

#define O_RDONLY 0
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_DIRECTORY 0200000
#define AT_FDCWD -100
#define EINTR 4

typedef unsigned long size_t;

static long sys(long n, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static size_t len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys(__NR_write, 1, (long)s, (long)len(s), 0, 0);
}

static void put_num(long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	if (v < 0)
		v = -v;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	put(buf + i);
}

static void say(const char *a, const char *b)
{
	put("directboot-disk: ");
	put(a);
	put(b);
	put("\n");
}

/* Say what failed with its errno; true when ret is an error. */
static int failed(long ret, const char *step)
{
	if (ret >= 0)
		return 0;
	put("directboot-disk: FAILED ");
	put(step);
	put(" ");
	put_num(ret);
	put("\n");
	return 1;
}

static void load_module(const char *path)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0);

	if (failed(fd, path))
		return;
	failed(sys(__NR_finit_module, fd, (long)"", 0, 0, 0), path);
	sys(__NR_close, fd, 0, 0, 0, 0);
}

struct dirent64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int starts_with(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static void list_lnro(void)
{
	char buf[4096] __attribute__((aligned(8)));
	long fd = sys(__NR_openat, AT_FDCWD, (long)"/sys/bus/platform/devices",
		      O_RDONLY | O_DIRECTORY, 0, 0);
	long n;

	if (failed(fd, "open /sys/bus/platform/devices"))
		return;
	while ((n = sys(__NR_getdents64, fd, (long)buf, sizeof(buf), 0, 0)) > 0)
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (starts_with(d->name, "LNRO0005:"))
				say("device ", d->name);
			off += d->reclen;
		}
	sys(__NR_close, fd, 0, 0, 0, 0);
}

static void nap_100ms(void)
{
	long ts[2] = {0, 100000000};

	sys(__NR_nanosleep, (long)ts, 0, 0, 0, 0);
}

static int wait_for(const char *path)
{
	char st[256] __attribute__((aligned(8)));

	for (int i = 0; i < 300; i++) {
		if (sys(__NR_newfstatat, AT_FDCWD, (long)path, (long)st, 0,
			0) == 0)
			return 0;
		nap_100ms();
	}
	return -1;
}

/* The token: /token's first line, [A-Za-z0-9._-] only. */
static int read_token(char *tok, size_t size)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)"/token", O_RDONLY, 0, 0);
	long n;

	if (failed(fd, "open /token"))
		return -1;
	n = sys(__NR_read, fd, (long)tok, (long)size - 1, 0, 0);
	sys(__NR_close, fd, 0, 0, 0, 0);
	if (failed(n, "read /token"))
		return -1;
	for (long i = 0; i < n; i++)
		if (tok[i] == '\n')
			n = i;
	tok[n] = '\0';
	return n > 0 ? 0 : -1;
}

static void write_token(const char *tok)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)"/mnt/directboot.txt",
		      O_WRONLY | O_CREAT | O_TRUNC, 0644, 0);

	if (failed(fd, "create /mnt/directboot.txt"))
		return;
	if (!failed(sys(__NR_write, fd, (long)tok, (long)len(tok), 0, 0),
		    "write") &&
	    !failed(sys(__NR_write, fd, (long)"\n", 1, 0, 0), "write") &&
	    !failed(sys(__NR_fsync, fd, 0, 0, 0, 0), "fsync") &&
	    !failed(sys(__NR_close, fd, 0, 0, 0, 0), "close")) {
		sys(__NR_sync, 0, 0, 0, 0, 0);
		if (!failed(sys(__NR_umount2, (long)"/mnt", 0, 0, 0, 0),
			    "umount /mnt"))
			say("wrote ", tok);
	}
}

static void run(void)
{
	static const char *const mods[] = {
		"/lib/modules/virtio_ring.ko",
		"/lib/modules/virtio.ko",
		"/lib/modules/virtio_mmio.ko",
		"/lib/modules/virtio_blk.ko",
	};
	char tok[64];

	sys(__NR_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0);
	sys(__NR_mount, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0);
	sys(__NR_mount, (long)"devtmpfs", (long)"/dev", (long)"devtmpfs", 0, 0);
	if (read_token(tok, sizeof(tok)))
		return;
	for (unsigned i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		load_module(mods[i]);
	list_lnro();
	if (wait_for("/dev/vda")) {
		say("FAILED ", "no /dev/vda");
		return;
	}
	if (failed(sys(__NR_mount, (long)"/dev/vda", (long)"/mnt", (long)"ext4",
		       0, 0),
		   "mount /dev/vda"))
		return;
	write_token(tok);
}

void _start(void) __attribute__((noreturn, force_align_arg_pointer));
void _start(void)
{
	run();
	sys(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
	    LINUX_REBOOT_CMD_RESTART, 0, 0);
	for (;;)
		sys(__NR_pause, 0, 0, 0, 0, 0);
}
