/* SPDX-License-Identifier: MIT */
/*
 * The zero page (struct boot_params) and its setup_data chain, as
 * boot.rst's "32-bit Boot Protocol" asks a loader that skips the
 * real-mode setup to build them: start from zeros, copy in the setup
 * header from the image, then write the fields marked "write" or
 * "modify" that this loader has an opinion on, and only those the
 * image's protocol version defines.
 *
 * The fact a reader gets wrong: the header is copied from the file up
 * to 0x202 + the byte at 0x201 (the jump's target), not sizeof(struct
 * setup_header), and cmdline_size is the kernel's to say: a loader
 * reads it and never writes it (Firecracker and cloud-hypervisor do).
 *
 * Decisions:
 * - type_of_loader 0xff ("undefined"), so ext_loader_ver and
 *   ext_loader_type stay 0 as boot.rst says for that ID;
 * - CAN_USE_HEAP with heap_end_ptr = 0xe000 - 0x200, boot.rst's sample
 *   configuration (no real-mode code runs, but the field is set as the
 *   protocol describes a loaded setup);
 * - a kernel older than 2.02 has no cmd_line_ptr: it is refused a
 *   non-empty command line, since the older protocol needs the real-mode
 *   setup loaded at 0x90000, which a direct boot does not do;
 * - a bare ELF (no bzImage header) gets a header of our own: "HdrS",
 *   version 2.15, LOADED_HIGH, cmdline_size 2047 and initrd_addr_max
 *   0x7fffffff, the values Linux's own header.S would have given it.
 */
#include <inttypes.h>
#include <string.h>

#include "bytes.h"
#include "plan_int.h"

static int copy_header(struct boot_params *bp, const struct zeropage_args *a,
		       struct db_error *err)
{
	size_t end;

	if (!a->image) {
		bp->hdr.boot_flag = BOOT_FLAG_MAGIC;
		bp->hdr.header = HDRS_MAGIC;
		bp->hdr.version = BOOT_PROTOCOL_MAX;
		bp->hdr.loadflags = LOADED_HIGH;
		bp->hdr.cmdline_size = PLAN_ELF_CMDLINE_SIZE;
		bp->hdr.initrd_addr_max = PLAN_ELF_INITRD_ADDR_MAX;
		return DB_OK;
	}
	if (!range_ok(HDRS_OFFSET - 1, 1, a->image_size))
		return db_fail(err, DB_ERR_INPUT,
			       "zeropage: image of %zu bytes ends before the "
			       "setup header",
			       a->image_size);
	end = HDRS_OFFSET + a->image[HDRS_OFFSET - 1];
	if (end > SETUP_HEADER_END)
		end = SETUP_HEADER_END;
	if (!range_ok(SETUP_HEADER_OFFSET, end - SETUP_HEADER_OFFSET,
		      a->image_size))
		return db_fail(err, DB_ERR_INPUT,
			       "zeropage: setup header end 0x%zx is past the "
			       "image end (%zu bytes)",
			       end, a->image_size);
	memcpy((uint8_t *)bp + SETUP_HEADER_OFFSET,
	       a->image + SETUP_HEADER_OFFSET, end - SETUP_HEADER_OFFSET);
	return DB_OK;
}

static int protocol_fields(struct setup_header *h,
			   const struct zeropage_args *a, struct db_error *err)
{
	uint16_t v = h->version;

	h->type_of_loader = LOADER_TYPE_UNDEFINED;
	h->loadflags &= (uint8_t)~KEEP_SEGMENTS;
	if (v >= SH_SINCE_heap_end_ptr) {
		h->heap_end_ptr = PLAN_HEAP_END - 0x200;
		h->loadflags |= CAN_USE_HEAP;
	}
	if ((a->keep_segments || a->subarch || a->subarch_data) &&
	    v < SH_SINCE_hardware_subarch)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: --keep-segments and --subarch need boot "
			       "protocol 2.07, the kernel has %u.%02u",
			       v >> 8, v & 0xff);
	if (a->keep_segments)
		h->loadflags |= KEEP_SEGMENTS;
	if (v >= SH_SINCE_hardware_subarch) {
		h->hardware_subarch = a->subarch;
		h->hardware_subarch_data = a->subarch_data;
	}
	if (v >= SH_SINCE_cmd_line_ptr) {
		h->ext_loader_ver = 0;
		h->ext_loader_type = 0;
		h->cmd_line_ptr = (uint32_t)a->cmdline_gpa;
	} else if (a->cmdline_len) {
		return db_fail(err, DB_ERR_INPUT,
			       "plan: a command line needs boot protocol 2.02 "
			       "(cmd_line_ptr), the kernel has %u.%02u",
			       v >> 8, v & 0xff);
	}
	if (a->kernel_gpa)
		h->code32_start = (uint32_t)a->kernel_gpa;
	return DB_OK;
}

static bool above_4g_ok(const struct setup_header *h)
{
	return h->version >= SH_SINCE_xloadflags &&
	       (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
}

static int ramdisk(struct boot_params *bp, const struct zeropage_args *a,
		   struct db_error *err)
{
	uint64_t end = a->initrd_gpa + a->initrd_size;

	/* Write-fields: whatever the file held there is not ours to pass on. */
	bp->hdr.ramdisk_image = 0;
	bp->hdr.ramdisk_size = 0;
	if (!a->initrd_size)
		return DB_OK;
	if (end > (1ull << 32) && !above_4g_ok(&bp->hdr))
		return db_fail(err, DB_ERR_INPUT,
			       "zeropage: initrd at 0x%" PRIx64
			       " ends above 4 GiB, and the kernel lacks "
			       "XLF_CAN_BE_LOADED_ABOVE_4G",
			       a->initrd_gpa);
	bp->hdr.ramdisk_image = (uint32_t)a->initrd_gpa;
	bp->hdr.ramdisk_size = (uint32_t)a->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(a->initrd_gpa >> 32);
	bp->ext_ramdisk_size = (uint32_t)(a->initrd_size >> 32);
	return DB_OK;
}

/* The nodes the chain will hold, in order; ext holds the spilled map. */
static int nodes(const struct zeropage_args *a, uint16_t version, uint8_t *ext,
		 struct setup_node n[2], unsigned *count, struct db_error *err)
{
	unsigned spill = a->nr_regions > E820_MAX_ENTRIES_ZEROPAGE
				 ? a->nr_regions - E820_MAX_ENTRIES_ZEROPAGE
				 : 0;

	*count = 0;
	if (spill && version < SH_SINCE_setup_data)
		return db_fail(err, DB_ERR_INPUT,
			       "plan: the memory map has %u entries, over the "
			       "zero page's %u, and SETUP_E820_EXT needs boot "
			       "protocol 2.09 (the kernel has %u.%02u)",
			       a->nr_regions, E820_MAX_ENTRIES_ZEROPAGE,
			       version >> 8, version & 0xff);
	if (spill) {
		if (ext)
			e820_ext_encode(ext,
					a->regions + E820_MAX_ENTRIES_ZEROPAGE,
					spill);
		n[(*count)++] = (struct setup_node){
			SETUP_E820_EXT, ext, (uint32_t)E820_EXT_SIZE(spill)};
	}
	if (a->rng_seed && version >= SH_SINCE_setup_data)
		n[(*count)++] = (struct setup_node){SETUP_RNG_SEED, a->rng_seed,
						    SETUP_RNG_SEED_LEN};
	return DB_OK;
}

static uint16_t image_version(const struct zeropage_args *a)
{
	if (!a->image)
		return BOOT_PROTOCOL_MAX;
	if (!range_ok(SH_OFF(version), 2, a->image_size))
		return 0;
	return get_le16(a->image + SH_OFF(version));
}

int zeropage_setup_data_size(const struct zeropage_args *a, size_t *size,
			     struct db_error *err)
{
	struct setup_node n[2];
	unsigned count;
	int ret;

	ret = nodes(a, image_version(a), NULL, n, &count, err);
	*size = ret ? 0 : setup_data_size(n, count);
	return ret;
}

int zeropage_build(struct boot_params *bp, uint8_t *setup_data,
		   uint64_t setup_data_gpa, const struct zeropage_args *a,
		   struct db_error *err)
{
	uint8_t *ext = NULL;
	struct setup_node n[2];
	unsigned count;
	int ret;

	memset(bp, 0, sizeof(*bp));
	ret = copy_header(bp, a, err);
	if (!ret)
		ret = protocol_fields(&bp->hdr, a, err);
	if (!ret)
		ret = ramdisk(bp, a, err);
	if (ret)
		return ret;
	e820_to_zeropage(bp, a->regions, a->nr_regions);
	if (a->nr_regions > E820_MAX_ENTRIES_ZEROPAGE)
		ext = setup_data + sizeof(struct setup_data);
	ret = nodes(a, bp->hdr.version, ext, n, &count, err);
	if (ret)
		return ret;
	if (count) {
		setup_data_write(setup_data, setup_data_gpa, n, count);
		bp->hdr.setup_data = setup_data_gpa;
	} else if (bp->hdr.version >= SH_SINCE_setup_data) {
		bp->hdr.setup_data = 0;
	}
	return DB_OK;
}

static size_t node_size(const struct setup_node *n)
{
	return align_up(sizeof(struct setup_data) + n->len, 8);
}

size_t setup_data_size(const struct setup_node *n, unsigned count)
{
	size_t size = 0;

	for (unsigned i = 0; i < count; i++)
		size += node_size(&n[i]);
	return size;
}

void setup_data_write(uint8_t *buf, uint64_t gpa, const struct setup_node *n,
		      unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		size_t sz = node_size(&n[i]);
		bool last = i + 1 == count;

		put_le64(buf + offsetof(struct setup_data, next),
			 last ? 0 : gpa + sz);
		put_le32(buf + offsetof(struct setup_data, type), n[i].type);
		put_le32(buf + offsetof(struct setup_data, len), n[i].len);
		/* The E820_EXT payload may already sit in place. */
		if (n[i].data && n[i].data != buf + sizeof(struct setup_data))
			memcpy(buf + sizeof(struct setup_data), n[i].data,
			       n[i].len);
		buf += sz;
		gpa += sz;
	}
}
