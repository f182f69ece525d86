/* SPDX-License-Identifier: MIT */
/*
 * The PVH path on a bare ELF: hvm_start_info version 1 with the memory
 * map, the command line and the initrd as module 0, EBX pointing at it,
 * paging off; and the direct ELF entry (no note) in long mode with a
 * zero page of our own making.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "directboot/plan.h"
#include "plan_fixture.h"
#include "plan_int.h"

static uint8_t elf[FX_ELF_SIZE];
static struct db_error err;

static struct plan *build(const struct fx_elf *e, struct plan_options o)
{
	size_t n = fx_elf(elf, e);
	struct plan *p = NULL;

	if (plan_build(elf, n, &o, &p, &err))
		fail_msg("plan_build: %s", err.msg);
	return p;
}

static void test_start_info(void **state)
{
	static uint8_t rd[10000];
	struct fx_elf e = {.pvh_note = true};
	struct plan_options o = FX_OPTS(3584);
	const struct plan_placement *si;
	struct hvm_start_info h;
	struct hvm_modlist_entry mod;
	struct hvm_memmap_table_entry mm;
	struct plan *p;

	(void)state;
	o.cmdline = "console=hvc0";
	o.initrd = rd;
	o.initrd_size = sizeof(rd);
	p = build(&e, o);
	assert_int_equal(p->entry, PLAN_ENTRY_PVH);
	assert_int_equal(p->cpu.mode, 32);
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_PVH_OFF);
	assert_int_equal(p->cpu.rbx, p->start_info_gpa);
	assert_int_equal(p->cpu.cr0, X86_CR0_PE | X86_CR0_ET);
	assert_int_equal(p->cpu.cr4, 0);
	assert_int_equal(p->cpu.efer, 0);
	assert_int_equal(p->cpu.cs.selector, 0x10);
	assert_int_equal(p->cpu.cs.db, 1);
	assert_int_equal(p->boot_params_gpa, 0);
	assert_null(fx_placement(p, "boot_params"));

	si = fx_placement(p, "hvm_start_info");
	assert_non_null(si);
	assert_int_equal(si->gpa, p->start_info_gpa);
	assert_true(si->gpa + si->size <= 1ull << 32);
	memcpy(&h, si->data, sizeof(h));
	assert_int_equal(h.magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.cmdline_paddr, p->cmdline_gpa);
	assert_string_equal((const char *)fx_placement(p, "cmdline")->data,
			    "console=hvc0");
	/* The RSDP opens the ACPI tables' page (lib/acpi.c). */
	assert_int_equal(h.rsdp_paddr, fx_placement(p, "ACPI tables")->gpa);
	assert_int_equal(h.nr_modules, 1);
	memcpy(&mod, si->data + (h.modlist_paddr - si->gpa), sizeof(mod));
	assert_int_equal(mod.paddr, p->initrd_gpa);
	assert_int_equal(mod.size, sizeof(rd));
	assert_int_equal(mod.cmdline_paddr, 0);
	assert_int_equal(h.memmap_entries, p->nr_regions);
	assert_int_equal(h.memmap_entries, 4); /* 3584 MiB: the hole */
	assert_true(h.memmap_paddr + 4 * sizeof(mm) <= si->gpa + si->size);
	for (unsigned i = 0; i < h.memmap_entries; i++) {
		memcpy(&mm,
		       si->data + (h.memmap_paddr - si->gpa) + i * sizeof(mm),
		       sizeof(mm));
		assert_int_equal(mm.addr, p->regions[i].start);
		assert_int_equal(mm.size, p->regions[i].size);
		assert_int_equal(mm.type, p->regions[i].type);
		assert_int_equal(mm.reserved, 0);
	}
	/* 32-bit mode: the initrd stays below 4 GiB. */
	assert_true(p->initrd_gpa + sizeof(rd) <= 0x80000000ull);
	plan_free(p);
}

static void test_no_initrd(void **state)
{
	struct fx_elf e = {.pvh_note = true};
	struct hvm_start_info h;
	struct plan *p;

	(void)state;
	p = build(&e, FX_OPTS(64));
	memcpy(&h, fx_placement(p, "hvm_start_info")->data, sizeof(h));
	assert_int_equal(h.nr_modules, 0);
	assert_int_equal(h.modlist_paddr, 0);
	assert_int_equal(h.memmap_entries, 3);
	assert_int_equal(h.memmap_paddr, p->start_info_gpa + sizeof(h));
	plan_free(p);
}

static void test_elf_entry(void **state)
{
	struct fx_elf e = {.pvh_note = false};
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *bp;
	struct plan *p;

	(void)state;
	p = build(&e, o);
	assert_int_equal(p->entry, PLAN_ENTRY_ELF);
	assert_int_equal(p->cpu.mode, 64);
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_ENTRY_OFF);
	assert_int_equal(p->cpu.rsi, PLAN_BOOT_PARAMS_GPA);
	assert_int_equal(p->cpu.cr3, p->page_tables_gpa);
	bp = fx_placement(p, "boot_params");
	assert_int_equal(get_le32(bp->data + SH_OFF(header)), HDRS_MAGIC);
	assert_int_equal(get_le16(bp->data + SH_OFF(version)),
			 BOOT_PROTOCOL_MAX);
	assert_int_equal(get_le32(bp->data + SH_OFF(cmdline_size)),
			 PLAN_ELF_CMDLINE_SIZE);
	assert_int_equal(bp->data[SH_OFF(type_of_loader)], 0xff);
	plan_free(p);

	/* The note is there, but elf was asked for. */
	e.pvh_note = true;
	o.entry = PLAN_ENTRY_ELF;
	p = build(&e, o);
	assert_int_equal(p->entry, PLAN_ENTRY_ELF);
	plan_free(p);

	/* A virtual e_entry is taken through its PT_LOAD. */
	e.virtual_entry = true;
	p = build(&e, o);
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_ENTRY_OFF);
	plan_free(p);
}

static void test_elf_refusals(void **state)
{
	struct fx_elf e = {.pvh_note = false};
	struct plan_options o = FX_OPTS(64);
	struct plan *p = NULL;
	size_t n = fx_elf(elf, &e);

	(void)state;
	o.entry = PLAN_ENTRY_PVH;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "XEN_ELFNOTE_PHYS32_ENTRY"));
	o.entry = PLAN_ENTRY_32;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	o.entry = PLAN_ENTRY_64;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "bzImage"));
	o.entry = PLAN_ENTRY_AUTO;
	o.decompress_host = true;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "needs a bzImage"));
	/* Zero-page options without a zero page. */
	o.decompress_host = false;
	e.pvh_note = true;
	n = fx_elf(elf, &e);
	o.keep_segments = true;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "no zero page"));
	o.keep_segments = false;
	o.subarch = 1;
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	o.subarch = 0;
	e.pvh_note = false;
	/* Segments outside RAM. */
	o.decompress_host = false;
	e.paddr = 0x8000000;
	n = fx_elf(elf, &e);
	assert_int_equal(plan_build(elf, n, &o, &p, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "kernel PT_LOAD 0"));
	assert_non_null(strstr(err.msg, "not in guest RAM"));
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_info),
		cmocka_unit_test(test_no_initrd),
		cmocka_unit_test(test_elf_entry),
		cmocka_unit_test(test_elf_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
