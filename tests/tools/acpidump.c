/* SPDX-License-Identifier: MIT */
/*
 * acpidump: write the ACPI tables lib/acpi.c builds for 2 CPUs and two
 * virtio-mmio devices, in the windows lib/plan_devices.c gives the
 * first two (0xd0000000 with IRQ 5, 0xd0001000 with IRQ 6), as
 * DIR/dsdt.dat, DIR/apic.dat and DIR/facp.dat, one table per file, the
 * form ACPICA's `iasl -d` disassembles
 * (tests/integration/56-acpi-iasl.sh).  The tables assume guest
 * address 0x3000, a low page a plan could give them.
 *
 * Usage: acpidump DIR
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "directboot/acpi.h"
#include "plan_int.h"

#define CPUS 2
#define DEVICES 2
#define GPA 0x3000ull

static int write_table(const char *dir, const char *name, const uint8_t *t)
{
	uint32_t len = get_le32(t + offsetof(struct acpi_table_header, length));
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(t, 1, len, f) != len) {
		perror(path);
		if (f)
			fclose(f);
		return 1;
	}
	if (fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[ACPI_TABLES_MAX];
	struct plan_mmio_window w[DEVICES];
	struct db_error err = {0};
	struct acpi_layout l;

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: acpidump DIR\n");
		return 2;
	}
	if (plan_devices_windows(w, DEVICES, PLAN_VIRTIO_BASE, &err) ||
	    acpi_build(buf, GPA, CPUS, w, DEVICES, &l, &err)) {
		fprintf(stderr, "acpidump: %s\n", err.msg);
		return 1;
	}
	return write_table(argv[1], "dsdt", buf + l.dsdt) ||
	       write_table(argv[1], "apic", buf + l.madt) ||
	       write_table(argv[1], "facp", buf + l.fadt);
}
