// SPDX-License-Identifier: MIT
/*
 * The option table and its parser (options.h says the rules).
 *
 * A row's set() stores the value; it prints "directboot CMD: ..." and
 * returns -1 when the value is bad.  The table's order is the order of
 * --help, within each group.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/virtio_fs.h"
#include "../vmm/sandbox.h"
#include "cli.h"
#include "options.h"

enum opt_group {
	GROUP_COMMAND, /* the command's own: --json, -o, ... */
	GROUP_BOOT,
	GROUP_RUN,
	GROUP_DEVICES,
	GROUP_SANDBOX,
	GROUP_LOOP, /* --rootfs, --modules (cli/devloop.c) */
	NR_GROUPS
};

enum opt_arg {
	ARG_NONE,     /* a flag */
	ARG_REQUIRED, /* --opt VALUE, --opt=VALUE */
	ARG_OPTIONAL, /* --opt or --opt=VALUE only */
};

struct cli_option;
typedef int (*opt_set_fn)(struct cli_args *a, const struct cli_option *o,
			  const char *val);

struct cli_option {
	const char *name; /* the long name, without "--" */
	char shrt;	  /* its one-letter form, or 0 */
	enum opt_arg arg;
	const char *metavar; /* "SIZE"; for ARG_OPTIONAL, shown as [=SIZE] */
	const char *const *values; /* the words it takes, when a fixed set;
				      --help shows them as its metavar */
	unsigned cmds;		   /* CMD_* that take it */
	enum opt_group group;
	const char *help; /* lines after the first are indented */
	opt_set_fn set;
	int id; /* for setters that serve several rows */
};

#define CMD_BOOT (CMD_PLAN | CMD_RUN)
#define CMD_ALL (CMD_INSPECT | CMD_EXTRACT | CMD_PLAN | CMD_RUN)

/* ---- value parsers ------------------------------------------------------ */

static int bad(const struct cli_args *a, const struct cli_option *o,
	       const char *val, const char *want)
{
	cli_usage_error(a->name, "--%s '%s': %s", o->name, val, want);
	return -1;
}

/* A decimal or 0x number from min to max; no sign, no junk. */
static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end && *out >= min && *out <= max;
}

/* One word of a fixed list; *out is its index. */
static bool parse_word(const char *s, const char *const *words, int *out)
{
	for (int k = 0; words[k]; k++) {
		if (!strcmp(s, words[k])) {
			*out = k;
			return true;
		}
	}
	return false;
}

/* The words of the options that take a fixed set, in --help's order. */
static const char *const entry_words[] = {"auto", "32",	 "64",
					  "pvh",  "elf", NULL};
static const char *const decompress_words[] = {"guest", "host", NULL};
static const char *const accel_words[] = {"auto", "kvm", "tcg", NULL};
static const char *const console_words[] = {"serial", "virtio", NULL};

/* ---- setters: the command's own ----------------------------------------- */

static int set_json(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	(void)o, (void)val;
	a->json = true;
	return 0;
}

static int set_output(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	if (!*val)
		return bad(a, o, val, "want a FILE, or - for standard output");
	a->output = val;
	return 0;
}

static int set_with_relocs(struct cli_args *a, const struct cli_option *o,
			   const char *val)
{
	(void)o, (void)val;
	a->with_relocs = true;
	return 0;
}

static int set_kernel(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	(void)o;
	if (a->image) {
		cli_usage_error(a->name, "one IMAGE only ('%s' and '%s')",
				a->image, val);
		return -1;
	}
	a->image = val;
	return 0;
}

/* ---- setters: boot options ---------------------------------------------- */

static int set_memory(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	uint64_t n;

	/* A bare number is MiB, as with QEMU's -m. */
	if (val[0] && strspn(val, "0123456789") == strlen(val) &&
	    strlen(val) < 12)
		n = strtoull(val, NULL, 10) << 20;
	else if (!bootopts_parse_size(val, &n))
		n = 0;
	if (!n)
		return bad(a, o, val, "want a size such as 512M or 4G");
	a->bo.plan.mem_size = n;
	return 0;
}

static int set_append(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	(void)o;
	a->bo.plan.cmdline = val;
	return 0;
}

static int set_initrd(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	if (a->bo.nr_initrds >= BOOTOPTS_INITRD_MAX)
		return bad(a, o, val, "too many initrds (16 at most)");
	a->bo.initrd_paths[a->bo.nr_initrds++] = val;
	return 0;
}

static int set_entry(struct cli_args *a, const struct cli_option *o,
		     const char *val)
{
	static const enum plan_entry entries[] = {
		PLAN_ENTRY_AUTO, PLAN_ENTRY_32,	 PLAN_ENTRY_64,
		PLAN_ENTRY_PVH,	 PLAN_ENTRY_ELF,
	};
	int k;

	if (!parse_word(val, o->values, &k))
		return bad(a, o, val, "want auto, 32, 64, pvh or elf");
	a->bo.plan.entry = entries[k];
	return 0;
}

static int set_cpus(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	uint64_t n;

	if (!parse_u64(val, 1, PLAN_CPUS_MAX, &n)) {
		cli_usage_error(a->name,
				"--%s '%s': want a number from 1 to %d",
				o->name, val, PLAN_CPUS_MAX);
		return -1;
	}
	a->bo.plan.cpus = (unsigned)n;
	return 0;
}

enum {
	FLAG_KEEP_SEGMENTS,
	FLAG_NO_RNG_SEED,
	FLAG_ACPI,
	FLAG_NO_ACPI,
	FLAG_NO_CACHE,
	FLAG_TIMINGS,
	FLAG_DEBUG,
	FLAG_NO_SANDBOX
};

static int set_flag(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	(void)val;
	switch (o->id) {
	case FLAG_KEEP_SEGMENTS:
		a->bo.plan.keep_segments = true;
		break;
	case FLAG_NO_RNG_SEED:
		a->bo.plan.no_rng_seed = true;
		break;
	case FLAG_ACPI:
		a->bo.plan.no_acpi = false;
		break;
	case FLAG_NO_ACPI:
		a->bo.plan.no_acpi = true;
		break;
	case FLAG_NO_CACHE:
		a->bo.no_cache = true;
		break;
	case FLAG_TIMINGS:
		a->run.timings = true;
		break;
	case FLAG_DEBUG:
		a->run.debug = true;
		break;
	case FLAG_NO_SANDBOX:
		a->run.sandbox.disabled = true;
		break;
	}
	return 0;
}

static int set_subarch(struct cli_args *a, const struct cli_option *o,
		       const char *val)
{
	uint64_t n;

	if (!parse_u64(val, 0, UINT32_MAX, &n))
		return bad(a, o, val, "want a 32-bit number");
	a->bo.plan.subarch = (uint32_t)n;
	return 0;
}

static int set_subarch_data(struct cli_args *a, const struct cli_option *o,
			    const char *val)
{
	uint64_t n;

	if (!parse_u64(val, 0, UINT64_MAX, &n))
		return bad(a, o, val, "want a 64-bit address");
	a->bo.plan.subarch_data = n;
	return 0;
}

static int set_decompress(struct cli_args *a, const struct cli_option *o,
			  const char *val)
{
	int k;

	if (!parse_word(val, o->values, &k))
		return bad(a, o, val, "want guest or host");
	a->bo.plan.decompress_host = k == 1;
	return 0;
}

/* ---- setters: run options ----------------------------------------------- */

static int set_accel(struct cli_args *a, const struct cli_option *o,
		     const char *val)
{
	static const enum accel_kind kinds[] = {ACCEL_AUTO, ACCEL_KVM,
						ACCEL_TCG};
	int k;

	if (!parse_word(val, o->values, &k))
		return bad(a, o, val, "want auto, kvm or tcg");
	a->run.accel = kinds[k];
	return 0;
}

static int set_timeout(struct cli_args *a, const struct cli_option *o,
		       const char *val)
{
	uint64_t n;

	if (!parse_u64(val, 0, 86400 * 365, &n))
		return bad(a, o, val,
			   "want seconds, from 0 (no timeout) to a year");
	a->run.timeout_s = (unsigned)n;
	return 0;
}

static int set_qemu(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	if (!*val)
		return bad(a, o, val, "want the path of qemu-system-x86_64");
	a->run.qemu = val;
	return 0;
}

/* ---- setters: devices --------------------------------------------------- */

static int set_disk(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	struct accel_devices *d = &a->run.devices;
	struct db_error err = {0};

	if (d->nr_disks == ACCEL_DISKS_MAX)
		return bad(a, o, val, "too many disks (4 at most)");
	if (virtio_blk_parse(val, &d->disks[d->nr_disks], &err)) {
		cli_usage_error(a->name, "%s", err.msg);
		return -1;
	}
	d->nr_disks++;
	return 0;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6];

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0],
				      &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return true;
}

static int set_net(struct cli_args *a, const struct cli_option *o,
		   const char *val)
{
	struct accel_devices *d = &a->run.devices;
	char buf[128], *opt, *save;

	if (strlen(val) >= sizeof(buf))
		return bad(a, o, val, "too long");
	strcpy(buf, val);
	d->net = true;
	for (opt = strtok_r(buf, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strcmp(opt, "tap")) {
			d->tap[0] = '\0';
		} else if (!strncmp(opt, "tap=", 4) && opt[4] &&
			   strlen(opt + 4) < sizeof(d->tap)) {
			strcpy(d->tap, opt + 4);
		} else if (!strncmp(opt, "mac=", 4) &&
			   parse_mac(opt + 4, d->mac)) {
			d->mac_set = true;
		} else {
			return bad(a, o, opt,
				   "want tap, tap=NAME (15 characters at "
				   "most) or mac=xx:xx:xx:xx:xx:xx");
		}
	}
	return 0;
}

static int set_console(struct cli_args *a, const struct cli_option *o,
		       const char *val)
{
	int k;

	if (!parse_word(val, o->values, &k))
		return bad(a, o, val, "want serial or virtio");
	a->run.devices.console = k == 1;
	return 0;
}

static int set_rng(struct cli_args *a, const struct cli_option *o,
		   const char *val)
{
	uint64_t v;

	a->run.devices.rng = true;
	if (!val)
		return 0;
	if (!bootopts_parse_size(val, &v) || !v || v > (1ull << 32))
		return bad(a, o, val,
			   "want bytes per second, 1 to 4G (K, M and G "
			   "allowed)");
	a->run.devices.rng_rate = v;
	return 0;
}

static int set_share(struct cli_args *a, const struct cli_option *o,
		     const char *val)
{
	struct accel_devices *d = &a->run.devices;
	struct accel_share *sh = &d->shares[d->nr_shares];
	struct virtio_fs_share s;
	struct db_error err = {0};

	_Static_assert(ACCEL_SHARE_TAG_MAX == VIRTIO_FS_TAG_MAX,
		       "accel.h's tag is virtio-fs's");
	if (d->nr_shares == ACCEL_SHARES_MAX)
		return bad(a, o, val, "too many shares (8 at most)");
	if (virtio_fs_parse_share(val, &s, &err)) {
		cli_usage_error(a->name, "%s", err.msg);
		return -1;
	}
	for (unsigned i = 0; i < d->nr_shares; i++)
		if (!strcmp(d->shares[i].tag, s.tag))
			return bad(a, o, val,
				   "two shares with one tag (give another "
				   "as HOSTDIR:TAG)");
	sh->dir = s.dir;
	memcpy(sh->tag, s.tag, sizeof(sh->tag));
	sh->ro = s.ro;
	d->nr_shares++;
	return 0;
}

/* ---- setters: sandbox --------------------------------------------------- */

static int set_user(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	struct accel_sandbox *s = &a->run.sandbox;

	if (!*val || !sandbox_find_user(val, &s->uid, &s->gid))
		return bad(a, o, val, "no such user in /etc/passwd");
	s->user = val;
	return 0;
}

static int set_chroot(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	if (!*val)
		return bad(a, o, val, "want a directory");
	a->run.sandbox.chroot_dir = val;
	return 0;
}

/* ---- setters: the kernel developer's loop (cli/devloop.c) ------------- */

static int set_rootfs(struct cli_args *a, const struct cli_option *o,
		      const char *val)
{
	if (!*val)
		return bad(a, o, val, "want a directory");
	a->loop.rootfs = val;
	return 0;
}

static int set_modules(struct cli_args *a, const struct cli_option *o,
		       const char *val)
{
	if (!*val)
		return bad(a, o, val, "want a lib/modules/RELEASE directory");
	a->loop.modules = val;
	return 0;
}

static int set_help(struct cli_args *a, const struct cli_option *o,
		    const char *val)
{
	(void)a, (void)o, (void)val;
	return 1;
}

/* ---- the table ---------------------------------------------------------- */

static const struct cli_option options[] = {
	/* The commands' own. */
	{.name = "json",
	 .cmds = CMD_INSPECT,
	 .group = GROUP_COMMAND,
	 .help = "write the same as one JSON object",
	 .set = set_json},
	{.name = "output",
	 .shrt = 'o',
	 .arg = ARG_REQUIRED,
	 .metavar = "FILE",
	 .cmds = CMD_EXTRACT,
	 .group = GROUP_COMMAND,
	 .help = "where to write (replaced atomically; - is standard\noutput)",
	 .set = set_output},
	{.name = "with-relocs",
	 .cmds = CMD_EXTRACT,
	 .group = GROUP_COMMAND,
	 .help = "keep the relocation table that follows the ELF in\nthe "
		 "payload "
		 "(the whole decompressed stream)",
	 .set = set_with_relocs},
	{.name = "json",
	 .cmds = CMD_PLAN,
	 .group = GROUP_COMMAND,
	 .help = "print the plan as JSON",
	 .set = set_json},
	{.name = "help",
	 .shrt = 'h',
	 .cmds = CMD_ALL,
	 .group = GROUP_COMMAND,
	 .help = "this text",
	 .set = set_help},

	/* Boot options: what the plan needs. */
	{.name = "kernel",
	 .shrt = 'k',
	 .arg = ARG_REQUIRED,
	 .metavar = "IMAGE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "the kernel image, as the IMAGE operand (lkvm's -k)",
	 .set = set_kernel},
	{.name = "memory",
	 .shrt = 'm',
	 .arg = ARG_REQUIRED,
	 .metavar = "SIZE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "guest RAM: 512M, 4G, or a bare number of MiB\n(default 512M)",
	 .set = set_memory},
	{.name = "append",
	 .shrt = 'a',
	 .arg = ARG_REQUIRED,
	 .metavar = "CMDLINE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "kernel command line (run without it:\nconsole=ttyS0, or "
		 "console=hvc0 with --console virtio)",
	 .set = set_append},
	{.name = "cmdline",
	 .arg = ARG_REQUIRED,
	 .metavar = "CMDLINE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "the same as --append",
	 .set = set_append},
	{.name = "params",
	 .shrt = 'p',
	 .arg = ARG_REQUIRED,
	 .metavar = "CMDLINE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "the same as --append (lkvm's -p)",
	 .set = set_append},
	{.name = "initrd",
	 .shrt = 'i',
	 .arg = ARG_REQUIRED,
	 .metavar = "FILE",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "initrd; repeat to concatenate several",
	 .set = set_initrd},
	{.name = "cpus",
	 .shrt = 'c',
	 .arg = ARG_REQUIRED,
	 .metavar = "N",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "vCPUs, 1 to 64 (default 1)",
	 .set = set_cpus},
	{.name = "entry",
	 .arg = ARG_REQUIRED,
	 .cmds = CMD_BOOT,
	 .values = entry_words,
	 .group = GROUP_BOOT,
	 .help = "auto, 32, 64, pvh or elf (default auto:\n64 for an "
		 "XLF_KERNEL_64 "
		 "bzImage, else 32;\npvh for an ELF with the PVH note, else "
		 "elf,\n32-bit for an ELF32)",
	 .set = set_entry},
	{.name = "keep-segments",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "set KEEP_SEGMENTS in loadflags",
	 .set = set_flag,
	 .id = FLAG_KEEP_SEGMENTS},
	{.name = "subarch",
	 .arg = ARG_REQUIRED,
	 .metavar = "N",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "hardware_subarch (0 PC, 1 lguest, 2 Xen)",
	 .set = set_subarch},
	{.name = "subarch-data",
	 .arg = ARG_REQUIRED,
	 .metavar = "ADDR",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "hardware_subarch_data",
	 .set = set_subarch_data},
	{.name = "no-rng-seed",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "leave out the SETUP_RNG_SEED setup_data",
	 .set = set_flag,
	 .id = FLAG_NO_RNG_SEED},
	{.name = "acpi",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "ACPI tables (RSDP, FADT, MADT, DSDT with the\nlegacy and "
		 "virtio devices): the default",
	 .set = set_flag,
	 .id = FLAG_ACPI},
	{.name = "no-acpi",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "no ACPI tables: the kernel finds its CPUs in the\nMP table, "
		 "its devices on the command line",
	 .set = set_flag,
	 .id = FLAG_NO_ACPI},
	{.name = "decompress",
	 .arg = ARG_REQUIRED,
	 .cmds = CMD_BOOT,
	 .values = decompress_words,
	 .group = GROUP_BOOT,
	 .help = "guest (the kernel's own decompressor) or\nhost (load the "
		 "payload's vmlinux ELF)",
	 .set = set_decompress},
	{.name = "no-cache",
	 .cmds = CMD_BOOT,
	 .group = GROUP_BOOT,
	 .help = "with --decompress host, do not use the\ncache in "
		 "$XDG_CACHE_HOME/directboot",
	 .set = set_flag,
	 .id = FLAG_NO_CACHE},

	/* Run options: the accelerator. */
	{.name = "accel",
	 .arg = ARG_REQUIRED,
	 .cmds = CMD_RUN,
	 .values = accel_words,
	 .group = GROUP_RUN,
	 .help = "auto, kvm or tcg (default auto: kvm when a\ncalibration "
		 "guest shows KVM is not emulated, else tcg;\nwith a virtio "
		 "device, kvm without calibrating)",
	 .set = set_accel},
	{.name = "timeout",
	 .arg = ARG_REQUIRED,
	 .metavar = "SECONDS",
	 .cmds = CMD_RUN,
	 .group = GROUP_RUN,
	 .help = "stop the guest after SECONDS and exit 124\n(0, the default: "
		 "no "
		 "timeout)",
	 .set = set_timeout},
	{.name = "timings",
	 .cmds = CMD_RUN,
	 .group = GROUP_RUN,
	 .help = "print each phase's duration and the memory used",
	 .set = set_flag,
	 .id = FLAG_TIMINGS},
	{.name = "debug",
	 .cmds = CMD_RUN,
	 .group = GROUP_RUN,
	 .help = "name unknown port and MMIO accesses, once each;\nwith tcg, "
		 "QEMU's "
		 "own messages too",
	 .set = set_flag,
	 .id = FLAG_DEBUG},
	{.name = "qemu",
	 .arg = ARG_REQUIRED,
	 .metavar = "PATH",
	 .cmds = CMD_RUN,
	 .group = GROUP_RUN,
	 .help = "qemu-system-x86_64 for --accel tcg",
	 .set = set_qemu},

	/* Devices. */
	{.name = "disk",
	 .arg = ARG_REQUIRED,
	 .metavar = "PATH[,ro][,cache=none|writeback]",
	 .cmds = CMD_RUN,
	 .group = GROUP_DEVICES,
	 .help = "a virtio-blk disk on a raw image (repeatable, up to 4)",
	 .set = set_disk},
	{.name = "net",
	 .arg = ARG_REQUIRED,
	 .metavar = "tap[=NAME][,mac=xx:xx:xx:xx:xx:xx]",
	 .cmds = CMD_RUN,
	 .group = GROUP_DEVICES,
	 .help = "virtio-net on TAP NAME, or a new TAP",
	 .set = set_net},
	{.name = "console",
	 .arg = ARG_REQUIRED,
	 .cmds = CMD_RUN,
	 .values = console_words,
	 .group = GROUP_DEVICES,
	 .help = "virtio: the guest's hvc0 on stdin/stdout (COM1\nstays for "
		 "earlyprintk); serial (the default): COM1",
	 .set = set_console},
	{.name = "rng",
	 .arg = ARG_OPTIONAL,
	 .metavar = "RATE",
	 .cmds = CMD_RUN,
	 .group = GROUP_DEVICES,
	 .help = "virtio-rng from getrandom(), at most RATE bytes/s",
	 .set = set_rng},
	{.name = "share",
	 .arg = ARG_REQUIRED,
	 .metavar = "HOSTDIR[:TAG][,ro]",
	 .cmds = CMD_RUN,
	 .group = GROUP_DEVICES,
	 .help = "virtio-fs on HOSTDIR through virtiofsd, mount tag TAG\n"
		 "(default: its base name); repeatable, up to 8",
	 .set = set_share},

	/* Sandbox. */
	{.name = "no-sandbox",
	 .cmds = CMD_RUN,
	 .group = GROUP_SANDBOX,
	 .help = "no seccomp filter (for debugging)",
	 .set = set_flag,
	 .id = FLAG_NO_SANDBOX},
	{.name = "user",
	 .arg = ARG_REQUIRED,
	 .metavar = "NAME|UID",
	 .cmds = CMD_RUN,
	 .group = GROUP_SANDBOX,
	 .help = "once set up, run as this user",
	 .set = set_user},
	{.name = "chroot",
	 .arg = ARG_REQUIRED,
	 .metavar = "DIR",
	 .cmds = CMD_RUN,
	 .group = GROUP_SANDBOX,
	 .help = "once set up, with DIR as the root directory",
	 .set = set_chroot},

	/* The kernel developer's loop (run IMAGE [...] -- CMD ARGS...). */
	{.name = "rootfs",
	 .arg = ARG_REQUIRED,
	 .metavar = "DIR",
	 .cmds = CMD_RUN,
	 .group = GROUP_LOOP,
	 .help = "boot on DIR, read-only under a tmpfs overlay\n(virtio-fs; "
		 "/ when a -- CMD is given); without\n-- CMD: a shell",
	 .set = set_rootfs},
	{.name = "modules",
	 .arg = ARG_REQUIRED,
	 .metavar = "DIR",
	 .cmds = CMD_RUN,
	 .group = GROUP_LOOP,
	 .help = "the lib/modules/RELEASE tree of the modules\nthe kernel "
		 "lacks (default: /lib/modules/RELEASE)",
	 .set = set_modules},
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

static const char *const group_titles[NR_GROUPS] = {
	[GROUP_COMMAND] = "Options:",
	[GROUP_BOOT] = "Boot options:",
	[GROUP_RUN] = "Run options:",
	[GROUP_DEVICES] =
		"Devices (virtio-mmio, --accel kvm only; tcg refuses them):",
	[GROUP_SANDBOX] = "Sandbox (--accel kvm; on unless --no-sandbox):",
	[GROUP_LOOP] = "The kernel developer's loop (run IMAGE [OPTIONS] -- "
		       "CMD ARGS...):",
};

/* ---- QEMU's spellings --------------------------------------------------- */

static const struct {
	const char *qemu, *ours;
} qemu_words[] = {
	{"-kernel", "IMAGE (or -k IMAGE)"},
	{"-append", "-a CMDLINE"},
	{"-initrd", "-i FILE"},
	{"-smp", "-c N"},
	{"-nographic", "nothing: the console is on stdin/stdout already"},
	{"-enable-kvm", "--accel kvm"},
	{"-accel", "--accel KIND"},
	{"-machine", "nothing: the machine is directboot's own"},
	{"-M", "nothing: the machine is directboot's own"},
	{"-drive", "--disk PATH"},
	{"-hda", "--disk PATH"},
	{"-serial", "--console serial"},
	{"-cpu", "nothing: the guest gets the host's CPU model"},
	{"-no-reboot", "nothing: a guest reset ends the run already"},
};

static const char *qemu_hint(const char *arg)
{
	for (size_t k = 0; k < sizeof(qemu_words) / sizeof(qemu_words[0]); k++)
		if (!strcmp(arg, qemu_words[k].qemu))
			return qemu_words[k].ours;
	return NULL;
}

/* ---- parsing ------------------------------------------------------------ */

static const struct cli_option *find_long(unsigned cmd, const char *name,
					  size_t len)
{
	for (size_t k = 0; k < NR_OPTIONS; k++)
		if ((options[k].cmds & cmd) && strlen(options[k].name) == len &&
		    !strncmp(options[k].name, name, len))
			return &options[k];
	return NULL;
}

static const struct cli_option *find_short(unsigned cmd, char c)
{
	for (size_t k = 0; k < NR_OPTIONS; k++)
		if ((options[k].cmds & cmd) && options[k].shrt == c)
			return &options[k];
	return NULL;
}

/* Does any command take this option?  For a sharper message. */
static const char *owner_of(const char *name, size_t len)
{
	static const char *const names[] = {"inspect", "extract", "plan",
					    "run"};

	for (size_t k = 0; k < NR_OPTIONS; k++)
		if (strlen(options[k].name) == len &&
		    !strncmp(options[k].name, name, len))
			for (unsigned b = 0; b < 4; b++)
				if (options[k].cmds & (1u << b))
					return names[b];
	return NULL;
}

static int unknown(const struct cli_args *a, const char *arg)
{
	const char *hint = qemu_hint(arg);
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const char *owner;

	if (hint)
		return cli_usage_error(a->name, "'%s' is QEMU's; here it is %s",
				       arg, hint);
	if (arg[1] == '-' && (owner = owner_of(arg + 2, len > 2 ? len - 2 : 0)))
		return cli_usage_error(a->name,
				       "'%.*s' is an option of 'directboot "
				       "%s', not of '%s'",
				       (int)len, arg, owner, a->name);
	return cli_usage_error(a->name, "unknown option '%s'", arg);
}

/* Call o's setter: 0 go on, 1 --help, EXIT_USAGE a bad value. */
static int take(struct cli_args *a, const struct cli_option *o, const char *val)
{
	int r = o->set(a, o, val);

	return r < 0 ? EXIT_USAGE : r;
}

/* "--name", "--name=VALUE"; *i moves past a VALUE in the next word. */
static int parse_long(struct cli_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	const struct cli_option *o = find_long(a->cmd, arg + 2, len);

	if (!o)
		return unknown(a, arg);
	if (o->arg == ARG_NONE && eq)
		return cli_usage_error(a->name, "--%s takes no value ('%s')",
				       o->name, arg);
	if (eq || o->arg == ARG_OPTIONAL)
		return take(a, o, eq ? eq + 1 : NULL);
	if (o->arg == ARG_NONE)
		return take(a, o, NULL);
	if (*i + 1 >= argc)
		return cli_usage_error(a->name, "--%s needs a value", o->name);
	return take(a, o, argv[++*i]);
}

/* "-x" alone; its value, if it takes one, is the next word. */
static int parse_short(struct cli_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const struct cli_option *o = arg[2] ? NULL : find_short(a->cmd, arg[1]);

	if (!o) {
		o = qemu_hint(arg) ? NULL : find_short(a->cmd, arg[1]);
		if (o && o->arg == ARG_REQUIRED)
			return cli_usage_error(
				a->name,
				"'%s': write '-%c %s' or '--%s=%s' (a short "
				"option's value is the next word)",
				arg, o->shrt, arg + 2, o->name, arg + 2);
		return unknown(a, arg);
	}
	if (o->arg != ARG_REQUIRED)
		return take(a, o, NULL);
	if (*i + 1 >= argc)
		return cli_usage_error(a->name, "-%c needs a %s", o->shrt,
				       o->metavar ? o->metavar : "value");
	return take(a, o, argv[++*i]);
}

static int operand(struct cli_args *a, const char *arg)
{
	if (a->image)
		return cli_usage_error(a->name,
				       "one IMAGE only ('%s' and '%s')",
				       a->image, arg);
	a->image = arg;
	return 0;
}

/* run IMAGE [OPTIONS] -- CMD ARGS...: the words after "--" once IMAGE
 * is known are the guest's command, every one as it is (docs/devloop.md). */
static int command_words(struct cli_args *a, int argc, char **argv)
{
	if (!argc)
		return cli_usage_error(a->name, "'--' after IMAGE wants a "
						"command: -- CMD ARGS...");
	a->loop.argv = argv;
	a->loop.argc = argc;
	return 0;
}

void cli_args_init(struct cli_args *a, unsigned cmd, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->name = name;
	bootopts_init(&a->bo);
	a->run.accel = ACCEL_AUTO;
}

int cli_parse(struct cli_args *a, int argc, char **argv)
{
	bool options_end = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r;

		if (a->cmd == CMD_RUN && a->image && !strcmp(arg, "--"))
			return command_words(a, argc - i - 1, argv + i + 1);
		if (options_end || arg[0] != '-' || !arg[1])
			r = operand(a, arg);
		else if (!strcmp(arg, "--"))
			options_end = true, r = 0;
		else if (arg[1] == '-')
			r = parse_long(a, argc, argv, &i);
		else
			r = parse_short(a, argc, argv, &i);
		if (r)
			return r;
	}
	if (!a->image)
		return cli_usage_error(a->name, "no IMAGE given");
	return 0;
}

int cli_parse_command(struct cli_args *a, int argc, char **argv,
		      void (*usage)(FILE *f))
{
	int ret = cli_parse(a, argc, argv);

	if (!ret)
		return -1;
	if (ret == 1) {
		usage(stdout);
		ret = 0;
	}
	bootopts_free(&a->bo);
	return ret;
}

/* ---- help --------------------------------------------------------------- */

#define HELP_COLUMN 26

static void print_option(FILE *f, const struct cli_option *o)
{
	char head[96];
	const char *line = o->help, *nl;
	int n;

	if (o->shrt)
		n = snprintf(head, sizeof(head), "  -%c, --%s", o->shrt,
			     o->name);
	else
		n = snprintf(head, sizeof(head), "      --%s", o->name);
	if (o->values) {
		for (int k = 0; o->values[k]; k++)
			n += snprintf(head + n, sizeof(head) - (size_t)n,
				      "%c%s", k ? '|' : ' ', o->values[k]);
	} else if (o->arg != ARG_NONE) {
		snprintf(head + n, sizeof(head) - (size_t)n,
			 o->arg == ARG_OPTIONAL ? "[=%s]" : " %s", o->metavar);
	}
	if (strlen(head) >= HELP_COLUMN)
		fprintf(f, "%s\n%*s", head, HELP_COLUMN, "");
	else
		fprintf(f, "%-*s", HELP_COLUMN, head);
	while ((nl = strchr(line, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - line), line, HELP_COLUMN,
			"");
		line = nl + 1;
	}
	fprintf(f, "%s\n", line);
}

void cli_options_usage(FILE *f, unsigned cmd)
{
	bool first = true;

	for (unsigned g = 0; g < NR_GROUPS; g++) {
		bool titled = false;

		for (size_t k = 0; k < NR_OPTIONS; k++) {
			if (options[k].group != g || !(options[k].cmds & cmd))
				continue;
			if (!titled) {
				fprintf(f, "%s%s\n", first ? "" : "\n",
					group_titles[g]);
				first = false;
			}
			titled = true;
			print_option(f, &options[k]);
		}
	}
}
