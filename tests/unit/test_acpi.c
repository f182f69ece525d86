// SPDX-License-Identifier: MIT
/*
 * The ACPI tables (lib/acpi.c): signatures, lengths and checksums, the
 * pointers between them, the MADT's entries, and the DSDT's AML walked
 * byte by byte as the ACPI 6.x grammar decodes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "directboot/acpi.h"
#include "directboot/mptable.h"

#define GPA 0x3000ull

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const struct acpi_mmio_device devs[2] = {
	{0xd0000000, 512, 5},
	{0xd0001000, 512, 6},
};

static void build(uint8_t *buf, unsigned cpus, unsigned n,
		  struct acpi_layout *l)
{
	struct db_error err = {0};

	assert_int_equal(acpi_build(buf, GPA, cpus, devs, n, l, &err), DB_OK);
}

static uint32_t table_len(const uint8_t *t)
{
	return get_le32(t + offsetof(struct acpi_table_header, length));
}

static void test_pointers_and_checksums(void **state)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	struct acpi_layout l;
	const uint8_t *r;

	(void)state;
	build(buf, 2, 2, &l);
	r = buf + l.rsdp;
	assert_memory_equal(r, ACPI_SIG_RSDP, 8);
	assert_int_equal(r[15], 2);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(sum(r, 36), 0);
	assert_int_equal(get_le32(r + 16), 0); /* no RSDT */
	assert_int_equal(get_le64(r + 24), GPA + l.xsdt);
	assert_memory_equal(buf + l.xsdt, "XSDT", 4);
	assert_int_equal(table_len(buf + l.xsdt), 36 + 16);
	assert_int_equal(get_le64(buf + l.xsdt + 36), GPA + l.fadt);
	assert_int_equal(get_le64(buf + l.xsdt + 44), GPA + l.madt);
	assert_memory_equal(buf + l.fadt, "FACP", 4);
	assert_int_equal(table_len(buf + l.fadt), 276);
	assert_int_equal(get_le32(buf + l.fadt + 40), GPA + l.dsdt);
	assert_int_equal(get_le64(buf + l.fadt + 140), GPA + l.dsdt);
	assert_int_equal(get_le32(buf + l.fadt + 112),
			 ACPI_FADT_HW_REDUCED | ACPI_FADT_POWER_BUTTON |
				 ACPI_FADT_SLEEP_BUTTON |
				 ACPI_FADT_RESET_REGISTER);
	assert_int_equal(buf[l.fadt + 116], ACPI_ADR_SPACE_SYSTEM_IO);
	assert_int_equal(get_le64(buf + l.fadt + 120), 0xcf9);
	assert_int_equal(buf[l.fadt + 128], 0x06);
	/* Sleep control and status: Linux's power-off needs both. */
	assert_int_equal(buf[l.fadt + 244], ACPI_ADR_SPACE_SYSTEM_IO);
	assert_int_equal(buf[l.fadt + 245], 8);
	assert_int_equal(get_le64(buf + l.fadt + 248), ACPI_SLEEP_CONTROL_PORT);
	assert_int_equal(buf[l.fadt + 256], ACPI_ADR_SPACE_SYSTEM_IO);
	assert_int_equal(get_le64(buf + l.fadt + 260), ACPI_SLEEP_STATUS_PORT);
	assert_int_equal(get_le16(buf + l.fadt + 109),
			 ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042);
	assert_memory_equal(buf + l.madt, "APIC", 4);
	assert_memory_equal(buf + l.dsdt, "DSDT", 4);
	for (unsigned i = 0; i < 4; i++) {
		uint32_t off[] = {l.xsdt, l.fadt, l.madt, l.dsdt};
		const uint8_t *t = buf + off[i];

		assert_int_equal(sum(t, table_len(t)), 0);
		assert_memory_equal(t + 10, ACPI_OEM_ID, 6);
		assert_true(off[i] % 16 == 0);
		assert_true(off[i] + table_len(t) <= l.size);
	}
	assert_int_equal(l.dsdt + table_len(buf + l.dsdt), l.size);
	assert_true(l.size <= ACPI_TABLES_MAX);
}

static void test_madt(void **state)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	struct acpi_layout l;
	const uint8_t *m, *e, *end;
	unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;

	(void)state;
	build(buf, 4, 0, &l);
	m = buf + l.madt;
	assert_int_equal(get_le32(m + 36), MP_LAPIC_ADDR);
	assert_int_equal(get_le32(m + 40), ACPI_MADT_PCAT_COMPAT);
	end = m + table_len(m);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2);
		switch (e[0]) {
		case ACPI_MADT_TYPE_LOCAL_APIC:
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics); /* processor id */
			assert_int_equal(e[3], lapics); /* APIC id */
			assert_int_equal(get_le32(e + 4), ACPI_MADT_ENABLED);
			lapics++;
			break;
		case ACPI_MADT_TYPE_IO_APIC:
			assert_int_equal(e[2], 4); /* as the MP table: ID N */
			assert_int_equal(get_le32(e + 4), MP_IOAPIC_ADDR);
			assert_int_equal(get_le32(e + 8), 0);
			ioapics++;
			break;
		case ACPI_MADT_TYPE_INTERRUPT_OVERRIDE:
			assert_int_equal(e[2], 0);
			assert_int_equal(e[3], 0);
			assert_int_equal(get_le32(e + 4), MP_PIT_PIN);
			assert_int_equal(get_le16(e + 8), 0);
			isos++;
			break;
		case ACPI_MADT_TYPE_LOCAL_APIC_NMI:
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1); /* LINT1, as the MP table */
			nmis++;
			break;
		default:
			fail_msg("MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, 4);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 1);
	assert_int_equal(nmis, 1);
}

/* PkgLength (ACPI 6.x 20.2.4): its value counts its own bytes. */
static size_t pkg_length(const uint8_t *p, size_t *n)
{
	size_t follow = p[0] >> 6, len;

	if (!follow) {
		*n = 1;
		return p[0] & 0x3f;
	}
	len = p[0] & 0x0f;
	for (size_t i = 0; i < follow; i++)
		len |= (size_t)p[1 + i] << (4 + 8 * i);
	*n = follow + 1;
	return len;
}

/* One Device(VRnn): _HID "LNRO0005", _UID n, _CRS with the window and
 * the interrupt; returns the bytes it took. */
static size_t check_virtio_device(const uint8_t *p, unsigned i)
{
	size_t n, len, crs;
	const uint8_t *body, *res;
	char name[5];

	assert_int_equal(p[0], AML_EXT_OP_PREFIX);
	assert_int_equal(p[1], AML_DEVICE_OP);
	len = pkg_length(p + 2, &n);
	snprintf(name, sizeof(name), "VR%02u", i);
	assert_memory_equal(p + 2 + n, name, 4);
	body = p + 2 + n + 4;
	assert_int_equal(body[0], AML_NAME_OP);
	assert_memory_equal(body + 1, "_HID", 4);
	assert_int_equal(body[5], AML_STRING_PREFIX);
	assert_string_equal((const char *)body + 6, "LNRO0005");
	body += 6 + 9;
	assert_int_equal(body[0], AML_NAME_OP);
	assert_memory_equal(body + 1, "_UID", 4);
	assert_int_equal(body[5], i ? AML_ONE_OP : AML_ZERO_OP);
	body += 6;
	assert_int_equal(body[0], AML_NAME_OP);
	assert_memory_equal(body + 1, "_CRS", 4);
	assert_int_equal(body[5], AML_BUFFER_OP);
	crs = pkg_length(body + 6, &n);
	assert_int_equal(body[6 + n], AML_BYTE_PREFIX);
	assert_int_equal(body[7 + n], 23); /* 12 + 9 + end tag */
	res = body + 8 + n;
	assert_int_equal(crs, n + 2 + 23);
	assert_int_equal(res[0], ACPI_RESOURCE_MEMORY32_FIXED);
	assert_int_equal(get_le16(res + 1), 9);
	assert_int_equal(res[3], 1);
	assert_int_equal(get_le32(res + 4), devs[i].base);
	assert_int_equal(get_le32(res + 8), 512);
	assert_int_equal(res[12], ACPI_RESOURCE_EXT_IRQ);
	assert_int_equal(get_le16(res + 13), 6);
	assert_int_equal(res[15], ACPI_EXT_IRQ_CONSUMER | ACPI_EXT_IRQ_EDGE);
	assert_int_equal(res[16], 1);
	assert_int_equal(get_le32(res + 17), devs[i].irq);
	assert_int_equal(res[21], ACPI_RESOURCE_END_TAG);
	assert_ptr_equal(res + 23, p + 2 + len);
	return 2 + len;
}

/* The bytes of the DSDT's \_S5 object. */
#define S5_LEN 11

static void test_dsdt_aml(void **state)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	struct acpi_layout l;
	const uint8_t *d, *p, *end;
	size_t n, len;

	(void)state;
	build(buf, 1, 2, &l);
	d = buf + l.dsdt;
	end = d + table_len(d);
	p = d + 36;
	/* The table ends with Name(\_S5_, Package() { 5, Zero }). */
	assert_memory_equal(end - S5_LEN,
			    "\x08_S5_\x12\x05\x02\x0a\x05\x00", S5_LEN);
	end -= S5_LEN;
	assert_int_equal(p[0], AML_SCOPE_OP);
	len = pkg_length(p + 1, &n);
	assert_ptr_equal(p + 1 + len, end); /* then the scope ends */
	assert_int_equal(p[1 + n], AML_ROOT_CHAR);
	assert_memory_equal(p + 2 + n, "_SB_", 4);
	p += 2 + n + 4;
	/* COM1: EISAID("PNP0501") = 0x0105d041, IO 0x3f8, IRQ 4. */
	assert_int_equal(p[0], AML_EXT_OP_PREFIX);
	len = pkg_length(p + 2, &n);
	assert_memory_equal(p + 2 + n, "COM1", 4);
	assert_int_equal(get_le32(p + 2 + n + 4 + 6), 0x0105d041);
	assert_non_null(memmem(p, 2 + len, "\x47\x01\xf8\x03\xf8\x03", 6));
	assert_non_null(memmem(p, 2 + len, "\x22\x10\x00\x79", 4));
	p += 2 + len;
	p += check_virtio_device(p, 0);
	p += check_virtio_device(p, 1);
	assert_ptr_equal(p, end);
}

/* 64 CPUs and 8 devices: the largest plan still fits one page, and a
 * DSDT over 63 bytes of scope takes a two-byte PkgLength. */
static void test_largest(void **state)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	struct acpi_mmio_device many[8];
	struct db_error err = {0};
	struct acpi_layout l;
	size_t n;

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		many[i] = (struct acpi_mmio_device){0xd0000000 + i * 0x1000,
						    512, 5 + i};
	assert_int_equal(acpi_build(buf, GPA, 64, many, 8, &l, &err), DB_OK);
	assert_true(l.size <= ACPI_TABLES_MAX);
	assert_int_equal(table_len(buf + l.madt), 44 + 64 * 8 + 12 + 10 + 6);
	assert_int_equal(sum(buf + l.dsdt, table_len(buf + l.dsdt)), 0);
	assert_int_equal(pkg_length(buf + l.dsdt + 37, &n),
			 table_len(buf + l.dsdt) - 37 - S5_LEN);
	assert_int_equal(n, 2);
	assert_int_equal(acpi_build(buf, GPA, 0, many, 8, &l, &err),
			 DB_ERR_INPUT);
	assert_non_null(strstr(err.msg, "0 CPUs"));
	assert_int_equal(acpi_build(buf, GPA, 256, many, 8, &l, &err),
			 DB_ERR_INPUT);
}

/* With ACPI_DUMP=DIR, the tables for 2 CPUs and 2 devices go to
 * DIR/{dsdt,apic,facp}.dat for tests/integration/56-acpi-iasl.sh, which
 * decodes them with ACPICA's iasl -d. */
static void dump(const char *dir)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	const char *names[] = {"dsdt", "apic", "facp"};
	struct acpi_layout l;
	char path[512];

	build(buf, 2, 2, &l);
	for (unsigned i = 0; i < 3; i++) {
		uint32_t off[] = {l.dsdt, l.madt, l.fadt};
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.dat", dir, names[i]);
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(buf + off[i], 1, table_len(buf + off[i]),
					f),
				 table_len(buf + off[i]));
		assert_int_equal(fclose(f), 0);
	}
}

static void test_dump(void **state)
{
	const char *dir = getenv("ACPI_DUMP");

	(void)state;
	if (dir)
		dump(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pointers_and_checksums),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_dsdt_aml),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
