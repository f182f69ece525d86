/* SPDX-License-Identifier: MIT */
/*
 * The report: everything the loader handed over, as KEY=VALUE lines on
 * COM1, between "PROBE BEGIN entry=..." and "PROBE END".  The format is
 * documented line by line in probe/README.md; tests/probecheck parses it.
 *
 * Every value is read here as the loader left it: boot_params, the
 * command line, e820, setup_data and the initrd through phys_read(), and
 * the CPU state from the record head.S filled before it changed a thing.
 */
#include "probe.h"
#include "probe_smp.h"
#include "probe_virtio.h"

#define CMDLINE_READ_MAX 4096
#define SETUP_DATA_MAX_NODES 64

static void kv_str(const char *key, const char *s)
{
	serial_puts(key);
	serial_putc('=');
	serial_puts(s);
	serial_putc('\n');
}

/* KEY=A B C: a table row, values in hex separated by single spaces. */
static void kv3(const char *key, uint64_t a, uint64_t b, uint64_t c)
{
	serial_puts(key);
	serial_putc('=');
	put_hex(a);
	serial_putc(' ');
	put_hex(b);
	serial_putc(' ');
	put_hex(c);
	serial_putc('\n');
}

static const char *entry_name(uint32_t kind)
{
	switch (kind) {
	case PROBE_ENTRY_16:
		return "16";
	case PROBE_ENTRY_32:
		return "32";
	case PROBE_ENTRY_64:
		return "64";
	case PROBE_ENTRY_PVH:
		return "pvh";
	}
	return "unknown";
}

static const char *path_name(uint32_t path)
{
	switch (path) {
	case PROBE_PATH_PC:
		return "pc";
	case PROBE_PATH_LGUEST:
		return "lguest";
	case PROBE_PATH_XEN:
		return "xen";
	}
	return "other";
}

/* The GDT descriptor a selector named at entry, if it can be read. */
static void report_descriptor(const char *key, uint16_t sel)
{
	const struct probe_entry_record *e = &probe_entry;
	uint8_t d[8];
	uint64_t v = 0;

	if (sel < 8 || (sel & 4) || (uint32_t)(sel | 7) > e->gdt_limit)
		return;
	if (!phys_read(e->gdt_base + (sel & ~7u), d, sizeof(d)))
		return;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | d[i];
	put_kv(key, v);
}

static void report_cpu(void)
{
	const struct probe_entry_record *e = &probe_entry;
	bool wide = e->kind == PROBE_ENTRY_64;

	put_kv("RUN_ADDR", e->run_addr);
	put_kv("INIT_SIZE", (uint64_t)(_end - _start));
	put_kv(wide ? "RSI" : "ESI", e->rsi);
	put_kv(wide ? "RDI" : "EDI", e->rdi);
	put_kv(wide ? "RBX" : "EBX", e->rbx);
	put_kv(wide ? "RBP" : "EBP", e->rbp);
	put_kv(wide ? "RSP" : "ESP", e->rsp);
	put_kv("EFLAGS", e->rflags);
	put_kv("IF", !!(e->rflags & X86_EFLAGS_IF));
	put_kv("CS", e->cs);
	put_kv("DS", e->ds);
	put_kv("ES", e->es);
	put_kv("SS", e->ss);
	put_kv("FS", e->fs);
	put_kv("GS", e->gs);
	put_kv("CR0", e->cr0);
	put_kv("CR3", e->cr3);
	put_kv("CR4", e->cr4);
	put_kv("EFER", e->efer);
	put_kv("GDTR_BASE", e->gdt_base);
	put_kv("GDTR_LIMIT", e->gdt_limit);
	report_descriptor("CS_DESC", e->cs);
	report_descriptor("DS_DESC", e->ds);
	report_descriptor("ES_DESC", e->es);
	report_descriptor("SS_DESC", e->ss);
}

static void report_rm(void)
{
	struct probe_rm_record rm;

	put_kv("RM_RECORD", probe_entry.rm_record);
	if (!phys_read(probe_entry.rm_record, &rm, sizeof(rm))) {
		kv_str("RM_STATE", "unreadable");
		return;
	}
	put_kv("RM_BASE", rm.base);
	put_kv("RM_CS", rm.cs);
	put_kv("RM_DS", rm.ds);
	put_kv("RM_ES", rm.es);
	put_kv("RM_SS", rm.ss);
	put_kv("RM_FS", rm.fs);
	put_kv("RM_GS", rm.gs);
	put_kv("RM_SP", rm.sp);
	put_kv("RM_FLAGS", rm.flags);
	put_kv("RM_CR0", rm.cr0);
	put_kv("RM_HEAP_END_PTR", rm.heap_end_ptr);
	put_kv("RM_E820_STATUS", rm.e820_status);
}

/* The command line, quoted; \\, \" and bytes outside 0x20-0x7e escaped. */
static void report_cmdline(uint64_t pa)
{
	static char buf[CMDLINE_READ_MAX];
	uint64_t len = 0;

	put_kv("CMDLINE_ADDR", pa);
	if (!pa)
		return;
	while (len < sizeof(buf) && phys_read(pa + len, &buf[len], 1) &&
	       buf[len])
		len++;
	if (len == sizeof(buf))
		kv_str("CMDLINE_UNTERMINATED", "1");
	put_kv("CMDLINE_LEN", len);
	serial_puts("CMDLINE=\"");
	for (uint64_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\\' || c == '"') {
			serial_putc('\\');
			serial_putc((char)c);
		} else if (c < 0x20 || c > 0x7e) {
			serial_putc('\\');
			serial_putc('x');
			serial_putc("0123456789abcdef"[c >> 4]);
			serial_putc("0123456789abcdef"[c & 15]);
		} else {
			serial_putc((char)c);
		}
	}
	serial_puts("\"\n");
}

static void crc_chunk(const volatile uint8_t *p, uint64_t n, void *arg)
{
	uint32_t *crc = arg;

	*crc = crc32_update(*crc, p, n);
}

static void report_initrd(uint64_t pa, uint64_t size)
{
	uint32_t crc = 0;

	put_kv("INITRD_ADDR", pa);
	put_kv("INITRD_SIZE", size);
	if (!size)
		return;
	if (phys_walk(pa, size, crc_chunk, &crc))
		put_kv("INITRD_CRC32", crc);
	else
		kv_str("INITRD_CRC32", "unreachable");
}

static void report_setup_data(uint64_t pa)
{
	struct setup_data sd;

	put_kv("SETUP_DATA_PTR", pa);
	for (int n = 0; pa && n < SETUP_DATA_MAX_NODES; n++) {
		if (!phys_read(pa, &sd, sizeof(sd))) {
			put_kv("SETUP_DATA_UNREADABLE", pa);
			return;
		}
		kv3("SETUP_DATA", pa, sd.type, sd.len);
		pa = sd.next;
	}
	if (pa)
		put_kv("SETUP_DATA_TRUNCATED", pa);
}

static void report_boot_params(uint64_t bp_pa)
{
	static struct boot_params bp;
	const struct setup_header *h = &bp.hdr;

	put_kv("BOOT_PARAMS", bp_pa);
	if (!phys_read(bp_pa, &bp, sizeof(bp))) {
		kv_str("BOOT_PARAMS_STATE", "unreachable");
		return;
	}
	put_kv("BP_HEADER", h->header);
	put_kv("BP_VERSION", h->version);
	put_kv("TYPE_OF_LOADER", h->type_of_loader);
	put_kv("EXT_LOADER_VER", h->ext_loader_ver);
	put_kv("EXT_LOADER_TYPE", h->ext_loader_type);
	put_kv("LOADFLAGS", h->loadflags);
	put_kv("CODE32_START", h->code32_start);
	put_kv("HEAP_END_PTR", h->heap_end_ptr);
	put_kv("HARDWARE_SUBARCH", h->hardware_subarch);
	put_kv("HARDWARE_SUBARCH_DATA", h->hardware_subarch_data);
	put_kv("RAMDISK_IMAGE", h->ramdisk_image);
	put_kv("RAMDISK_SIZE", h->ramdisk_size);
	put_kv("EXT_RAMDISK_IMAGE", bp.ext_ramdisk_image);
	put_kv("EXT_RAMDISK_SIZE", bp.ext_ramdisk_size);
	put_kv("CMD_LINE_PTR", h->cmd_line_ptr);
	put_kv("EXT_CMD_LINE_PTR", bp.ext_cmd_line_ptr);
	put_kv("SENTINEL", bp.sentinel);
	put_kv("ACPI_RSDP_ADDR", bp.acpi_rsdp_addr);
	put_kv("E820_ENTRIES", bp.e820_entries);
	for (unsigned int i = 0;
	     i < bp.e820_entries && i < E820_MAX_ENTRIES_ZEROPAGE; i++)
		kv3("E820", bp.e820_table[i].addr, bp.e820_table[i].size,
		    bp.e820_table[i].type);
	report_setup_data(h->setup_data);
	report_cmdline(h->cmd_line_ptr |
		       (uint64_t)bp.ext_cmd_line_ptr << 32);
	report_initrd(h->ramdisk_image | (uint64_t)bp.ext_ramdisk_image << 32,
		      h->ramdisk_size | (uint64_t)bp.ext_ramdisk_size << 32);
}

/* A hardware_subarch other than PC: say what was chosen, and nothing of
 * the PC's tables, which such an environment need not provide. */
static void report_subarch(uint64_t bp_pa)
{
	struct setup_header h;

	put_kv("BOOT_PARAMS", bp_pa);
	if (!phys_read(bp_pa + SETUP_HEADER_OFFSET, &h, sizeof(h))) {
		kv_str("BOOT_PARAMS_STATE", "unreachable");
		return;
	}
	put_kv("BP_HEADER", h.header);
	put_kv("HARDWARE_SUBARCH", h.hardware_subarch);
	put_kv("HARDWARE_SUBARCH_DATA", h.hardware_subarch_data);
}

static void report_pvh(uint64_t si_pa)
{
	struct hvm_start_info si;

	put_kv("START_INFO", si_pa);
	if (!phys_read(si_pa, &si, sizeof(si))) {
		kv_str("START_INFO_STATE", "unreachable");
		return;
	}
	put_kv("PVH_MAGIC", si.magic);
	if (si.magic != XEN_HVM_START_MAGIC_VALUE)
		return;
	put_kv("PVH_VERSION", si.version);
	put_kv("PVH_FLAGS", si.flags);
	put_kv("PVH_NR_MODULES", si.nr_modules);
	put_kv("PVH_MODLIST_PADDR", si.modlist_paddr);
	put_kv("PVH_CMDLINE_PADDR", si.cmdline_paddr);
	put_kv("PVH_RSDP_PADDR", si.rsdp_paddr);
	if (si.version >= 1) {
		put_kv("PVH_MEMMAP_PADDR", si.memmap_paddr);
		put_kv("PVH_MEMMAP_ENTRIES", si.memmap_entries);
		put_kv("E820_ENTRIES", si.memmap_entries);
		for (uint32_t i = 0; i < si.memmap_entries &&
				     i < E820_MAX_ENTRIES_ZEROPAGE; i++) {
			struct hvm_memmap_table_entry m;

			if (!phys_read(si.memmap_paddr + i * sizeof(m), &m,
				       sizeof(m)))
				break;
			kv3("E820", m.addr, m.size, m.type);
		}
	}
	for (uint32_t i = 0; i < si.nr_modules && i < 16; i++) {
		struct hvm_modlist_entry m;

		if (!phys_read(si.modlist_paddr + i * sizeof(m), &m,
			       sizeof(m)))
			break;
		kv3("PVH_MODULE", m.paddr, m.size, m.cmdline_paddr);
		if (i == 0)
			report_initrd(m.paddr, m.size);
	}
	if (!si.nr_modules)
		report_initrd(0, 0);
	report_cmdline(si.cmdline_paddr);
}

/* boot.rst's reboot through the keyboard controller, then stop. */
static void __attribute__((noreturn)) probe_end(void)
{
	serial_puts("PROBE END\n");
	outb(0x64, 0xfe);
	for (;;)
		asm volatile("cli; hlt");
}

void probe_main(void)
{
	const struct probe_entry_record *e = &probe_entry;

	paging_init();

	serial_puts("PROBE BEGIN entry=");
	serial_puts(entry_name(e->kind));
	serial_putc('\n');
	report_cpu();
	if (e->kind == PROBE_ENTRY_16)
		report_rm();
	if (e->kind == PROBE_ENTRY_16 || e->kind == PROBE_ENTRY_32) {
		put_kv("KEEP_SEGMENTS", !!(e->flags & PROBE_F_KEEP_SEGMENTS));
		kv_str("SEGMENTS", e->flags & PROBE_F_SEGS_RELOADED ?
					  "reloaded" : "kept");
		kv_str("SUBARCH_PATH", path_name(e->path));
	}
	if (e->kind == PROBE_ENTRY_PVH)
		report_pvh(e->rbx);
	else if (e->path != PROBE_PATH_PC)
		report_subarch(e->rsi);
	else
		report_boot_params(e->rsi);
	virtio_probe(e);
	smp_probe();
	probe_end();
}
