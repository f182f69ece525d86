// SPDX-License-Identifier: MIT
/*
 * ACPI tables for a guest with no firmware (ACPI 6.x, chapter 5, and
 * the AML grammar of chapter 20), so that a kernel that only looks at
 * ACPI finds its CPUs and its virtio-mmio devices: Debian's 6.1 kernels
 * lack CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, and the cloud kernel lacks
 * CONFIG_X86_MPPARSE too.
 *
 * Layout, in one page: RSDP, XSDT (FADT, MADT), FADT (-> DSDT), MADT,
 * DSDT.  The FADT is hardware-reduced, as Firecracker's: no SCI, PM
 * timer or PM1 blocks, which neither KVM nor our QEMU pc (no firmware
 * to set up its PIIX4 PM device) would back.  IAPC_BOOT_ARCH says there
 * are legacy devices and an 8042, so that Linux still probes the
 * i8042 and the CMOS RTC.
 *
 * The fact a reader gets wrong: the MADT must agree with the MP table
 * and with vmm/irq_routing.c, or the kernel looks for its timer on the
 * wrong pin: ISA IRQ 0 is GSI 2 (an override), every other ISA IRQ n is
 * GSI n, edge and active high (the ISA default, "conforms"), which is
 * what the virtio devices' irqfds raise.
 *
 * This file fills one buffer for a given guest address; lib/plan.c
 * (place_acpi) chooses the address and places it.
 */
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "directboot/acpi.h"
#include "directboot/mptable.h"
#include "directboot/pc.h"

/* A bounded writer: an overflow is remembered, never performed. */
struct aml {
	uint8_t *buf;
	size_t len, cap;
	bool overflow;
};

static void emit(struct aml *a, const void *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void emit8(struct aml *a, uint8_t v)
{
	emit(a, &v, 1);
}

static void emit16(struct aml *a, uint16_t v)
{
	uint8_t b[2];

	put_le16(b, v);
	emit(a, b, 2);
}

static void emit32(struct aml *a, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	emit(a, b, 4);
}

/* PkgLength (20.2.4): counts itself; 1 to 4 bytes. */
static size_t pkg_length_size(size_t body)
{
	if (body + 1 <= 0x3f)
		return 1;
	if (body + 2 <= 0xfff)
		return 2;
	if (body + 3 <= 0xfffff)
		return 3;
	return 4;
}

static void emit_pkg_length(struct aml *a, size_t body)
{
	size_t n = pkg_length_size(body), len = body + n;

	if (n == 1) {
		emit8(a, (uint8_t)len);
		return;
	}
	emit8(a, (uint8_t)(((n - 1) << 6) | (len & 0xf)));
	for (size_t i = 1; i < n; i++)
		emit8(a, (uint8_t)(len >> (4 + 8 * (i - 1))));
}

/* An integer with the shortest encoding (20.2.3). */
static void emit_integer(struct aml *a, uint32_t v)
{
	if (v <= 1) {
		emit8(a, v ? AML_ONE_OP : AML_ZERO_OP);
	} else if (v <= 0xff) {
		emit8(a, AML_BYTE_PREFIX);
		emit8(a, (uint8_t)v);
	} else if (v <= 0xffff) {
		emit8(a, AML_WORD_PREFIX);
		emit16(a, (uint16_t)v);
	} else {
		emit8(a, AML_DWORD_PREFIX);
		emit32(a, v);
	}
}

static void emit_name_string(struct aml *a, const char *name, size_t n)
{
	emit(a, name, n);
}

/* Name(seg, "string") */
static void emit_name_str(struct aml *a, const char seg[4], const char *s)
{
	emit8(a, AML_NAME_OP);
	emit_name_string(a, seg, 4);
	emit8(a, AML_STRING_PREFIX);
	emit(a, s, strlen(s) + 1);
}

/* Name(seg, integer) */
static void emit_name_int(struct aml *a, const char seg[4], uint32_t v)
{
	emit8(a, AML_NAME_OP);
	emit_name_string(a, seg, 4);
	emit_integer(a, v);
}

/* Name(seg, Buffer() {res}), res a resource template without its end
 * tag, which this adds (checksum 0: "treat as valid", 6.4.2.9). */
static void emit_name_crs(struct aml *a, const uint8_t *res, size_t n)
{
	uint8_t size_op[5];
	struct aml s = {size_op, 0, sizeof(size_op), false};
	size_t total = n + 2;

	emit_integer(&s, (uint32_t)total);
	emit8(a, AML_NAME_OP);
	emit_name_string(a, "_CRS", 4);
	emit8(a, AML_BUFFER_OP);
	emit_pkg_length(a, s.len + total);
	emit(a, size_op, s.len);
	emit(a, res, n);
	emit8(a, ACPI_RESOURCE_END_TAG);
	emit8(a, 0);
}

/* Memory32Fixed(ReadWrite, base, size) and one Interrupt(ResourceConsumer,
 * Edge, ActiveHigh, Exclusive) {irq}. */
static size_t virtio_resources(uint8_t r[21], const struct plan_mmio_window *d)
{
	r[0] = ACPI_RESOURCE_MEMORY32_FIXED;
	put_le16(r + 1, 9);
	r[3] = 1; /* read-write */
	put_le32(r + 4, (uint32_t)d->gpa);
	put_le32(r + 8, d->size);
	r[12] = ACPI_RESOURCE_EXT_IRQ;
	put_le16(r + 13, 6);
	r[15] = ACPI_EXT_IRQ_CONSUMER | ACPI_EXT_IRQ_EDGE;
	r[16] = 1; /* one interrupt */
	put_le32(r + 17, d->irq);
	return 21;
}

/* IO(Decode16, port, port, align, len): 8 bytes. */
static size_t io_resource(uint8_t *r, uint16_t port, uint8_t align, uint8_t len)
{
	r[0] = ACPI_RESOURCE_IO;
	r[1] = 1; /* 16-bit decode */
	put_le16(r + 2, port);
	put_le16(r + 4, port);
	r[6] = align;
	r[7] = len;
	return 8;
}

/* IRQNoFlags() {irq}: 3 bytes (edge, active high, the ISA default). */
static size_t irq_resource(uint8_t *r, unsigned irq)
{
	r[0] = ACPI_RESOURCE_IRQ_NOFLAGS;
	put_le16(r + 1, (uint16_t)(1u << irq));
	return 3;
}

/*
 * EISAID("PNP0501"): three letters of 5 bits (A is 1) and four hex
 * digits, each half big-endian, read as a little-endian dword.
 */
static uint32_t eisaid(const char id[8])
{
	uint16_t vendor = (uint16_t)(((id[0] - '@') & 0x1f) << 10 |
				     ((id[1] - '@') & 0x1f) << 5 |
				     ((id[2] - '@') & 0x1f));
	uint16_t product = 0;

	for (int i = 3; i < 7; i++)
		product =
			(uint16_t)(product << 4 |
				   (id[i] <= '9' ? id[i] - '0'
						 : (id[i] | 0x20) - 'a' + 10));
	return (uint32_t)(vendor >> 8 | (vendor & 0xff) << 8) |
	       (uint32_t)(product >> 8 | (product & 0xff) << 8) << 16;
}

/*
 * Device(name) { body }: the body is built first into a scratch
 * buffer, since the PkgLength in front of it must know its size.
 */
static void emit_device(struct aml *a, const char name[4],
			const struct aml *body)
{
	emit8(a, AML_EXT_OP_PREFIX);
	emit8(a, AML_DEVICE_OP);
	emit_pkg_length(a, 4 + body->len);
	emit_name_string(a, name, 4);
	emit(a, body->buf, body->len);
	if (body->overflow)
		a->overflow = true;
}

static void virtio_device(struct aml *a, unsigned i,
			  const struct plan_mmio_window *d)
{
	uint8_t scratch[128], res[21];
	struct aml b = {scratch, 0, sizeof(scratch), false};
	char name[5];
	size_t n = virtio_resources(res, d);

	name[0] = 'V';
	name[1] = 'R';
	name[2] = (char)('0' + i / 10);
	name[3] = (char)('0' + i % 10);
	emit_name_str(&b, "_HID", ACPI_VIRTIO_MMIO_HID);
	emit_name_int(&b, "_UID", i);
	emit_name_crs(&b, res, n);
	emit_device(a, name, &b);
}

/* Device(name) { _HID EISAID(hid), _UID 1, _CRS res } */
static void pnp_device(struct aml *a, const char name[4], const char *hid,
		       const uint8_t *res, size_t n)
{
	uint8_t scratch[96];
	struct aml b = {scratch, 0, sizeof(scratch), false};

	emit8(&b, AML_NAME_OP);
	emit_name_string(&b, "_HID", 4);
	emit8(&b, AML_DWORD_PREFIX);
	emit32(&b, eisaid(hid));
	emit_name_int(&b, "_UID", 1);
	emit_name_crs(&b, res, n);
	emit_device(a, name, &b);
}

/*
 * The PC's legacy devices, as a PC firmware names them, so that Linux
 * binds its drivers through PNP: COM1 (PNP0501, 0x3f8, IRQ 4), the CMOS
 * clock (PNP0B00, 0x70, IRQ 8) and the keyboard controller (PNP0303,
 * 0x60 and 0x64, IRQ 1).  No PS/2 mouse: Linux then leaves the i8042's
 * AUX port alone instead of probing it.
 */
static void legacy_devices(struct aml *a)
{
	uint8_t r[19];
	size_t n;

	n = io_resource(r, ACPI_COM1_PORT, 0, 8);
	n += irq_resource(r + n, ACPI_COM1_IRQ);
	pnp_device(a, "COM1", "PNP0501", r, n);
	n = io_resource(r, ACPI_RTC_PORT, 1, 2);
	n += irq_resource(r + n, ACPI_RTC_IRQ);
	pnp_device(a, "RTC_", "PNP0B00", r, n);
	n = io_resource(r, ACPI_KBD_DATA_PORT, 1, 1);
	n += io_resource(r + n, ACPI_KBD_STATUS_PORT, 1, 1);
	n += irq_resource(r + n, ACPI_KBD_IRQ);
	pnp_device(a, "KBD_", "PNP0303", r, n);
}

/* Name(_S5_, Package() {SLP_TYP a, SLP_TYP b, 0, 0}): the soft-off
 * state, which makes Linux power off through PM1a_CNT. */
static void s5_package(struct aml *a)
{
	emit8(a, AML_NAME_OP);
	emit_name_string(a, "_S5_", 4);
	emit8(a, AML_PACKAGE_OP);
	emit_pkg_length(a, 5);
	emit8(a, 4);
	for (int i = 0; i < 4; i++)
		emit_integer(a, i < 2 ? ACPI_S5_SLP_TYP : 0);
}

static void header(struct acpi_table_header *h, const char *sig,
		   uint32_t length, uint8_t revision)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->asl_compiler_id, ACPI_ASL_COMPILER_ID, 4);
	h->asl_compiler_revision = 1;
}

static void seal(uint8_t *table)
{
	uint32_t len =
		get_le32(table + offsetof(struct acpi_table_header, length));

	table[offsetof(struct acpi_table_header, checksum)] = 0;
	table[offsetof(struct acpi_table_header, checksum)] =
		checksum8(table, len);
}

/* The DSDT: _S5_, then Scope(\_SB) { COM1, RTC_, KBD_, VR00 .. VRnn }. */
static void build_dsdt(struct aml *a, const struct plan_mmio_window *dev,
		       unsigned n)
{
	uint8_t scratch[ACPI_TABLES_MAX];
	struct aml sb = {scratch, 0, sizeof(scratch), false};
	struct acpi_table_header h = {0};
	size_t start = a->len;

	legacy_devices(&sb);
	for (unsigned i = 0; i < n; i++)
		virtio_device(&sb, i, &dev[i]);
	emit(a, &h, sizeof(h)); /* filled below */
	s5_package(a);
	emit8(a, AML_SCOPE_OP);
	emit_pkg_length(a, 5 + sb.len);
	emit8(a, AML_ROOT_CHAR);
	emit_name_string(a, "_SB_", 4);
	emit(a, sb.buf, sb.len);
	if (sb.overflow)
		a->overflow = true;
	if (a->overflow)
		return;
	header(&h, ACPI_SIG_DSDT, (uint32_t)(a->len - start), 2);
	memcpy(a->buf + start, &h, sizeof(h));
	seal(a->buf + start);
}

static void build_madt(struct aml *a, unsigned cpus)
{
	struct acpi_table_madt m = {
		.address = MP_LAPIC_ADDR,
		.flags = ACPI_MADT_PCAT_COMPAT,
	};
	struct acpi_madt_io_apic io = {
		.type = ACPI_MADT_TYPE_IO_APIC,
		.length = sizeof(io),
		.id = (uint8_t)cpus,
		.address = MP_IOAPIC_ADDR,
	};
	struct acpi_madt_interrupt_override pit = {
		.type = ACPI_MADT_TYPE_INTERRUPT_OVERRIDE,
		.length = sizeof(pit),
		.source_irq = 0,
		.global_irq = MP_PIT_PIN,
		.inti_flags = ACPI_MADT_POLARITY_CONFORMS |
			      ACPI_MADT_TRIGGER_CONFORMS,
	};
	/* The SCI, level-triggered and active high, as QEMU's PIIX4
	 * raises it. */
	struct acpi_madt_interrupt_override sci = {
		.type = ACPI_MADT_TYPE_INTERRUPT_OVERRIDE,
		.length = sizeof(sci),
		.source_irq = ACPI_SCI_IRQ,
		.global_irq = ACPI_SCI_IRQ,
		.inti_flags = ACPI_MADT_POLARITY_ACTIVE_HIGH |
			      ACPI_MADT_TRIGGER_LEVEL,
	};
	struct acpi_madt_local_apic_nmi nmi = {
		.type = ACPI_MADT_TYPE_LOCAL_APIC_NMI,
		.length = sizeof(nmi),
		.processor_id = ACPI_MADT_ALL_CPUS,
		.lint = 1,
	};
	size_t start = a->len;

	emit(a, &m, sizeof(m));
	for (unsigned i = 0; i < cpus; i++) {
		struct acpi_madt_local_apic l = {
			.type = ACPI_MADT_TYPE_LOCAL_APIC,
			.length = sizeof(l),
			.processor_id = (uint8_t)i,
			.id = (uint8_t)i,
			.lapic_flags = ACPI_MADT_ENABLED,
		};

		emit(a, &l, sizeof(l));
	}
	emit(a, &io, sizeof(io));
	emit(a, &pit, sizeof(pit));
	emit(a, &sci, sizeof(sci));
	emit(a, &nmi, sizeof(nmi));
	if (a->overflow)
		return;
	header(&m.header, ACPI_SIG_MADT, (uint32_t)(a->len - start),
	       ACPI_MADT_REVISION);
	memcpy(a->buf + start, &m, sizeof(m));
	seal(a->buf + start);
}

/* A GAS for n bytes of I/O ports at port. */
static struct acpi_generic_address io_gas(uint16_t port, unsigned n)
{
	struct acpi_generic_address g = {
		.space_id = ACPI_ADR_SPACE_SYSTEM_IO,
		.bit_width = (uint8_t)(8 * n),
		.address = port,
	};

	return g;
}

/* The PM1a blocks and the PM timer, in both the 32-bit fields and the
 * X_ ones (which an ACPI 2.0+ OS prefers). */
static void fadt_pm_blocks(struct acpi_table_fadt *f)
{
	f->sci_interrupt = ACPI_SCI_IRQ;
	f->pm1a_event_block = ACPI_PM1A_EVT_BLK;
	f->pm1a_control_block = ACPI_PM1A_CNT_BLK;
	f->pm_timer_block = ACPI_PM_TMR_BLK;
	f->pm1_event_length = ACPI_PM1_EVT_LEN;
	f->pm1_control_length = ACPI_PM1_CNT_LEN;
	f->pm_timer_length = ACPI_PM_TMR_LEN;
	f->xpm1a_event_block = io_gas(ACPI_PM1A_EVT_BLK, ACPI_PM1_EVT_LEN);
	f->xpm1a_control_block = io_gas(ACPI_PM1A_CNT_BLK, ACPI_PM1_CNT_LEN);
	f->xpm_timer_block = io_gas(ACPI_PM_TMR_BLK, ACPI_PM_TMR_LEN);
	/* No C2/C3: latencies over 100 and 1000 us say "not supported". */
	f->c2_latency = 101;
	f->c3_latency = 1001;
	f->century = ACPI_RTC_CENTURY;
}

static void build_fadt(struct aml *a, uint64_t facs_gpa, uint64_t dsdt_gpa)
{
	struct acpi_table_fadt f;

	memset(&f, 0, sizeof(f));
	header(&f.header, ACPI_SIG_FADT, sizeof(f), ACPI_FADT_REVISION);
	f.facs = (uint32_t)facs_gpa;
	f.xfacs = facs_gpa;
	f.dsdt = (uint32_t)dsdt_gpa;
	f.xdsdt = dsdt_gpa;
	fadt_pm_blocks(&f);
	f.boot_flags = ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042;
	f.flags = ACPI_FADT_WBINVD | ACPI_FADT_C1_SUPPORTED |
		  ACPI_FADT_POWER_BUTTON | ACPI_FADT_SLEEP_BUTTON |
		  ACPI_FADT_32BIT_TIMER | ACPI_FADT_RESET_REGISTER;
	/* Linux's reboot tries the ACPI reset first.  RST_CNT resets both
	 * our KVM launcher and QEMU pc. */
	f.reset_register = io_gas(RST_CNT_PORT, 1);
	f.reset_register.access_width = ACPI_ACCESS_BYTE;
	f.reset_value = RST_CNT_SYS_RST | RST_CNT_RST_CPU;
	f.minor_revision = ACPI_FADT_MINOR_REVISION;
	emit(a, &f, sizeof(f));
	if (!a->overflow)
		seal(a->buf + a->len - sizeof(f));
}

static void build_facs(struct aml *a)
{
	struct acpi_table_facs f;

	memset(&f, 0, sizeof(f));
	memcpy(f.signature, ACPI_SIG_FACS, 4);
	f.length = sizeof(f);
	f.version = ACPI_FACS_VERSION;
	emit(a, &f, sizeof(f));
}

static void build_xsdt(struct aml *a, uint64_t fadt_gpa, uint64_t madt_gpa)
{
	struct acpi_table_header h;
	size_t start = a->len;

	header(&h, ACPI_SIG_XSDT, sizeof(h) + 16, 1);
	emit(a, &h, sizeof(h));
	emit32(a, (uint32_t)fadt_gpa);
	emit32(a, (uint32_t)(fadt_gpa >> 32));
	emit32(a, (uint32_t)madt_gpa);
	emit32(a, (uint32_t)(madt_gpa >> 32));
	if (!a->overflow)
		seal(a->buf + start);
}

static void build_rsdp(uint8_t *buf, uint64_t xsdt_gpa)
{
	struct acpi_table_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, ACPI_SIG_RSDP, 8);
	memcpy(r.oem_id, ACPI_OEM_ID, 6);
	r.revision = ACPI_RSDP_REVISION;
	r.length = sizeof(r);
	r.xsdt_physical_address = xsdt_gpa;
	r.checksum = checksum8(&r, ACPI_RSDP_CHECKSUM_LENGTH);
	r.extended_checksum = checksum8(&r, sizeof(r));
	memcpy(buf, &r, sizeof(r));
}

/* Tables start 16-byte aligned, as the RSDP must be; the FACS 64. */
static void align_to(struct aml *a, size_t align)
{
	static const uint8_t zeros[64];

	emit(a, zeros, align_up(a->len, align) - a->len);
}

static void align16(struct aml *a)
{
	align_to(a, 16);
}

int acpi_build(uint8_t *buf, uint64_t gpa, unsigned cpus,
	       const struct plan_mmio_window *dev, unsigned n,
	       struct acpi_layout *out, struct db_error *err)
{
	struct aml a = {buf, 0, ACPI_TABLES_MAX, false};

	if (!cpus || cpus > 0xff)
		return db_fail(err, DB_ERR_INPUT,
			       "acpi: %u CPUs, the MADT's xAPIC entries take "
			       "1 to 255",
			       cpus);
	if (n > 100)
		return db_fail(err, DB_ERR_INPUT,
			       "acpi: %u virtio devices, the DSDT names at "
			       "most 100 (VR00-VR99)",
			       n);
	memset(buf, 0, ACPI_TABLES_MAX);
	out->rsdp = 0;
	a.len = sizeof(struct acpi_table_rsdp);
	align16(&a);
	out->xsdt = (uint32_t)a.len;
	a.len += sizeof(struct acpi_table_header) + 16;
	align16(&a);
	out->fadt = (uint32_t)a.len;
	a.len += sizeof(struct acpi_table_fadt);
	align_to(&a, 64);
	out->facs = (uint32_t)a.len;
	build_facs(&a);
	align16(&a);
	out->madt = (uint32_t)a.len;
	build_madt(&a, cpus);
	align16(&a);
	out->dsdt = (uint32_t)a.len;
	build_dsdt(&a, dev, n);
	out->size = (uint32_t)a.len;
	if (a.overflow)
		return db_fail(err, DB_ERR_INPUT,
			       "acpi: the tables for %u CPUs and %u devices "
			       "exceed %u bytes",
			       cpus, n, ACPI_TABLES_MAX);
	a.len = out->fadt;
	build_fadt(&a, gpa + out->facs, gpa + out->dsdt);
	a.len = out->xsdt;
	build_xsdt(&a, gpa + out->fadt, gpa + out->madt);
	build_rsdp(buf, gpa + out->xsdt);
	return DB_OK;
}
