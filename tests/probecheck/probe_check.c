/* SPDX-License-Identifier: MIT */
/*
 * The transcript checker.  A launcher is only as good as what the guest
 * finds at its entry, so every rule here is one that boot.rst (or, for
 * PVH, Xen's pvh.pandoc) puts on the loader, checked against what the
 * probe guest reported from inside.  Each check prints one line:
 *
 *   pass NAME: what was seen
 *   FAIL NAME: what was seen, and the rule
 *   skip NAME: why it does not apply (not counted)
 *
 * The check names are stable: tests and docs/conformance.md quote them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "probe_abi.h"
#include "probe_check.h"

#define SZ_4K 0x1000ull
#define SZ_4G 0x100000000ull
#define LOW_HOLE_START 0x9fc00ull
#define LOW_HOLE_END 0x100000ull
#define PCI_HOLE_START 0xc0000000ull
#define ZERO_PAGE_SIZE 4096ull
#define REAL_MODE_CS_OFFSET 0x20

void probe_expect_init(struct probe_expect *x, enum probe_entry_kind entry)
{
	memset(x, 0, sizeof(*x));
	x->entry = entry;
	x->e820_slack = 1 << 20;
	x->subarch = X86_SUBARCH_PC;
	x->initrd_addr_max = PROBE_INITRD_ADDR_MAX;
	x->xloadflags = PROBE_XLOADFLAGS;
	x->kernel_alignment = PROBE_KERNEL_ALIGNMENT;
}

bool probe_entry_parse(const char *s, enum probe_entry_kind *kind)
{
	static const struct {
		const char *name;
		enum probe_entry_kind kind;
	} kinds[] = {
		{"16", PROBE_KIND_16},
		{"32", PROBE_KIND_32},
		{"64", PROBE_KIND_64},
		{"pvh", PROBE_KIND_PVH},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(s, kinds[i].name)) {
			*kind = kinds[i].kind;
			return true;
		}
	return false;
}

static const char *entry_name(enum probe_entry_kind kind)
{
	switch (kind) {
	case PROBE_KIND_16:
		return "16";
	case PROBE_KIND_32:
		return "32";
	case PROBE_KIND_64:
		return "64";
	case PROBE_KIND_PVH:
		return "pvh";
	}
	return "?";
}

uint32_t probe_crc32(const uint8_t *p, size_t n)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	while (n) {
		uInt chunk = n > 1u << 30 ? 1u << 30 : (uInt)n;

		crc = crc32(crc, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return (uint32_t)crc;
}

/* ---- parsing ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The body of CMDLINE="...": undo the probe's \\, \" and \xHH escapes.
 * Returns false when the quoting is broken. */
static bool unescape(const char *s, char **out, size_t *outlen)
{
	size_t n = strlen(s), j = 0;
	char *buf;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	buf = malloc(n);
	if (!buf)
		return false;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] != '\\') {
			buf[j++] = s[i];
			continue;
		}
		if (i + 1 < n - 1 && (s[i + 1] == '\\' || s[i + 1] == '"')) {
			buf[j++] = s[++i];
		} else if (i + 3 < n - 1 && s[i + 1] == 'x' &&
			   hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			buf[j++] = (char)(hexval(s[i + 2]) << 4 |
					  hexval(s[i + 3]));
			i += 3;
		} else {
			free(buf);
			return false;
		}
	}
	buf[j] = 0;
	*out = buf;
	*outlen = j;
	return true;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (strncmp(s, "0x", 2))
		return false;
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	return !errno && end != s + 2 && !*end;
}

static int add_e820(struct probe_transcript *t, const char *v)
{
	struct probe_range r, *n;
	char a[32], b[32], c[32], extra;

	if (sscanf(v, "%31s %31s %31s %c", a, b, c, &extra) != 3 ||
	    !parse_u64(a, &r.addr) || !parse_u64(b, &r.size) ||
	    !parse_u64(c, &r.type)) {
		t->malformed++;
		return 0;
	}
	n = realloc(t->e820, (t->ne820 + 1) * sizeof(*n));
	if (!n)
		return -1;
	t->e820 = n;
	t->e820[t->ne820++] = r;
	return 0;
}

static int add_line(struct probe_transcript *t, char *line)
{
	char *eq = strchr(line, '=');
	struct probe_kv *n;

	/* probe/smp.c: each AP says "AP n alive", as issue 6 asks. */
	if (!eq && !strncmp(line, "AP ", 3))
		return 0;
	if (!eq || eq == line) {
		t->malformed++;
		return 0;
	}
	*eq = 0;
	if (!strcmp(line, "E820") && add_e820(t, eq + 1))
		return -1;
	if (!strcmp(line, "CMDLINE") && !t->has_cmdline) {
		if (unescape(eq + 1, &t->cmdline, &t->cmdline_len))
			t->has_cmdline = true;
		else
			t->malformed++;
	}
	n = realloc(t->kv, (t->nkv + 1) * sizeof(*n));
	if (!n)
		return -1;
	t->kv = n;
	n[t->nkv].key = strdup(line);
	n[t->nkv].value = strdup(eq + 1);
	if (!n[t->nkv].key || !n[t->nkv].value) {
		free(n[t->nkv].key);
		free(n[t->nkv].value);
		return -1;
	}
	t->nkv++;
	return 0;
}

int probe_transcript_parse(const char *text, size_t len,
			   struct probe_transcript *t)
{
	static const char begin[] = "PROBE BEGIN entry=";
	char *buf, *p, *save = NULL;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = 0;
	/* Firmware may print before the probe, even on the same line. */
	for (size_t i = 0; i < len; i++)
		if (!buf[i])
			buf[i] = ' ';
	p = strstr(buf, begin);
	if (!p)
		goto out;
	t->begun = true;
	p += strlen(begin);
	for (char *line = strtok_r(p, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = 0;
		if (!t->entry[0] && line == p) {
			snprintf(t->entry, sizeof(t->entry), "%s", line);
			continue;
		}
		if (!strcmp(line, "PROBE END")) {
			t->ended = true;
			break;
		}
		if (add_line(t, line)) {
			ret = -1;
			break;
		}
	}
out:
	free(buf);
	return ret;
}

void probe_transcript_free(struct probe_transcript *t)
{
	for (size_t i = 0; i < t->nkv; i++) {
		free(t->kv[i].key);
		free(t->kv[i].value);
	}
	free(t->kv);
	free(t->e820);
	free(t->cmdline);
	memset(t, 0, sizeof(*t));
}

const char *probe_transcript_str(const struct probe_transcript *t,
				 const char *key)
{
	for (size_t i = 0; i < t->nkv; i++)
		if (!strcmp(t->kv[i].key, key))
			return t->kv[i].value;
	return NULL;
}

bool probe_transcript_u64(const struct probe_transcript *t, const char *key,
			  uint64_t *v)
{
	const char *s = probe_transcript_str(t, key);

	return s && parse_u64(s, v);
}

/* ---- checking ---- */

struct ctx {
	const struct probe_transcript *t;
	const struct probe_expect *x;
	FILE *out;
	struct probe_result *res;
};

static void verdict(struct ctx *c, int ok, const char *name, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* ok: 1 pass, 0 fail, -1 skip. */
static void verdict(struct ctx *c, int ok, const char *name, const char *fmt,
		    ...)
{
	va_list ap;

	if (ok > 0)
		c->res->passed++;
	else if (ok == 0)
		c->res->failed++;
	else
		c->res->skipped++;
	if (!c->out)
		return;
	fprintf(c->out, "%s %s: ", ok > 0 ? "pass" : ok ? "skip" : "FAIL",
		name);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

/* Fetch KEY as a number, or fail the check NAME saying it is missing. */
static bool need(struct ctx *c, const char *name, const char *key,
		 uint64_t *v)
{
	if (probe_transcript_u64(c->t, key, v))
		return true;
	verdict(c, 0, name, "the transcript has no %s line", key);
	return false;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* [a, a+len) lies wholly in type-1 e820 memory (adjacent entries join). */
static bool in_ram(const struct probe_transcript *t, uint64_t a,
		   uint64_t len)
{
	uint64_t end = a + len;
	bool progress = true;

	while (a < end && progress) {
		progress = false;
		for (size_t i = 0; i < t->ne820; i++) {
			const struct probe_range *r = &t->e820[i];

			if (r->type == E820_TYPE_RAM && r->addr <= a &&
			    a < r->addr + r->size) {
				a = r->addr + r->size;
				progress = true;
			}
		}
	}
	return a >= end;
}

static void check_transcript(struct ctx *c)
{
	const struct probe_transcript *t = c->t;
	const char *want = entry_name(c->x->entry);

	if (!t->begun) {
		verdict(c, 0, "transcript", "no 'PROBE BEGIN' line: the probe "
			"never ran or COM1 output was lost");
		return;
	}
	verdict(c, t->ended && !t->malformed, "transcript",
		"%s, %zu lines, %zu malformed", t->ended ? "complete" :
		"no 'PROBE END' line (the probe stopped mid-report)",
		t->nkv, t->malformed);
	verdict(c, !strcmp(t->entry, want), "entry", "entry=%s, want %s",
		t->entry, want);
}

/* A GDT descriptor as the probe read it: base, limit (in bytes - 1). */
struct desc {
	uint64_t base, limit;
	bool present, code, s, readable_or_writable, db, l;
};

static struct desc decode(uint64_t d)
{
	struct desc r;

	r.base = (d >> 16 & 0xffffff) | (d >> 56 & 0xff) << 24;
	r.limit = (d & 0xffff) | (d >> 48 & 0xf) << 16;
	if (d >> 55 & 1)
		r.limit = r.limit << 12 | 0xfff;
	r.present = d >> 47 & 1;
	r.s = d >> 44 & 1;
	r.code = d >> 43 & 1;
	r.readable_or_writable = d >> 41 & 1;
	r.db = d >> 54 & 1;
	r.l = d >> 53 & 1;
	return r;
}

/* boot.rst: "4G flat segment"; CS execute/read, data read/write.  For a
 * 64-bit CS the base and limit are ignored and L=1 is what matters. */
static bool desc_ok(uint64_t raw, bool code, bool longmode, char *why,
		    size_t n)
{
	struct desc d = decode(raw);

	if (!d.present || !d.s || d.code != code || !d.readable_or_writable) {
		snprintf(why, n, "0x%llx is not a present %s segment",
			 (unsigned long long)raw,
			 code ? "execute/read code" : "read/write data");
		return false;
	}
	if (code && longmode) {
		if (!d.l || d.db) {
			snprintf(why, n, "0x%llx is not a 64-bit code segment "
				 "(L=%d D=%d)", (unsigned long long)raw, d.l,
				 d.db);
			return false;
		}
		return true;
	}
	if (d.base || d.limit != 0xffffffff || (code && !d.db)) {
		snprintf(why, n, "0x%llx: base 0x%llx limit 0x%llx, not 4 GiB "
			 "flat 32-bit", (unsigned long long)raw,
			 (unsigned long long)d.base,
			 (unsigned long long)d.limit);
		return false;
	}
	return true;
}

static void check_descriptors(struct ctx *c, bool longmode, bool required)
{
	static const char *const keys[] = {"CS_DESC", "DS_DESC", "ES_DESC",
					   "SS_DESC"};
	char why[160] = "";
	bool ok = true;

	for (size_t i = 0; i < 4 && ok; i++) {
		uint64_t raw;

		if (!probe_transcript_u64(c->t, keys[i], &raw)) {
			if (!required) {
				verdict(c, -1, "entry-descriptors", "%s not in "
					"a readable GDT (the protocol leaves "
					"the GDT to the guest)", keys[i]);
				return;
			}
			verdict(c, 0, "entry-descriptors", "no %s: the "
				"selector is not in the GDT at GDTR, which the "
				"protocol requires to hold it", keys[i]);
			return;
		}
		ok = desc_ok(raw, i == 0, longmode, why, sizeof(why));
		if (!ok)
			verdict(c, 0, "entry-descriptors", "%s %s", keys[i],
				why);
	}
	if (ok)
		verdict(c, 1, "entry-descriptors", "CS %s, DS/ES/SS flat "
			"read/write",
			longmode ? "64-bit" : "flat execute/read");
}

/* boot.rst, "32-bit boot protocol" / "64-bit boot protocol": CS
 * __BOOT_CS (0x10), DS = ES = SS = __BOOT_DS (0x18). */
static void check_boot_selectors(struct ctx *c)
{
	uint64_t cs, ds, es, ss;

	if (!need(c, "entry-selectors", "CS", &cs) ||
	    !need(c, "entry-selectors", "DS", &ds) ||
	    !need(c, "entry-selectors", "ES", &es) ||
	    !need(c, "entry-selectors", "SS", &ss))
		return;
	verdict(c, cs == PROBE_CS32 && ds == PROBE_DS && es == PROBE_DS &&
		ss == PROBE_DS, "entry-selectors",
		"CS=0x%llx DS=0x%llx ES=0x%llx SS=0x%llx, want CS=0x%x "
		"DS=ES=SS=0x%x", (unsigned long long)cs,
		(unsigned long long)ds, (unsigned long long)es,
		(unsigned long long)ss, PROBE_CS32, PROBE_DS);
}

static void check_if(struct ctx *c, const char *flags_key)
{
	uint64_t fl;

	if (need(c, "entry-if", flags_key, &fl))
		verdict(c, !(fl & X86_EFLAGS_IF), "entry-if",
			"%s=0x%llx, interrupts %s", flags_key,
			(unsigned long long)fl,
			fl & X86_EFLAGS_IF ? "enabled (must be off)" : "off");
}

/* ESI/RSI must point at the zero page: the setup header's magic there. */
static void check_boot_params_ptr(struct ctx *c, const char *reg)
{
	uint64_t ptr, bp, hdr;

	if (!need(c, "entry-boot-params", reg, &ptr) ||
	    !need(c, "entry-boot-params", "BOOT_PARAMS", &bp))
		return;
	if (!probe_transcript_u64(c->t, "BP_HEADER", &hdr)) {
		verdict(c, 0, "entry-boot-params", "%s=0x%llx is not "
			"readable memory", reg, (unsigned long long)ptr);
		return;
	}
	verdict(c, ptr == bp && hdr == HDRS_MAGIC, "entry-boot-params",
		"%s=0x%llx, header there 0x%llx (want \"HdrS\" 0x%x)", reg,
		(unsigned long long)ptr, (unsigned long long)hdr, HDRS_MAGIC);
}

static void check_entry_32(struct ctx *c, bool from_stub)
{
	uint64_t cr0, ebp, edi, ebx, keep;
	const char *segs = probe_transcript_str(c->t, "SEGMENTS");
	bool kept = c->x->keep_segments;

	/* Behind the real-mode stub the segments are the stub's own. */
	if (!kept || from_stub) {
		check_boot_selectors(c);
		check_descriptors(c, false, true);
	}
	if (need(c, "entry-paging", "CR0", &cr0))
		verdict(c, (cr0 & X86_CR0_PE) && !(cr0 & X86_CR0_PG),
			"entry-paging", "CR0=0x%llx: want protected mode "
			"(PE=1), paging off (PG=0)", (unsigned long long)cr0);
	check_if(c, "EFLAGS");
	check_boot_params_ptr(c, "ESI");
	if (from_stub) {
		if (need(c, "stub-handoff", "EDI", &edi))
			verdict(c, edi == PROBE_RM_MAGIC, "stub-handoff",
				"EDI=0x%llx: the real-mode stub's mark",
				(unsigned long long)edi);
	} else if (need(c, "entry-zero-regs", "EBP", &ebp) &&
		   need(c, "entry-zero-regs", "EDI", &edi) &&
		   need(c, "entry-zero-regs", "EBX", &ebx)) {
		verdict(c, !ebp && !edi && !ebx, "entry-zero-regs",
			"EBP=0x%llx EDI=0x%llx EBX=0x%llx, all must be 0",
			(unsigned long long)ebp, (unsigned long long)edi,
			(unsigned long long)ebx);
	}
	if (!need(c, "keep-segments", "KEEP_SEGMENTS", &keep))
		return;
	verdict(c, !!keep == kept && segs &&
		!strcmp(segs, kept ? "kept" : "reloaded"), "keep-segments",
		"KEEP_SEGMENTS=%llu, segments %s; want %s",
		(unsigned long long)keep, segs ? segs : "?",
		kept ? "set, kept" : "clear, reloaded");
}

static void check_entry_64(struct ctx *c)
{
	uint64_t cr0, cr4, efer;

	check_boot_selectors(c);
	check_descriptors(c, true, true);
	if (need(c, "entry-long-mode", "CR0", &cr0) &&
	    need(c, "entry-long-mode", "CR4", &cr4) &&
	    need(c, "entry-long-mode", "EFER", &efer))
		verdict(c, (cr0 & X86_CR0_PE) && (cr0 & X86_CR0_PG) &&
			(cr4 & X86_CR4_PAE) && (efer & EFER_LME) &&
			(efer & EFER_LMA), "entry-long-mode",
			"CR0=0x%llx CR4=0x%llx EFER=0x%llx: want PE, PG, PAE, "
			"LME and LMA", (unsigned long long)cr0,
			(unsigned long long)cr4, (unsigned long long)efer);
	check_if(c, "EFLAGS");
	check_boot_params_ptr(c, "RSI");
}

/* boot.rst, "Running the kernel": CS = seg + 0x20, DS = ES = FS = GS =
 * SS = seg, interrupts off, still in real mode. */
static void check_entry_16(struct ctx *c)
{
	uint64_t cs, ds, es, ss, fs, gs, fl, cr0, st;

	if (need(c, "rm-segments", "RM_CS", &cs) &&
	    need(c, "rm-segments", "RM_DS", &ds) &&
	    need(c, "rm-segments", "RM_ES", &es) &&
	    need(c, "rm-segments", "RM_SS", &ss) &&
	    need(c, "rm-segments", "RM_FS", &fs) &&
	    need(c, "rm-segments", "RM_GS", &gs))
		verdict(c, cs == ds + REAL_MODE_CS_OFFSET && es == ds &&
			ss == ds && fs == ds && gs == ds, "rm-segments",
			"CS=0x%llx DS=0x%llx ES=0x%llx SS=0x%llx FS=0x%llx "
			"GS=0x%llx: want CS=DS+0x20, the rest equal",
			(unsigned long long)cs, (unsigned long long)ds,
			(unsigned long long)es, (unsigned long long)ss,
			(unsigned long long)fs, (unsigned long long)gs);
	if (need(c, "rm-mode", "RM_CR0", &cr0) &&
	    need(c, "rm-mode", "RM_FLAGS", &fl))
		verdict(c, !(cr0 & X86_CR0_PE) && !(fl & X86_EFLAGS_IF),
			"rm-mode", "CR0=0x%llx FLAGS=0x%llx: want real mode, "
			"interrupts off", (unsigned long long)cr0,
			(unsigned long long)fl);
	if (need(c, "rm-e820", "RM_E820_STATUS", &st))
		verdict(c, st == 0, "rm-e820", "int 0x15 e820 status %llu "
			"(0 ok, 1 no vector, 2 BIOS error)",
			(unsigned long long)st);
	check_entry_32(c, true);
}

/* pvh.pandoc, "Initial state": flat segments, CR0 = PE only, CR4 = 0,
 * IF, TF and VM clear, EBX = start_info. */
static void check_entry_pvh(struct ctx *c)
{
	uint64_t cr0, cr4, fl, ebx, si, magic;

	check_descriptors(c, false, false);
	if (need(c, "entry-paging", "CR0", &cr0)) {
		verdict(c, (cr0 & X86_CR0_PE) && !(cr0 & X86_CR0_PG),
			"entry-paging", "CR0=0x%llx: want PE=1, PG=0",
			(unsigned long long)cr0);
		verdict(c, !(cr0 & ~(uint64_t)(X86_CR0_PE | X86_CR0_ET)),
			"entry-cr0", "CR0=0x%llx: every writable bit but PE "
			"must be clear", (unsigned long long)cr0);
	}
	if (need(c, "entry-cr4", "CR4", &cr4))
		verdict(c, cr4 == 0, "entry-cr4", "CR4=0x%llx, must be 0",
			(unsigned long long)cr4);
	if (need(c, "entry-eflags", "EFLAGS", &fl))
		verdict(c, !(fl & (X86_EFLAGS_IF | X86_EFLAGS_TF |
				   X86_EFLAGS_VM)), "entry-eflags",
			"EFLAGS=0x%llx: IF, TF and VM must be clear",
			(unsigned long long)fl);
	if (need(c, "entry-start-info", "EBX", &ebx) &&
	    need(c, "entry-start-info", "START_INFO", &si)) {
		if (!probe_transcript_u64(c->t, "PVH_MAGIC", &magic))
			verdict(c, 0, "entry-start-info", "EBX=0x%llx is not "
				"readable memory", (unsigned long long)ebx);
		else
			verdict(c, ebx == si &&
				magic == XEN_HVM_START_MAGIC_VALUE,
				"entry-start-info", "EBX=0x%llx, magic 0x%llx "
				"(want 0x%x)", (unsigned long long)ebx,
				(unsigned long long)magic,
				XEN_HVM_START_MAGIC_VALUE);
	}
}

static void check_subarch(struct ctx *c)
{
	uint64_t sub, data;
	const char *path = probe_transcript_str(c->t, "SUBARCH_PATH");
	const char *want_path;

	switch (c->x->subarch) {
	case X86_SUBARCH_PC:
		want_path = "pc";
		break;
	case X86_SUBARCH_LGUEST:
		want_path = "lguest";
		break;
	case X86_SUBARCH_XEN:
		want_path = "xen";
		break;
	default:
		want_path = "other";
	}
	if (need(c, "subarch", "HARDWARE_SUBARCH", &sub))
		verdict(c, sub == c->x->subarch && path &&
			!strcmp(path, want_path), "subarch",
			"hardware_subarch %llu took the %s path; want %u, %s",
			(unsigned long long)sub, path ? path : "?",
			c->x->subarch, want_path);
	if (!c->x->has_subarch_data)
		return;
	if (need(c, "subarch-data", "HARDWARE_SUBARCH_DATA", &data))
		verdict(c, data == c->x->subarch_data, "subarch-data",
			"0x%llx, want 0x%llx", (unsigned long long)data,
			(unsigned long long)c->x->subarch_data);
}

static void check_cmdline(struct ctx *c)
{
	const struct probe_transcript *t = c->t;
	const char *want = c->x->cmdline;
	uint64_t addr;

	if (!want) {
		verdict(c, -1, "cmdline", "no --cmdline given");
		return;
	}
	if (!t->has_cmdline) {
		bool none = probe_transcript_u64(t, "CMDLINE_ADDR", &addr) &&
			    !addr;

		verdict(c, none && !*want, "cmdline", "%s; want \"%s\"",
			none ? "no command line (pointer 0)" :
			"no readable command line", want);
		return;
	}
	verdict(c, t->cmdline_len == strlen(want) &&
		!memcmp(t->cmdline, want, t->cmdline_len), "cmdline",
		"\"%.*s\" (%zu bytes), want \"%s\" (%zu bytes)",
		(int)(t->cmdline_len > 200 ? 200 : t->cmdline_len), t->cmdline,
		t->cmdline_len, want, strlen(want));
}

static void check_initrd(struct ctx *c, bool pvh)
{
	const struct probe_transcript *t = c->t;
	const struct probe_expect *x = c->x;
	uint64_t addr, size, crc, load, isz, bp, end;
	const char *bp_key = pvh ? "START_INFO" : "BOOT_PARAMS";
	uint64_t bp_len = pvh ? sizeof(struct hvm_start_info) : ZERO_PAGE_SIZE;

	if (!need(c, "initrd", "INITRD_ADDR", &addr) ||
	    !need(c, "initrd", "INITRD_SIZE", &size))
		return;
	if (!x->has_initrd || !size) {
		verdict(c, !x->has_initrd && !size, "initrd", "size 0x%llx; "
			"%s", (unsigned long long)size, x->has_initrd ?
			"one was asked for" : "none was asked for");
		return;
	}
	if (!probe_transcript_u64(t, "INITRD_CRC32", &crc))
		verdict(c, 0, "initrd-crc", "the probe could not read the "
			"initrd at 0x%llx+0x%llx", (unsigned long long)addr,
			(unsigned long long)size);
	else
		verdict(c, size == x->initrd_len &&
			crc == probe_crc32(x->initrd, x->initrd_len),
			"initrd-crc", "0x%llx bytes, crc32 0x%08llx; want "
			"0x%zx bytes, crc32 0x%08x", (unsigned long long)size,
			(unsigned long long)crc, x->initrd_len,
			probe_crc32(x->initrd, x->initrd_len));
	end = addr + size;
	verdict(c, end >= addr && in_ram(t, addr, size), "initrd-in-ram",
		"[0x%llx, 0x%llx) %s e820 RAM", (unsigned long long)addr,
		(unsigned long long)end,
		in_ram(t, addr, size) ? "lies in" : "is not wholly in");
	if (!pvh) {
		bool high_ok = (x->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) &&
			       addr >= SZ_4G;

		verdict(c, (size && end - 1 <= x->initrd_addr_max) || high_ok,
			"initrd-addr-max", "last byte 0x%llx; initrd_addr_max "
			"0x%llx%s", (unsigned long long)(end - 1),
			(unsigned long long)x->initrd_addr_max,
			x->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ?
			", or wholly above 4 GiB (XLF_CAN_BE_LOADED_ABOVE_4G)"
			: "");
	}
	verdict(c, !(addr & (SZ_4K - 1)), "initrd-aligned",
		"0x%llx %s page aligned", (unsigned long long)addr,
		addr & (SZ_4K - 1) ? "is not" : "is");
	load = x->kernel_load;
	isz = x->init_size;
	if ((load || need(c, "initrd-not-over-kernel", "RUN_ADDR", &load)) &&
	    (isz || need(c, "initrd-not-over-kernel", "INIT_SIZE", &isz)))
		verdict(c, !overlaps(addr, size, load, isz),
			"initrd-not-over-kernel", "initrd [0x%llx, 0x%llx), "
			"kernel [0x%llx, 0x%llx) (load, load+init_size)",
			(unsigned long long)addr, (unsigned long long)end,
			(unsigned long long)load,
			(unsigned long long)(load + isz));
	if (need(c, "initrd-not-over-boot-params", bp_key, &bp))
		verdict(c, !overlaps(addr, size, bp, bp_len),
			"initrd-not-over-boot-params", "initrd [0x%llx, "
			"0x%llx), %s [0x%llx, 0x%llx)",
			(unsigned long long)addr, (unsigned long long)end,
			pvh ? "start_info" : "boot_params",
			(unsigned long long)bp,
			(unsigned long long)(bp + bp_len));
}

static int cmp_range(const void *a, const void *b)
{
	const struct probe_range *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void check_e820(struct ctx *c)
{
	const struct probe_transcript *t = c->t;
	struct probe_range *r;
	uint64_t n = 0, ram = 0, bad = 0;
	size_t i;
	char first_bad[96] = "";

	probe_transcript_u64(t, "E820_ENTRIES", &n);
	if (!t->ne820 || n != t->ne820) {
		verdict(c, 0, "e820-present", "%zu rows for E820_ENTRIES=%llu",
			t->ne820, (unsigned long long)n);
		return;
	}
	verdict(c, 1, "e820-present", "%zu entries", t->ne820);
	for (i = 0; i < t->ne820; i++) {
		const struct probe_range *e = &t->e820[i];

		if (!e->size || !e->type || e->addr + e->size < e->addr) {
			if (!bad++)
				snprintf(first_bad, sizeof(first_bad),
					 "0x%llx 0x%llx type %llu",
					 (unsigned long long)e->addr,
					 (unsigned long long)e->size,
					 (unsigned long long)e->type);
		}
	}
	verdict(c, !bad, "e820-entries-sane", bad ? "%llu entries empty, "
		"typeless or wrapping, first: %s" : "%llu bad entries%s",
		(unsigned long long)bad, first_bad);

	r = malloc(t->ne820 * sizeof(*r));
	if (!r) {
		verdict(c, 0, "e820-no-overlap", "out of memory");
		return;
	}
	memcpy(r, t->e820, t->ne820 * sizeof(*r));
	qsort(r, t->ne820, sizeof(*r), cmp_range);
	for (i = 0; i + 1 < t->ne820; i++)
		if (r[i].size && r[i + 1].size &&
		    r[i].addr + r[i].size > r[i + 1].addr)
			break;
	if (i + 1 < t->ne820)
		verdict(c, 0, "e820-no-overlap", "[0x%llx, 0x%llx) overlaps "
			"[0x%llx, 0x%llx)", (unsigned long long)r[i].addr,
			(unsigned long long)(r[i].addr + r[i].size),
			(unsigned long long)r[i + 1].addr,
			(unsigned long long)(r[i + 1].addr + r[i + 1].size));
	else
		verdict(c, 1, "e820-no-overlap", "no two entries overlap");
	free(r);

	bool low = false, hole = false;

	for (i = 0; i < t->ne820; i++) {
		const struct probe_range *e = &t->e820[i];

		if (e->type != E820_TYPE_RAM)
			continue;
		ram += e->size;
		low |= overlaps(e->addr, e->size, LOW_HOLE_START,
				LOW_HOLE_END - LOW_HOLE_START);
		hole |= overlaps(e->addr, e->size, PCI_HOLE_START,
				 SZ_4G - PCI_HOLE_START);
	}
	verdict(c, !low, "e820-low-hole", "%s in [0x9fc00, 0x100000) (EBDA, "
		"VGA, BIOS)", low ? "RAM" : "no RAM");
	verdict(c, !hole, "e820-32bit-hole", "%s in [3 GiB, 4 GiB)",
		hole ? "RAM" : "no RAM");
	if (!c->x->mem) {
		verdict(c, -1, "e820-covers-mem", "no --mem given; %llu MiB "
			"of RAM listed", (unsigned long long)(ram >> 20));
		return;
	}
	verdict(c, ram <= c->x->mem && ram + c->x->e820_slack >= c->x->mem,
		"e820-covers-mem", "0x%llx bytes of RAM listed for 0x%llx "
		"asked (at most 0x%llx may be missing)",
		(unsigned long long)ram, (unsigned long long)c->x->mem,
		(unsigned long long)c->x->e820_slack);
}

static void check_loader(struct ctx *c)
{
	uint64_t tl;

	if (need(c, "type-of-loader", "TYPE_OF_LOADER", &tl))
		verdict(c, tl != 0, "type-of-loader", "0x%llx%s",
			(unsigned long long)tl, tl ? "" : ": the loader must "
			"set it (0xff if it has no assigned ID)");
}

static void check_alignment(struct ctx *c)
{
	uint64_t run;
	uint64_t a = c->x->kernel_alignment;

	if (!a) {
		verdict(c, -1, "load-aligned", "no alignment asked");
		return;
	}
	if (need(c, "load-aligned", "RUN_ADDR", &run))
		verdict(c, !(run & (a - 1)), "load-aligned", "runs at 0x%llx, "
			"kernel_alignment 0x%llx", (unsigned long long)run,
			(unsigned long long)a);
}

unsigned int probe_check(const struct probe_transcript *t,
			 const struct probe_expect *x, FILE *out,
			 struct probe_result *res)
{
	struct probe_result dummy;
	struct ctx c = {t, x, out, res ? res : &dummy};
	bool pc_path;

	memset(c.res, 0, sizeof(*c.res));
	check_transcript(&c);
	if (!t->begun)
		goto out;
	switch (x->entry) {
	case PROBE_KIND_16:
		check_entry_16(&c);
		break;
	case PROBE_KIND_32:
		check_entry_32(&c, false);
		check_alignment(&c);
		break;
	case PROBE_KIND_64:
		check_entry_64(&c);
		check_alignment(&c);
		break;
	case PROBE_KIND_PVH:
		check_entry_pvh(&c);
		break;
	}
	pc_path = x->entry == PROBE_KIND_PVH || x->entry == PROBE_KIND_64 ||
		  x->subarch == X86_SUBARCH_PC;
	if (x->entry == PROBE_KIND_16 || x->entry == PROBE_KIND_32)
		check_subarch(&c);
	if (!pc_path)
		goto out;
	if (x->entry != PROBE_KIND_PVH)
		check_loader(&c);
	check_cmdline(&c);
	check_initrd(&c, x->entry == PROBE_KIND_PVH);
	check_e820(&c);
out:
	if (out)
		fprintf(out, "%u passed, %u failed\n", c.res->passed,
			c.res->failed);
	return c.res->failed;
}
