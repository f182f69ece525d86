/* SPDX-License-Identifier: MIT */
/*
 * The ACPI tables a firmware-less guest needs (ACPI 6.x, chapter 5):
 * the RSDP, the XSDT, a hardware-reduced FADT, the MADT (CPUs, the I/O
 * APIC, ISA IRQ 0's override) and a DSDT that names the virtio-mmio
 * devices ("LNRO0005", which Linux's virtio_mmio.c matches through
 * ACPI) and COM1.  Debian's 6.1 kernels need them: neither has
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, and the cloud kernel has no
 * CONFIG_X86_MPPARSE, so ACPI is the only way it finds its devices and
 * its second CPU.  Names follow Linux's include/acpi/actbl*.h.
 */
#ifndef DIRECTBOOT_ACPI_H
#define DIRECTBOOT_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "directboot/error.h"

#define ACPI_SIG_RSDP "RSD PTR "
#define ACPI_SIG_XSDT "XSDT"
#define ACPI_SIG_FADT "FACP"
#define ACPI_SIG_MADT "APIC"
#define ACPI_SIG_DSDT "DSDT"

#define ACPI_OEM_ID "DIRBOT"
#define ACPI_OEM_TABLE_ID "DIRBOOT "
#define ACPI_ASL_COMPILER_ID "DBAM" /* our AML encoder */

/* The RSDP, revision 2 (ACPI 2.0+): 20 bytes checksummed by checksum,
 * all 36 by extended_checksum. */
struct acpi_table_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_physical_address;
	uint32_t length;
	uint64_t xsdt_physical_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_rsdp) == 36, "rsdp");
_Static_assert(offsetof(struct acpi_table_rsdp, checksum) == 8, "rsdp.cs");
_Static_assert(offsetof(struct acpi_table_rsdp, revision) == 15, "rsdp.rev");
_Static_assert(offsetof(struct acpi_table_rsdp, length) == 20, "rsdp.length");
_Static_assert(offsetof(struct acpi_table_rsdp, xsdt_physical_address) == 24,
	       "rsdp.xsdt");
_Static_assert(offsetof(struct acpi_table_rsdp, extended_checksum) == 32,
	       "rsdp.ext_cs");
#define ACPI_RSDP_CHECKSUM_LENGTH 20
#define ACPI_RSDP_REVISION 2

/* The header every other table starts with. */
struct acpi_table_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char asl_compiler_id[4];
	uint32_t asl_compiler_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_header) == 36, "header");
_Static_assert(offsetof(struct acpi_table_header, checksum) == 9, "hdr.cs");
_Static_assert(offsetof(struct acpi_table_header, oem_id) == 10, "hdr.oem");
_Static_assert(offsetof(struct acpi_table_header, oem_table_id) == 16,
	       "hdr.oem_table_id");

/* A Generic Address Structure; all zero means "not present". */
struct acpi_generic_address {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_width;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_generic_address) == 12, "gas");

/* The FADT, revision 6 (276 bytes).  Hardware-reduced: no SCI, no PM
 * timer, no PM1 blocks and no FACS, as Firecracker gives its guests;
 * the fields a hardware-reduced OS ignores stay in reserved arrays. */
struct acpi_table_fadt {
	struct acpi_table_header header;
	uint32_t facs;
	uint32_t dsdt;
	uint8_t legacy_1[65];     /* 44: model .. century, all zero */
	uint16_t boot_flags;      /* 109: IAPC_BOOT_ARCH */
	uint8_t reserved;
	uint32_t flags;           /* 112 */
	struct acpi_generic_address reset_register; /* 116 */
	uint8_t reset_value;      /* 128 */
	uint16_t arm_boot_flags;  /* 129 */
	uint8_t minor_revision;   /* 131 */
	uint64_t xfacs;           /* 132 */
	uint64_t xdsdt;           /* 140 */
	uint8_t legacy_3[96];     /* 148: X_PM1a_EVT .. X_GPE1 */
	struct acpi_generic_address sleep_control; /* 244 */
	struct acpi_generic_address sleep_status;  /* 256 */
	uint64_t hypervisor_id;   /* 268 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_fadt) == 276, "fadt");
_Static_assert(offsetof(struct acpi_table_fadt, dsdt) == 40, "fadt.dsdt");
_Static_assert(offsetof(struct acpi_table_fadt, boot_flags) == 109,
	       "fadt.boot_flags");
_Static_assert(offsetof(struct acpi_table_fadt, flags) == 112, "fadt.flags");
_Static_assert(offsetof(struct acpi_table_fadt, reset_register) == 116,
	       "fadt.reset_register");
_Static_assert(offsetof(struct acpi_table_fadt, reset_value) == 128,
	       "fadt.reset_value");
_Static_assert(offsetof(struct acpi_table_fadt, arm_boot_flags) == 129,
	       "fadt.arm_boot_flags");
_Static_assert(offsetof(struct acpi_table_fadt, minor_revision) == 131,
	       "fadt.minor_revision");
_Static_assert(offsetof(struct acpi_table_fadt, xdsdt) == 140, "fadt.xdsdt");
_Static_assert(offsetof(struct acpi_table_fadt, sleep_control) == 244,
	       "fadt.sleep_control");
_Static_assert(offsetof(struct acpi_table_fadt, hypervisor_id) == 268,
	       "fadt.hypervisor_id");
#define ACPI_FADT_REVISION 6
#define ACPI_FADT_MINOR_REVISION 5
/* IAPC_BOOT_ARCH */
#define ACPI_FADT_LEGACY_DEVICES (1u << 0)
#define ACPI_FADT_8042 (1u << 1)
/* Flags */
#define ACPI_FADT_POWER_BUTTON (1u << 4) /* set: no fixed power button */
#define ACPI_FADT_SLEEP_BUTTON (1u << 5)
#define ACPI_FADT_RESET_REGISTER (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20)
/* The reset register: the PC's reset control port, SYS_RST|RST_CPU. */
#define ACPI_ADR_SPACE_SYSTEM_IO 1
#define ACPI_ACCESS_BYTE 1
#define ACPI_RESET_PORT 0xcf9
#define ACPI_RESET_VALUE 0x06
/* The sleep control and status registers of a hardware-reduced FADT
 * (ACPI 6.x, 4.8.3.7): byte ports of our own, unused on a PC.  Linux
 * offers ACPI power-off only when both are set and the DSDT has \_S5;
 * it writes SLP_TYP (the first element of \_S5) into bits 2-4 with
 * SLP_EN (bit 5), and the launcher ends the run on that write. */
#define ACPI_SLEEP_CONTROL_PORT 0x600
#define ACPI_SLEEP_STATUS_PORT 0x601
#define ACPI_SLEEP_TYPE_SHIFT 2
#define ACPI_SLEEP_TYPE_MASK 0x1c
#define ACPI_SLEEP_ENABLE 0x20
#define ACPI_S5_SLEEP_TYPE 5

/* The MADT and the entries we use. */
struct acpi_table_madt {
	struct acpi_table_header header;
	uint32_t address; /* the local APIC's */
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_madt) == 44, "madt");
#define ACPI_MADT_REVISION 5
#define ACPI_MADT_PCAT_COMPAT 1u /* there is an 8259 pair */

#define ACPI_MADT_TYPE_LOCAL_APIC 0
#define ACPI_MADT_TYPE_IO_APIC 1
#define ACPI_MADT_TYPE_INTERRUPT_OVERRIDE 2
#define ACPI_MADT_TYPE_LOCAL_APIC_NMI 4
#define ACPI_MADT_ENABLED 1u
#define ACPI_MADT_POLARITY_CONFORMS 0
#define ACPI_MADT_TRIGGER_CONFORMS 0
#define ACPI_MADT_ALL_CPUS 0xff

struct acpi_madt_local_apic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_id;
	uint8_t id;
	uint32_t lapic_flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "madt lapic");

struct acpi_madt_io_apic {
	uint8_t type;
	uint8_t length;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t global_irq_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "madt ioapic");

struct acpi_madt_interrupt_override {
	uint8_t type;
	uint8_t length;
	uint8_t bus; /* 0: ISA */
	uint8_t source_irq;
	uint32_t global_irq;
	uint16_t inti_flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_interrupt_override) == 10, "madt iso");
_Static_assert(offsetof(struct acpi_madt_interrupt_override, global_irq) == 4,
	       "madt iso.gsi");

struct acpi_madt_local_apic_nmi {
	uint8_t type;
	uint8_t length;
	uint8_t processor_id;
	uint16_t inti_flags;
	uint8_t lint;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_local_apic_nmi) == 6, "madt nmi");

/* The virtio-mmio device's ACPI ID, from Linux's virtio_mmio.c. */
#define ACPI_VIRTIO_MMIO_HID "LNRO0005"

/* AML opcodes (ACPI 6.x, 20.3) and resource descriptor tags (6.4). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR 0x5c
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP 0x82 /* after AML_EXT_OP_PREFIX */

#define ACPI_RESOURCE_IRQ_NOFLAGS 0x22	/* small, 2 bytes */
#define ACPI_RESOURCE_IO 0x47		/* small, 7 bytes */
#define ACPI_RESOURCE_END_TAG 0x79	/* small, 1 byte */
#define ACPI_RESOURCE_MEMORY32_FIXED 0x86 /* large, 9 bytes */
#define ACPI_RESOURCE_EXT_IRQ 0x89	/* large, 6 bytes for one IRQ */
#define ACPI_EXT_IRQ_CONSUMER (1u << 0)
#define ACPI_EXT_IRQ_EDGE (1u << 1)
#define ACPI_EXT_IRQ_ACTIVE_LOW (1u << 2)
#define ACPI_EXT_IRQ_SHARED (1u << 3)

/* COM1, which the DSDT names too. */
#define ACPI_COM1_PORT 0x3f8
#define ACPI_COM1_IRQ 4

/* Everything lies in one page: Linux 6.1 maps a table in e820 RAM with
 * kmap(), one page at most (drivers/acpi/osl.c, acpi_map). */
#define ACPI_TABLES_MAX 4096

struct acpi_mmio_device {
	uint64_t base;
	uint32_t size;
	uint32_t irq; /* GSI: the I/O APIC pin */
};

struct acpi_layout {
	uint32_t rsdp, xsdt, fadt, madt, dsdt; /* offsets in the buffer */
	uint32_t size;                         /* bytes used */
};

/*
 * Build the tables for cpus CPUs (APIC IDs 0..cpus-1, the I/O APIC with
 * ID cpus, as lib/mptable.c) and n virtio-mmio devices into buf, which
 * holds ACPI_TABLES_MAX bytes and will live at guest address gpa.  The
 * RSDP comes first, so gpa is its address.  DB_ERR_INPUT when cpus is 0
 * or over 255, or the tables would not fit.
 */
int acpi_build(uint8_t *buf, uint64_t gpa, unsigned cpus,
	       const struct acpi_mmio_device *dev, unsigned n,
	       struct acpi_layout *out, struct db_error *err);

/* The byte that makes len bytes at p sum to zero. */
uint8_t acpi_checksum(const void *p, size_t len);

#endif
