/* SPDX-License-Identifier: MIT */
/*
 * The contract between the front end (cli/) and the two accelerators
 * (vmm/ for KVM, tcg/ for QEMU's software CPU).  It belongs to neither
 * side, as kvmtool's kvm-config.h belongs to no front end: cli/ fills an
 * accel_config from its option table and hands it over with a plan; an
 * accelerator runs the plan and returns an exit status, with a db_error
 * when the run could not start or the host failed it.  Neither
 * accelerator parses argv or prints on its own: what the user should see
 * while the guest runs (a crash's registers, --debug notes, --timings)
 * goes through the hooks, which cli/ points at stderr.
 *
 * Dependencies: include/ <- lib/ <- devices/ <- accel/ <- vmm/, tcg/ <-
 * cli/.  This header may name devices' option records (a disk's path and
 * flags), never a vmm/ or cli/ type.
 */
#ifndef DIRECTBOOT_ACCEL_H
#define DIRECTBOOT_ACCEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../devices/virtio_blk.h"
#include "directboot/error.h"
#include "directboot/plan.h"

/* Exit statuses (DESIGN.md, "Errors"; directboot(1), EXIT STATUS). */
enum {
	EXIT_GUEST_OK = 0,    /* guest reset, powered off, or halted for
				 good (ACCEL_HALT_NOTE) */
	EXIT_GUEST_CRASH = 1, /* triple fault, KVM internal error */
	EXIT_USAGE = 2,	      /* bad usage or bad image */
	EXIT_HOST = 3,	      /* host resources: /dev/kvm, memory */
	EXIT_GUEST_PANIC = 4, /* the guest kernel panicked (accel/panic.h) */
	EXIT_TIMEOUT = 124,   /* --timeout ran out */
	EXIT_SIGNAL = 128,    /* + N: signal N stopped the guest */
};

enum accel_kind { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

/* What both accelerators say when --timeout stops the guest, one
 * wording (its argument: the seconds). */
#define ACCEL_TIMEOUT_NOTE "--timeout %u s reached, guest stopped"

/* What both say when the guest halted with nothing left to wake it
 * (every CPU in HLT with interrupts off, or never started), which ends
 * the run with EXIT_GUEST_OK: Linux's halt, and its poweroff when there
 * is no ACPI to power off with.  See vmm/run.c and tcg/tcg.c. */
#define ACCEL_HALT_NOTE                                                        \
	"guest halted: every CPU stopped with interrupts off, nothing can "    \
	"wake it"

#define ACCEL_DISKS_MAX 4

/* The virtio-mmio devices of a run (--disk, --net, --console, --rng). */
#define ACCEL_SHARES_MAX 8
#define ACCEL_SHARE_TAG_MAX 36 /* virtio-fs config space: tag[36] */

struct accel_share {
	const char *dir;		   /* host directory */
	char tag[ACCEL_SHARE_TAG_MAX + 1]; /* default: dir's base name */
	bool ro;
};

struct accel_devices {
	unsigned nr_disks;
	struct virtio_blk_opts disks[ACCEL_DISKS_MAX];
	bool net;
	char tap[16]; /* --net tap=NAME; "": create one */
	uint8_t mac[6];
	bool mac_set;
	bool console;	   /* --console virtio */
	bool rng;	   /* --rng */
	uint64_t rng_rate; /* bytes per second; 0: unlimited */
	/* --share HOSTDIR[:TAG][,ro]: virtio-fs devices served by virtiofsd
	 * over vhost-user; attached after the rng, in this order. */
	unsigned nr_shares;
	struct accel_share shares[ACCEL_SHARES_MAX];
};

/* What the launcher gives up before the guest runs (vmm/sandbox.c). */
struct accel_sandbox {
	bool disabled;	  /* --no-sandbox */
	const char *user; /* --user NAME|UID; NULL: stay */
	uid_t uid;
	gid_t gid;
	const char *chroot_dir; /* --chroot DIR; NULL: stay */
};

/*
 * Where an accelerator's words go.  timing() gets one phase and its
 * duration (--timings); note() one line for the user, without the
 * newline (a crash's register dump is several lines in one call).
 * Either may be NULL: then nothing is said.
 */
struct accel_hooks {
	void (*timing)(void *ctx, const char *name, uint64_t ns);
	void (*note)(void *ctx, const char *text);
	void *ctx;
};

struct accel_config {
	enum accel_kind accel;
	bool debug;	     /* note unknown port/MMIO accesses, once each */
	bool timings;	     /* report each phase's duration */
	unsigned timeout_s;  /* 0: none; else EXIT_TIMEOUT when reached */
	const char *qemu;    /* qemu-system-x86_64 for tcg; NULL: from PATH */
	uint64_t t_start_ns; /* accel_now_ns() at exec, for --timings */
	struct accel_devices devices;
	struct accel_sandbox sandbox;
	/* run -- CMD (docs/devloop.md): the guest's init reports CMD's
	 * status on DEVLOOP_STATUS_PORT (directboot/pc.h), and COM1, the
	 * kernel's console, stays off stdout (stderr with --debug). */
	bool devloop;
	struct accel_hooks hooks;
};

/* Devices that need a register window in the plan, in attach order:
 * disks, net, console, rng, shares. */
unsigned accel_devices_count(const struct accel_devices *d);

/* The one clock: CLOCK_MONOTONIC in nanoseconds. */
uint64_t accel_now_ns(void);

/* Report a phase's duration through the hooks (if --timings asked). */
void accel_timing(const struct accel_config *cfg, const char *name,
		  uint64_t ns);

/* Say one line through the hooks. */
void accel_note(const struct accel_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void accel_vnote(const struct accel_config *cfg, const char *fmt, va_list ap);

/* The exit status a failed set-up maps to: EXIT_HOST for DB_ERR_HOST,
 * EXIT_USAGE for everything else. */
int accel_error_status(const struct db_error *err);

#endif
