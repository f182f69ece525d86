// SPDX-License-Identifier: MIT
/*
 * The vCPU's entry state, straight from the plan.  KVM takes a segment's
 * hidden part (base, limit, attributes) from KVM_SET_SREGS, so the plan's
 * GDT in guest memory matters only once the guest reloads a selector;
 * what the kernel sees at entry is exactly the plan's segment list.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vcpu.h"

#define X86_CR0_PG (1ull << 31)
#define X86_EFLAGS_FIXED (1ull << 1)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* The LAPIC registers vcpu_set_lapic_wiring() writes, and their modes. */
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_DM_NMI 0x400
#define APIC_DM_EXTINT 0x700
/* What vcpu_halt_state() reads. */
#define APIC_SPIV 0x0f0
#define APIC_LVTPC 0x340
#define APIC_SPIV_ENABLED (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_DM_MASK 0x700
#define X86_EFLAGS_IF (1ull << 9)

int vcpu_create(struct vm *vm, unsigned id, struct vcpu *vcpu,
		struct db_error *err)
{
	void *run;

	vcpu->id = id;
	vcpu->run = NULL;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_CREATE_VCPU %u: %s",
			       id, strerror(errno));
	run = mmap(NULL, vm->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int e = errno;

		close(vcpu->fd);
		vcpu->fd = -1;
		return db_fail(err, DB_ERR_HOST, "kvm: mmap of vCPU %u: %s", id,
			       strerror(e));
	}
	vcpu->run = run;
	vcpu->run_size = vm->vcpu_mmap_size;
	return DB_OK;
}

static void seg_from_plan(struct kvm_segment *k, const struct plan_segment *p)
{
	*k = (struct kvm_segment){
		.base = p->base,
		.limit = p->limit,
		.selector = p->selector,
		.type = p->type,
		.present = p->present,
		.dpl = p->dpl,
		.db = p->db,
		.s = p->s,
		.l = p->l,
		.g = p->g,
		.avl = p->avl,
		.unusable = !p->present,
	};
}

/*
 * TR and LDTR are the two a plan may leave empty.  VMX refuses to enter a
 * guest whose TR is not a busy TSS, whatever the guest will do with it,
 * so an empty TR becomes what the CPU holds after reset: a busy 32-bit
 * TSS at 0 with a 0xffff limit.  An empty LDTR is simply unusable.
 */
static void sys_segs_fixup(struct kvm_sregs *s)
{
	if (!s->tr.present) {
		s->tr = (struct kvm_segment){
			.limit = 0xffff, .type = 11, .present = 1};
	}
	if (!s->ldt.present)
		s->ldt = (struct kvm_segment){.type = 2, .unusable = 1};
}

int vcpu_set_plan_state(struct vcpu *vcpu, const struct plan_cpu *cpu,
			struct db_error *err)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_GET_SREGS: %s",
			       strerror(errno));
	seg_from_plan(&s.cs, &cpu->cs);
	seg_from_plan(&s.ds, &cpu->ds);
	seg_from_plan(&s.es, &cpu->es);
	seg_from_plan(&s.fs, &cpu->fs);
	seg_from_plan(&s.gs, &cpu->gs);
	seg_from_plan(&s.ss, &cpu->ss);
	seg_from_plan(&s.tr, &cpu->tr);
	seg_from_plan(&s.ldt, &cpu->ldt);
	sys_segs_fixup(&s);
	s.gdt = (struct kvm_dtable){.base = cpu->gdt_base,
				    .limit = cpu->gdt_limit};
	s.idt = (struct kvm_dtable){.base = cpu->idt_base,
				    .limit = cpu->idt_limit};
	s.cr0 = cpu->cr0;
	s.cr3 = cpu->cr3;
	s.cr4 = cpu->cr4;
	s.efer = cpu->efer;
	/* Hardware sets LMA itself when paging turns on with LME set; a
	 * vCPU that starts in long mode must be handed both. */
	if ((s.efer & EFER_LME) && (s.cr0 & X86_CR0_PG))
		s.efer |= EFER_LMA;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0)
		return db_fail(err, DB_ERR_INPUT,
			       "kvm: KVM_SET_SREGS refused the plan's entry "
			       "state (cr0=0x%llx cr4=0x%llx efer=0x%llx): %s",
			       (unsigned long long)s.cr0,
			       (unsigned long long)s.cr4,
			       (unsigned long long)s.efer, strerror(errno));
	r = (struct kvm_regs){
		.rax = cpu->rax,
		.rbx = cpu->rbx,
		.rcx = cpu->rcx,
		.rdx = cpu->rdx,
		.rsi = cpu->rsi,
		.rdi = cpu->rdi,
		.rbp = cpu->rbp,
		.rsp = cpu->rsp,
		.rip = cpu->rip,
		.rflags = cpu->rflags | X86_EFLAGS_FIXED,
	};
	if (ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_SET_REGS: %s",
			       strerror(errno));
	return DB_OK;
}

static void lapic_set(struct kvm_lapic_state *l, unsigned reg, uint32_t v)
{
	memcpy(&l->regs[reg], &v, sizeof(v));
}

int vcpu_set_lapic_wiring(struct vcpu *vcpu, struct db_error *err)
{
	struct kvm_lapic_state l;

	if (ioctl(vcpu->fd, KVM_GET_LAPIC, &l) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_GET_LAPIC: %s",
			       strerror(errno));
	lapic_set(&l, APIC_LVT0, APIC_DM_EXTINT);
	lapic_set(&l, APIC_LVT1, APIC_DM_NMI);
	if (ioctl(vcpu->fd, KVM_SET_LAPIC, &l) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: KVM_SET_LAPIC: %s",
			       strerror(errno));
	return DB_OK;
}

static uint32_t lapic_get(const struct kvm_lapic_state *l, unsigned reg)
{
	uint32_t v;

	memcpy(&v, &l->regs[reg], sizeof(v));
	return v;
}

/* An LVT entry that would deliver an NMI: the PIT's NMI watchdog on
 * LINT0, a perf counter's overflow on LVTPC.  LINT1 is left out: only
 * KVM_NMI drives it, which this launcher never calls. */
static bool lapic_nmi_armed(const struct kvm_lapic_state *l)
{
	static const unsigned lvts[] = {APIC_LVT0, APIC_LVTPC};

	if (!(lapic_get(l, APIC_SPIV) & APIC_SPIV_ENABLED))
		return false; /* a disabled LAPIC masks every LVT */
	for (size_t i = 0; i < sizeof(lvts) / sizeof(lvts[0]); i++) {
		uint32_t v = lapic_get(l, lvts[i]);

		if (!(v & APIC_LVT_MASKED) && (v & APIC_DM_MASK) == APIC_DM_NMI)
			return true;
	}
	return false;
}

/* An NMI, SMI, interrupt or exception already on its way in. */
static bool events_pending(const struct kvm_vcpu_events *e)
{
	return e->nmi.pending || e->nmi.injected || e->smi.pending ||
	       e->interrupt.injected || e->exception.injected ||
	       e->exception.pending;
}

/*
 * KVM_GET_MP_STATE says HALTED for any HLT; only one with IF=0 and
 * nothing on its way in stays halted, as no maskable interrupt wakes
 * it.  An AP still waiting for INIT/SIPI (UNINITIALIZED, INIT_RECEIVED)
 * needs another CPU to start it.
 */
enum vcpu_halt vcpu_halt_state(const struct vcpu *vcpu)
{
	struct kvm_mp_state mp;
	struct kvm_regs r;
	struct kvm_vcpu_events e;
	struct kvm_lapic_state l;

	if (ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp) < 0)
		return VCPU_ACTIVE;
	if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
	    mp.mp_state == KVM_MP_STATE_INIT_RECEIVED)
		return VCPU_WAITING_SIPI;
	if (mp.mp_state != KVM_MP_STATE_HALTED)
		return VCPU_ACTIVE;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || (r.rflags & X86_EFLAGS_IF))
		return VCPU_ACTIVE;
	if (ioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, &e) < 0 || events_pending(&e))
		return VCPU_ACTIVE;
	if (ioctl(vcpu->fd, KVM_GET_LAPIC, &l) < 0 || lapic_nmi_armed(&l))
		return VCPU_ACTIVE;
	return VCPU_HALTED_FOR_GOOD;
}

static void seg_dump(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f,
		"  %-3s sel=%04x base=%016llx limit=%08x type=%x s=%u "
		"dpl=%u p=%u db=%u l=%u g=%u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->s, s->dpl, s->present, s->db, s->l, s->g,
		s->unusable ? " unusable" : "");
}

void vcpu_dump(const struct vcpu *vcpu, FILE *f)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(f, "vCPU %u: cannot read registers: %s\n", vcpu->id,
			strerror(errno));
		return;
	}
	fprintf(f,
		"vCPU %u registers:\n"
		"  rip=%016llx rflags=%016llx\n"
		"  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
		"  rsi=%016llx rdi=%016llx rbp=%016llx rsp=%016llx\n"
		"  r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n"
		"  r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n"
		"  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx\n"
		"  efer=%016llx apic_base=%016llx\n",
		vcpu->id, r.rip, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.rsp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13,
		r.r14, r.r15, s.cr0, s.cr2, s.cr3, s.cr4, s.efer, s.apic_base);
	seg_dump(f, "cs", &s.cs);
	seg_dump(f, "ds", &s.ds);
	seg_dump(f, "es", &s.es);
	seg_dump(f, "fs", &s.fs);
	seg_dump(f, "gs", &s.gs);
	seg_dump(f, "ss", &s.ss);
	seg_dump(f, "tr", &s.tr);
	seg_dump(f, "ldt", &s.ldt);
	fprintf(f,
		"  gdt base=%016llx limit=%04x  idt base=%016llx "
		"limit=%04x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}
