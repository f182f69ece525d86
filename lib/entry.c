/* SPDX-License-Identifier: MIT */
/*
 * The vCPU at entry, and the GDT it implies.  boot.rst's "32-bit Boot
 * Protocol" and "64-bit Boot Protocol" ask for the same thing: a GDT
 * with flat 4 GiB descriptors at __BOOT_CS (0x10, execute/read) and
 * __BOOT_DS (0x18, read/write), interrupts off, and the zero page's
 * address in ESI/RSI; the 64-bit one adds long mode with an identity
 * map.  PVH (pvh.pandoc) is the 32-bit state with EBX = hvm_start_info.
 *
 * The fact a reader gets wrong: the descriptors in guest memory and the
 * hidden segment state loaded into the vCPU must agree, because the
 * kernel reloads its segment registers from the GDT long before it
 * installs its own.  So each segment is defined once, as the struct
 * plan_segment a VMM loads, and its GDT descriptor is encoded from it.
 * The TSS descriptor is "available" in the GDT (so a trampoline may
 * ltr it) and "busy" in TR (what ltr leaves).
 */
#include <string.h>

#include "bytes.h"
#include "plan_int.h"

#define SEG_TYPE_CODE_XRA 0xb /* execute/read, accessed */
#define SEG_TYPE_DATA_RWA 0x3 /* read/write, accessed */
#define SEG_TYPE_TSS_AVAIL 0x9
#define SEG_TYPE_TSS_BUSY 0xb
#define SEG_TYPE_LDT 0x2
#define TSS_LIMIT 0x67 /* the smallest TSS: 104 bytes */

static struct plan_segment flat(uint16_t sel, uint8_t type, bool l)
{
	return (struct plan_segment){
		.selector = sel,
		.base = 0,
		.limit = 0xffffffff,
		.type = type,
		.s = 1,
		.present = 1,
		.l = l,
		.db = !l,
		.g = 1,
	};
}

static struct plan_segment tss(uint8_t type)
{
	return (struct plan_segment){
		.selector = PLAN_BOOT_TSS,
		.limit = TSS_LIMIT,
		.type = type,
		.present = 1,
	};
}

uint64_t entry_descriptor(const struct plan_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d;

	d = (limit & 0xffff) | (s->base & 0xffffff) << 16;
	d |= (uint64_t)(s->type & 0xf) << 40 | (uint64_t)(s->s & 1) << 44 |
	     (uint64_t)(s->dpl & 3) << 45 | (uint64_t)(s->present & 1) << 47;
	d |= (limit >> 16 & 0xf) << 48 | (uint64_t)(s->avl & 1) << 52 |
	     (uint64_t)(s->l & 1) << 53 | (uint64_t)(s->db & 1) << 54 |
	     (uint64_t)(s->g & 1) << 55;
	d |= (s->base >> 24 & 0xff) << 56;
	return d;
}

void entry_gdt(uint8_t gdt[PLAN_GDT_SIZE], bool long_mode)
{
	struct plan_segment cs =
		flat(PLAN_BOOT_CS, SEG_TYPE_CODE_XRA, long_mode);
	struct plan_segment ds = flat(PLAN_BOOT_DS, SEG_TYPE_DATA_RWA, false);
	struct plan_segment tr = tss(SEG_TYPE_TSS_AVAIL);

	memset(gdt, 0, PLAN_GDT_SIZE);
	put_le64(gdt + PLAN_BOOT_CS, entry_descriptor(&cs));
	put_le64(gdt + PLAN_BOOT_DS, entry_descriptor(&ds));
	/* A system descriptor in long mode is 16 bytes; the upper half
	 * (base bits 63:32) stays zero. */
	put_le64(gdt + PLAN_BOOT_TSS, entry_descriptor(&tr));
}

static void common(struct plan_cpu *c, bool long_mode, uint64_t rip,
		   uint64_t rsp)
{
	struct plan_segment ds = flat(PLAN_BOOT_DS, SEG_TYPE_DATA_RWA, false);

	memset(c, 0, sizeof(*c));
	c->mode = long_mode ? 64 : 32;
	c->rip = rip;
	c->rsp = rsp;
	c->rflags = X86_RFLAGS_FIXED; /* IF=0 */
	c->cr0 = X86_CR0_PE | X86_CR0_ET;
	c->cs = flat(PLAN_BOOT_CS, SEG_TYPE_CODE_XRA, long_mode);
	c->ds = c->es = c->fs = c->gs = c->ss = ds;
	c->tr = tss(SEG_TYPE_TSS_BUSY);
	c->ldt = (struct plan_segment){.type = SEG_TYPE_LDT};
	c->gdt_base = PLAN_GDT_GPA;
	c->gdt_limit = PLAN_GDT_SIZE - 1;
}

void entry_cpu_32(struct plan_cpu *c, uint64_t eip, uint64_t esi, uint64_t ebx,
		  uint64_t rsp)
{
	common(c, false, eip, rsp);
	c->rsi = esi;
	c->rbx = ebx;
}

void entry_cpu_64(struct plan_cpu *c, uint64_t rip, uint64_t rsi, uint64_t cr3,
		  uint64_t rsp)
{
	common(c, true, rip, rsp);
	c->rsi = rsi;
	c->cr0 |= X86_CR0_PG;
	c->cr3 = cr3;
	c->cr4 = X86_CR4_PAE;
	c->efer = X86_EFER_LME | X86_EFER_LMA;
}
