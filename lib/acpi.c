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
 * i8042 and the CMOS RTC.  Power-off goes through the FADT's sleep
 * control register and the DSDT's \_S5: without both, Linux has no
 * way to power off and only halts, and the run never ends.
 *
 * The fact a reader gets wrong: the MADT must agree with the MP table
 * and with vmm/irq_routing.c, or the kernel looks for its timer on the
 * wrong pin: ISA IRQ 0 is GSI 2 (an override), every other ISA IRQ n is
 * GSI n, edge and active high (the ISA default, "conforms"), which is
 * what the virtio devices' irqfds raise.
 */
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "directboot/acpi.h"
#include "directboot/mptable.h"
#include "plan_devices.h"

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return (uint8_t)-sum;
}

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
static size_t virtio_resources(uint8_t r[21], const struct acpi_mmio_device *d)
{
	r[0] = ACPI_RESOURCE_MEMORY32_FIXED;
	put_le16(r + 1, 9);
	r[3] = 1; /* read-write */
	put_le32(r + 4, (uint32_t)d->base);
	put_le32(r + 8, d->size);
	r[12] = ACPI_RESOURCE_EXT_IRQ;
	put_le16(r + 13, 6);
	r[15] = ACPI_EXT_IRQ_CONSUMER | ACPI_EXT_IRQ_EDGE;
	r[16] = 1; /* one interrupt */
	put_le32(r + 17, d->irq);
	return 21;
}

/* IO(Decode16, 0x3f8, 0x3f8, 0, 8) and IRQNoFlags() {4} */
static size_t com1_resources(uint8_t r[11])
{
	r[0] = ACPI_RESOURCE_IO;
	r[1] = 1; /* 16-bit decode */
	put_le16(r + 2, ACPI_COM1_PORT);
	put_le16(r + 4, ACPI_COM1_PORT);
	r[6] = 0;
	r[7] = 8;
	r[8] = ACPI_RESOURCE_IRQ_NOFLAGS;
	put_le16(r + 9, 1u << ACPI_COM1_IRQ);
	return 11;
}

/* EISAID("PNP0501"): three 5-bit letters and four hex digits, the
 * bytes in that order, read as a little-endian dword. */
#define ACPI_EISAID_PNP0501 0x0105d041u

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
			  const struct acpi_mmio_device *d)
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

static void com1_device(struct aml *a)
{
	uint8_t scratch[64], res[11];
	struct aml b = {scratch, 0, sizeof(scratch), false};
	size_t n = com1_resources(res);

	emit8(&b, AML_NAME_OP);
	emit_name_string(&b, "_HID", 4);
	emit8(&b, AML_DWORD_PREFIX);
	emit32(&b, ACPI_EISAID_PNP0501);
	emit_name_int(&b, "_UID", 1);
	emit_name_crs(&b, res, n);
	emit_device(a, "COM1", &b);
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
	uint32_t len = get_le32(table + offsetof(struct acpi_table_header,
						 length));

	table[offsetof(struct acpi_table_header, checksum)] = 0;
	table[offsetof(struct acpi_table_header, checksum)] =
		acpi_checksum(table, len);
}

/* Name(\_S5, Package() { ACPI_S5_SLEEP_TYPE, Zero }): SLP_TYPa and
 * SLP_TYPb of the soft-off state (7.4.2). */
static void s5_package(struct aml *a)
{
	emit8(a, AML_NAME_OP);
	emit_name_string(a, "_S5_", 4);
	emit8(a, AML_PACKAGE_OP);
	emit8(a, 5); /* PkgLength: itself, NumElements and the two */
	emit8(a, 2);
	emit8(a, AML_BYTE_PREFIX);
	emit8(a, ACPI_S5_SLEEP_TYPE);
	emit8(a, AML_ZERO_OP);
}

/* The DSDT: Scope(\_SB) { COM1, VR00 .. VRnn }, then \_S5. */
static void build_dsdt(struct aml *a, const struct acpi_mmio_device *dev,
		       unsigned n)
{
	uint8_t scratch[ACPI_TABLES_MAX];
	struct aml sb = {scratch, 0, sizeof(scratch), false};
	struct acpi_table_header h = {0};
	size_t start = a->len;

	com1_device(&sb);
	for (unsigned i = 0; i < n; i++)
		virtio_device(&sb, i, &dev[i]);
	emit(a, &h, sizeof(h)); /* filled below */
	emit8(a, AML_SCOPE_OP);
	emit_pkg_length(a, 5 + sb.len);
	emit8(a, AML_ROOT_CHAR);
	emit_name_string(a, "_SB_", 4);
	emit(a, sb.buf, sb.len);
	if (sb.overflow)
		a->overflow = true;
	s5_package(a);
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
	emit(a, &nmi, sizeof(nmi));
	if (a->overflow)
		return;
	header(&m.header, ACPI_SIG_MADT, (uint32_t)(a->len - start),
	       ACPI_MADT_REVISION);
	memcpy(a->buf + start, &m, sizeof(m));
	seal(a->buf + start);
}

static void sleep_register(struct acpi_generic_address *g, uint16_t port)
{
	g->space_id = ACPI_ADR_SPACE_SYSTEM_IO;
	g->bit_width = 8;
	g->access_width = ACPI_ACCESS_BYTE;
	g->address = port;
}

static void build_fadt(struct aml *a, uint64_t dsdt_gpa)
{
	struct acpi_table_fadt f;

	memset(&f, 0, sizeof(f));
	header(&f.header, ACPI_SIG_FADT, sizeof(f), ACPI_FADT_REVISION);
	f.dsdt = (uint32_t)dsdt_gpa;
	f.xdsdt = dsdt_gpa;
	f.boot_flags = ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042;
	f.flags = ACPI_FADT_HW_REDUCED | ACPI_FADT_POWER_BUTTON |
		  ACPI_FADT_SLEEP_BUTTON | ACPI_FADT_RESET_REGISTER;
	/* Linux's reboot tries the ACPI reset first; with none, its
	 * i8042 pulse was seen to end in a triple fault under TCG with
	 * these tables.  0xcf9 resets both our KVM launcher and QEMU pc. */
	f.reset_register.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
	f.reset_register.bit_width = 8;
	f.reset_register.access_width = ACPI_ACCESS_BYTE;
	f.reset_register.address = ACPI_RESET_PORT;
	f.reset_value = ACPI_RESET_VALUE;
	sleep_register(&f.sleep_control, ACPI_SLEEP_CONTROL_PORT);
	sleep_register(&f.sleep_status, ACPI_SLEEP_STATUS_PORT);
	f.minor_revision = ACPI_FADT_MINOR_REVISION;
	emit(a, &f, sizeof(f));
	if (!a->overflow)
		seal(a->buf + a->len - sizeof(f));
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
	r.checksum = acpi_checksum(&r, ACPI_RSDP_CHECKSUM_LENGTH);
	r.extended_checksum = acpi_checksum(&r, sizeof(r));
	memcpy(buf, &r, sizeof(r));
}

/* Tables start 16-byte aligned, as the RSDP must be. */
static void align16(struct aml *a)
{
	static const uint8_t zeros[16];

	emit(a, zeros, align_up(a->len, 16) - a->len);
}

int acpi_build(uint8_t *buf, uint64_t gpa, unsigned cpus,
	       const struct acpi_mmio_device *dev, unsigned n,
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
	build_fadt(&a, gpa + out->dsdt);
	a.len = out->xsdt;
	build_xsdt(&a, gpa + out->fadt, gpa + out->madt);
	build_rsdp(buf, gpa + out->xsdt);
	return DB_OK;
}

/*
 * The plan's hook: the tables in a page of low RAM, taken like the MP
 * table's.  RAM, not the reserved 0xe0000 area where a BIOS would put
 * them: QEMU pc has its ROMs there, and the tcg path loads every
 * placement into RAM.  Linux 6.1 keeps them: it reserves the whole
 * first MiB (reserve_real_mode) and each table it found
 * (acpi_reserve_initial_tables); it finds the RSDP through
 * boot_params.acpi_rsdp_addr or hvm_start_info.rsdp_paddr, which the
 * caller sets from *rsdp.
 */
int plan_add_acpi(struct plan *plan, unsigned cpus, uint64_t *rsdp,
		  struct db_error *err)
{
	struct acpi_mmio_device dev[PLAN_VIRTIO_MAX];
	uint8_t *buf = plan_alloc(plan, ACPI_TABLES_MAX);
	struct acpi_layout l;
	uint64_t gpa;
	int ret;

	if (!buf)
		return db_fail(err, DB_ERR_HOST,
			       "plan: out of memory for the ACPI tables");
	for (unsigned i = 0; i < plan->nr_virtio; i++) {
		dev[i].base = plan->virtio[i].gpa;
		dev[i].size = plan->virtio[i].size;
		dev[i].irq = plan->virtio[i].irq;
	}
	ret = layout_low(plan, NULL, ACPI_TABLES_MAX, "ACPI tables", &gpa,
			 err);
	if (ret)
		return ret;
	ret = acpi_build(buf, gpa, cpus, dev, plan->nr_virtio, &l, err);
	if (ret)
		return ret;
	*rsdp = gpa + l.rsdp;
	return layout_place(plan, gpa, buf, l.size, ACPI_TABLES_MAX,
			    "ACPI tables", err);
}
