/* SPDX-License-Identifier: MIT */
/*
 * The boot plan: everything a loader decides, as plain data.  A plan is
 * a memory map, a list of (guest physical address, bytes) placements,
 * the ranges it reserved, and the vCPU state at entry.  Nothing here
 * touches /dev/kvm: a VMM applies a plan by copying each placement into
 * guest RAM and loading the CPU state (see vmm/ for KVM, and the tcg
 * trampoline for QEMU).
 */
#ifndef DIRECTBOOT_PLAN_H
#define DIRECTBOOT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

enum plan_entry {
	PLAN_ENTRY_AUTO = 0,
	PLAN_ENTRY_32,  /* 32-bit boot protocol, ESI = boot_params */
	PLAN_ENTRY_64,  /* 64-bit boot protocol, RSI = boot_params */
	PLAN_ENTRY_PVH, /* PVH note, EBX = hvm_start_info */
	PLAN_ENTRY_ELF, /* long mode at e_entry, RSI = boot_params */
};

struct plan_options {
	uint64_t mem_size;        /* bytes of guest RAM */
	const char *cmdline;      /* NULL means "" */
	const uint8_t *initrd;    /* already concatenated; NULL for none */
	size_t initrd_size;
	enum plan_entry entry;
	bool keep_segments;       /* set KEEP_SEGMENTS in loadflags */
	uint32_t subarch;         /* hardware_subarch */
	uint64_t subarch_data;    /* hardware_subarch_data */
	bool no_rng_seed;         /* leave out SETUP_RNG_SEED */
	const uint8_t *rng_seed;  /* SETUP_RNG_SEED_LEN bytes; NULL: getrandom() */
	bool decompress_host;     /* load the payload ELF, decompressed here */
	const uint8_t *elf;       /* with decompress_host: an already
	                             decompressed payload (a cache hit); NULL
	                             makes plan_build decompress it */
	size_t elf_size;
	unsigned cpus;            /* 0 means 1; at most PLAN_CPUS_MAX */
	unsigned nr_virtio;       /* virtio-mmio devices to give windows */
	bool no_acpi;             /* leave out the ACPI tables */
};

/* One e820 / memmap range. */
struct plan_region {
	uint64_t start;
	uint64_t size;
	uint32_t type; /* E820_TYPE_* */
};

/* Bytes to copy to guest RAM.  data points into the image, the caller's
 * initrd or memory the plan owns; it stays valid until plan_free(). */
struct plan_placement {
	uint64_t gpa;
	const uint8_t *data;
	uint64_t size;      /* bytes copied */
	uint64_t mem_size;  /* bytes reserved; past size is zero */
	const char *what;   /* "kernel", "boot_params", "cmdline", ... */
};

/* A range nothing else may use, with why. */
struct plan_reservation {
	uint64_t start;
	uint64_t size;
	const char *what;
};

/* A segment register's hidden part, as KVM's struct kvm_segment has it:
 * limit in bytes (0xffffffff with g=1 for flat), type the 4-bit
 * descriptor type.  present == 0 marks an unusable segment (the LDT). */
struct plan_segment {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;
	uint8_t type, s, dpl, present, avl, l, db, g;
};

/* The vCPU at entry. */
struct plan_cpu {
	int mode; /* 32: protected mode, paging off; 64: long mode */
	uint64_t rip, rsp, rflags;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t cr0, cr3, cr4, efer;
	struct plan_segment cs, ds, es, fs, gs, ss, tr, ldt;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint64_t idt_base;
	uint16_t idt_limit;
};

/* A virtio-mmio device's register window and interrupt line. */
struct plan_mmio_window {
	uint64_t gpa;
	uint32_t size;
	uint32_t irq;
};

/* The most vCPUs a plan describes (its MP table and MADT list them). */
#define PLAN_CPUS_MAX 64
#define PLAN_REGIONS_MAX 8
#define PLAN_VIRTIO_MAX 8
#define VIRTIO_MMIO_WINDOW 512
#define PLAN_PLACEMENTS_MAX 32
#define PLAN_RESERVATIONS_MAX 32

struct plan {
	enum plan_entry entry; /* resolved, never AUTO */
	uint64_t mem_size;

	unsigned nr_regions;
	struct plan_region regions[PLAN_REGIONS_MAX];
	unsigned nr_placements;
	struct plan_placement placements[PLAN_PLACEMENTS_MAX];
	unsigned nr_reservations;
	struct plan_reservation reservations[PLAN_RESERVATIONS_MAX];
	struct plan_cpu cpu;

	/* The decisions, for reports and tests. */
	uint64_t kernel_gpa, kernel_size;   /* [load, load + init_size) */
	uint64_t boot_params_gpa;           /* 0 when the entry has none */
	uint64_t start_info_gpa;            /* PVH only */
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa, initrd_size;
	uint64_t page_tables_gpa, page_tables_size;
	const char *cmdline;                /* as placed, devices' included */
	unsigned nr_virtio;                 /* windows, in device order */
	struct plan_mmio_window virtio[PLAN_VIRTIO_MAX];
	uint64_t mptable_gpa;               /* MP config table; 0: none */
	unsigned cpus;                      /* vCPUs, 1 to PLAN_CPUS_MAX */
	/* Which rule placed the kernel and the initrd, in words. */
	const char *kernel_rule, *initrd_rule;

	void *owned; /* memory the placements point into */
};

/*
 * Build a plan for image (a bzImage or an ELF) with opts.  On success
 * *out is a plan the caller releases with plan_free(); it refers to
 * image, opts->initrd and opts->elf, which must outlive it (the command
 * line is copied).  The decisions are documented in docs/plan.md and
 * lib/plan_int.h.  Returns DB_OK,
 * DB_ERR_INPUT (the image or an option breaks a rule: the message says
 * which, with the sizes) or DB_ERR_HOST (out of memory, no entropy).
 */
DB_EXPORT
int plan_build(const uint8_t *image, size_t image_size,
	       const struct plan_options *opts, struct plan **out,
	       struct db_error *err);

/* Release a plan from plan_build() and the memory it owns; the
 * placements' data pointers into it die with it.  NULL is a no-op. */
DB_EXPORT
void plan_free(struct plan *plan);

/* "auto", "32", "64", "pvh" or "elf" ("?" out of range): static, never
 * freed.  Cannot fail. */
DB_EXPORT
const char *plan_entry_name(enum plan_entry entry);

#endif
