/* SPDX-License-Identifier: MIT */
/*
 * The plan's building blocks, shared by lib/plan.c (the orchestration)
 * and the files that each decide one thing: layout.c (addresses),
 * e820.c (the memory map), zeropage.c (boot_params and setup_data),
 * pagetables.c (the identity map), pvh.c (hvm_start_info),
 * plan_devices.c (the virtio-mmio windows) and entry.c (GDT and CPU
 * state); acpi.c and mptable.c have their headers in
 * include/directboot/.  Each of them fills a buffer or answers a
 * question; plan.c takes the memory and places it through layout.c.
 * Not installed: a VMM sees only struct plan.
 *
 * The fixed low addresses, all inside the first 640 KiB of RAM, which
 * every Linux since 2.6 leaves alone until it has copied what it needs:
 *
 *	0x00500  GDT (null, null, 0x10 code, 0x18 data, 0x20 TSS)
 *	0x07000  boot_params (the zero page), one page
 *	0x20000  the command line, cmdline_size + 1 bytes at most
 *
 * Everything else low (setup_data, hvm_start_info, page tables, the
 * boot stack) takes the lowest free page from 0x1000 up; the kernel and
 * the initrd go above 1 MiB.  These are the choices of QEMU's and
 * lguest's loaders too, give or take a page.
 */
#ifndef DIRECTBOOT_LIB_PLAN_INT_H
#define DIRECTBOOT_LIB_PLAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "directboot/bootparam.h"
#include "directboot/hvm_start_info.h"
#include "directboot/plan.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the plan writes x86 structures in host byte order"
#endif

#define PLAN_PAGE 0x1000ull
#define PLAN_GDT_GPA 0x500ull
#define PLAN_BOOT_PARAMS_GPA 0x7000ull
#define PLAN_CMDLINE_GPA 0x20000ull
#define PLAN_LOW_ALLOC_MIN 0x1000ull
#define PLAN_BOOT_STACK_SIZE 0x1000ull
/* The MP floating pointer: where Linux's mpparse.c looks first, the
 * first KiB of memory. */
#define PLAN_MPF_GPA 0x0ull

/* The memory map (e820.c). */
#define PLAN_LOW_RAM_END 0x9fc00ull	/* end of conventional RAM */
#define PLAN_HIGH_RAM_START 0x100000ull /* 1 MiB */
#define PLAN_HOLE_START (3ull << 30)	/* the 32-bit hole for MMIO */
#define PLAN_HOLE_END (4ull << 30)
#define PLAN_MEM_MIN (2ull << 20)
#define PLAN_MEM_MAX (512ull << 30) /* one PML4 entry of 1 GiB slots */

/* boot.rst's sample boot configuration: the real-mode heap ends at
 * 0xe000 of the setup segment, and heap_end_ptr is that minus 0x200. */
#define PLAN_HEAP_END 0xe000
/* A bare ELF has no header to ask: Linux's own header.S says
 * COMMAND_LINE_SIZE - 1 and initrd_addr_max 0x7fffffff. */
#define PLAN_ELF_CMDLINE_SIZE 2047u
#define PLAN_ELF_INITRD_ADDR_MAX 0x7fffffffu

/* GDT selectors (boot.rst: __BOOT_CS and __BOOT_DS). */
#define PLAN_BOOT_CS 0x10
#define PLAN_BOOT_DS 0x18
#define PLAN_BOOT_TSS 0x20
#define PLAN_GDT_ENTRIES 6 /* the TSS descriptor takes two */
#define PLAN_GDT_SIZE (PLAN_GDT_ENTRIES * 8)

/* Control register and EFER bits the entry states use. */
#define X86_CR0_PE (1ull << 0)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_RFLAGS_FIXED 0x2ull

/* Page-table entry bits (pagetables.c). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PT_SLOTS 512 /* 1 GiB slots under the one PML4 entry we fill */

/* plan.c: memory the plan owns, freed by plan_free(). */
void *plan_alloc(struct plan *plan, size_t size);
char *plan_strdup_fmt(struct plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* e820.c */
int e820_build(uint64_t mem_size, struct plan_region *r, unsigned max,
	       unsigned *nr, struct db_error *err);
/* End of the RAM that starts at 1 MiB: min(mem, 3 GiB). */
uint64_t e820_low_ram_top(const struct plan_region *r, unsigned n);
/* Write the first E820_MAX_ENTRIES_ZEROPAGE regions into bp; return how
 * many did not fit (they go to e820_ext_encode). */
unsigned e820_to_zeropage(struct boot_params *bp, const struct plan_region *r,
			  unsigned n);
/* A SETUP_E820_EXT payload: n boot_e820_entry, 20 bytes each. */
#define E820_EXT_SIZE(n) ((size_t)(n) * sizeof(struct boot_e820_entry))
void e820_ext_encode(uint8_t *dst, const struct plan_region *r, unsigned n);

/* layout.c */
bool layout_in_ram(const struct plan *plan, uint64_t start, uint64_t size);
const struct plan_reservation *layout_conflict(const struct plan *plan,
					       uint64_t start, uint64_t size);
int layout_reserve(struct plan *plan, uint64_t start, uint64_t size,
		   const char *what, struct db_error *err);
int layout_place(struct plan *plan, uint64_t gpa, const void *data,
		 uint64_t size, uint64_t mem_size, const char *what,
		 struct db_error *err);
/* Lowest free page-aligned range in [lo, hi) that is RAM, or false. */
bool layout_find_lowest(const struct plan *plan, uint64_t size, uint64_t align,
			uint64_t lo, uint64_t hi, uint64_t *gpa);
bool layout_find_highest(const struct plan *plan, uint64_t size, uint64_t align,
			 uint64_t lo, uint64_t hi, uint64_t *gpa);
/* Reserve and place size bytes low (below 1 MiB). */
int layout_low(struct plan *plan, const void *data, uint64_t size,
	       const char *what, uint64_t *gpa, struct db_error *err);

struct bzimage;
int layout_kernel(struct plan *plan, const struct bzimage *bz,
		  struct db_error *err);
/* limit: the highest address the initrd's last byte may have. */
int layout_initrd(struct plan *plan, const uint8_t *data, uint64_t size,
		  uint64_t limit, bool above_4g, struct db_error *err);
/* The final check: placements inside reservations, reservations in RAM
 * and apart from each other. */
int layout_check(const struct plan *plan, struct db_error *err);

/* zeropage.c */
struct zeropage_args {
	const uint8_t *image; /* the bzImage, or NULL for a bare ELF */
	size_t image_size;
	uint64_t kernel_gpa; /* a relocated bzImage's load address,
				     written to code32_start; 0: leave it */
	uint64_t cmdline_gpa;
	size_t cmdline_len; /* without the NUL */
	uint64_t initrd_gpa, initrd_size;
	bool keep_segments;
	uint32_t subarch;
	uint64_t subarch_data;
	const uint8_t *rng_seed; /* SETUP_RNG_SEED_LEN bytes, or NULL */
	const struct plan_region *regions;
	unsigned nr_regions;
};
/* Bytes of setup_data that zeropage_build() will chain: an E820_EXT
 * node for the regions past 128, then the RNG seed; 0 for none. */
int zeropage_setup_data_size(const struct zeropage_args *a, size_t *size,
			     struct db_error *err);
/* Fill bp, and the setup_data chain into setup_data (which lives at
 * setup_data_gpa and holds zeropage_setup_data_size() bytes). */
int zeropage_build(struct boot_params *bp, uint8_t *setup_data,
		   uint64_t setup_data_gpa, const struct zeropage_args *a,
		   struct db_error *err);

struct setup_node {
	uint32_t type;
	const uint8_t *data;
	uint32_t len;
};
/* setup_data nodes laid end to end from gpa, each 8-byte aligned and
 * linked through next; the last next is 0. */
size_t setup_data_size(const struct setup_node *n, unsigned count);
void setup_data_write(uint8_t *buf, uint64_t gpa, const struct setup_node *n,
		      unsigned count);

/* pagetables.c: an identity map with 2 MiB pages of the first 4 GiB
 * and of every 1 GiB slot that a reservation touches. */
void pagetables_slots(const struct plan *plan, bool slots[PT_SLOTS]);
size_t pagetables_size(const bool slots[PT_SLOTS]);
void pagetables_build(uint8_t *buf, uint64_t gpa, const bool slots[PT_SLOTS]);

/* plan_devices.c: the virtio-mmio windows, 512 bytes each (virtio 1.x,
 * 4.2.2), one per page, from PLAN_VIRTIO_BASE up: 3.25 GiB, inside the
 * 32-bit hole when there is one and above RAM when there is not (RAM
 * below 4 GiB ends at 3 GiB). */
#define PLAN_VIRTIO_BASE 0xd0000000ull
#define PLAN_VIRTIO_STRIDE 0x1000ull
/* Fill w[0..n) from base up with their IRQs; DB_ERR_INPUT when n is
 * over PLAN_VIRTIO_MAX. */
int plan_devices_windows(struct plan_mmio_window *w, unsigned n, uint64_t base,
			 struct db_error *err);
/* user's command line with "virtio_mmio.device=512@<base>:<irq>" (the
 * form Linux's virtio_mmio.c parses) appended per window, into buf of
 * size bytes, as snprintf() does: returns the length it needs, NUL not
 * counted, and writes nothing with size 0. */
size_t plan_devices_cmdline(char *buf, size_t size, const char *user,
			    const struct plan_mmio_window *w, unsigned n);

/* pvh.c */
size_t pvh_start_info_size(unsigned nr_regions, bool module);
void pvh_start_info_build(uint8_t *buf, uint64_t gpa,
			  const struct plan_region *r, unsigned n,
			  uint64_t cmdline_gpa, uint64_t initrd_gpa,
			  uint64_t initrd_size);

/* entry.c */
void entry_gdt(uint8_t gdt[PLAN_GDT_SIZE], bool long_mode);
uint64_t entry_descriptor(const struct plan_segment *s);
void entry_cpu_32(struct plan_cpu *c, uint64_t eip, uint64_t esi, uint64_t ebx,
		  uint64_t rsp);
void entry_cpu_64(struct plan_cpu *c, uint64_t rip, uint64_t rsi, uint64_t cr3,
		  uint64_t rsp);

#endif
