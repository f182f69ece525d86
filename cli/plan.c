/* SPDX-License-Identifier: MIT */
/*
 * directboot plan IMAGE [options] [--json]: every decision the library
 * makes for a boot, without booting: the memory map, each placement and
 * reservation, the zero page fields the loader wrote, the setup_data
 * chain, hvm_start_info, the page tables and the full vCPU state.  It
 * is what `run` would apply, so a disagreement with a kernel can be
 * read here first.  The zero page and start_info are read back from the
 * bytes the plan will copy into the guest, not from the options, so the
 * output shows what the guest will really see.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootopts.h"
#include "cli.h"
#include "directboot/bootparam.h"
#include "directboot/bzimage.h"
#include "directboot/hvm_start_info.h"
#include "directboot/mptable.h"
#include "json.h"
#include "options.h"

#define SETUP_NODES_MAX 16

struct view {
	const char *path;
	const struct bootopts *bo;
	const struct plan *plan;
	bool has_bp;
	struct boot_params bp;
	unsigned nr_nodes;
	struct {
		uint64_t gpa;
		uint32_t type, len;
	} nodes[SETUP_NODES_MAX];
	bool has_si;
	struct hvm_start_info si;
	struct hvm_modlist_entry mod;
};

static void usage(FILE *f)
{
	fputs("Usage: directboot plan IMAGE [OPTIONS] [--json]\n"
	      "Print the boot plan for IMAGE: memory map, placements, the "
	      "zero\n"
	      "page, setup_data, hvm_start_info, page tables and CPU state.\n\n",
	      f);
	cli_options_usage(f, CMD_PLAN);
	fputs("\nExit status: 0 planned, 2 bad usage or a plan the image or "
	      "options\n"
	      "rule out (the message names the limit), 3 host resources.\n",
	      f);
}

/* The plan's bytes at [gpa, gpa+len), from the placement holding them. */
static const uint8_t *bytes_at(const struct plan *plan, uint64_t gpa,
			       uint64_t len)
{
	for (unsigned i = 0; i < plan->nr_placements; i++) {
		const struct plan_placement *p = &plan->placements[i];

		if (gpa >= p->gpa && gpa - p->gpa <= p->size &&
		    len <= p->size - (gpa - p->gpa))
			return p->data + (gpa - p->gpa);
	}
	return NULL;
}

static void read_back(struct view *v)
{
	const struct plan *plan = v->plan;
	const uint8_t *b;
	uint64_t gpa;

	b = plan->boot_params_gpa
		    ? bytes_at(plan, plan->boot_params_gpa, sizeof(v->bp))
		    : NULL;
	if (b) {
		v->has_bp = true;
		memcpy(&v->bp, b, sizeof(v->bp));
		for (gpa = v->bp.hdr.setup_data;
		     gpa && v->nr_nodes < SETUP_NODES_MAX;) {
			struct setup_data sd;

			b = bytes_at(plan, gpa, sizeof(sd));
			if (!b)
				break;
			memcpy(&sd, b, sizeof(sd));
			v->nodes[v->nr_nodes].gpa = gpa;
			v->nodes[v->nr_nodes].type = sd.type;
			v->nodes[v->nr_nodes++].len = sd.len;
			gpa = sd.next;
		}
	}
	b = plan->start_info_gpa
		    ? bytes_at(plan, plan->start_info_gpa, sizeof(v->si))
		    : NULL;
	if (b) {
		v->has_si = true;
		memcpy(&v->si, b, sizeof(v->si));
		b = v->si.nr_modules ? bytes_at(plan, v->si.modlist_paddr,
						sizeof(v->mod))
				     : NULL;
		if (b)
			memcpy(&v->mod, b, sizeof(v->mod));
	}
}

static const char *e820_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
		return "ram";
	case E820_TYPE_RESERVED:
		return "reserved";
	case E820_TYPE_ACPI:
		return "acpi";
	case E820_TYPE_NVS:
		return "nvs";
	case E820_TYPE_UNUSABLE:
		return "unusable";
	case E820_TYPE_PMEM:
		return "pmem";
	}
	return "other";
}

static const char *setup_name(uint32_t type)
{
	switch (type) {
	case SETUP_E820_EXT:
		return "SETUP_E820_EXT";
	case SETUP_RNG_SEED:
		return "SETUP_RNG_SEED";
	}
	return "other";
}

static const char *decompress_name(const struct bootopts *bo)
{
	if (!bo->plan.decompress_host)
		return "guest";
	if (bo->no_cache)
		return "host (cache off)";
	return bo->cache_hit ? "host (cache hit)" : "host (cache miss)";
}

static const char *cache_name(const struct bootopts *bo)
{
	if (!bo->plan.decompress_host)
		return "unused";
	if (bo->no_cache)
		return "off";
	return bo->cache_hit ? "hit" : "miss";
}

/* ---- text ------------------------------------------------------------ */

static void text_size(uint64_t n)
{
	if (n >= 1ull << 30 && !(n & ((1ull << 30) - 1)))
		printf("%" PRIu64 " GiB", n >> 30);
	else if (n >= 1ull << 20 && !(n & ((1ull << 20) - 1)))
		printf("%" PRIu64 " MiB", n >> 20);
	else if (n >= 1ull << 10 && !(n & ((1ull << 10) - 1)))
		printf("%" PRIu64 " KiB", n >> 10);
	else
		printf("%" PRIu64 " bytes", n);
}

static void text_range(uint64_t start, uint64_t size)
{
	printf("  [0x%010" PRIx64 ", 0x%010" PRIx64 ")  ", start, start + size);
}

static void text_seg(const char *name, const struct plan_segment *s)
{
	printf("  %-4s sel=0x%02x base=0x%" PRIx64 " limit=0x%x type=0x%x s=%u"
	       " dpl=%u p=%u avl=%u l=%u db=%u g=%u\n",
	       name, s->selector, s->base, s->limit, s->type, s->s, s->dpl,
	       s->present, s->avl, s->l, s->db, s->g);
}

static void text_cpu(const struct plan_cpu *c)
{
	printf("\ncpu (%s)\n", c->mode == 64
				       ? "64-bit long mode, paging on"
				       : "32-bit protected mode, paging off");
	printf("  rip=0x%" PRIx64 " rsp=0x%" PRIx64 " rflags=0x%" PRIx64 "\n",
	       c->rip, c->rsp, c->rflags);
	printf("  rax=0x%" PRIx64 " rbx=0x%" PRIx64 " rcx=0x%" PRIx64
	       " rdx=0x%" PRIx64 "\n",
	       c->rax, c->rbx, c->rcx, c->rdx);
	printf("  rsi=0x%" PRIx64 " rdi=0x%" PRIx64 " rbp=0x%" PRIx64 "\n",
	       c->rsi, c->rdi, c->rbp);
	printf("  cr0=0x%" PRIx64 " cr3=0x%" PRIx64 " cr4=0x%" PRIx64
	       " efer=0x%" PRIx64 "\n",
	       c->cr0, c->cr3, c->cr4, c->efer);
	text_seg("cs", &c->cs);
	text_seg("ds", &c->ds);
	text_seg("es", &c->es);
	text_seg("fs", &c->fs);
	text_seg("gs", &c->gs);
	text_seg("ss", &c->ss);
	text_seg("tr", &c->tr);
	text_seg("ldt", &c->ldt);
	printf("  gdt base=0x%" PRIx64 " limit=0x%x  idt base=0x%" PRIx64
	       " limit=0x%x\n",
	       c->gdt_base, c->gdt_limit, c->idt_base, c->idt_limit);
}

static void text_bp(const struct view *v)
{
	const struct setup_header *h = &v->bp.hdr;
	char buf[128];

	printf("\nboot_params at 0x%" PRIx64 " (protocol %u.%02u)\n",
	       v->plan->boot_params_gpa, h->version >> 8, h->version & 0xff);
	printf("  type_of_loader=0x%02x ext_loader_ver=%u ext_loader_type=%u\n",
	       h->type_of_loader, h->ext_loader_ver, h->ext_loader_type);
	printf("  loadflags=0x%02x (%s) heap_end_ptr=0x%x\n", h->loadflags,
	       bzimage_loadflags_str(h->loadflags, buf, sizeof(buf)),
	       h->heap_end_ptr);
	printf("  code32_start=0x%x cmd_line_ptr=0x%x ext_cmd_line_ptr=0x%x"
	       " cmdline_size=%u (the kernel's)\n",
	       h->code32_start, h->cmd_line_ptr, v->bp.ext_cmd_line_ptr,
	       h->cmdline_size);
	printf("  ramdisk_image=0x%x ramdisk_size=0x%x ext_ramdisk_image=0x%x"
	       " ext_ramdisk_size=0x%x\n",
	       h->ramdisk_image, h->ramdisk_size, v->bp.ext_ramdisk_image,
	       v->bp.ext_ramdisk_size);
	printf("  hardware_subarch=%u hardware_subarch_data=0x%" PRIx64 "\n",
	       h->hardware_subarch, (uint64_t)h->hardware_subarch_data);
	printf("  e820_entries=%u setup_data=0x%" PRIx64 "\n",
	       v->bp.e820_entries, (uint64_t)h->setup_data);
	for (unsigned i = 0; i < v->nr_nodes; i++)
		printf("    0x%" PRIx64 ": %s (%u), %u bytes\n",
		       v->nodes[i].gpa, setup_name(v->nodes[i].type),
		       v->nodes[i].type, v->nodes[i].len);
}

static void text_si(const struct view *v)
{
	const struct hvm_start_info *si = &v->si;

	printf("\nhvm_start_info at 0x%" PRIx64 "\n", v->plan->start_info_gpa);
	printf("  magic=0x%x version=%u flags=0x%x cmdline_paddr=0x%" PRIx64
	       " rsdp_paddr=0x%" PRIx64 "\n",
	       si->magic, si->version, si->flags, si->cmdline_paddr,
	       si->rsdp_paddr);
	printf("  memmap_paddr=0x%" PRIx64 " memmap_entries=%u"
	       " modlist_paddr=0x%" PRIx64 " nr_modules=%u\n",
	       si->memmap_paddr, si->memmap_entries, si->modlist_paddr,
	       si->nr_modules);
	if (si->nr_modules)
		printf("    module 0: paddr=0x%" PRIx64 " size=0x%" PRIx64 "\n",
		       v->mod.paddr, v->mod.size);
}

static void text_plan(const struct view *v)
{
	const struct plan *p = v->plan;
	const char *cmdline = p->cmdline ? p->cmdline : "";

	printf("image        %s\n", v->path);
	printf("entry        %s (asked: %s)\n", plan_entry_name(p->entry),
	       plan_entry_name(v->bo->plan.entry));
	printf("decompress   %s\n", decompress_name(v->bo));
	printf("memory       ");
	text_size(p->mem_size);
	printf("\ncmdline      0x%" PRIx64 " \"%s\"\n", p->cmdline_gpa,
	       cmdline);
	printf("kernel       0x%" PRIx64 ", 0x%" PRIx64
	       " bytes reserved (%s)\n",
	       p->kernel_gpa, p->kernel_size,
	       p->kernel_rule ? p->kernel_rule : "?");
	if (p->initrd_size)
		printf("initrd       0x%" PRIx64 ", %" PRIu64 " bytes (%s)\n",
		       p->initrd_gpa, p->initrd_size,
		       p->initrd_rule ? p->initrd_rule : "?");
	else
		printf("initrd       none\n");
	if (p->mptable_gpa)
		printf("mp table     0x%" PRIx64 " (%u CPUs)\n", p->mptable_gpa,
		       v->bo->plan.cpus);
	if (p->page_tables_size)
		printf("page tables  0x%" PRIx64 ", %" PRIu64
		       " pages (PML4, PDPT, %" PRIu64
		       " directories of 2 MiB pages)\n",
		       p->page_tables_gpa, p->page_tables_size >> 12,
		       (p->page_tables_size >> 12) - 2);

	printf("\nmemory map (e820)\n");
	for (unsigned i = 0; i < p->nr_regions; i++) {
		text_range(p->regions[i].start, p->regions[i].size);
		printf("%-8s ", e820_name(p->regions[i].type));
		text_size(p->regions[i].size);
		printf("\n");
	}
	printf("\nreservations\n");
	for (unsigned i = 0; i < p->nr_reservations; i++) {
		text_range(p->reservations[i].start, p->reservations[i].size);
		printf("%s\n", p->reservations[i].what);
	}
	printf("\nplacements (bytes copied / bytes reserved)\n");
	for (unsigned i = 0; i < p->nr_placements; i++) {
		text_range(p->placements[i].gpa, p->placements[i].mem_size);
		printf("%s, 0x%" PRIx64 " / 0x%" PRIx64 "\n",
		       p->placements[i].what, p->placements[i].size,
		       p->placements[i].mem_size);
	}
	if (v->has_bp)
		text_bp(v);
	if (v->has_si)
		text_si(v);
	text_cpu(&p->cpu);
}

/* ---- JSON ------------------------------------------------------------ */

static void json_seg(struct json *j, const char *name,
		     const struct plan_segment *s)
{
	json_object_begin(j, name);
	json_u64(j, "selector", s->selector);
	json_u64(j, "base", s->base);
	json_u64(j, "limit", s->limit);
	json_u64(j, "type", s->type);
	json_u64(j, "s", s->s);
	json_u64(j, "dpl", s->dpl);
	json_u64(j, "present", s->present);
	json_u64(j, "avl", s->avl);
	json_u64(j, "l", s->l);
	json_u64(j, "db", s->db);
	json_u64(j, "g", s->g);
	json_object_end(j);
}

static void json_cpu(struct json *j, const struct plan_cpu *c)
{
	json_object_begin(j, "cpu");
	json_u64(j, "mode", c->mode);
	json_u64(j, "rip", c->rip);
	json_u64(j, "rsp", c->rsp);
	json_u64(j, "rflags", c->rflags);
	json_u64(j, "rax", c->rax);
	json_u64(j, "rbx", c->rbx);
	json_u64(j, "rcx", c->rcx);
	json_u64(j, "rdx", c->rdx);
	json_u64(j, "rsi", c->rsi);
	json_u64(j, "rdi", c->rdi);
	json_u64(j, "rbp", c->rbp);
	json_u64(j, "cr0", c->cr0);
	json_u64(j, "cr3", c->cr3);
	json_u64(j, "cr4", c->cr4);
	json_u64(j, "efer", c->efer);
	json_seg(j, "cs", &c->cs);
	json_seg(j, "ds", &c->ds);
	json_seg(j, "es", &c->es);
	json_seg(j, "fs", &c->fs);
	json_seg(j, "gs", &c->gs);
	json_seg(j, "ss", &c->ss);
	json_seg(j, "tr", &c->tr);
	json_seg(j, "ldt", &c->ldt);
	json_u64(j, "gdt_base", c->gdt_base);
	json_u64(j, "gdt_limit", c->gdt_limit);
	json_u64(j, "idt_base", c->idt_base);
	json_u64(j, "idt_limit", c->idt_limit);
	json_object_end(j);
}

static void json_bp(struct json *j, const struct view *v)
{
	const struct setup_header *h = &v->bp.hdr;

	if (!v->has_bp) {
		json_null(j, "boot_params");
		return;
	}
	json_object_begin(j, "boot_params");
	json_u64(j, "gpa", v->plan->boot_params_gpa);
	json_u64(j, "version", h->version);
	json_u64(j, "type_of_loader", h->type_of_loader);
	json_u64(j, "ext_loader_ver", h->ext_loader_ver);
	json_u64(j, "ext_loader_type", h->ext_loader_type);
	json_u64(j, "loadflags", h->loadflags);
	json_u64(j, "heap_end_ptr", h->heap_end_ptr);
	json_u64(j, "code32_start", h->code32_start);
	json_u64(j, "cmd_line_ptr", h->cmd_line_ptr);
	json_u64(j, "ext_cmd_line_ptr", v->bp.ext_cmd_line_ptr);
	json_u64(j, "cmdline_size", h->cmdline_size);
	json_u64(j, "ramdisk_image", h->ramdisk_image);
	json_u64(j, "ramdisk_size", h->ramdisk_size);
	json_u64(j, "ext_ramdisk_image", v->bp.ext_ramdisk_image);
	json_u64(j, "ext_ramdisk_size", v->bp.ext_ramdisk_size);
	json_u64(j, "hardware_subarch", h->hardware_subarch);
	json_u64(j, "hardware_subarch_data", h->hardware_subarch_data);
	json_u64(j, "e820_entries", v->bp.e820_entries);
	json_u64(j, "setup_data", h->setup_data);
	json_array_begin(j, "setup_data_chain");
	for (unsigned i = 0; i < v->nr_nodes; i++) {
		json_object_begin(j, NULL);
		json_u64(j, "gpa", v->nodes[i].gpa);
		json_u64(j, "type", v->nodes[i].type);
		json_str(j, "name", setup_name(v->nodes[i].type));
		json_u64(j, "len", v->nodes[i].len);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_si(struct json *j, const struct view *v)
{
	if (!v->has_si) {
		json_null(j, "start_info");
		return;
	}
	json_object_begin(j, "start_info");
	json_u64(j, "gpa", v->plan->start_info_gpa);
	json_u64(j, "magic", v->si.magic);
	json_u64(j, "version", v->si.version);
	json_u64(j, "flags", v->si.flags);
	json_u64(j, "nr_modules", v->si.nr_modules);
	json_u64(j, "modlist_paddr", v->si.modlist_paddr);
	json_u64(j, "cmdline_paddr", v->si.cmdline_paddr);
	json_u64(j, "rsdp_paddr", v->si.rsdp_paddr);
	json_u64(j, "memmap_paddr", v->si.memmap_paddr);
	json_u64(j, "memmap_entries", v->si.memmap_entries);
	json_array_begin(j, "modules");
	if (v->si.nr_modules) {
		json_object_begin(j, NULL);
		json_u64(j, "paddr", v->mod.paddr);
		json_u64(j, "size", v->mod.size);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_lists(struct json *j, const struct plan *p)
{
	json_array_begin(j, "memory_map");
	for (unsigned i = 0; i < p->nr_regions; i++) {
		json_object_begin(j, NULL);
		json_u64(j, "start", p->regions[i].start);
		json_u64(j, "size", p->regions[i].size);
		json_u64(j, "type", p->regions[i].type);
		json_str(j, "name", e820_name(p->regions[i].type));
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "reservations");
	for (unsigned i = 0; i < p->nr_reservations; i++) {
		json_object_begin(j, NULL);
		json_u64(j, "start", p->reservations[i].start);
		json_u64(j, "size", p->reservations[i].size);
		json_str(j, "what", p->reservations[i].what);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "placements");
	for (unsigned i = 0; i < p->nr_placements; i++) {
		json_object_begin(j, NULL);
		json_u64(j, "gpa", p->placements[i].gpa);
		json_u64(j, "size", p->placements[i].size);
		json_u64(j, "mem_size", p->placements[i].mem_size);
		json_str(j, "what", p->placements[i].what);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_plan(const struct view *v)
{
	const struct plan *p = v->plan;
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_str(&j, "image", v->path);
	json_str(&j, "entry", plan_entry_name(p->entry));
	json_str(&j, "entry_asked", plan_entry_name(v->bo->plan.entry));
	json_str(&j, "decompress",
		 v->bo->plan.decompress_host ? "host" : "guest");
	json_str(&j, "cache", cache_name(v->bo));
	json_u64(&j, "mem_size", p->mem_size);
	json_str(&j, "cmdline", p->cmdline ? p->cmdline : "");
	json_u64(&j, "cmdline_gpa", p->cmdline_gpa);
	json_u64(&j, "kernel_gpa", p->kernel_gpa);
	json_u64(&j, "kernel_size", p->kernel_size);
	json_str(&j, "kernel_rule", p->kernel_rule ? p->kernel_rule : "");
	json_u64(&j, "initrd_gpa", p->initrd_gpa);
	json_u64(&j, "initrd_size", p->initrd_size);
	json_str(&j, "initrd_rule", p->initrd_rule ? p->initrd_rule : "");
	json_u64(&j, "boot_params_gpa", p->boot_params_gpa);
	json_u64(&j, "start_info_gpa", p->start_info_gpa);
	json_u64(&j, "page_tables_gpa", p->page_tables_gpa);
	json_u64(&j, "page_tables_size", p->page_tables_size);
	json_u64(&j, "cpus", v->bo->plan.cpus ? v->bo->plan.cpus : 1);
	json_u64(&j, "mptable_gpa", p->mptable_gpa);
	json_lists(&j, p);
	json_bp(&j, v);
	json_si(&j, v);
	json_cpu(&j, &p->cpu);
	json_object_end(&j);
}

int cmd_plan(int argc, char **argv)
{
	struct cli_args a;
	struct view v = {0};
	struct db_error err = {0};
	struct plan *plan = NULL;
	int ret;

	cli_args_init(&a, CMD_PLAN, "plan");
	ret = cli_parse(&a, argc, argv);
	if (ret) {
		if (ret == 1)
			usage(stdout);
		bootopts_free(&a.bo);
		return ret == 1 ? 0 : ret;
	}
	ret = bootopts_plan(&a.bo, a.image, &plan, &err);
	if (ret) {
		ret = cli_report(&err);
	} else {
		v.path = a.image;
		v.bo = &a.bo;
		v.plan = plan;
		read_back(&v);
		if (a.json)
			json_plan(&v);
		else
			text_plan(&v);
		ret = fflush(stdout) ? EXIT_HOST : 0;
	}
	plan_free(plan);
	bootopts_free(&a.bo);
	return ret;
}
