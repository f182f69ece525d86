/* SPDX-License-Identifier: MIT */
/*
 * The bzImage header, boot protocol 2.00 to 2.15: boot.rst's "The Real-Mode
 * Kernel Header", "Details of Header Fields" and "The kernel_info".
 *
 * A bzImage is a boot sector, setup_sects more sectors of real-mode setup
 * (0 means 4), then the protected-mode part up to the end of the file.  The
 * fact a reader gets wrong: syssize does not size the file.  A signed Debian
 * kernel carries 1472 bytes of signature after syssize * 16, memdisk-style
 * images leave syssize at 0, images from other tools round it up past the
 * file's end by up to 15 bytes, and a truncated file is short of it; so the
 * protected-mode part is measured from the file length and syssize is only
 * checked against it.  Nor do the header's offsets count from the file's
 * start: kernel_version counts from 0x200; payload_offset, handover_offset
 * and kernel_info_offset from the start of the protected-mode part.
 *
 * Fields newer than the image's version are never read: they keep the
 * protocol's defaults (initrd_addr_max 0x37ffffff before 2.03, cmdline_size
 * 255 before 2.06, ...).  Versions above 2.15 are read as 2.15, since every
 * later field would live in kernel_info, not the header.  A missing 0xaa55
 * boot_flag is refused: every protocol version has it, and an image without
 * it is not one the kernel's own build produced.
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "directboot/bzimage.h"

#define VER_MAJ(v) ((v) >> 8)
#define VER_MIN(v) ((v)&0xff)

/* Where the header fields the version defines end in the file. */
static size_t header_end(uint16_t v)
{
	if (v >= SH_SINCE_kernel_info_offset)
		return SH_OFF(kernel_info_offset) + 4;
	if (v >= SH_SINCE_handover_offset)
		return SH_OFF(handover_offset) + 4;
	if (v >= SH_SINCE_init_size)
		return SH_OFF(init_size) + 4;
	if (v >= SH_SINCE_setup_data)
		return SH_OFF(setup_data) + 8;
	if (v >= SH_SINCE_payload_offset)
		return SH_OFF(payload_length) + 4;
	if (v >= SH_SINCE_hardware_subarch)
		return SH_OFF(hardware_subarch_data) + 8;
	if (v >= SH_SINCE_cmdline_size)
		return SH_OFF(cmdline_size) + 4;
	if (v >= SH_SINCE_kernel_alignment)
		return SH_OFF(relocatable_kernel) + 1;
	if (v >= SH_SINCE_initrd_addr_max)
		return SH_OFF(initrd_addr_max) + 4;
	if (v >= SH_SINCE_cmd_line_ptr)
		return SH_OFF(cmd_line_ptr) + 4;
	if (v >= SH_SINCE_heap_end_ptr)
		return SH_OFF(heap_end_ptr) + 2;
	return SH_OFF(bootsect_kludge) + 4;
}

#define RD8(f) (h->f = b[SH_OFF(f)])
#define RD16(f) (h->f = get_le16(b + SH_OFF(f)))
#define RD32(f) (h->f = get_le32(b + SH_OFF(f)))
#define RD64(f) (h->f = get_le64(b + SH_OFF(f)))

/* Copy out the fields of version v (already capped at 2.15); b holds at
 * least header_end(v) bytes. */
static void read_header(const uint8_t *b, uint16_t v, struct setup_header *h)
{
	memset(h, 0, sizeof(*h));
	RD8(setup_sects);
	RD16(root_flags);
	RD32(syssize);
	RD16(ram_size);
	RD16(vid_mode);
	RD16(root_dev);
	RD16(boot_flag);
	RD16(jump);
	RD32(header);
	RD16(version);
	RD32(realmode_swtch);
	RD16(start_sys_seg);
	RD16(kernel_version);
	RD8(type_of_loader);
	RD8(loadflags);
	RD16(setup_move_size);
	RD32(code32_start);
	RD32(ramdisk_image);
	RD32(ramdisk_size);
	RD32(bootsect_kludge);
	if (v >= SH_SINCE_heap_end_ptr)
		RD16(heap_end_ptr);
	if (v >= SH_SINCE_cmd_line_ptr) {
		RD8(ext_loader_ver);
		RD8(ext_loader_type);
		RD32(cmd_line_ptr);
	}
	h->initrd_addr_max = INITRD_ADDR_MAX_DEFAULT;
	if (v >= SH_SINCE_initrd_addr_max)
		RD32(initrd_addr_max);
	h->kernel_alignment = KERNEL_ALIGNMENT_DEFAULT;
	if (v >= SH_SINCE_kernel_alignment) {
		RD32(kernel_alignment);
		RD8(relocatable_kernel);
	}
	if (v >= SH_SINCE_min_alignment)
		RD8(min_alignment);
	if (v >= SH_SINCE_xloadflags)
		RD16(xloadflags);
	h->cmdline_size = CMDLINE_SIZE_DEFAULT;
	if (v >= SH_SINCE_cmdline_size)
		RD32(cmdline_size);
	if (v >= SH_SINCE_hardware_subarch) {
		RD32(hardware_subarch);
		RD64(hardware_subarch_data);
	}
	if (v >= SH_SINCE_payload_offset) {
		RD32(payload_offset);
		RD32(payload_length);
	}
	if (v >= SH_SINCE_setup_data)
		RD64(setup_data);
	if (v >= SH_SINCE_pref_address) {
		RD64(pref_address);
		RD32(init_size);
	}
	if (v >= SH_SINCE_handover_offset)
		RD32(handover_offset);
	if (v >= SH_SINCE_kernel_info_offset)
		RD32(kernel_info_offset);
}

/* Before 2.04 syssize is two bytes wide, and with LOADED_HIGH it cannot
 * size the kernel at all (boot.rst, "syssize"): then it is ignored. */
static void size_pm(struct bzimage *bz, size_t size)
{
	uint32_t syssize = bz->hdr.syssize;

	if (bz->version < BOOT_PROTOCOL(2, 4)) {
		syssize &= 0xffff;
		bz->hdr.syssize = syssize;
		if (bz->hdr.loadflags & LOADED_HIGH)
			syssize = 0;
	}
	bz->pm = NULL;
	bz->pm_size = size - bz->setup_size;
	bz->pm_syssize = (size_t)syssize * SYSSIZE_UNIT;
}

static int check_setup(const uint8_t *buf, size_t size, struct bzimage *bz,
		       struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;

	if (h->boot_flag != BOOT_FLAG_MAGIC)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: boot_flag=0x%04x is not 0x%04x",
			       h->boot_flag, BOOT_FLAG_MAGIC);
	bz->setup_sects = h->setup_sects ? h->setup_sects : SETUP_SECTS_DEFAULT;
	bz->setup_size = ((size_t)bz->setup_sects + 1) * BOOT_SECTOR_SIZE;
	if (!range_ok(0, bz->setup_size, size))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: setup_sects=%u puts the setup (%zu "
			       "bytes) beyond the file end (size %zu)",
			       h->setup_sects, bz->setup_size, size);
	if (bz->setup_size == size)
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: setup_sects=%u leaves no protected-mode "
			"part: the setup fills the whole file (size %zu)",
			h->setup_sects, size);
	size_pm(bz, size);
	bz->pm = buf + bz->setup_size;
	/* Tools other than Linux's build.c round syssize up to the next
	 * paragraph, so the file may end up to 15 bytes before syssize * 16
	 * (GRUB and QEMU load what is there).  16 bytes or more short is a
	 * truncated file. */
	if (bz->pm_syssize > bz->pm_size &&
	    bz->pm_syssize - bz->pm_size >= SYSSIZE_UNIT)
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: syssize=0x%x (%zu bytes) is more than the "
			"%zu bytes after the setup, by %zu (at most %u may "
			"be missing, the last paragraph's): the image is "
			"truncated",
			h->syssize, bz->pm_syssize, bz->pm_size,
			bz->pm_syssize - bz->pm_size, SYSSIZE_UNIT - 1);
	if (bz->pm_syssize > bz->pm_size) {
		bz->pm_load_size = bz->pm_size;
		bz->trailing_size = 0;
	} else if (bz->pm_syssize) {
		bz->pm_load_size = bz->pm_syssize;
		bz->trailing_size = bz->pm_size - bz->pm_syssize;
	} else {
		bz->pm_load_size = bz->pm_size;
		bz->trailing_size = 0;
	}
	return DB_OK;
}

/* kernel_version points, less 0x200, at a NUL-terminated string that
 * must lie in the setup.  Control bytes are shown as '?'. */
static int read_kernel_version(const uint8_t *buf, struct bzimage *bz,
			       struct db_error *err)
{
	uint16_t ptr = bz->hdr.kernel_version;
	size_t off = (size_t)ptr + 0x200, len = 0;
	const uint8_t *s, *nul;

	if (!ptr)
		return DB_OK;
	if (off >= bz->setup_size)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_version=0x%x points at 0x%zx, "
			       "past the setup (%zu bytes)",
			       ptr, off, bz->setup_size);
	s = buf + off;
	nul = memchr(s, '\0', bz->setup_size - off);
	if (!nul)
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: kernel_version=0x%x: the string at 0x%zx has "
			"no NUL before the setup's end (0x%zx)",
			ptr, off, bz->setup_size);
	for (; s + len < nul && len + 1 < sizeof(bz->kernel_version); len++) {
		uint8_t c = s[len];

		bz->kernel_version[len] = c < 0x20 || c >= 0x7f ? '?' : c;
	}
	bz->kernel_version[len] = '\0';
	bz->has_kernel_version = true;
	return DB_OK;
}

static int check_payload(struct bzimage *bz, struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;

	bz->payload = NULL;
	bz->payload_size = 0;
	if (bz->version < SH_SINCE_payload_offset || !h->payload_length)
		return DB_OK;
	if (!range_ok(h->payload_offset, h->payload_length, bz->pm_load_size))
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: payload_offset=0x%x payload_length=0x%x "
			"reach past the protected-mode part (0x%zx bytes)",
			h->payload_offset, h->payload_length, bz->pm_load_size);
	bz->payload = bz->pm + h->payload_offset;
	bz->payload_size = h->payload_length;
	return DB_OK;
}

/* kernel_info_offset 0 is taken as "none": the offset of a real block is
 * never 0, where the protected-mode entry code lives. */
static int check_kernel_info(struct bzimage *bz, struct db_error *err)
{
	uint32_t off = bz->hdr.kernel_info_offset;
	struct kernel_info *ki = &bz->kernel_info;
	const uint8_t *p;

	if (bz->version < SH_SINCE_kernel_info_offset || !off)
		return DB_OK;
	if (!range_ok(off, sizeof(*ki), bz->pm_load_size))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_info_offset=0x%x puts the "
			       "%zu-byte kernel_info past the protected-mode "
			       "part (0x%zx bytes)",
			       off, sizeof(*ki), bz->pm_load_size);
	p = bz->pm + off;
	ki->header = get_le32(p + offsetof(struct kernel_info, header));
	ki->size = get_le32(p + offsetof(struct kernel_info, size));
	ki->size_total = get_le32(p + offsetof(struct kernel_info, size_total));
	ki->setup_type_max =
		get_le32(p + offsetof(struct kernel_info, setup_type_max));
	if (ki->header != KERNEL_INFO_MAGIC)
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: kernel_info.header=0x%08x at "
			"kernel_info_offset=0x%x is not \"LToP\" (0x%08x)",
			ki->header, off, KERNEL_INFO_MAGIC);
	if (ki->size < sizeof(*ki))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_info.size=%u is less than the "
			       "%zu bytes of its fixed fields",
			       ki->size, sizeof(*ki));
	if (ki->size > ki->size_total)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_info.size=%u is more than "
			       "kernel_info.size_total=%u",
			       ki->size, ki->size_total);
	if (!range_ok(off, ki->size_total, bz->pm_load_size))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_info.size_total=%u at "
			       "kernel_info_offset=0x%x reaches past the "
			       "protected-mode part (0x%zx bytes)",
			       ki->size_total, off, bz->pm_load_size);
	bz->has_kernel_info = true;
	return DB_OK;
}

static unsigned log2_u32(uint32_t v)
{
	unsigned n = 0;

	while (v >>= 1)
		n++;
	return n;
}

static int check_alignment(const struct bzimage *bz, struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;
	uint32_t a = h->kernel_alignment;

	if (bz->version < SH_SINCE_relocatable_kernel || !h->relocatable_kernel)
		return DB_OK;
	if (!a || (a & (a - 1)))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: kernel_alignment=0x%x of a "
			       "relocatable kernel is not a power of two",
			       a);
	if (bz->version >= SH_SINCE_min_alignment &&
	    h->min_alignment > log2_u32(a))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: min_alignment=%u is more than "
			       "log2(kernel_alignment=0x%x)=%u",
			       h->min_alignment, a, log2_u32(a));
	return DB_OK;
}

/* init_size is the memory the kernel needs from its start address; the
 * loaded protected-mode part is the least of it. */
static int check_sizes(const struct bzimage *bz, struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;

	if (bz->version >= SH_SINCE_init_size &&
	    h->init_size < bz->pm_load_size)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: init_size=0x%x is less than the "
			       "protected-mode part it must hold (0x%zx bytes)",
			       h->init_size, bz->pm_load_size);
	if (h->cmdline_size > BZIMAGE_CMDLINE_SIZE_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: cmdline_size=%u is over the limit of "
			       "%u bytes",
			       h->cmdline_size, BZIMAGE_CMDLINE_SIZE_MAX);
	return DB_OK;
}

/* The EFI handover entry is at handover_offset (32-bit) or 0x200 past it
 * (64-bit), both inside the protected-mode part. */
static int check_handover(const struct bzimage *bz, struct db_error *err)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t off = h->handover_offset;

	if (bz->version < SH_SINCE_xloadflags)
		return DB_OK;
	if ((h->xloadflags & XLF_EFI_HANDOVER_32) &&
	    !range_ok(off, 1, bz->pm_load_size))
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: handover_offset=0x%x (XLF_EFI_HANDOVER_32) "
			"is past the protected-mode part (0x%zx bytes)",
			h->handover_offset, bz->pm_load_size);
	if ((h->xloadflags & XLF_EFI_HANDOVER_64) &&
	    !range_ok(off + KERNEL_64BIT_ENTRY_OFFSET, 1, bz->pm_load_size))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: handover_offset=0x%x + 0x200 "
			       "(XLF_EFI_HANDOVER_64) is past the "
			       "protected-mode part (0x%zx bytes)",
			       h->handover_offset, bz->pm_load_size);
	return DB_OK;
}

int bzimage_parse(const uint8_t *buf, size_t size, struct bzimage *bz,
		  struct db_error *err)
{
	uint16_t v;
	size_t end;
	int ret;

	memset(bz, 0, sizeof(*bz));
	if (!range_ok(HDRS_OFFSET, 4, size) ||
	    get_le32(buf + HDRS_OFFSET) != HDRS_MAGIC)
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: header: no \"HdrS\" at 0x%x (size %zu)",
			HDRS_OFFSET, size);
	if (!range_ok(SH_OFF(version), 2, size))
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: version: the file (size %zu) ends "
			       "before the version field at 0x%zx",
			       size, SH_OFF(version));
	bz->version = get_le16(buf + SH_OFF(version));
	if (bz->version < BOOT_PROTOCOL_MIN)
		return db_fail(err, DB_ERR_INPUT,
			       "bzimage: version=0x%04x is older than protocol "
			       "2.00, the first with a bzImage",
			       bz->version);
	v = bz->version > BOOT_PROTOCOL_MAX ? BOOT_PROTOCOL_MAX : bz->version;
	end = header_end(v);
	if (!range_ok(0, end, size))
		return db_fail(
			err, DB_ERR_INPUT,
			"bzimage: setup header: the file (size %zu) ends "
			"before the header of version %u.%02u does (0x%zx)",
			size, VER_MAJ(bz->version), VER_MIN(bz->version), end);
	read_header(buf, v, &bz->hdr);
	ret = check_setup(buf, size, bz, err);
	if (!ret)
		ret = read_kernel_version(buf, bz, err);
	if (!ret)
		ret = check_payload(bz, err);
	if (!ret)
		ret = check_kernel_info(bz, err);
	if (!ret)
		ret = check_alignment(bz, err);
	if (!ret)
		ret = check_sizes(bz, err);
	if (!ret)
		ret = check_handover(bz, err);
	if (ret)
		return ret;
	bz->initrd_addr_max = bz->hdr.initrd_addr_max;
	bz->cmdline_size = bz->hdr.cmdline_size;
	bz->kernel_alignment = bz->hdr.kernel_alignment;
	bz->init_size = bz->hdr.init_size;
	return DB_OK;
}

struct flag_name {
	unsigned bit;
	const char *name;
};

static const struct flag_name loadflag_names[] = {
	{LOADED_HIGH, "LOADED_HIGH"},	{KASLR_FLAG, "KASLR_FLAG"},
	{QUIET_FLAG, "QUIET_FLAG"},	{KEEP_SEGMENTS, "KEEP_SEGMENTS"},
	{CAN_USE_HEAP, "CAN_USE_HEAP"},
};

static const struct flag_name xloadflag_names[] = {
	{XLF_KERNEL_64, "XLF_KERNEL_64"},
	{XLF_CAN_BE_LOADED_ABOVE_4G, "XLF_CAN_BE_LOADED_ABOVE_4G"},
	{XLF_EFI_HANDOVER_32, "XLF_EFI_HANDOVER_32"},
	{XLF_EFI_HANDOVER_64, "XLF_EFI_HANDOVER_64"},
	{XLF_EFI_KEXEC, "XLF_EFI_KEXEC"},
	{XLF_5LEVEL, "XLF_5LEVEL"},
	{XLF_5LEVEL_ENABLED, "XLF_5LEVEL_ENABLED"},
};

/* Append "|word" (or "word" first) to buf, truncating, kept terminated. */
static void append(char *buf, size_t len, size_t *pos, const char *word)
{
	int n;

	if (*pos >= len)
		return;
	n = snprintf(buf + *pos, len - *pos, "%s%s", *pos ? "|" : "", word);
	if (n > 0)
		*pos += (size_t)n;
}

static const char *flags_str(unsigned flags, const struct flag_name *names,
			     size_t n, char *buf, size_t len)
{
	char rest[16];
	size_t pos = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!(flags & names[i].bit))
			continue;
		flags &= ~names[i].bit;
		append(buf, len, &pos, names[i].name);
	}
	if (flags) {
		snprintf(rest, sizeof(rest), "0x%x", flags);
		append(buf, len, &pos, rest);
	}
	return buf;
}

const char *bzimage_loadflags_str(uint8_t flags, char *buf, size_t len)
{
	return flags_str(flags, loadflag_names,
			 sizeof(loadflag_names) / sizeof(loadflag_names[0]),
			 buf, len);
}

const char *bzimage_xloadflags_str(uint16_t flags, char *buf, size_t len)
{
	return flags_str(flags, xloadflag_names,
			 sizeof(xloadflag_names) / sizeof(xloadflag_names[0]),
			 buf, len);
}
