/* SPDX-License-Identifier: MIT */
/*
 * plan_build() end to end on images built in memory: how the entry path
 * is resolved and refused, the CPU state of each path (and that the GDT
 * in guest memory agrees with it), --decompress host with the payload
 * decompressed here or handed in, the plan's invariants over a
 * matrix of entries, memory sizes and initrds, and where the MP table,
 * the ACPI tables and the virtio-mmio windows go (their builders have
 * test files of their own).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "directboot/acpi.h"
#include "directboot/mptable.h"
#include "directboot/plan.h"
#include "plan_fixture.h"
#include "plan_int.h"

static uint8_t img[FX_IMAGE_MAX];
static uint8_t elfbuf[FX_ELF_SIZE];
static struct db_error err;

static struct plan *build(size_t size, struct plan_options o)
{
	struct plan *p = NULL;

	memset(&err, 0, sizeof(err));
	int ret = plan_build(img, size, &o, &p, &err);

	if (ret)
		fail_msg("plan_build: %s", err.msg);
	assert_non_null(p);
	return p;
}

static void refused(size_t size, struct plan_options o, const char *needle)
{
	struct plan *p = (struct plan *)1;

	memset(&err, 0, sizeof(err));
	assert_int_equal(plan_build(img, size, &o, &p, &err), DB_ERR_INPUT);
	assert_null(p);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static size_t bz_default(void)
{
	struct fx_bz b = fx_bz_default();

	return fx_bzimage(img, &b);
}

static void test_entry_names(void **state)
{
	(void)state;
	assert_string_equal(plan_entry_name(PLAN_ENTRY_AUTO), "auto");
	assert_string_equal(plan_entry_name(PLAN_ENTRY_32), "32");
	assert_string_equal(plan_entry_name(PLAN_ENTRY_64), "64");
	assert_string_equal(plan_entry_name(PLAN_ENTRY_PVH), "pvh");
	assert_string_equal(plan_entry_name(PLAN_ENTRY_ELF), "elf");
}

/* Flat 4 GiB, ring 0, present, as boot.rst asks of __BOOT_CS/__BOOT_DS. */
static void check_flat(const struct plan_segment *s, uint16_t sel, uint8_t type)
{
	assert_int_equal(s->selector, sel);
	assert_int_equal(s->base, 0);
	assert_int_equal(s->limit, 0xffffffff);
	assert_int_equal(s->type, type);
	assert_int_equal(s->s, 1);
	assert_int_equal(s->dpl, 0);
	assert_int_equal(s->present, 1);
	assert_int_equal(s->g, 1);
}

/* The GDT bytes in guest memory encode the segments the vCPU gets. */
static void check_gdt(const struct plan *p)
{
	const struct plan_placement *g = fx_placement(p, "gdt");

	assert_non_null(g);
	assert_int_equal(g->gpa, p->cpu.gdt_base);
	assert_int_equal(g->size, p->cpu.gdt_limit + 1u);
	assert_int_equal(get_le64(g->data), 0);
	assert_int_equal(get_le64(g->data + PLAN_BOOT_CS),
			 entry_descriptor(&p->cpu.cs));
	assert_int_equal(get_le64(g->data + PLAN_BOOT_DS),
			 entry_descriptor(&p->cpu.ds));
	/* 0x00cf9b000000ffff / 0x00af9b000000ffff: the well-known flat
	 * 32-bit and 64-bit code descriptors. */
	assert_int_equal(get_le64(g->data + PLAN_BOOT_CS),
			 p->cpu.mode == 64 ? 0x00af9b000000ffffull
					   : 0x00cf9b000000ffffull);
	assert_int_equal(get_le64(g->data + PLAN_BOOT_DS),
			 0x00cf93000000ffffull);
	/* TSS: available in the GDT, busy in TR. */
	assert_int_equal(get_le64(g->data + PLAN_BOOT_TSS) >> 40 & 0xf, 0x9);
	assert_int_equal(p->cpu.tr.type, 0xb);
	assert_int_equal(p->cpu.tr.selector, PLAN_BOOT_TSS);
}

static void test_entry_32(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan *p;

	(void)state;
	b.xloadflags = 0;
	p = build(fx_bzimage(img, &b), FX_OPTS(64));
	assert_int_equal(p->entry, PLAN_ENTRY_32);
	assert_int_equal(p->cpu.mode, 32);
	assert_int_equal(p->cpu.rip, p->kernel_gpa);
	assert_int_equal(p->cpu.rsi, p->boot_params_gpa);
	assert_int_equal(p->cpu.rsi, PLAN_BOOT_PARAMS_GPA);
	assert_int_equal(p->cpu.rbp, 0);
	assert_int_equal(p->cpu.rdi, 0);
	assert_int_equal(p->cpu.rbx, 0);
	assert_int_equal(p->cpu.rflags, 0x2); /* IF=0 */
	assert_int_equal(p->cpu.cr0, X86_CR0_PE | X86_CR0_ET);
	assert_int_equal(p->cpu.cr0 & X86_CR0_PG, 0);
	assert_int_equal(p->cpu.cr4, 0);
	assert_int_equal(p->cpu.efer, 0);
	check_flat(&p->cpu.cs, 0x10, 0xb);
	assert_int_equal(p->cpu.cs.db, 1);
	assert_int_equal(p->cpu.cs.l, 0);
	check_flat(&p->cpu.ds, 0x18, 0x3);
	check_flat(&p->cpu.es, 0x18, 0x3);
	check_flat(&p->cpu.ss, 0x18, 0x3);
	assert_int_equal(p->page_tables_size, 0);
	check_gdt(p);
	plan_free(p);
}

static void test_entry_64(void **state)
{
	struct plan *p;

	(void)state;
	p = build(bz_default(), FX_OPTS(64));
	assert_int_equal(p->entry, PLAN_ENTRY_64);
	assert_int_equal(p->cpu.mode, 64);
	assert_int_equal(p->cpu.rip, p->kernel_gpa + KERNEL_64BIT_ENTRY_OFFSET);
	assert_int_equal(p->cpu.rsi, PLAN_BOOT_PARAMS_GPA);
	assert_int_equal(p->cpu.cr0, X86_CR0_PE | X86_CR0_ET | X86_CR0_PG);
	assert_int_equal(p->cpu.cr4, X86_CR4_PAE);
	assert_int_equal(p->cpu.efer, X86_EFER_LME | X86_EFER_LMA);
	assert_int_equal(p->cpu.cr3, p->page_tables_gpa);
	assert_int_not_equal(p->page_tables_size, 0);
	check_flat(&p->cpu.cs, 0x10, 0xb);
	assert_int_equal(p->cpu.cs.l, 1);
	assert_int_equal(p->cpu.cs.db, 0);
	check_flat(&p->cpu.ds, 0x18, 0x3);
	check_gdt(p);
	plan_free(p);
}

static void test_entry_refusals(void **state)
{
	struct fx_bz b = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	size_t n;

	(void)state;
	o.entry = PLAN_ENTRY_PVH;
	refused(bz_default(), o, "--decompress host");
	o.entry = PLAN_ENTRY_ELF;
	refused(bz_default(), o, "--decompress host");
	b.xloadflags = 0;
	n = fx_bzimage(img, &b);
	o.entry = PLAN_ENTRY_64;
	refused(n, o, "XLF_KERNEL_64");
	/* A 32-bit entry into a 64-bit kernel is fine: both exist. */
	o.entry = PLAN_ENTRY_32;
	plan_free(build(bz_default(), o));
}

/* The command line's limit counts what plan_devices.c appends for the
 * virtio devices; the refusal names the user's part and the appended
 * part apart. */
static void test_cmdline_too_long(void **state)
{
	static char line[2100];
	struct plan_options o = FX_OPTS(64);

	(void)state;
	memset(line, 'x', 2040);
	line[2040] = '\0';
	o.cmdline = line;
	plan_free(build(bz_default(), o)); /* 2040 <= 2047 */
	o.nr_virtio = 1;
	refused(bz_default(), o, "2040 given and ");
	refused(bz_default(), o,
		" appended for the virtio devices "
		"(virtio_mmio.device=...), over the "
		"kernel's cmdline_size of 2047");
	memset(line, 'x', 2048);
	line[2048] = '\0';
	o.nr_virtio = 0;
	refused(bz_default(), o,
		"is 2048 bytes, over the kernel's "
		"cmdline_size of 2047");
}

/* The vmlinux in the payload, entered without the guest decompressor. */
static size_t bz_with_elf(bool pvh)
{
	struct fx_elf e = {.pvh_note = pvh};
	struct fx_bz b = fx_bz_default();

	b.payload_size = fx_elf(elfbuf, &e);
	b.payload = elfbuf;
	b.init_size = 0x10000;
	return fx_bzimage(img, &b);
}

static void test_host_pvh(void **state)
{
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *k;
	struct plan *p;

	(void)state;
	o.decompress_host = true;
	p = build(bz_with_elf(true), o);
	assert_int_equal(p->entry, PLAN_ENTRY_PVH);
	assert_int_equal(p->cpu.mode, 32);
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_PVH_OFF);
	assert_int_equal(p->cpu.rbx, p->start_info_gpa);
	assert_int_equal(p->boot_params_gpa, 0);
	k = fx_placement(p, "kernel PT_LOAD 0");
	assert_non_null(k);
	assert_int_equal(k->gpa, FX_ELF_PADDR);
	assert_int_equal(k->size, FX_ELF_FILESZ);
	assert_int_equal(k->mem_size, FX_ELF_MEMSZ);
	assert_int_equal(k->data[0], 0xcc);
	assert_int_equal(p->kernel_gpa, FX_ELF_PADDR);
	assert_int_equal(p->kernel_size, FX_ELF_MEMSZ);
	plan_free(p);
}

static void test_host_64(void **state)
{
	struct plan_options o = FX_OPTS(64);
	const struct plan_placement *bp;
	struct plan *p;

	(void)state;
	o.decompress_host = true;
	p = build(bz_with_elf(false), o);
	assert_int_equal(p->entry, PLAN_ENTRY_64);
	assert_int_equal(p->cpu.mode, 64);
	/* vmlinux's startup_64, not the bzImage's load + 0x200. */
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_ENTRY_OFF);
	assert_int_equal(p->cpu.rsi, PLAN_BOOT_PARAMS_GPA);
	bp = fx_placement(p, "boot_params");
	assert_non_null(bp);
	/* The zero page's header is the bzImage's. */
	assert_int_equal(get_le32(bp->data + SH_OFF(init_size)), 0x10000);
	assert_int_equal(get_le16(bp->data + SH_OFF(xloadflags)),
			 XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	/* The PVH note is there, but 64 was asked for. */
	plan_free(p);
	o.entry = PLAN_ENTRY_64;
	p = build(bz_with_elf(true), o);
	assert_int_equal(p->entry, PLAN_ENTRY_64);
	assert_int_equal(p->cpu.rip, FX_ELF_PADDR + FX_ELF_ENTRY_OFF);
	plan_free(p);
	o.entry = PLAN_ENTRY_32;
	refused(bz_with_elf(true), o, "decompressor");
	o.entry = PLAN_ENTRY_PVH;
	refused(bz_with_elf(false), o, "XEN_ELFNOTE_PHYS32_ENTRY");
}

/* plan_options.elf: a cache hit hands in the ELF; the payload is unused. */
static void test_host_given_elf(void **state)
{
	static uint8_t other[FX_ELF_SIZE];
	struct fx_elf e = {.pvh_note = true, .paddr = 0x2000000};
	struct plan_options o = FX_OPTS(64);
	struct plan *p;

	(void)state;
	o.decompress_host = true;
	o.elf_size = fx_elf(other, &e);
	o.elf = other;
	p = build(bz_with_elf(true), o);
	assert_int_equal(p->kernel_gpa, 0x2000000);
	assert_int_equal(p->cpu.rip, 0x2000000 + FX_ELF_PVH_OFF);
	assert_ptr_equal(fx_placement(p, "kernel PT_LOAD 0")->data,
			 other + FX_ELF_OFFSET);
	plan_free(p);
}

static void test_host_no_payload(void **state)
{
	struct plan_options o = FX_OPTS(64);

	(void)state;
	o.decompress_host = true;
	refused(bz_default(), o, "payload");
}

/* Every placement in a reservation, reservations in RAM and apart. */
static void check_invariants(const struct plan *p)
{
	assert_int_equal(layout_check(p, &err), DB_OK);
	for (unsigned i = 0; i < p->nr_reservations; i++) {
		const struct plan_reservation *r = &p->reservations[i];

		assert_true(layout_in_ram(p, r->start, r->size));
	}
	assert_int_not_equal(p->entry, PLAN_ENTRY_AUTO);
}

static void test_matrix(void **state)
{
	static uint8_t initrd[3 << 20];
	static const unsigned mems[] = {64, 3584, 6144};
	static const size_t rds[] = {0, 4096, sizeof(initrd)};
	static const enum plan_entry entries[] = {
		PLAN_ENTRY_AUTO,
		PLAN_ENTRY_32,
		PLAN_ENTRY_64,
		PLAN_ENTRY_PVH,
	};

	(void)state;
	for (unsigned m = 0; m < 3; m++)
		for (unsigned r = 0; r < 3; r++)
			for (unsigned e = 0; e < 4; e++) {
				struct plan_options o = FX_OPTS(mems[m]);
				bool host = entries[e] == PLAN_ENTRY_PVH;
				struct plan *p;

				o.entry = entries[e];
				o.initrd = initrd;
				o.initrd_size = rds[r];
				o.decompress_host = host;
				o.keep_segments = r == 1 && !host;
				o.subarch = (e & 1) && !host;
				p = build(host ? bz_with_elf(true)
					       : bz_default(),
					  o);
				check_invariants(p);
				assert_int_equal(p->initrd_size, rds[r]);
				plan_free(p);
			}
}

/* The probe guest, when this build has made it (make probe): the
 * binary is BUILD/tests/unit/test_plan, the probe BUILD/probe/. */
static char probe_path[4096];

static void test_probe(void **state)
{
	static uint8_t buf[8 << 20];
	FILE *f = fopen(probe_path, "rb");
	size_t n;

	(void)state;
	if (!f) {
		printf("  (no %s: make probe builds it; 30-plan.sh plans it "
		       "too)\n",
		       probe_path);
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (unsigned e = 0; e < 4; e++) {
		static const enum plan_entry entries[] = {
			PLAN_ENTRY_AUTO,
			PLAN_ENTRY_32,
			PLAN_ENTRY_64,
			PLAN_ENTRY_PVH,
		};
		struct plan_options o = FX_OPTS(64);
		struct plan *p = NULL;

		o.entry = entries[e];
		o.decompress_host = entries[e] == PLAN_ENTRY_PVH;
		if (plan_build(buf, n, &o, &p, &err))
			fail_msg("%s: %s", probe_path, err.msg);
		check_invariants(p);
		assert_int_equal(p->entry, e ? entries[e] : PLAN_ENTRY_64);
		plan_free(p);
	}
}

/* plan_build with --cpus 3: the floating pointer in the first KiB
 * (where mpparse.c scans first), pointing at the table, both placed. */
static void test_mptable_placed(void **state)
{
	struct fx_bz bz = fx_bz_default();
	struct plan_options o = FX_OPTS(256);
	struct plan *plan;
	const struct plan_placement *mpf, *tab;
	struct mpf_intel f;
	size_t size = fx_bzimage(img, &bz);

	(void)state;
	o.cpus = 3;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	mpf = fx_placement(plan, "MP floating pointer");
	tab = fx_placement(plan, "MP table");
	assert_non_null(mpf);
	assert_non_null(tab);
	assert_true(mpf->gpa + mpf->size <= 0x400);
	memcpy(&f, mpf->data, sizeof(f));
	assert_int_equal(f.physptr, tab->gpa);
	assert_int_equal(plan->mptable_gpa, tab->gpa);
	assert_true(tab->gpa + tab->size <= 0x9fc00);
	assert_int_equal(tab->size, mptable_size(3));
	assert_int_equal(tab->data[sizeof(struct mpc_table) + 20 * 2 + 1], 2);
	plan_free(plan);

	/* One CPU (and the default, 0): a table with the BSP alone, so the
	 * guest need not scan the BIOS area for one. */
	for (unsigned cpus = 0; cpus <= 1; cpus++) {
		o.cpus = cpus;
		assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
		tab = fx_placement(plan, "MP table");
		assert_non_null(tab);
		assert_int_equal(plan->mptable_gpa, tab->gpa);
		assert_int_equal(tab->size, mptable_size(1));
		plan_free(plan);
	}
}

static void test_virtio_windows(void **state)
{
	struct fx_bz bz = fx_bz_default();
	struct plan_options o = FX_OPTS(64);
	struct plan *plan;
	const struct plan_placement *cl;
	size_t size;

	(void)state;
	o.cmdline = "console=ttyS0";
	o.nr_virtio = 3;
	size = fx_bzimage(img, &bz);
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	assert_int_equal(plan->nr_virtio, 3);
	cl = fx_placement(plan, "cmdline");
	assert_non_null(cl);
	assert_string_equal((const char *)cl->data,
			    "console=ttyS0 "
			    "virtio_mmio.device=512@0xd0000000:5 "
			    "virtio_mmio.device=512@0xd0001000:6 "
			    "virtio_mmio.device=512@0xd0002000:7");
	for (unsigned i = 0; i < 3; i++) {
		/* Outside RAM: in no e820 RAM range. */
		for (unsigned r = 0; r < plan->nr_regions; r++)
			if (plan->regions[r].type == E820_TYPE_RAM)
				assert_false(
					plan->virtio[i].gpa <
						plan->regions[r].start +
							plan->regions[r].size &&
					plan->virtio[i].gpa >=
						plan->regions[r].start);
		assert_int_equal(plan->virtio[i].size, 512);
	}
	plan_free(plan);

	/* The entries count against cmdline_size. */
	bz.cmdline_size = 40;
	size = fx_bzimage(img, &bz);
	o.cmdline = "";
	o.nr_virtio = 1;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_OK);
	plan_free(plan);
	o.nr_virtio = 2;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "cmdline_size"));
	o.nr_virtio = PLAN_VIRTIO_MAX + 1;
	assert_int_equal(plan_build(img, size, &o, &plan, &err), DB_ERR_INPUT);
}

/* The ACPI tables (lib/acpi.c) in a low page of their own, the RSDP
 * first, its address in boot_params.acpi_rsdp_addr; none with no_acpi. */
static void test_acpi_placed(void **state)
{
	struct fx_bz bz = fx_bz_default();
	struct plan_options o = FX_OPTS(256);
	const struct plan_placement *t, *bp;
	struct boot_params z;
	struct plan *plan;
	size_t size = fx_bzimage(img, &bz);
	uint8_t xsdt[8];

	(void)state;
	o.cpus = 2;
	o.nr_virtio = 2;
	plan = build(size, o);
	t = fx_placement(plan, "ACPI tables");
	assert_non_null(t);
	assert_int_equal(t->gpa % PLAN_PAGE, 0);
	assert_true(t->gpa + t->mem_size <= PLAN_LOW_RAM_END);
	assert_int_equal(t->mem_size, ACPI_TABLES_MAX);
	assert_memory_equal(t->data, ACPI_SIG_RSDP, 8);
	/* The XSDT's address lies inside the same page. */
	memcpy(xsdt,
	       t->data +
		       offsetof(struct acpi_table_rsdp, xsdt_physical_address),
	       8);
	assert_true(get_le64(xsdt) > t->gpa &&
		    get_le64(xsdt) < t->gpa + t->size);
	/* The DSDT names the plan's two windows: their bases are in it. */
	assert_non_null(memmem(t->data, t->size, "\x00\x00\x00\xd0", 4));
	assert_non_null(memmem(t->data, t->size, "\x00\x10\x00\xd0", 4));
	bp = fx_placement(plan, "boot_params");
	memcpy(&z, bp->data, sizeof(z));
	assert_int_equal(z.acpi_rsdp_addr, t->gpa);
	plan_free(plan);

	o.no_acpi = true;
	plan = build(size, o);
	assert_null(fx_placement(plan, "ACPI tables"));
	memcpy(&z, fx_placement(plan, "boot_params")->data, sizeof(z));
	assert_int_equal(z.acpi_rsdp_addr, 0);
	plan_free(plan);
}

int main(int argc, char **argv)
{
	const char *slash = argc > 0 ? strstr(argv[0], "/tests/unit/") : NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_names),
		cmocka_unit_test(test_entry_32),
		cmocka_unit_test(test_entry_64),
		cmocka_unit_test(test_entry_refusals),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_host_pvh),
		cmocka_unit_test(test_host_64),
		cmocka_unit_test(test_host_given_elf),
		cmocka_unit_test(test_host_no_payload),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_mptable_placed),
		cmocka_unit_test(test_virtio_windows),
		cmocka_unit_test(test_acpi_placed),
	};

	snprintf(probe_path, sizeof(probe_path), "%.*s/probe/probe.bzImage",
		 slash ? (int)(slash - argv[0]) : 5, slash ? argv[0] : "build");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
