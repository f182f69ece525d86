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
#include "directboot/plan.h"

#define ACPI_SIG_RSDP "RSD PTR "
#define ACPI_SIG_XSDT "XSDT"
#define ACPI_SIG_FADT "FACP"
#define ACPI_SIG_MADT "APIC"
#define ACPI_SIG_DSDT "DSDT"
#define ACPI_SIG_FACS "FACS"

/* The FACS (5.2.10): 64 bytes, 64-byte aligned, no checksum.  A FADT
 * that is not hardware-reduced must point at one; nothing in it is
 * used (no global lock, no waking vector: no sleep states but S5). */
struct acpi_table_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t xfirmware_waking_vector;
	uint8_t version;
	uint8_t reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_facs) == 64, "facs");
_Static_assert(offsetof(struct acpi_table_facs, version) == 32,
	       "facs.version");
#define ACPI_FACS_VERSION 2

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

/* The FADT, revision 6 (276 bytes), a PC's: the PM1a blocks, the PM
 * timer and the SCI are there (ACPI_PM_BASE below), so that Linux keeps
 * the PIT, the 8259 and the legacy ISA IRQs that a hardware-reduced FADT
 * takes away, and powers off through PM1a_CNT. */
struct acpi_table_fadt {
	struct acpi_table_header header;
	uint32_t facs;
	uint32_t dsdt;
	uint8_t model;            /* 44 */
	uint8_t preferred_profile;
	uint16_t sci_interrupt;   /* 46 */
	uint32_t smi_command;     /* 48: 0, always in ACPI mode */
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4_bios_request;
	uint8_t pstate_control;
	uint32_t pm1a_event_block;   /* 56 */
	uint32_t pm1b_event_block;
	uint32_t pm1a_control_block; /* 64 */
	uint32_t pm1b_control_block;
	uint32_t pm2_control_block;
	uint32_t pm_timer_block;     /* 76 */
	uint32_t gpe0_block;
	uint32_t gpe1_block;
	uint8_t pm1_event_length;    /* 88 */
	uint8_t pm1_control_length;
	uint8_t pm2_control_length;
	uint8_t pm_timer_length;     /* 91 */
	uint8_t gpe0_block_length;
	uint8_t gpe1_block_length;
	uint8_t gpe1_base;
	uint8_t cst_control;
	uint16_t c2_latency;      /* 96 */
	uint16_t c3_latency;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;      /* 104 */
	uint8_t duty_width;
	uint8_t day_alarm;
	uint8_t month_alarm;
	uint8_t century;          /* 108 */
	uint16_t boot_flags;      /* 109: IAPC_BOOT_ARCH */
	uint8_t reserved;
	uint32_t flags;           /* 112 */
	struct acpi_generic_address reset_register; /* 116 */
	uint8_t reset_value;      /* 128 */
	uint16_t arm_boot_flags;  /* 129 */
	uint8_t minor_revision;   /* 131 */
	uint64_t xfacs;           /* 132 */
	uint64_t xdsdt;           /* 140 */
	struct acpi_generic_address xpm1a_event_block;   /* 148 */
	struct acpi_generic_address xpm1b_event_block;   /* 160 */
	struct acpi_generic_address xpm1a_control_block; /* 172 */
	struct acpi_generic_address xpm1b_control_block; /* 184 */
	struct acpi_generic_address xpm2_control_block;  /* 196 */
	struct acpi_generic_address xpm_timer_block;     /* 208 */
	struct acpi_generic_address xgpe0_block;         /* 220 */
	struct acpi_generic_address xgpe1_block;         /* 232 */
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
_Static_assert(offsetof(struct acpi_table_fadt, sci_interrupt) == 46,
	       "fadt.sci_interrupt");
_Static_assert(offsetof(struct acpi_table_fadt, smi_command) == 48,
	       "fadt.smi_command");
_Static_assert(offsetof(struct acpi_table_fadt, pm1a_event_block) == 56,
	       "fadt.pm1a_event_block");
_Static_assert(offsetof(struct acpi_table_fadt, pm1a_control_block) == 64,
	       "fadt.pm1a_control_block");
_Static_assert(offsetof(struct acpi_table_fadt, pm_timer_block) == 76,
	       "fadt.pm_timer_block");
_Static_assert(offsetof(struct acpi_table_fadt, pm1_event_length) == 88,
	       "fadt.pm1_event_length");
_Static_assert(offsetof(struct acpi_table_fadt, pm_timer_length) == 91,
	       "fadt.pm_timer_length");
_Static_assert(offsetof(struct acpi_table_fadt, century) == 108,
	       "fadt.century");
_Static_assert(offsetof(struct acpi_table_fadt, xpm1a_event_block) == 148,
	       "fadt.xpm1a_event_block");
_Static_assert(offsetof(struct acpi_table_fadt, xpm1a_control_block) == 172,
	       "fadt.xpm1a_control_block");
_Static_assert(offsetof(struct acpi_table_fadt, xpm_timer_block) == 208,
	       "fadt.xpm_timer_block");
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
#define ACPI_FADT_WBINVD (1u << 0)
#define ACPI_FADT_C1_SUPPORTED (1u << 2)
#define ACPI_FADT_POWER_BUTTON (1u << 4) /* set: no fixed power button */
#define ACPI_FADT_SLEEP_BUTTON (1u << 5)
#define ACPI_FADT_32BIT_TIMER (1u << 8) /* TMR_VAL_EXT */
#define ACPI_FADT_RESET_REGISTER (1u << 10)
#define ACPI_FADT_HW_REDUCED (1u << 20)
/* The reset register's address space and width (it is RST_CNT_PORT,
 * directboot/pc.h). */
#define ACPI_ADR_SPACE_SYSTEM_IO 1
#define ACPI_ACCESS_BYTE 1

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
#define ACPI_MADT_POLARITY_ACTIVE_HIGH 1
#define ACPI_MADT_TRIGGER_CONFORMS 0
#define ACPI_MADT_TRIGGER_LEVEL (3u << 2)
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

/* The legacy devices the DSDT names: COM1, the CMOS clock (whose
 * register 0x32 holds the century, as the FADT says) and the keyboard
 * controller. */
#define ACPI_COM1_PORT 0x3f8
#define ACPI_COM1_IRQ 4
#define ACPI_RTC_PORT 0x70
#define ACPI_RTC_IRQ 8
#define ACPI_RTC_CENTURY 0x32
#define ACPI_KBD_DATA_PORT 0x60
#define ACPI_KBD_STATUS_PORT 0x64
#define ACPI_KBD_IRQ 1

/* Everything lies in one page: Linux 6.1 maps a table in e820 RAM with
 * kmap(), one page at most (drivers/acpi/osl.c, acpi_map). */
#define ACPI_TABLES_MAX 4096

struct acpi_layout {
	uint32_t rsdp, xsdt, fadt, facs, madt, dsdt; /* offsets in buf */
	uint32_t size;                         /* bytes used */
};

/*
 * Build the tables for cpus CPUs (APIC IDs 0..cpus-1, the I/O APIC with
 * ID cpus, as lib/mptable.c) and n virtio-mmio devices (their irq is the
 * GSI, the I/O APIC pin) into buf, which
 * holds ACPI_TABLES_MAX bytes and will live at guest address gpa.  The
 * RSDP comes first, so gpa is its address.  DB_ERR_INPUT when cpus is 0
 * or over 255, or the tables would not fit.
 */
int acpi_build(uint8_t *buf, uint64_t gpa, unsigned cpus,
	       const struct plan_mmio_window *dev, unsigned n,
	       struct acpi_layout *out, struct db_error *err);

/*
 * The ACPI fixed hardware the FADT names (ACPI 6.x, 4.8): the PM1a event
 * and control blocks and the PM timer, at the ports QEMU pc's PIIX4 PM
 * function answers once firmware has set its PMBA to ACPI_PM_BASE (the
 * tcg trampoline does), so that one FADT serves both accelerators; the
 * KVM launcher answers them itself (devices/acpi_pm.c).
 */
#define ACPI_PM_BASE 0x600
#define ACPI_PM1A_EVT_BLK ACPI_PM_BASE /* PM1_STS, then PM1_EN */
#define ACPI_PM1_EVT_LEN 4
#define ACPI_PM1A_CNT_BLK (ACPI_PM_BASE + 4)
#define ACPI_PM1_CNT_LEN 2
#define ACPI_PM_TMR_BLK (ACPI_PM_BASE + 8)
#define ACPI_PM_TMR_LEN 4
#define ACPI_PM_BLOCK_LEN 12
#define ACPI_PM_TIMER_HZ 3579545 /* 4.8.3.3 */
#define ACPI_SCI_IRQ 9           /* ISA IRQ 9, level, active high */

/* PM1 status, enable and control bits (4.8.3.1, 4.8.3.2). */
#define ACPI_PM1_STS_TMR 0x0001
#define ACPI_PM1_STS_PWRBTN 0x0100
#define ACPI_PM1_STS_WAK 0x8000
#define ACPI_PM1_CNT_SCI_EN 0x0001
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK 0x1c00
#define ACPI_PM1_CNT_SLP_EN 0x2000

/* \_S5's SLP_TYP, the value QEMU's PIIX4 takes as "soft off". */
#define ACPI_S5_SLP_TYP 0

#endif
