/* SPDX-License-Identifier: MIT */
/*
 * plan_build(): an image and options in, every loader decision out.  It
 * reads like the boot itself, in order:
 *
 *  1. Parse: a bzImage (and, with --decompress host, the vmlinux ELF in
 *     its payload) or a bare ELF.
 *  2. Resolve the entry path: auto is 64 for a bzImage with
 *     XLF_KERNEL_64, 32 for other bzImages, pvh for an ELF with the
 *     PHYS32_ENTRY note, elf otherwise.
 *  3. Reserve the fixed low pages (GDT, zero page, command line), then
 *     the kernel, then the initrd as high as it may go.
 *  4. Take low pages for the boot stack, setup_data, hvm_start_info and
 *     the page tables, which must map everything placed before them.
 *  5. Fill the zero page, set the CPU state, and check the whole plan:
 *     every placement inside a reservation, every reservation in RAM,
 *     no two overlapping.
 *
 * The fact a reader gets wrong about --decompress host: the 64-bit entry
 * of a host-decompressed kernel is vmlinux's own startup_64 (e_entry,
 * which Linux's linker script makes physical), not the bzImage's
 * load+0x200, and the zero page still comes from the bzImage's header.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bytes.h"
#include "directboot/bzimage.h"
#include "directboot/elf.h"
#include "directboot/image.h"
#include "directboot/payload.h"
#include "plan_devices.h"
#include "plan_int.h"

struct owned {
	struct owned *next;
	void *p;
};

static bool adopt(struct plan *plan, void *p)
{
	struct owned *o = malloc(sizeof(*o));

	if (!o)
		return false;
	o->p = p;
	o->next = plan->owned;
	plan->owned = o;
	return true;
}

void *plan_alloc(struct plan *plan, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p && !adopt(plan, p)) {
		free(p);
		p = NULL;
	}
	return p;
}

char *plan_strdup_fmt(struct plan *plan, const char *fmt, ...)
{
	char buf[128], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = plan_alloc(plan, strlen(buf) + 1);
	if (s)
		strcpy(s, buf);
	return s;
}

void plan_free(struct plan *plan)
{
	struct owned *o, *next;

	if (!plan)
		return;
	for (o = plan->owned; o; o = next) {
		next = o->next;
		free(o->p);
		free(o);
	}
	free(plan);
}

const char *plan_entry_name(enum plan_entry entry)
{
	switch (entry) {
	case PLAN_ENTRY_AUTO:
		return "auto";
	case PLAN_ENTRY_32:
		return "32";
	case PLAN_ENTRY_64:
		return "64";
	case PLAN_ENTRY_PVH:
		return "pvh";
	case PLAN_ENTRY_ELF:
		return "elf";
	}
	return "?";
}

/* Everything plan_build() has learnt so far. */
struct build {
	struct plan *plan;
	const struct plan_options *opts;
	const uint8_t *image;
	size_t image_size;
	enum image_kind kind;
	bool has_bz, has_elf;
	struct bzimage bz;
	const uint8_t *elf_buf;
	size_t elf_size;
	struct elf_image elf;
	bool long_mode;
	uint64_t entry_gpa; /* 64-bit or ELF entry, physical */
	uint64_t stack_top;
	uint64_t setup_data_gpa;
	uint8_t *setup_data;
	struct boot_params *bp;
	struct zeropage_args zp;
	uint8_t seed[SETUP_RNG_SEED_LEN];
	uint64_t acpi_rsdp; /* 0: no ACPI tables */
};

static int oom(struct db_error *err, const char *what)
{
	return db_fail(err, DB_ERR_HOST, "plan: out of memory for %s", what);
}

static int parse_elf(struct build *b, const uint8_t *buf, size_t size,
		     struct db_error *err)
{
	b->elf_buf = buf;
	b->elf_size = size;
	b->has_elf = true;
	return elf_parse(buf, size, &b->elf, err);
}

static int host_decompress(struct build *b, struct db_error *err)
{
	uint8_t *out;
	size_t out_size;
	int ret;

	if (b->opts->elf)
		return parse_elf(b, b->opts->elf, b->opts->elf_size, err);
	if (!b->bz.payload)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: --decompress host needs the payload of "
			       "boot protocol 2.08, the kernel has %u.%02u",
			       b->bz.version >> 8, b->bz.version & 0xff);
	ret = payload_decompress(b->bz.payload, b->bz.payload_size, 0, &out,
				 &out_size, err);
	if (ret)
		return ret;
	if (!adopt(b->plan, out)) {
		free(out);
		return oom(err, "the payload");
	}
	return parse_elf(b, out, out_size, err);
}

static int parse(struct build *b, struct db_error *err)
{
	int ret = image_detect(b->image, b->image_size, &b->kind, err);

	if (ret)
		return ret;
	if (b->kind != IMAGE_BZIMAGE) {
		if (b->opts->decompress_host)
			return db_fail(err, DB_ERR_INPUT,
				       "plan: --decompress host needs a "
				       "bzImage, this is an %s",
				       image_kind_name(b->kind));
		return parse_elf(b, b->image, b->image_size, err);
	}
	ret = bzimage_parse(b->image, b->image_size, &b->bz, err);
	if (ret)
		return ret;
	b->has_bz = true;
	return b->opts->decompress_host ? host_decompress(b, err) : DB_OK;
}

static int refuse_entry(const char *why, enum plan_entry e,
			struct db_error *err)
{
	return db_fail(err, DB_ERR_INPUT, "plan: --entry %s %s",
		       plan_entry_name(e), why);
}

/* Where vmlinux's e_entry lands: Linux links it physical, other ELFs
 * may give a virtual address inside a PT_LOAD. */
static int elf_entry_phys(struct build *b, struct db_error *err)
{
	uint64_t e = b->elf.entry;

	for (unsigned i = 0; i < b->elf.nr_loads; i++) {
		const struct elf_segment *s = &b->elf.loads[i];

		if (e >= s->paddr && e - s->paddr < s->memsz) {
			b->entry_gpa = e;
			return DB_OK;
		}
	}
	for (unsigned i = 0; i < b->elf.nr_loads; i++) {
		const struct elf_segment *s = &b->elf.loads[i];

		if (e >= s->vaddr && e - s->vaddr < s->memsz) {
			b->entry_gpa = e - s->vaddr + s->paddr;
			return DB_OK;
		}
	}
	return db_fail(err, DB_ERR_INPUT,
		       "plan: e_entry=0x%" PRIx64 " lies in no PT_LOAD segment",
		       e);
}

static int resolve_elf_entry(struct build *b, enum plan_entry e,
			     struct db_error *err)
{
	if (e == PLAN_ENTRY_32)
		return refuse_entry("needs the bzImage's own decompressor; "
				    "with an ELF use pvh, 64 or elf",
				    e, err);
	if (e == PLAN_ENTRY_AUTO && b->elf.has_pvh_entry)
		e = PLAN_ENTRY_PVH;
	else if (e == PLAN_ENTRY_AUTO)
		e = b->has_bz ? PLAN_ENTRY_64 : PLAN_ENTRY_ELF;
	if (e == PLAN_ENTRY_64 && !b->has_bz)
		return refuse_entry("needs a bzImage's header; this ELF enters "
				    "through pvh or elf",
				    e, err);
	if (e == PLAN_ENTRY_PVH && !b->elf.has_pvh_entry)
		return refuse_entry(
			"needs the ELF note XEN_ELFNOTE_PHYS32_ENTRY, which "
			"this kernel lacks",
			e, err);
	b->plan->entry = e;
	if (e == PLAN_ENTRY_PVH)
		return DB_OK;
	if (b->elf.elf_class != 64)
		return refuse_entry("enters in long mode and needs an x86-64 "
				    "ELF, this one is ELF32",
				    e, err);
	b->long_mode = true;
	return elf_entry_phys(b, err);
}

static int resolve_entry(struct build *b, struct db_error *err)
{
	enum plan_entry e = b->opts->entry;
	bool k64 = b->has_bz && b->bz.version >= SH_SINCE_xloadflags &&
		   (b->bz.hdr.xloadflags & XLF_KERNEL_64);

	if (b->has_elf)
		return resolve_elf_entry(b, e, err);
	if (e == PLAN_ENTRY_AUTO)
		e = k64 ? PLAN_ENTRY_64 : PLAN_ENTRY_32;
	if (e == PLAN_ENTRY_PVH || e == PLAN_ENTRY_ELF)
		return refuse_entry(
			"needs the kernel's ELF: add --decompress host", e,
			err);
	if (e == PLAN_ENTRY_64 && !k64)
		return refuse_entry("needs XLF_KERNEL_64 in xloadflags (boot "
				    "protocol 2.12), which this kernel lacks",
				    e, err);
	b->plan->entry = e;
	b->long_mode = e == PLAN_ENTRY_64;
	b->entry_gpa = 0; /* known once the kernel is placed */
	return DB_OK;
}

/* Options that only the zero page carries make no sense without one. */
static int check_zeropage_opts(struct build *b, struct db_error *err)
{
	const struct plan_options *o = b->opts;

	if (b->plan->entry == PLAN_ENTRY_PVH &&
	    (o->keep_segments || o->subarch || o->subarch_data))
		return db_fail(err, DB_ERR_INPUT,
			       "plan: --keep-segments and --subarch set "
			       "zero-page fields, and the pvh entry has no "
			       "zero page (it passes hvm_start_info)");
	return DB_OK;
}

static int place_fixed(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	const char *cmdline = plan->cmdline;
	size_t len = strlen(cmdline);
	uint32_t limit = b->has_bz ? b->bz.cmdline_size : PLAN_ELF_CMDLINE_SIZE;
	uint8_t *gdt = plan_alloc(plan, PLAN_GDT_SIZE);
	char *copy;
	int ret;

	if (len > limit)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: the command line is %zu bytes, over the "
			       "kernel's cmdline_size of %u",
			       len, limit);
	copy = plan_alloc(plan, len + 1);
	if (!gdt || !copy)
		return oom(err, "the GDT and command line");
	memcpy(copy, cmdline, len + 1);
	entry_gdt(gdt, b->long_mode);
	ret = layout_reserve(plan, PLAN_GDT_GPA, PLAN_GDT_SIZE, "gdt", err);
	if (!ret)
		ret = layout_place(plan, PLAN_GDT_GPA, gdt, PLAN_GDT_SIZE, 0,
				   "gdt", err);
	if (!ret && plan->entry != PLAN_ENTRY_PVH) {
		plan->boot_params_gpa = PLAN_BOOT_PARAMS_GPA;
		ret = layout_reserve(plan, PLAN_BOOT_PARAMS_GPA,
				     sizeof(struct boot_params), "boot_params",
				     err);
	}
	if (!ret)
		ret = layout_reserve(plan, PLAN_CMDLINE_GPA, len + 1, "cmdline",
				     err);
	if (!ret)
		ret = layout_place(plan, PLAN_CMDLINE_GPA, copy, len + 1, 0,
				   "cmdline", err);
	plan->cmdline_gpa = PLAN_CMDLINE_GPA;
	b->zp.cmdline_gpa = PLAN_CMDLINE_GPA;
	b->zp.cmdline_len = len;
	return ret;
}

static int place_elf(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	uint64_t lo = UINT64_MAX, hi = 0;
	int ret = DB_OK;

	for (unsigned i = 0; i < b->elf.nr_loads && !ret; i++) {
		const struct elf_segment *s = &b->elf.loads[i];
		char *what;

		if (!s->memsz)
			continue;
		if (!range_ok(s->offset, s->filesz, b->elf_size) ||
		    s->filesz > s->memsz)
			return db_fail(err, DB_ERR_INPUT,
				       "plan: PT_LOAD %u (offset 0x%" PRIx64
				       ", filesz 0x%" PRIx64
				       ") is outside the ELF",
				       i, s->offset, s->filesz);
		what = plan_strdup_fmt(plan, "kernel PT_LOAD %u", i);
		if (!what)
			return oom(err, "names");
		ret = layout_reserve(plan, s->paddr, s->memsz, what, err);
		if (!ret)
			ret = layout_place(plan, s->paddr,
					   b->elf_buf + s->offset, s->filesz,
					   s->memsz, what, err);
		lo = s->paddr < lo ? s->paddr : lo;
		hi = s->paddr + s->memsz > hi ? s->paddr + s->memsz : hi;
	}
	if (!ret && !hi)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: the ELF has no PT_LOAD with memory");
	plan->kernel_rule = "each PT_LOAD at its p_paddr";
	plan->kernel_gpa = lo;
	plan->kernel_size = hi - lo;
	return ret;
}

static int place_initrd(struct build *b, struct db_error *err)
{
	const struct plan_options *o = b->opts;
	bool above = b->long_mode && b->has_bz &&
		     b->bz.version >= SH_SINCE_xloadflags &&
		     (b->bz.hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
	uint64_t limit =
		b->has_bz ? b->bz.initrd_addr_max : PLAN_ELF_INITRD_ADDR_MAX;
	int ret;

	if (!o->initrd || !o->initrd_size)
		return DB_OK;
	ret = layout_initrd(b->plan, o->initrd, o->initrd_size, limit, above,
			    err);
	b->zp.initrd_gpa = b->plan->initrd_gpa;
	b->zp.initrd_size = b->plan->initrd_size;
	return ret;
}

static int rng_seed(struct build *b, struct db_error *err)
{
	const struct plan_options *o = b->opts;

	if (o->no_rng_seed)
		return DB_OK;
	if (o->rng_seed) {
		memcpy(b->seed, o->rng_seed, sizeof(b->seed));
	} else if (getrandom(b->seed, sizeof(b->seed), 0) !=
		   (ssize_t)sizeof(b->seed)) {
		return db_fail(err, DB_ERR_HOST,
			       "plan: getrandom() gave no %zu bytes for "
			       "SETUP_RNG_SEED",
			       sizeof(b->seed));
	}
	b->zp.rng_seed = b->seed;
	return DB_OK;
}

static int place_setup_data(struct build *b, struct db_error *err)
{
	const struct plan_options *o = b->opts;
	size_t size;
	int ret;

	b->zp.image = b->has_bz ? b->image : NULL;
	b->zp.image_size = b->has_bz ? b->image_size : 0;
	b->zp.keep_segments = o->keep_segments;
	b->zp.subarch = o->subarch;
	b->zp.subarch_data = o->subarch_data;
	b->zp.regions = b->plan->regions;
	b->zp.nr_regions = b->plan->nr_regions;
	ret = rng_seed(b, err);
	if (!ret)
		ret = zeropage_setup_data_size(&b->zp, &size, err);
	if (ret || !size)
		return ret;
	b->setup_data = plan_alloc(b->plan, size);
	if (!b->setup_data)
		return oom(err, "setup_data");
	return layout_low(b->plan, b->setup_data, size, "setup_data",
			  &b->setup_data_gpa, err);
}

static int place_start_info(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	size_t size =
		pvh_start_info_size(plan->nr_regions, plan->initrd_size != 0);
	uint8_t *buf = plan_alloc(plan, size);
	int ret;

	if (!buf)
		return oom(err, "hvm_start_info");
	ret = layout_low(plan, buf, size, "hvm_start_info",
			 &plan->start_info_gpa, err);
	if (!ret)
		pvh_start_info_build(buf, plan->start_info_gpa, plan->regions,
				     plan->nr_regions, plan->cmdline_gpa,
				     plan->initrd_gpa, plan->initrd_size);
	if (!ret)
		put_le64(buf + offsetof(struct hvm_start_info, rsdp_paddr),
			 b->acpi_rsdp);
	return ret;
}

static int place_page_tables(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	bool slots[PT_SLOTS];
	size_t size;
	uint8_t *buf;
	int ret;

	pagetables_slots(plan, slots);
	size = pagetables_size(slots);
	buf = plan_alloc(plan, size);
	if (!buf)
		return oom(err, "page tables");
	ret = layout_low(plan, buf, size, "page tables", &plan->page_tables_gpa,
			 err);
	if (!ret)
		pagetables_build(buf, plan->page_tables_gpa, slots);
	plan->page_tables_size = size;
	return ret;
}

static int place_kernel(struct build *b, struct db_error *err)
{
	int ret;

	if (b->has_elf)
		return place_elf(b, err);
	ret = layout_kernel(b->plan, &b->bz, err);
	if (!ret && b->plan->entry == PLAN_ENTRY_64)
		b->entry_gpa = b->plan->kernel_gpa + KERNEL_64BIT_ENTRY_OFFSET;
	b->zp.kernel_gpa = b->plan->kernel_gpa;
	return ret;
}

static int place_low(struct build *b, struct db_error *err)
{
	uint64_t stack;
	int ret;

	ret = layout_low(b->plan, NULL, PLAN_BOOT_STACK_SIZE, "boot stack",
			 &stack, err);
	b->stack_top = stack + PLAN_BOOT_STACK_SIZE;
	if (!ret && b->plan->boot_params_gpa)
		ret = place_setup_data(b, err);
	if (!ret && b->plan->entry == PLAN_ENTRY_PVH)
		ret = place_start_info(b, err);
	/* Last: the map covers every range placed before it. */
	if (!ret && b->long_mode)
		ret = place_page_tables(b, err);
	return ret;
}

static int fill_boot_params(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	int ret;

	if (!plan->boot_params_gpa)
		return DB_OK;
	b->bp = plan_alloc(plan, sizeof(*b->bp));
	if (!b->bp)
		return oom(err, "boot_params");
	ret = zeropage_build(b->bp, b->setup_data, b->setup_data_gpa, &b->zp,
			     err);
	/* zero-page.rst: 0x070 for ALL protocols (padding before 5.0). */
	b->bp->acpi_rsdp_addr = b->acpi_rsdp;
	if (!ret)
		ret = layout_place(plan, plan->boot_params_gpa, b->bp,
				   sizeof(*b->bp), 0, "boot_params", err);
	return ret;
}

static void set_cpu(struct build *b)
{
	struct plan *plan = b->plan;

	switch (plan->entry) {
	case PLAN_ENTRY_32:
		entry_cpu_32(&plan->cpu, plan->kernel_gpa,
			     plan->boot_params_gpa, 0, b->stack_top);
		break;
	case PLAN_ENTRY_PVH:
		entry_cpu_32(&plan->cpu, b->elf.pvh_entry, 0,
			     plan->start_info_gpa, b->stack_top);
		break;
	default:
		entry_cpu_64(&plan->cpu, b->entry_gpa, plan->boot_params_gpa,
			     plan->page_tables_gpa, b->stack_top);
		break;
	}
}

static int build(struct build *b, struct db_error *err)
{
	struct plan *plan = b->plan;
	int ret;

	ret = e820_build(b->opts->mem_size, plan->regions, PLAN_REGIONS_MAX,
			 &plan->nr_regions, err);
	if (!ret)
		ret = parse(b, err);
	if (!ret)
		ret = resolve_entry(b, err);
	if (!ret)
		ret = check_zeropage_opts(b, err);
	if (!ret)
		ret = plan_virtio_place(plan, b->opts, err);
	if (!ret)
		ret = place_fixed(b, err);
	if (!ret)
		ret = place_kernel(b, err);
	if (!ret)
		ret = place_initrd(b, err);
	/* Always: without an MP table a guest scans the BIOS area for one,
	 * and Firecracker and kvmtool give one even to a single vCPU. */
	if (!ret)
		ret = plan_add_mptable(plan, b->opts->cpus ? b->opts->cpus : 1,
				       err);
	/* The only way a kernel without MPPARSE or virtio_mmio.device=
	 * finds CPUs and devices (lib/acpi.c). */
	if (!ret && !b->opts->no_acpi)
		ret = plan_add_acpi(plan, b->opts->cpus ? b->opts->cpus : 1,
				    &b->acpi_rsdp, err);
	if (!ret)
		ret = place_low(b, err);
	if (!ret)
		ret = fill_boot_params(b, err);
	if (ret)
		return ret;
	set_cpu(b);
	return layout_check(plan, err);
}

int plan_build(const uint8_t *image, size_t image_size,
	       const struct plan_options *opts, struct plan **out,
	       struct db_error *err)
{
	struct build *b = calloc(1, sizeof(*b));
	int ret;

	*out = NULL;
	if (!b)
		return oom(err, "the plan");
	b->plan = calloc(1, sizeof(*b->plan));
	if (!b->plan) {
		free(b);
		return oom(err, "the plan");
	}
	b->opts = opts;
	b->image = image;
	b->image_size = image_size;
	b->plan->mem_size = opts->mem_size;
	b->plan->cpus = opts->cpus ? opts->cpus : 1;
	if (b->plan->cpus > PLAN_CPUS_MAX)
		ret = db_fail(err, DB_ERR_INPUT,
			      "plan: cpus=%u is more than the %d a plan "
			      "describes",
			      opts->cpus, PLAN_CPUS_MAX);
	else
		ret = build(b, err);
	if (ret)
		plan_free(b->plan);
	else
		*out = b->plan;
	free(b);
	return ret;
}
