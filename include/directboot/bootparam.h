/* SPDX-License-Identifier: MIT */
/*
 * The Linux/x86 boot protocol, 2.00 to 2.15: the setup header, the zero
 * page (struct boot_params), the e820 entry, setup_data and kernel_info.
 *
 * Every offset below is the one Documentation/arch/x86/boot.rst and
 * zero-page.rst give, and each is pinned by a _Static_assert, so that a
 * layout slip fails the build instead of a boot.  This header is the one
 * place these facts live: code and tests use these names, never literals.
 *
 * All multi-byte fields are little-endian, as on the machine that boots.
 */
#ifndef DIRECTBOOT_BOOTPARAM_H
#define DIRECTBOOT_BOOTPARAM_H

/* Where things are in a bzImage file (and in the zero page). */
#define BOOT_SECTOR_SIZE 512
#define SETUP_HEADER_OFFSET 0x1f1 /* struct setup_header in file and zero page */
#define SETUP_SECTS_DEFAULT 4     /* setup_sects == 0 means 4 */
#define SYSSIZE_UNIT 16		  /* syssize counts 16-byte paragraphs */
#define SETUP_SECTS_OFFSET 0x1f1
#define BOOT_FLAG_OFFSET 0x1fe
#define HDRS_OFFSET 0x202
/* The EFI stub's PE/COFF header, which a bzImage may carry in its boot
 * sector (and an EFI application has without "HdrS"). */
#define PE_MZ_MAGIC 0x5a4d    /* "MZ" at 0, read as le16 */
#define PE_LFANEW_OFFSET 0x3c /* le32 e_lfanew: where "PE\0\0" is */
#define PE_MAGIC 0x00004550   /* "PE\0\0" read as le32 */

#define BOOT_FLAG_MAGIC 0xaa55
#define HDRS_MAGIC 0x53726448 /* "HdrS" read as le32 */
#define KERNEL_INFO_MAGIC 0x506f544c /* "LToP" read as le32 */

/* Protocol versions: major in the high byte, minor in the low byte. */
#define BOOT_PROTOCOL(maj, min) (((maj) << 8) | (min))
#define BOOT_PROTOCOL_MIN BOOT_PROTOCOL(2, 0)
#define BOOT_PROTOCOL_MAX BOOT_PROTOCOL(2, 15)

/* loadflags (0x211) */
#define LOADED_HIGH (1 << 0)   /* protected-mode code loaded at 0x100000 */
#define KASLR_FLAG (1 << 1)    /* set by the kernel itself, 2.12+ */
#define QUIET_FLAG (1 << 5)    /* 2.09+ */
#define KEEP_SEGMENTS (1 << 6) /* 2.07+, obsolete since 5.x but honoured */
#define CAN_USE_HEAP (1 << 7)  /* heap_end_ptr is valid */

/* xloadflags (0x236), 2.12+ */
#define XLF_KERNEL_64 (1 << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1 << 1)
#define XLF_EFI_HANDOVER_32 (1 << 2)
#define XLF_EFI_HANDOVER_64 (1 << 3)
#define XLF_EFI_KEXEC (1 << 4)
#define XLF_5LEVEL (1 << 5)
#define XLF_5LEVEL_ENABLED (1 << 6)

/* The 64-bit entry point is this far past the protected-mode start. */
#define KERNEL_64BIT_ENTRY_OFFSET 0x200

/* type_of_loader: 0xff is "undefined", and bootloaders without an
 * assigned ID use it (boot.rst, "type_of_loader"). */
#define LOADER_TYPE_UNDEFINED 0xff

/* hardware_subarch (0x23c), 2.07+ */
#define X86_SUBARCH_PC 0
#define X86_SUBARCH_LGUEST 1
#define X86_SUBARCH_XEN 2
#define X86_SUBARCH_INTEL_MID 3
#define X86_SUBARCH_CE4100 4

/* Defaults that the protocol gives for older versions. */
#define INITRD_ADDR_MAX_DEFAULT 0x37ffffff /* before 2.03 */
#define CMDLINE_SIZE_DEFAULT 255           /* before 2.06 */
#define CODE32_START_DEFAULT 0x100000
#define KERNEL_ALIGNMENT_DEFAULT 0x100000  /* pre-2.05 kernels */

/* e820 memory types */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3
#define E820_TYPE_NVS 4
#define E820_TYPE_UNUSABLE 5
#define E820_TYPE_PMEM 7

#define E820_MAX_ENTRIES_ZEROPAGE 128
#define EDD_MBR_SIG_MAX 16
#define EDDMAXNR 6

/* setup_data types (2.09+) */
#define SETUP_NONE 0
#define SETUP_E820_EXT 1
#define SETUP_DTB 2
#define SETUP_PCI 3
#define SETUP_EFI 4
#define SETUP_APPLE_PROPERTIES 5
#define SETUP_JAILHOUSE 6
#define SETUP_CC_BLOB 7
#define SETUP_IMA 8
#define SETUP_RNG_SEED 9
#define SETUP_ENUM_MAX SETUP_RNG_SEED
#define SETUP_INDIRECT (1u << 31)
#define SETUP_TYPE_MAX (SETUP_ENUM_MAX | SETUP_INDIRECT)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

/* Offsets in the zero page, as boot.rst lists them. */
#define SH_OFF(f) (SETUP_HEADER_OFFSET + offsetof(struct setup_header, f))
_Static_assert(SH_OFF(setup_sects) == 0x1f1, "setup_sects");
_Static_assert(SH_OFF(root_flags) == 0x1f2, "root_flags");
_Static_assert(SH_OFF(syssize) == 0x1f4, "syssize");
_Static_assert(SH_OFF(ram_size) == 0x1f8, "ram_size");
_Static_assert(SH_OFF(vid_mode) == 0x1fa, "vid_mode");
_Static_assert(SH_OFF(root_dev) == 0x1fc, "root_dev");
_Static_assert(SH_OFF(boot_flag) == 0x1fe, "boot_flag");
_Static_assert(SH_OFF(jump) == 0x200, "jump");
_Static_assert(SH_OFF(header) == 0x202, "header");
_Static_assert(SH_OFF(version) == 0x206, "version");
_Static_assert(SH_OFF(realmode_swtch) == 0x208, "realmode_swtch");
_Static_assert(SH_OFF(start_sys_seg) == 0x20c, "start_sys_seg");
_Static_assert(SH_OFF(kernel_version) == 0x20e, "kernel_version");
_Static_assert(SH_OFF(type_of_loader) == 0x210, "type_of_loader");
_Static_assert(SH_OFF(loadflags) == 0x211, "loadflags");
_Static_assert(SH_OFF(setup_move_size) == 0x212, "setup_move_size");
_Static_assert(SH_OFF(code32_start) == 0x214, "code32_start");
_Static_assert(SH_OFF(ramdisk_image) == 0x218, "ramdisk_image");
_Static_assert(SH_OFF(ramdisk_size) == 0x21c, "ramdisk_size");
_Static_assert(SH_OFF(bootsect_kludge) == 0x220, "bootsect_kludge");
_Static_assert(SH_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
_Static_assert(SH_OFF(ext_loader_ver) == 0x226, "ext_loader_ver");
_Static_assert(SH_OFF(ext_loader_type) == 0x227, "ext_loader_type");
_Static_assert(SH_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
_Static_assert(SH_OFF(initrd_addr_max) == 0x22c, "initrd_addr_max");
_Static_assert(SH_OFF(kernel_alignment) == 0x230, "kernel_alignment");
_Static_assert(SH_OFF(relocatable_kernel) == 0x234, "relocatable_kernel");
_Static_assert(SH_OFF(min_alignment) == 0x235, "min_alignment");
_Static_assert(SH_OFF(xloadflags) == 0x236, "xloadflags");
_Static_assert(SH_OFF(cmdline_size) == 0x238, "cmdline_size");
_Static_assert(SH_OFF(hardware_subarch) == 0x23c, "hardware_subarch");
_Static_assert(SH_OFF(hardware_subarch_data) == 0x240, "hardware_subarch_data");
_Static_assert(SH_OFF(payload_offset) == 0x248, "payload_offset");
_Static_assert(SH_OFF(payload_length) == 0x24c, "payload_length");
_Static_assert(SH_OFF(setup_data) == 0x250, "setup_data");
_Static_assert(SH_OFF(pref_address) == 0x258, "pref_address");
_Static_assert(SH_OFF(init_size) == 0x260, "init_size");
_Static_assert(SH_OFF(handover_offset) == 0x264, "handover_offset");
_Static_assert(SH_OFF(kernel_info_offset) == 0x268, "kernel_info_offset");
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup_header size");

/* The first byte after the setup header's fields (2.15). */
#define SETUP_HEADER_END (SETUP_HEADER_OFFSET + sizeof(struct setup_header))

/*
 * The version each setup header field first appeared in.  A field of a
 * newer protocol than the image's must be neither read nor trusted.
 */
#define SH_SINCE_code32_start BOOT_PROTOCOL(2, 0)
#define SH_SINCE_ramdisk_image BOOT_PROTOCOL(2, 0)
#define SH_SINCE_heap_end_ptr BOOT_PROTOCOL(2, 1)
#define SH_SINCE_cmd_line_ptr BOOT_PROTOCOL(2, 2)
#define SH_SINCE_initrd_addr_max BOOT_PROTOCOL(2, 3)
#define SH_SINCE_kernel_alignment BOOT_PROTOCOL(2, 5)
#define SH_SINCE_relocatable_kernel BOOT_PROTOCOL(2, 5)
#define SH_SINCE_cmdline_size BOOT_PROTOCOL(2, 6)
#define SH_SINCE_hardware_subarch BOOT_PROTOCOL(2, 7)
#define SH_SINCE_payload_offset BOOT_PROTOCOL(2, 8)
#define SH_SINCE_setup_data BOOT_PROTOCOL(2, 9)
#define SH_SINCE_min_alignment BOOT_PROTOCOL(2, 10)
#define SH_SINCE_pref_address BOOT_PROTOCOL(2, 10)
#define SH_SINCE_init_size BOOT_PROTOCOL(2, 10)
#define SH_SINCE_handover_offset BOOT_PROTOCOL(2, 11)
#define SH_SINCE_xloadflags BOOT_PROTOCOL(2, 12)
#define SH_SINCE_kernel_info_offset BOOT_PROTOCOL(2, 15)

struct boot_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(offsetof(struct boot_e820_entry, addr) == 0, "e820 addr");
_Static_assert(offsetof(struct boot_e820_entry, size) == 8, "e820 size");
_Static_assert(offsetof(struct boot_e820_entry, type) == 16, "e820 type");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry size");

/*
 * The zero page.  The sub-structures a direct-boot loader never fills
 * (screen_info, apm, ist, edid, efi, edd) are kept as opaque bytes of
 * their exact size, so the offsets stay true without copying their fields.
 */
struct boot_params {
	uint8_t screen_info[0x40];          /* 0x000 */
	uint8_t apm_bios_info[0x14];        /* 0x040 */
	uint8_t _pad2[4];                   /* 0x054 */
	uint64_t tboot_addr;                /* 0x058 */
	uint8_t ist_info[0x10];             /* 0x060 */
	uint64_t acpi_rsdp_addr;            /* 0x070 */
	uint8_t _pad3[8];                   /* 0x078 */
	uint8_t hd0_info[16];               /* 0x080 */
	uint8_t hd1_info[16];               /* 0x090 */
	uint8_t sys_desc_table[0x10];       /* 0x0a0 */
	uint8_t olpc_ofw_header[0x10];      /* 0x0b0 */
	uint32_t ext_ramdisk_image;         /* 0x0c0 */
	uint32_t ext_ramdisk_size;          /* 0x0c4 */
	uint32_t ext_cmd_line_ptr;          /* 0x0c8 */
	uint8_t _pad4[112];                 /* 0x0cc */
	uint32_t cc_blob_address;           /* 0x13c */
	uint8_t edid_info[0x80];            /* 0x140 */
	uint8_t efi_info[0x20];             /* 0x1c0 */
	uint32_t alt_mem_k;                 /* 0x1e0 */
	uint32_t scratch;                   /* 0x1e4 */
	uint8_t e820_entries;               /* 0x1e8 */
	uint8_t eddbuf_entries;             /* 0x1e9 */
	uint8_t edd_mbr_sig_buf_entries;    /* 0x1ea */
	uint8_t kbd_status;                 /* 0x1eb */
	uint8_t secure_boot;                /* 0x1ec */
	uint8_t _pad5[2];                   /* 0x1ed */
	uint8_t sentinel;                   /* 0x1ef */
	uint8_t _pad6[1];                   /* 0x1f0 */
	struct setup_header hdr;            /* 0x1f1 */
	uint8_t _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];
	uint32_t edd_mbr_sig_buffer[EDD_MBR_SIG_MAX];               /* 0x290 */
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	uint8_t _pad8[48];                  /* 0xcd0 */
	uint8_t eddbuf[EDDMAXNR * 82];      /* 0xd00 */
	uint8_t _pad9[276];                 /* 0xeec */
} __attribute__((packed));

#define BP_OFF(f) offsetof(struct boot_params, f)
_Static_assert(BP_OFF(screen_info) == 0x000, "screen_info");
_Static_assert(BP_OFF(apm_bios_info) == 0x040, "apm_bios_info");
_Static_assert(BP_OFF(_pad2) == 0x054, "_pad2");
_Static_assert(BP_OFF(tboot_addr) == 0x058, "tboot_addr");
_Static_assert(BP_OFF(ist_info) == 0x060, "ist_info");
_Static_assert(BP_OFF(acpi_rsdp_addr) == 0x070, "acpi_rsdp_addr");
_Static_assert(BP_OFF(_pad3) == 0x078, "_pad3");
_Static_assert(BP_OFF(hd0_info) == 0x080, "hd0_info");
_Static_assert(BP_OFF(hd1_info) == 0x090, "hd1_info");
_Static_assert(BP_OFF(sys_desc_table) == 0x0a0, "sys_desc_table");
_Static_assert(BP_OFF(olpc_ofw_header) == 0x0b0, "olpc_ofw_header");
_Static_assert(BP_OFF(ext_ramdisk_image) == 0x0c0, "ext_ramdisk_image");
_Static_assert(BP_OFF(ext_ramdisk_size) == 0x0c4, "ext_ramdisk_size");
_Static_assert(BP_OFF(ext_cmd_line_ptr) == 0x0c8, "ext_cmd_line_ptr");
_Static_assert(BP_OFF(_pad4) == 0x0cc, "_pad4");
_Static_assert(BP_OFF(cc_blob_address) == 0x13c, "cc_blob_address");
_Static_assert(BP_OFF(edid_info) == 0x140, "edid_info");
_Static_assert(BP_OFF(efi_info) == 0x1c0, "efi_info");
_Static_assert(BP_OFF(alt_mem_k) == 0x1e0, "alt_mem_k");
_Static_assert(BP_OFF(scratch) == 0x1e4, "scratch");
_Static_assert(BP_OFF(e820_entries) == 0x1e8, "e820_entries");
_Static_assert(BP_OFF(eddbuf_entries) == 0x1e9, "eddbuf_entries");
_Static_assert(BP_OFF(edd_mbr_sig_buf_entries) == 0x1ea, "edd_mbr_sig_buf_entries");
_Static_assert(BP_OFF(kbd_status) == 0x1eb, "kbd_status");
_Static_assert(BP_OFF(secure_boot) == 0x1ec, "secure_boot");
_Static_assert(BP_OFF(_pad5) == 0x1ed, "_pad5");
_Static_assert(BP_OFF(sentinel) == 0x1ef, "sentinel");
_Static_assert(BP_OFF(_pad6) == 0x1f0, "_pad6");
_Static_assert(BP_OFF(hdr) == SETUP_HEADER_OFFSET, "hdr");
_Static_assert(BP_OFF(_pad7) == 0x26c, "_pad7");
_Static_assert(BP_OFF(edd_mbr_sig_buffer) == 0x290, "edd_mbr_sig_buffer");
_Static_assert(BP_OFF(e820_table) == 0x2d0, "e820_table");
_Static_assert(BP_OFF(_pad8) == 0xcd0, "_pad8");
_Static_assert(BP_OFF(eddbuf) == 0xd00, "eddbuf");
_Static_assert(BP_OFF(_pad9) == 0xeec, "_pad9");
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");

/* The setup_data linked list (2.09+).  next is a physical address. */
struct setup_data {
	uint64_t next;
	uint32_t type;
	uint32_t len;
	uint8_t data[];
} __attribute__((packed));

_Static_assert(offsetof(struct setup_data, next) == 0, "setup_data next");
_Static_assert(offsetof(struct setup_data, type) == 8, "setup_data type");
_Static_assert(offsetof(struct setup_data, len) == 12, "setup_data len");
_Static_assert(offsetof(struct setup_data, data) == 16, "setup_data data");
_Static_assert(sizeof(struct setup_data) == 16, "setup_data header size");

/* SETUP_INDIRECT nodes carry this instead of inline data (2.15). */
struct setup_indirect {
	uint32_t type;
	uint32_t reserved;
	uint64_t len;
	uint64_t addr;
} __attribute__((packed));

_Static_assert(offsetof(struct setup_indirect, type) == 0, "indirect type");
_Static_assert(offsetof(struct setup_indirect, reserved) == 4, "indirect reserved");
_Static_assert(offsetof(struct setup_indirect, len) == 8, "indirect len");
_Static_assert(offsetof(struct setup_indirect, addr) == 16, "indirect addr");
_Static_assert(sizeof(struct setup_indirect) == 24, "setup_indirect size");

/* SETUP_RNG_SEED: the kernel mixes this many bytes in; we give 32. */
#define SETUP_RNG_SEED_LEN 32

/*
 * kernel_info (2.15): a block in the protected-mode part, at
 * kernel_info_offset from its start.  size covers the fixed part,
 * size_total adds the variable-length data after it.
 */
struct kernel_info {
	uint32_t header;         /* "LToP" */
	uint32_t size;
	uint32_t size_total;
	uint32_t setup_type_max;
} __attribute__((packed));

_Static_assert(offsetof(struct kernel_info, header) == 0x00, "ki header");
_Static_assert(offsetof(struct kernel_info, size) == 0x04, "ki size");
_Static_assert(offsetof(struct kernel_info, size_total) == 0x08, "ki size_total");
_Static_assert(offsetof(struct kernel_info, setup_type_max) == 0x0c, "ki setup_type_max");
_Static_assert(sizeof(struct kernel_info) == 0x10, "kernel_info fixed size");

#endif /* __ASSEMBLER__ */

#endif
