/* SPDX-License-Identifier: MIT */
/*
 * directboot inspect IMAGE [--json]: every header field of a kernel image,
 * named as bootparam.h names it and decoded, then the payload: its format,
 * its size trailer, what really came out of decompressing it, and the ELF
 * inside (segments, entry, notes, the PVH entry).  Everything is read
 * before anything is printed, so a bad image gives one line on stderr and
 * no half-written output.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cli.h"
#include "inspect.h"
#include "json.h"
#include "options.h"

/* ---- loading ---------------------------------------------------------- */

static int load_payload(struct inspect_image *img, struct db_error *err)
{
	const struct bzimage *bz = &img->bz;
	int ret;

	if (!bz->payload)
		return DB_OK;
	img->has_payload = true;
	img->format = payload_detect(bz->payload, bz->payload_size);
	img->trailer_size = payload_trailer_size(bz->payload, bz->payload_size);
	/* Either step's message says which part of the image it was about:
	 * the ELF's offsets are the decompressed stream's, not the file's. */
	ret = payload_decompress(bz->payload, bz->payload_size, 0, &img->out,
				 &img->out_size, err);
	if (!ret)
		ret = elf_parse(img->out, img->out_size, &img->elf, err);
	if (ret)
		return db_error_prefix(err, "bzimage payload (%s)",
				       payload_format_name(img->format));
	img->has_elf = true;
	return DB_OK;
}

int inspect_image_load(const char *path, struct inspect_image *img,
		       struct db_error *err)
{
	int ret;

	memset(img, 0, sizeof(*img));
	img->path = path;
	ret = image_file_open(path, &img->file, err);
	if (ret)
		return ret;
	ret = image_detect(img->file.data, img->file.size, &img->kind, err);
	if (ret)
		return ret;
	if (img->kind == IMAGE_BZIMAGE) {
		ret = bzimage_parse(img->file.data, img->file.size, &img->bz,
				    err);
		return ret ? ret : load_payload(img, err);
	}
	ret = elf_parse(img->file.data, img->file.size, &img->elf, err);
	img->has_elf = !ret;
	return ret;
}

void inspect_image_free(struct inspect_image *img)
{
	free(img->out);
	img->out = NULL;
	image_file_close(&img->file);
}

/* ---- the setup header, one table for text and JSON -------------------- */

enum fmt {
	F_HEX,
	F_DEC,
	F_SIZE,
	F_LOADFLAGS,
	F_XLOADFLAGS,
	F_VERSION,
	F_SUBARCH
};

struct field {
	const char *name;
	size_t off, width;
	enum fmt fmt;
	uint16_t since; /* 0: every version */
};

#define FLDN(f, name, fmt, since)                                              \
	{                                                                      \
		name, offsetof(struct setup_header, f),                        \
			sizeof(((struct setup_header *)0)->f), fmt, since      \
	}
#define FLD(f, fmt, since) FLDN(f, #f, fmt, since)

/* Every field keeps its bootparam.h name but one: the kernel_version
 * pointer is "kernel_version_ptr", for "kernel_version" is the string. */
static const struct field fields[] = {
	FLD(setup_sects, F_DEC, 0),
	FLD(root_flags, F_HEX, 0),
	FLD(syssize, F_HEX, 0),
	FLD(ram_size, F_HEX, 0),
	FLD(vid_mode, F_HEX, 0),
	FLD(root_dev, F_HEX, 0),
	FLD(boot_flag, F_HEX, 0),
	FLD(jump, F_HEX, 0),
	FLD(header, F_HEX, 0),
	FLD(version, F_VERSION, 0),
	FLD(realmode_swtch, F_HEX, 0),
	FLD(start_sys_seg, F_HEX, 0),
	FLDN(kernel_version, "kernel_version_ptr", F_HEX, 0),
	FLD(type_of_loader, F_HEX, 0),
	FLD(loadflags, F_LOADFLAGS, 0),
	FLD(setup_move_size, F_HEX, 0),
	FLD(code32_start, F_HEX, SH_SINCE_code32_start),
	FLD(ramdisk_image, F_HEX, SH_SINCE_ramdisk_image),
	FLD(ramdisk_size, F_SIZE, SH_SINCE_ramdisk_image),
	FLD(bootsect_kludge, F_HEX, 0),
	FLD(heap_end_ptr, F_HEX, SH_SINCE_heap_end_ptr),
	FLD(ext_loader_ver, F_DEC, SH_SINCE_cmd_line_ptr),
	FLD(ext_loader_type, F_DEC, SH_SINCE_cmd_line_ptr),
	FLD(cmd_line_ptr, F_HEX, SH_SINCE_cmd_line_ptr),
	FLD(initrd_addr_max, F_HEX, SH_SINCE_initrd_addr_max),
	FLD(kernel_alignment, F_SIZE, SH_SINCE_kernel_alignment),
	FLD(relocatable_kernel, F_DEC, SH_SINCE_relocatable_kernel),
	FLD(min_alignment, F_DEC, SH_SINCE_min_alignment),
	FLD(xloadflags, F_XLOADFLAGS, SH_SINCE_xloadflags),
	FLD(cmdline_size, F_SIZE, SH_SINCE_cmdline_size),
	FLD(hardware_subarch, F_SUBARCH, SH_SINCE_hardware_subarch),
	FLD(hardware_subarch_data, F_HEX, SH_SINCE_hardware_subarch),
	FLD(payload_offset, F_HEX, SH_SINCE_payload_offset),
	FLD(payload_length, F_SIZE, SH_SINCE_payload_offset),
	FLD(setup_data, F_HEX, SH_SINCE_setup_data),
	FLD(pref_address, F_HEX, SH_SINCE_pref_address),
	FLD(init_size, F_SIZE, SH_SINCE_init_size),
	FLD(handover_offset, F_HEX, SH_SINCE_handover_offset),
	FLD(kernel_info_offset, F_HEX, SH_SINCE_kernel_info_offset),
};

#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* A field of our own copy of the header (not of the image's bytes). */
static uint64_t field_value(const struct setup_header *h, const struct field *f)
{
	const uint8_t *p = (const uint8_t *)h + f->off;
	uint64_t v = 0;

	for (size_t i = 0; i < f->width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static const char *subarch_name(uint64_t v)
{
	static const char *const names[] = {
		[X86_SUBARCH_PC] = "PC",
		[X86_SUBARCH_LGUEST] = "lguest",
		[X86_SUBARCH_XEN] = "Xen",
		[X86_SUBARCH_INTEL_MID] = "Intel MID",
		[X86_SUBARCH_CE4100] = "CE4100",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

static void version_str(uint16_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%02u", v >> 8, v & 0xff);
}

/* ---- text --------------------------------------------------------------- */

#define NAME_WIDTH 22

/* "name      value", the value column aligned whatever the indent. */
static void kv(const char *indent, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv(const char *indent, const char *name, const char *fmt, ...)
{
	int w = NAME_WIDTH - (int)strlen(indent);
	va_list ap;

	printf("%s%-*s ", indent, w > 0 ? w : 0, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void text_size(const char *indent, const char *name, uint64_t v,
		      const char *extra)
{
	kv(indent, name, "%" PRIu64 " bytes (0x%" PRIx64 ")%s", v, v,
	   extra ? extra : "");
}

static void text_field(const struct bzimage *bz, const struct field *f)
{
	uint64_t v = field_value(&bz->hdr, f);
	char val[200], note[80] = "", buf[160], ver[16];

	switch (f->fmt) {
	case F_DEC:
		snprintf(val, sizeof(val), "%" PRIu64, v);
		break;
	case F_SIZE:
		snprintf(val, sizeof(val), "%" PRIu64 " bytes (0x%" PRIx64 ")",
			 v, v);
		break;
	case F_LOADFLAGS:
		bzimage_loadflags_str((uint8_t)v, buf, sizeof(buf));
		snprintf(val, sizeof(val), "0x%02" PRIx64 " %s", v,
			 v ? buf : "(none)");
		break;
	case F_XLOADFLAGS:
		bzimage_xloadflags_str((uint16_t)v, buf, sizeof(buf));
		snprintf(val, sizeof(val), "0x%02" PRIx64 " %s", v,
			 v ? buf : "(none)");
		break;
	case F_VERSION:
		version_str((uint16_t)v, ver, sizeof(ver));
		snprintf(val, sizeof(val), "%s (0x%04" PRIx64 ")", ver, v);
		break;
	case F_SUBARCH:
		snprintf(val, sizeof(val), "%" PRIu64 " (%s)", v,
			 subarch_name(v));
		break;
	default:
		snprintf(val, sizeof(val), "0x%" PRIx64, v);
	}
	if (f->since > bz->version) {
		version_str(f->since, ver, sizeof(ver));
		snprintf(note, sizeof(note), "  [default: a field of %s+]",
			 ver);
	} else if (!strcmp(f->name, "setup_sects")) {
		snprintf(note, sizeof(note),
			 "  (%u sectors: setup %zu bytes, 0x%zx)",
			 bz->setup_sects, bz->setup_size, bz->setup_size);
	} else if (!strcmp(f->name, "syssize")) {
		snprintf(note, sizeof(note), "  (x16 = %zu bytes)",
			 bz->pm_syssize);
	} else if (!strcmp(f->name, "header")) {
		snprintf(note, sizeof(note), "  \"HdrS\"");
	} else if (!strcmp(f->name, "min_alignment") && v && v < 64) {
		snprintf(note, sizeof(note), "  (2^%" PRIu64 " = 0x%llx)", v,
			 1ull << v);
	} else if (!strcmp(f->name, "kernel_version_ptr") && v) {
		snprintf(note, sizeof(note),
			 "  (string at file offset 0x%" PRIx64 ")", v + 0x200);
	}
	kv("", f->name, "%s%s", val, note);
}

/* Is the desc printable text, maybe followed by NUL padding?  Returns
 * the text's length, 0 if it is not text. */
static uint32_t note_text_len(const struct elf_note *n)
{
	uint32_t len = 0;

	while (len < n->descsz && n->desc[len] >= 0x20 && n->desc[len] < 0x7f)
		len++;
	for (uint32_t i = len; i < n->descsz; i++)
		if (n->desc[i])
			return 0;
	return len;
}

static void text_note(const char *indent, const struct elf_note *n)
{
	uint32_t text = note_text_len(n);
	char hex[2 * 32 + 4];
	size_t pos = 0;

	if (text) {
		printf("%snote %s type %u descsz %u: \"%.*s\"\n", indent,
		       n->name, n->type, n->descsz, (int)text,
		       (const char *)n->desc);
		return;
	}
	if (n->descsz == 4 || n->descsz == 8) {
		printf("%snote %s type %u descsz %u: 0x%" PRIx64 "\n", indent,
		       n->name, n->type, n->descsz,
		       n->descsz == 4 ? get_le32(n->desc) : get_le64(n->desc));
		return;
	}
	for (uint32_t i = 0; i < n->descsz && i < 32; i++)
		pos += snprintf(hex + pos, sizeof(hex) - pos, "%02x",
				n->desc[i]);
	printf("%snote %s type %u descsz %u: %s%s\n", indent, n->name, n->type,
	       n->descsz, hex, n->descsz > 32 ? "..." : "");
}

static void flags_rwx(uint32_t flags, char out[4])
{
	out[0] = flags & PF_R ? 'R' : '-';
	out[1] = flags & PF_W ? 'W' : '-';
	out[2] = flags & PF_X ? 'X' : '-';
	out[3] = '\0';
}

static void text_elf(const struct elf_image *elf, const char *in)
{
	char rwx[4];

	kv(in, "elf", "ELFCLASS%d %s", elf->elf_class,
	   elf->machine == EM_X86_64 ? "EM_X86_64" : "EM_386");
	kv(in, "entry", "0x%" PRIx64, elf->entry);
	for (unsigned i = 0; i < elf->nr_loads; i++) {
		const struct elf_segment *s = &elf->loads[i];

		flags_rwx(s->flags, rwx);
		printf("%sPT_LOAD %u: paddr 0x%" PRIx64 " vaddr 0x%" PRIx64
		       " offset 0x%" PRIx64 " filesz 0x%" PRIx64
		       " memsz 0x%" PRIx64 " %s align 0x%" PRIx64 "\n",
		       in, i, s->paddr, s->vaddr, s->offset, s->filesz,
		       s->memsz, rwx, s->align);
	}
	for (unsigned i = 0; i < elf->nr_notes; i++)
		text_note(in, &elf->notes[i]);
	if (elf->has_pvh_entry)
		kv(in, "pvh_entry", "0x%" PRIx32 " (XEN_ELFNOTE_PHYS32_ENTRY)",
		   elf->pvh_entry);
	else
		kv(in, "pvh_entry", "none (no XEN_ELFNOTE_PHYS32_ENTRY note)");
	if (elf->has_pvh_reloc)
		kv(in, "pvh_reloc",
		   "align 0x%" PRIx32 " min 0x%" PRIx32 " max 0x%" PRIx32
		   " (XEN_ELFNOTE_PHYS32_RELOC)",
		   elf->pvh_reloc_align, elf->pvh_reloc_min,
		   elf->pvh_reloc_max);
	text_size(in, "elf_size", elf->elf_size, " (end of the ELF proper)");
	text_size(in, "trailing_size", elf->trailing_size, " after the ELF");
}

static void text_bzimage(const struct inspect_image *img)
{
	const struct bzimage *bz = &img->bz;
	const struct kernel_info *ki = &bz->kernel_info;

	kv("", "kernel_version", "%s",
	   bz->has_kernel_version ? bz->kernel_version : "(none)");
	for (size_t i = 0; i < NR_FIELDS; i++)
		text_field(bz, &fields[i]);
	if (bz->has_kernel_info)
		kv("", "kernel_info",
		   "header \"LToP\", size %u, size_total %u, setup_type_max "
		   "0x%x",
		   ki->size, ki->size_total, ki->setup_type_max);
	else
		kv("", "kernel_info", "none");
	text_size("", "setup_size", bz->setup_size, NULL);
	text_size("", "pm_size", bz->pm_size,
		  " (protected-mode part: the file after the setup)");
	text_size("", "pm_syssize", bz->pm_syssize, " (syssize * 16)");
	text_size("", "pm_load_size", bz->pm_load_size,
		  " (what a loader copies)");
	text_size("", "trailing_size", bz->trailing_size,
		  " after syssize * 16 (a signature on signed images), not "
		  "loaded");
	if (!img->has_payload) {
		kv("", "payload", "none");
		return;
	}
	kv("", "payload", "%s", payload_format_name(img->format));
	text_size("  ", "compressed_size", bz->payload_size, NULL);
	if (img->format == PAYLOAD_NONE)
		kv("  ", "trailer_size", "none (an uncompressed ELF)");
	else
		text_size("  ", "trailer_size", img->trailer_size,
			  " (the le32 size trailer)");
	text_size("  ", "decompressed_size", img->out_size,
		  " (what decompressing gave)");
	text_elf(&img->elf, "  ");
	text_size("  ", "relocs_size", img->elf.trailing_size,
		  " (the relocation table after the ELF)");
}

static void text_image(const struct inspect_image *img)
{
	kv("", "file", "%s", img->path);
	text_size("", "size", img->file.size, NULL);
	kv("", "kind", "%s", image_kind_name(img->kind));
	if (img->kind == IMAGE_BZIMAGE) {
		char ver[16];

		version_str(img->bz.version, ver, sizeof(ver));
		kv("", "protocol_version", "%s", ver);
		text_bzimage(img);
	} else {
		text_elf(&img->elf, "");
	}
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_note(struct json *j, const struct elf_note *n)
{
	json_object_begin(j, NULL);
	json_str(j, "name", n->name);
	json_u64(j, "type", n->type);
	json_u64(j, "descsz", n->descsz);
	if (n->descsz == 4)
		json_u64(j, "value", get_le32(n->desc));
	else if (n->descsz == 8)
		json_u64(j, "value", get_le64(n->desc));
	json_object_end(j);
}

static void json_elf(struct json *j, const char *key,
		     const struct elf_image *elf)
{
	char rwx[4];

	json_object_begin(j, key);
	json_u64(j, "class", (uint64_t)elf->elf_class);
	json_str(j, "machine", elf->machine == EM_X86_64 ? "x86_64" : "i386");
	json_u64(j, "entry", elf->entry);
	json_array_begin(j, "segments");
	for (unsigned i = 0; i < elf->nr_loads; i++) {
		const struct elf_segment *s = &elf->loads[i];

		flags_rwx(s->flags, rwx);
		json_object_begin(j, NULL);
		json_u64(j, "paddr", s->paddr);
		json_u64(j, "vaddr", s->vaddr);
		json_u64(j, "offset", s->offset);
		json_u64(j, "filesz", s->filesz);
		json_u64(j, "memsz", s->memsz);
		json_u64(j, "align", s->align);
		json_u64(j, "flags", s->flags);
		json_str(j, "flags_names", rwx);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "notes");
	for (unsigned i = 0; i < elf->nr_notes; i++)
		json_note(j, &elf->notes[i]);
	json_array_end(j);
	if (elf->has_pvh_entry)
		json_u64(j, "pvh_entry", elf->pvh_entry);
	else
		json_null(j, "pvh_entry");
	if (elf->has_pvh_reloc) {
		json_object_begin(j, "pvh_reloc");
		json_u64(j, "align", elf->pvh_reloc_align);
		json_u64(j, "min", elf->pvh_reloc_min);
		json_u64(j, "max", elf->pvh_reloc_max);
		json_object_end(j);
	} else {
		json_null(j, "pvh_reloc");
	}
	json_u64(j, "elf_size", elf->elf_size);
	json_u64(j, "trailing_size", elf->trailing_size);
	json_object_end(j);
}

/* "LOADED_HIGH|CAN_USE_HEAP" as ["LOADED_HIGH", "CAN_USE_HEAP"]. */
static void json_names(struct json *j, const char *key, const char *joined)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", joined);
	json_array_begin(j, key);
	for (char *t = strtok_r(buf, "|", &save); t;
	     t = strtok_r(NULL, "|", &save))
		json_str(j, NULL, t);
	json_array_end(j);
}

static void json_payload(struct json *j, const struct inspect_image *img)
{
	const struct bzimage *bz = &img->bz;

	if (!img->has_payload) {
		json_null(j, "payload");
		return;
	}
	json_object_begin(j, "payload");
	json_str(j, "format", payload_format_name(img->format));
	json_u64(j, "offset", bz->hdr.payload_offset);
	json_u64(j, "compressed_size", bz->payload_size);
	if (img->format == PAYLOAD_NONE)
		json_null(j, "trailer_size");
	else
		json_u64(j, "trailer_size", img->trailer_size);
	json_u64(j, "decompressed_size", img->out_size);
	json_elf(j, "elf", &img->elf);
	json_u64(j, "elf_size", img->elf.elf_size);
	json_u64(j, "relocs_size", img->elf.trailing_size);
	json_object_end(j);
}

static void json_bzimage(struct json *j, const struct inspect_image *img)
{
	const struct bzimage *bz = &img->bz;
	const struct kernel_info *ki = &bz->kernel_info;
	char buf[256], ver[16];

	version_str(bz->version, ver, sizeof(ver));
	json_str(j, "protocol_version", ver);
	if (bz->has_kernel_version)
		json_str(j, "kernel_version", bz->kernel_version);
	else
		json_null(j, "kernel_version");
	for (size_t i = 0; i < NR_FIELDS; i++)
		json_u64(j, fields[i].name, field_value(&bz->hdr, &fields[i]));
	json_names(j, "loadflags_names",
		   bzimage_loadflags_str(bz->hdr.loadflags, buf, sizeof(buf)));
	json_names(
		j, "xloadflags_names",
		bzimage_xloadflags_str(bz->hdr.xloadflags, buf, sizeof(buf)));
	json_str(j, "hardware_subarch_name",
		 subarch_name(bz->hdr.hardware_subarch));
	json_u64(j, "setup_size", bz->setup_size);
	json_u64(j, "pm_offset", bz->setup_size);
	json_u64(j, "pm_size", bz->pm_size);
	json_u64(j, "pm_syssize", bz->pm_syssize);
	json_u64(j, "pm_load_size", bz->pm_load_size);
	json_u64(j, "trailing_size", bz->trailing_size);
	if (bz->has_kernel_info) {
		json_object_begin(j, "kernel_info");
		json_str(j, "header", "LToP");
		json_u64(j, "size", ki->size);
		json_u64(j, "size_total", ki->size_total);
		json_u64(j, "setup_type_max", ki->setup_type_max);
		json_object_end(j);
	} else {
		json_null(j, "kernel_info");
	}
	json_payload(j, img);
}

static void json_image(const struct inspect_image *img)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_str(&j, "file", img->path);
	json_u64(&j, "size", img->file.size);
	json_str(&j, "kind", image_kind_name(img->kind));
	if (img->kind == IMAGE_BZIMAGE)
		json_bzimage(&j, img);
	else
		json_elf(&j, "elf", &img->elf);
	json_object_end(&j);
}

/* ---- the command -------------------------------------------------------- */

static void inspect_usage(FILE *f)
{
	fprintf(f,
		"Usage: directboot inspect IMAGE [--json]\n"
		"Show every header field of a kernel image (bzImage or x86 "
		"ELF),\n"
		"named as in bootparam.h and decoded; for a bzImage, also the\n"
		"payload's format, its compressed and decompressed sizes, and "
		"the\n"
		"ELF inside (segments, entry, notes, PVH entry).\n\n");
	cli_options_usage(f, CMD_INSPECT);
	fprintf(f, "\nExit status: 0 ok, 2 bad usage or bad image, 3 host "
		   "error.\n");
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_image *img;
	struct db_error err = {0};
	struct cli_args a;
	int ret;

	cli_args_init(&a, CMD_INSPECT, "inspect");
	ret = cli_parse(&a, argc, argv);
	if (ret) {
		if (ret == 1)
			inspect_usage(stdout);
		return ret == 1 ? 0 : ret;
	}
	img = calloc(1, sizeof(*img));
	if (!img) {
		db_fail(&err, DB_ERR_HOST, "inspect: out of memory");
		return cli_report(&err);
	}
	ret = inspect_image_load(a.image, img, &err);
	if (ret) {
		ret = cli_report(&err);
	} else {
		if (a.json)
			json_image(img);
		else
			text_image(img);
		ret = fflush(stdout) ? EXIT_HOST : 0;
	}
	inspect_image_free(img);
	free(img);
	return ret;
}
