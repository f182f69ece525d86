/* SPDX-License-Identifier: MIT */
/*
 * bzimage_parse() on images built in memory: a boot sector and setup with
 * every header field set to a value of its own, then a protected-mode part.
 * Each test changes one thing and checks the parse or the refusal, and
 * that a refusal's message names the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "directboot/bzimage.h"

#define SECTS 4
#define SETUP ((SECTS + 1) * BOOT_SECTOR_SIZE)
#define PM 4096
#define KI_OFF 0x100 /* kernel_info, from the protected-mode start */
#define PL_OFF 0x200 /* payload */
#define PL_LEN 0x400

/* Values the file carries for fields that some versions lack. */
#define V_INITRD_ADDR_MAX 0x12345678
#define V_KERNEL_ALIGNMENT 0x200000
#define V_MIN_ALIGNMENT 12
#define V_CMDLINE_SIZE 1000
#define V_SUBARCH_DATA 0x1122334455667788ull
#define V_SETUP_DATA 0x8877665544332211ull
#define V_PREF_ADDRESS 0x1000000ull
#define V_INIT_SIZE 0x100000
#define V_HANDOVER 0x30
#define V_HEAP_END 0x5be0
#define V_CMD_LINE_PTR 0x20000

static uint8_t img[SETUP + PM + 2048];
static struct bzimage bz;
static struct db_error err;

static void set8(size_t off, uint8_t v)
{
	img[off] = v;
}
static void set16(size_t off, uint16_t v)
{
	put_le16(img + off, v);
}
static void set32(size_t off, uint32_t v)
{
	put_le32(img + off, v);
}
static void set64(size_t off, uint64_t v)
{
	put_le64(img + off, v);
}

/* A bzImage of the given version with every field set; returns its size. */
static size_t mk(uint16_t version)
{
	uint8_t *ki = img + SETUP + KI_OFF;

	memset(img, 0, sizeof(img));
	set8(SH_OFF(setup_sects), SECTS);
	set32(SH_OFF(syssize), PM / 16);
	set16(SH_OFF(boot_flag), BOOT_FLAG_MAGIC);
	set16(SH_OFF(jump), 0x6aeb);
	set32(SH_OFF(header), HDRS_MAGIC);
	set16(SH_OFF(version), version);
	set8(SH_OFF(loadflags), LOADED_HIGH | CAN_USE_HEAP);
	set32(SH_OFF(code32_start), CODE32_START_DEFAULT);
	set16(SH_OFF(heap_end_ptr), V_HEAP_END);
	set8(SH_OFF(ext_loader_ver), 3);
	set8(SH_OFF(ext_loader_type), 4);
	set32(SH_OFF(cmd_line_ptr), V_CMD_LINE_PTR);
	set32(SH_OFF(initrd_addr_max), V_INITRD_ADDR_MAX);
	set32(SH_OFF(kernel_alignment), V_KERNEL_ALIGNMENT);
	set8(SH_OFF(relocatable_kernel), 1);
	set8(SH_OFF(min_alignment), V_MIN_ALIGNMENT);
	set16(SH_OFF(xloadflags), XLF_KERNEL_64 | XLF_EFI_HANDOVER_64);
	set32(SH_OFF(cmdline_size), V_CMDLINE_SIZE);
	set32(SH_OFF(hardware_subarch), X86_SUBARCH_XEN);
	set64(SH_OFF(hardware_subarch_data), V_SUBARCH_DATA);
	set32(SH_OFF(payload_offset), PL_OFF);
	set32(SH_OFF(payload_length), PL_LEN);
	set64(SH_OFF(setup_data), V_SETUP_DATA);
	set64(SH_OFF(pref_address), V_PREF_ADDRESS);
	set32(SH_OFF(init_size), V_INIT_SIZE);
	set32(SH_OFF(handover_offset), V_HANDOVER);
	set32(SH_OFF(kernel_info_offset), KI_OFF);
	put_le32(ki, KERNEL_INFO_MAGIC);
	put_le32(ki + 4, sizeof(struct kernel_info));
	put_le32(ki + 8, sizeof(struct kernel_info) + 8);
	put_le32(ki + 12, SETUP_TYPE_MAX);
	return SETUP + PM;
}

static int parse(size_t size)
{
	memset(&err, 0, sizeof(err));
	return bzimage_parse(img, size, &bz, &err);
}

/* Refused as bad input, with a message that contains want. */
static void refused(size_t size, const char *want)
{
	assert_int_equal(parse(size), DB_ERR_INPUT);
	assert_int_equal(err.status, DB_ERR_INPUT);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, want);
	assert_null(strchr(err.msg, '\n'));
}

static void test_debian_like_215(void **state)
{
	(void)state;
	assert_int_equal(parse(mk(BOOT_PROTOCOL(2, 15))), DB_OK);
	assert_int_equal(bz.version, BOOT_PROTOCOL(2, 15));
	assert_int_equal(bz.setup_sects, SECTS);
	assert_int_equal(bz.setup_size, SETUP);
	assert_ptr_equal(bz.pm, img + SETUP);
	assert_int_equal(bz.pm_size, PM);
	assert_int_equal(bz.pm_syssize, PM);
	assert_int_equal(bz.pm_load_size, PM);
	assert_int_equal(bz.trailing_size, 0);
	assert_ptr_equal(bz.payload, img + SETUP + PL_OFF);
	assert_int_equal(bz.payload_size, PL_LEN);
	assert_true(bz.has_kernel_info);
	assert_int_equal(bz.kernel_info.header, KERNEL_INFO_MAGIC);
	assert_int_equal(bz.kernel_info.size, 16);
	assert_int_equal(bz.kernel_info.size_total, 24);
	assert_int_equal(bz.kernel_info.setup_type_max, SETUP_TYPE_MAX);
	assert_int_equal(bz.hdr.xloadflags,
			 XLF_KERNEL_64 | XLF_EFI_HANDOVER_64);
	assert_int_equal(bz.hdr.jump, 0x6aeb);
	assert_false(bz.has_kernel_version);
}

/* Every version from 2.00 to 2.15: a field is read from the file exactly
 * when the version defines it, else it holds the protocol's default. */
static void test_version_gates(void **state)
{
	(void)state;
	for (uint16_t v = BOOT_PROTOCOL(2, 0); v <= BOOT_PROTOCOL(2, 15); v++) {
		const struct setup_header *h = &bz.hdr;

		if (parse(mk(v)) != DB_OK)
			fail_msg("version 0x%x: %s", v, err.msg);
		assert_int_equal(bz.version, v);
		assert_int_equal(h->heap_end_ptr,
				 v >= SH_SINCE_heap_end_ptr ? V_HEAP_END : 0);
		assert_int_equal(h->cmd_line_ptr, v >= SH_SINCE_cmd_line_ptr
							  ? V_CMD_LINE_PTR
							  : 0);
		assert_int_equal(h->ext_loader_type,
				 v >= SH_SINCE_cmd_line_ptr ? 4 : 0);
		assert_int_equal(bz.initrd_addr_max,
				 v >= SH_SINCE_initrd_addr_max
					 ? V_INITRD_ADDR_MAX
					 : INITRD_ADDR_MAX_DEFAULT);
		assert_int_equal(h->initrd_addr_max, bz.initrd_addr_max);
		assert_int_equal(bz.kernel_alignment,
				 v >= SH_SINCE_kernel_alignment
					 ? V_KERNEL_ALIGNMENT
					 : KERNEL_ALIGNMENT_DEFAULT);
		assert_int_equal(h->relocatable_kernel,
				 v >= SH_SINCE_relocatable_kernel ? 1 : 0);
		assert_int_equal(bz.cmdline_size,
				 v >= SH_SINCE_cmdline_size
					 ? V_CMDLINE_SIZE
					 : CMDLINE_SIZE_DEFAULT);
		assert_int_equal(
			h->hardware_subarch,
			v >= SH_SINCE_hardware_subarch ? X86_SUBARCH_XEN : 0);
		assert_true(
			h->hardware_subarch_data ==
			(v >= SH_SINCE_hardware_subarch ? V_SUBARCH_DATA : 0));
		assert_int_equal(h->payload_offset,
				 v >= SH_SINCE_payload_offset ? PL_OFF : 0);
		assert_int_equal(bz.payload_size,
				 v >= SH_SINCE_payload_offset ? PL_LEN : 0);
		assert_true(h->setup_data ==
			    (v >= SH_SINCE_setup_data ? V_SETUP_DATA : 0));
		assert_int_equal(h->min_alignment, v >= SH_SINCE_min_alignment
							   ? V_MIN_ALIGNMENT
							   : 0);
		assert_true(h->pref_address ==
			    (v >= SH_SINCE_pref_address ? V_PREF_ADDRESS : 0));
		assert_int_equal(bz.init_size,
				 v >= SH_SINCE_init_size ? V_INIT_SIZE : 0);
		assert_int_equal(h->handover_offset,
				 v >= SH_SINCE_handover_offset ? V_HANDOVER
							       : 0);
		assert_int_equal(h->xloadflags,
				 v >= SH_SINCE_xloadflags
					 ? XLF_KERNEL_64 | XLF_EFI_HANDOVER_64
					 : 0);
		assert_int_equal(h->kernel_info_offset,
				 v >= SH_SINCE_kernel_info_offset ? KI_OFF : 0);
		assert_int_equal(bz.has_kernel_info,
				 v >= SH_SINCE_kernel_info_offset);
		/* Before 2.04 syssize is 16 bits and, with LOADED_HIGH,
		 * unusable: the whole remainder is the kernel. */
		assert_int_equal(bz.pm_syssize,
				 v < BOOT_PROTOCOL(2, 4) ? 0 : PM);
		assert_int_equal(bz.pm_load_size, PM);
	}
}

/* A version's header must fit in the file: a 2.00 header ends at 0x224,
 * so a bad value just past it is never seen. */
static void test_version_gate_ignores_garbage(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 7));
	/* Out of range for 2.08+, ignored for 2.07. */
	set32(SH_OFF(payload_offset), 0xffffff00);
	set32(SH_OFF(kernel_info_offset), 0xffffff00);
	set32(SH_OFF(init_size), 1);
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_null(bz.payload);
	assert_false(bz.has_kernel_info);
	set16(SH_OFF(version), BOOT_PROTOCOL(2, 8));
	refused(SETUP + PM, "payload_offset=0xffffff00");
}

static void test_version_newer_read_as_215(void **state)
{
	(void)state;
	assert_int_equal(parse(mk(BOOT_PROTOCOL(2, 16))), DB_OK);
	assert_int_equal(bz.version, BOOT_PROTOCOL(2, 16));
	assert_int_equal(bz.hdr.version, BOOT_PROTOCOL(2, 16));
	assert_true(bz.has_kernel_info);
	assert_int_equal(parse(mk(BOOT_PROTOCOL(3, 0))), DB_OK);
	assert_int_equal(bz.version, BOOT_PROTOCOL(3, 0));
}

static void test_version_too_old(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(1, 0xff));
	refused(SETUP + PM, "version=0x01ff");
	mk(0);
	refused(SETUP + PM, "version=0x0000");
}

static void test_setup_sects_zero_means_4(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set8(SH_OFF(setup_sects), 0);
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_int_equal(bz.hdr.setup_sects, 0);
	assert_int_equal(bz.setup_sects, SETUP_SECTS_DEFAULT);
	assert_int_equal(bz.setup_size, (SETUP_SECTS_DEFAULT + 1) * 512);
}

static void test_setup_sects_past_end(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set8(SH_OFF(setup_sects), 200);
	refused(SETUP + PM, "setup_sects=200");
	/* A setup that fills the whole file leaves no kernel. */
	mk(BOOT_PROTOCOL(2, 15));
	refused(SETUP, "setup_sects=4 leaves no protected-mode part");
}

static void test_truncated_header(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	refused(SH_OFF(kernel_info_offset) + 2, "setup header");
	refused(SH_OFF(version) + 1, "version");
	refused(HDRS_OFFSET + 2, "HdrS");
	/* A 2.00 header is shorter; the same size is then the setup's
	 * problem, not the header's. */
	mk(BOOT_PROTOCOL(2, 0));
	refused(SH_OFF(bootsect_kludge) + 4, "setup_sects=4");
}

static void test_boot_flag(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set16(SH_OFF(boot_flag), 0);
	refused(SETUP + PM, "boot_flag=0x0000");
}

/* A signed image: 1472 bytes of signature after syssize * 16. */
static void test_syssize_trailing(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	assert_int_equal(parse(SETUP + PM + 1472), DB_OK);
	assert_int_equal(bz.pm_size, PM + 1472);
	assert_int_equal(bz.pm_syssize, PM);
	assert_int_equal(bz.pm_load_size, PM);
	assert_int_equal(bz.trailing_size, 1472);
	/* The payload may not reach into the signature. */
	set32(SH_OFF(payload_length), PM - PL_OFF + 1);
	refused(SETUP + PM + 1472, "payload_length=0xe01");
}

/* Tools other than Linux's build.c round syssize up: the file may end
 * 1 to 15 bytes before syssize * 16, and what is there is loaded. */
static void test_syssize_short_paragraph(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	for (size_t short_by = 1; short_by < SYSSIZE_UNIT; short_by++) {
		assert_int_equal(parse(SETUP + PM - short_by), DB_OK);
		assert_int_equal(bz.pm_size, PM - short_by);
		assert_int_equal(bz.pm_syssize, PM);
		assert_int_equal(bz.pm_load_size, PM - short_by);
		assert_int_equal(bz.trailing_size, 0);
	}
}

static void test_syssize_truncated(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	refused(SETUP + PM - 16, "syssize=0x100");
	refused(SETUP + PM - 17, "by 17");
	set32(SH_OFF(syssize), 0xffffffff);
	refused(SETUP + PM, "syssize=0xffffffff");
}

/* memdisk-style: syssize 0, the kernel is the rest of the file. */
static void test_syssize_zero(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(syssize), 0);
	assert_int_equal(parse(SETUP + PM + 100), DB_OK);
	assert_int_equal(bz.pm_syssize, 0);
	assert_int_equal(bz.pm_load_size, PM + 100);
	assert_int_equal(bz.trailing_size, 0);
}

/* Before 2.04 only syssize's low 16 bits count, and only without
 * LOADED_HIGH. */
static void test_syssize_16bit(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 3));
	set8(SH_OFF(loadflags), 0);
	set32(SH_OFF(syssize), 0xabcd0000 | (PM / 16));
	assert_int_equal(parse(SETUP + PM + 32), DB_OK);
	assert_int_equal(bz.hdr.syssize, PM / 16);
	assert_int_equal(bz.pm_syssize, PM);
	assert_int_equal(bz.trailing_size, 32);
}

static void test_kernel_version(void **state)
{
	static const char ver[] = "6.1.0-test (x@y) #1";

	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set16(SH_OFF(kernel_version), 0x300);
	memcpy(img + 0x500, ver, sizeof(ver));
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_true(bz.has_kernel_version);
	assert_string_equal(bz.kernel_version, ver);

	/* Control bytes are not passed through to a terminal. */
	img[0x500] = '\033';
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_int_equal(bz.kernel_version[0], '?');

	/* Longer than our buffer: cut, still terminated. */
	memset(img + 0x500, 'x', 400);
	img[0x500 + 400] = '\0';
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_int_equal(strlen(bz.kernel_version),
			 sizeof(bz.kernel_version) - 1);
}

static void test_kernel_version_bad(void **state)
{
	(void)state;
	/* Relative to 0x200: this points at the setup's end. */
	mk(BOOT_PROTOCOL(2, 15));
	set16(SH_OFF(kernel_version), SETUP - 0x200);
	refused(SETUP + PM, "kernel_version=0x800 points at 0xa00");
	set16(SH_OFF(kernel_version), 0xffff);
	refused(SETUP + PM, "kernel_version=0xffff");
	/* No NUL before the setup ends. */
	set16(SH_OFF(kernel_version), SETUP - 0x200 - 8);
	memset(img + SETUP - 8, 'A', 8);
	refused(SETUP + PM, "has no NUL");
}

static void test_payload_out_of_range(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(payload_offset), PM - 0x10);
	refused(SETUP + PM, "payload_offset=0xff0 payload_length=0x400");
	if (!strstr(err.msg, "0x1000 bytes"))
		fail_msg("no pm size in \"%s\"", err.msg);
	/* offset + length wraps 32 bits: still refused. */
	set32(SH_OFF(payload_offset), 0xfffffff0);
	set32(SH_OFF(payload_length), 0x20);
	refused(SETUP + PM, "payload_offset=0xfffffff0");
	/* Length 0: no payload, whatever the offset. */
	set32(SH_OFF(payload_length), 0);
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_null(bz.payload);
	assert_int_equal(bz.payload_size, 0);
	/* Exactly to the end is fine. */
	set32(SH_OFF(payload_offset), PM - 0x10);
	set32(SH_OFF(payload_length), 0x10);
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_ptr_equal(bz.payload, img + SETUP + PM - 0x10);
}

static void test_kernel_info_bad(void **state)
{
	uint8_t *ki = img + SETUP + KI_OFF;

	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	put_le32(ki, 0x504f544c);
	refused(SETUP + PM, "kernel_info.header=0x504f544c");

	mk(BOOT_PROTOCOL(2, 15));
	put_le32(ki + 4, 12);
	refused(SETUP + PM, "kernel_info.size=12");

	mk(BOOT_PROTOCOL(2, 15));
	put_le32(ki + 4, 32);
	refused(SETUP + PM,
		"kernel_info.size=32 is more than kernel_info.size_total=24");

	mk(BOOT_PROTOCOL(2, 15));
	put_le32(ki + 8, PM);
	refused(SETUP + PM, "kernel_info.size_total=4096");

	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(kernel_info_offset), PM - 8);
	refused(SETUP + PM, "kernel_info_offset=0xff8");

	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(kernel_info_offset), 0xfffffff8);
	refused(SETUP + PM, "kernel_info_offset=0xfffffff8");

	/* 0 is "none". */
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(kernel_info_offset), 0);
	assert_int_equal(parse(SETUP + PM), DB_OK);
	assert_false(bz.has_kernel_info);
}

static void test_alignment(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(kernel_alignment), 0x300000);
	refused(SETUP + PM, "kernel_alignment=0x300000");
	set32(SH_OFF(kernel_alignment), 0);
	refused(SETUP + PM, "kernel_alignment=0x0");
	/* Not relocatable: the alignment is not used, so not checked. */
	set8(SH_OFF(relocatable_kernel), 0);
	assert_int_equal(parse(SETUP + PM), DB_OK);

	mk(BOOT_PROTOCOL(2, 15));
	set8(SH_OFF(min_alignment), 22);
	refused(SETUP + PM, "min_alignment=22");
	set8(SH_OFF(min_alignment), 21);
	assert_int_equal(parse(SETUP + PM), DB_OK);
}

static void test_init_size_and_cmdline_size(void **state)
{
	(void)state;
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(init_size), PM - 1);
	refused(SETUP + PM, "init_size=0xfff");
	set32(SH_OFF(init_size), 0);
	refused(SETUP + PM, "init_size=0x0");

	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(cmdline_size), BZIMAGE_CMDLINE_SIZE_MAX + 1);
	refused(SETUP + PM, "cmdline_size=1048577");
	set32(SH_OFF(cmdline_size), BZIMAGE_CMDLINE_SIZE_MAX);
	assert_int_equal(parse(SETUP + PM), DB_OK);
}

static void test_handover(void **state)
{
	(void)state;
	/* 64-bit entry is 0x200 past handover_offset. */
	mk(BOOT_PROTOCOL(2, 15));
	set32(SH_OFF(handover_offset), PM - 0x200);
	refused(SETUP + PM, "handover_offset=0xe00 + 0x200");
	set32(SH_OFF(handover_offset), PM - 0x201);
	assert_int_equal(parse(SETUP + PM), DB_OK);

	mk(BOOT_PROTOCOL(2, 15));
	set16(SH_OFF(xloadflags), XLF_EFI_HANDOVER_32);
	set32(SH_OFF(handover_offset), PM);
	refused(SETUP + PM, "handover_offset=0x1000 (XLF_EFI_HANDOVER_32)");
	/* Without a handover flag the field means nothing. */
	set16(SH_OFF(xloadflags), XLF_KERNEL_64);
	assert_int_equal(parse(SETUP + PM), DB_OK);
}

static void test_loadflags_names(void **state)
{
	char buf[256], small[8];

	(void)state;
	assert_string_equal(bzimage_loadflags_str(0, buf, sizeof(buf)), "");
	assert_string_equal(bzimage_loadflags_str(LOADED_HIGH | CAN_USE_HEAP,
						  buf, sizeof(buf)),
			    "LOADED_HIGH|CAN_USE_HEAP");
	assert_string_equal(bzimage_loadflags_str(0xff, buf, sizeof(buf)),
			    "LOADED_HIGH|KASLR_FLAG|QUIET_FLAG|KEEP_SEGMENTS|"
			    "CAN_USE_HEAP|0x1c");
	assert_string_equal(bzimage_xloadflags_str(0x7f, buf, sizeof(buf)),
			    "XLF_KERNEL_64|XLF_CAN_BE_LOADED_ABOVE_4G|"
			    "XLF_EFI_HANDOVER_32|XLF_EFI_HANDOVER_64|"
			    "XLF_EFI_KEXEC|XLF_5LEVEL|XLF_5LEVEL_ENABLED");
	assert_string_equal(bzimage_xloadflags_str(0x8001, buf, sizeof(buf)),
			    "XLF_KERNEL_64|0x8000");
	/* Too small: cut, terminated, no overrun (ASan watches). */
	bzimage_xloadflags_str(0x7f, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small, "XLF_KER");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_like_215),
		cmocka_unit_test(test_version_gates),
		cmocka_unit_test(test_version_gate_ignores_garbage),
		cmocka_unit_test(test_version_newer_read_as_215),
		cmocka_unit_test(test_version_too_old),
		cmocka_unit_test(test_setup_sects_zero_means_4),
		cmocka_unit_test(test_setup_sects_past_end),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_boot_flag),
		cmocka_unit_test(test_syssize_trailing),
		cmocka_unit_test(test_syssize_short_paragraph),
		cmocka_unit_test(test_syssize_truncated),
		cmocka_unit_test(test_syssize_zero),
		cmocka_unit_test(test_syssize_16bit),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_kernel_version_bad),
		cmocka_unit_test(test_payload_out_of_range),
		cmocka_unit_test(test_kernel_info_bad),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_init_size_and_cmdline_size),
		cmocka_unit_test(test_handover),
		cmocka_unit_test(test_loadflags_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
