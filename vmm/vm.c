// SPDX-License-Identifier: MIT
/*
 * The VM and its memory.  A boot plan names RAM ranges and bytes to put
 * in them; this file gives each range a memory slot and copies the bytes.
 *
 * Guest RAM is anonymous MAP_NORESERVE memory: the host backs a page only
 * when the guest (or a placement) first touches it, so a 6 GiB guest
 * costs nothing until used, and the fresh pages are already zero, which
 * is why a placement's mem_size past its size needs no zero-filling.
 *
 * Low memory: the plan marks [0x9fc00, 1 MiB) reserved, but the slot for
 * low RAM covers the whole first megabyte anyway.  A kernel reads that
 * range (it scans 0xf0000-0xfffff for an MP table and 0xc0000-0xeffff for
 * option ROMs); unbacked, each of those reads would be an MMIO exit to
 * this process, thousands of them, where backed memory reads as zero at
 * full speed and finds nothing, which is the truth.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "directboot/bootparam.h"
#include "vm.h"

#define PAGE_SIZE 4096ull

static bool ram_shared;

void vm_share_ram(bool on)
{
	ram_shared = on;
}

/* Guest RAM: an anonymous mapping, or a memfd (*memfd) when shared. */
static void *map_ram(uint64_t size, int *memfd)
{
	void *p;

	*memfd = -1;
	if (!ram_shared)
		return mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	*memfd = memfd_create("directboot-guest-ram", MFD_CLOEXEC);
	if (*memfd < 0)
		return MAP_FAILED;
	if (ftruncate(*memfd, (off_t)size) < 0) {
		close(*memfd);
		*memfd = -1;
		return MAP_FAILED;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		 *memfd, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		close(*memfd);
		*memfd = -1;
		errno = e;
	}
	return p;
}

static void unmap_ram(struct vm_slot *s)
{
	munmap(s->hva, s->size);
	if (s->memfd >= 0)
		close(s->memfd);
	s->memfd = -1;
}
#define LOW_MEM_END 0x100000ull

static int kvm_open(struct vm *vm, struct db_error *err)
{
	int ver;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: cannot open /dev/kvm: %s (is KVM enabled "
			       "and are you in the kvm group? --accel tcg "
			       "needs neither)",
			       strerror(errno));
	ver = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: KVM_GET_API_VERSION=%d, need %d", ver,
			       KVM_API_VERSION);
	return DB_OK;
}

static int vm_ioctl(struct vm *vm, unsigned long req, unsigned long arg,
		    const char *name, struct db_error *err)
{
	if (ioctl(vm->fd, req, arg) < 0)
		return db_fail(err, DB_ERR_HOST, "kvm: %s: %s", name,
			       strerror(errno));
	return DB_OK;
}

/* Intel's KVM needs a TSS and an identity-mapped page table to run
 * guest code without paging on hosts lacking "unrestricted guest"; both
 * sit in the 32-bit hole, where no slot ever goes. */
static int vm_set_tss(struct vm *vm, struct db_error *err)
{
	uint64_t idmap = VM_IDENTITY_MAP_ADDR;
	int ret;

	ret = vm_ioctl(vm, KVM_SET_TSS_ADDR, VM_TSS_ADDR, "KVM_SET_TSS_ADDR",
		       err);
	if (ret)
		return ret;
	return vm_ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, (unsigned long)&idmap,
			"KVM_SET_IDENTITY_MAP_ADDR", err);
}

/* The PIT's speaker port 0x61 is in the kernel too (SPEAKER_DUMMY):
 * Linux reads it in a tight loop to calibrate the TSC. */
int vm_add_irqchip(struct vm *vm, struct db_error *err)
{
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	int ret;

	ret = vm_ioctl(vm, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP", err);
	if (!ret)
		ret = vm_route_pc_irqs(vm, err);
	if (!ret)
		ret = vm_ioctl(vm, KVM_CREATE_PIT2, (unsigned long)&pit,
			       "KVM_CREATE_PIT2", err);
	vm->irqchip = !ret;
	return ret;
}

int vm_create(struct vm *vm, bool irqchip, struct db_error *err)
{
	int ret, size;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	ret = kvm_open(vm, err);
	if (ret)
		goto fail;
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		ret = db_fail(err, DB_ERR_HOST,
			      "kvm: KVM_GET_VCPU_MMAP_SIZE: %s",
			      strerror(errno));
		goto fail;
	}
	vm->vcpu_mmap_size = (size_t)size;
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		ret = db_fail(err, DB_ERR_HOST, "kvm: KVM_CREATE_VM: %s",
			      strerror(errno));
		goto fail;
	}
	ret = vm_set_tss(vm, err);
	if (ret)
		goto fail;
	if (irqchip) {
		ret = vm_add_irqchip(vm, err);
		if (ret)
			goto fail;
	}
	return DB_OK;
fail:
	vm_destroy(vm);
	return ret;
}

int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size, struct db_error *err)
{
	struct kvm_userspace_memory_region mr;
	struct vm_slot *s;
	void *p;
	int memfd;

	if (vm->nr_slots == VM_SLOTS_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "kvm: more than %d RAM ranges", VM_SLOTS_MAX);
	if ((gpa | size) & (PAGE_SIZE - 1) || !size || gpa + size < gpa)
		return db_fail(
			err, DB_ERR_INPUT,
			"kvm: RAM range 0x%llx+0x%llx is not page aligned",
			(unsigned long long)gpa, (unsigned long long)size);
	p = map_ram(size, &memfd);
	if (p == MAP_FAILED)
		return db_fail(err, DB_ERR_HOST,
			       "kvm: cannot map %llu MiB of guest RAM: %s",
			       (unsigned long long)(size >> 20),
			       strerror(errno));
	/* Guest RAM is no business of a core dump or a child process. */
	madvise(p, size, MADV_DONTDUMP);
	madvise(p, size, MADV_DONTFORK);
	s = &vm->slots[vm->nr_slots];
	*s = (struct vm_slot){
		.gpa = gpa, .size = size, .hva = p, .memfd = memfd};
	mr = (struct kvm_userspace_memory_region){
		.slot = vm->nr_slots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)p,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		int e = errno;

		unmap_ram(s);
		return db_fail(
			err, DB_ERR_HOST,
			"kvm: KVM_SET_USER_MEMORY_REGION 0x%llx+0x%llx: %s",
			(unsigned long long)gpa, (unsigned long long)size,
			strerror(e));
	}
	vm->nr_slots++;
	return DB_OK;
}

void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < vm->nr_slots; i++) {
		const struct vm_slot *s = &vm->slots[i];

		if (gpa >= s->gpa && gpa - s->gpa <= s->size &&
		    len <= s->size - (gpa - s->gpa))
			return s->hva + (gpa - s->gpa);
	}
	return NULL;
}

struct range {
	uint64_t start, end;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The slots: every RAM region rounded out to pages, plus whatever the plan
 * reserved below 1 MiB (see the top of the file), merged where they touch.
 */
static unsigned plan_slots(const struct plan *plan, struct range *r)
{
	unsigned n = 0, m = 0;

	for (unsigned i = 0; i < plan->nr_regions && i < PLAN_REGIONS_MAX;
	     i++) {
		const struct plan_region *pr = &plan->regions[i];
		uint64_t end = pr->start + pr->size;

		if (!pr->size || end < pr->start)
			continue;
		if (pr->type != E820_TYPE_RAM && end > LOW_MEM_END)
			continue;
		r[n].start = pr->start & ~(PAGE_SIZE - 1);
		r[n].end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		n++;
	}
	qsort(r, n, sizeof(*r), range_cmp);
	for (unsigned i = 0; i < n; i++) {
		if (m && r[i].start <= r[m - 1].end) {
			if (r[i].end > r[m - 1].end)
				r[m - 1].end = r[i].end;
			continue;
		}
		r[m++] = r[i];
	}
	return m;
}

/* A slot vm_prepare made before the plan existed: keep it when it is
 * the start of a range the plan wants, and say where the range goes on;
 * otherwise drop it.  Returns the new start of range r. */
static uint64_t keep_early_slot(struct vm *vm, const struct range *r)
{
	struct vm_slot *s = &vm->slots[0];

	if (vm->nr_slots != 1 || s->gpa != r->start ||
	    s->size > r->end - r->start)
		return r->start;
	return s->gpa + s->size;
}

static void drop_slot(struct vm *vm, unsigned i)
{
	struct kvm_userspace_memory_region mr = {
		.slot = i,
		.guest_phys_addr = vm->slots[i].gpa,
	};

	ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mr);
	unmap_ram(&vm->slots[i]);
	vm->slots[i] = (struct vm_slot){0};
}

int vm_load_plan(struct vm *vm, const struct plan *plan, struct db_error *err)
{
	struct range r[PLAN_REGIONS_MAX];
	unsigned n = plan_slots(plan, r);
	bool early = vm->nr_slots == 1;
	int ret;

	if (!n)
		return db_fail(err, DB_ERR_INPUT, "kvm: the plan has no RAM");
	if (early && (keep_early_slot(vm, &r[0]) == r[0].start ||
		      (ram_shared && vm->slots[0].memfd < 0))) {
		drop_slot(vm, 0);
		vm->nr_slots = 0;
		early = false;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t start =
			early && !i ? keep_early_slot(vm, &r[0]) : r[i].start;

		if (start == r[i].end)
			continue;
		ret = vm_add_ram(vm, start, r[i].end - start, err);
		if (ret)
			return ret;
	}
	for (unsigned i = 0; i < plan->nr_placements; i++) {
		const struct plan_placement *p = &plan->placements[i];
		uint64_t len = p->mem_size > p->size ? p->mem_size : p->size;
		uint8_t *dst = vm_gpa_to_hva(vm, p->gpa, len);

		if (!dst)
			return db_fail(err, DB_ERR_INPUT,
				       "kvm: placement '%s' at 0x%llx+0x%llx "
				       "is outside guest RAM (or spans two "
				       "RAM ranges)",
				       p->what ? p->what : "?",
				       (unsigned long long)p->gpa,
				       (unsigned long long)len);
		if (p->size)
			memcpy(dst, p->data, p->size);
	}
	return DB_OK;
}

uint64_t vm_resident_bytes(const struct vm *vm)
{
	static unsigned char vec[1 << 16];
	uint64_t total = 0;

	for (unsigned i = 0; i < vm->nr_slots; i++) {
		const struct vm_slot *s = &vm->slots[i];

		for (uint64_t off = 0; off < s->size;) {
			uint64_t chunk = s->size - off;

			if (chunk > sizeof(vec) * PAGE_SIZE)
				chunk = sizeof(vec) * PAGE_SIZE;
			if (mincore(s->hva + off, chunk, vec) < 0)
				break;
			for (uint64_t p = 0; p < chunk / PAGE_SIZE; p++)
				total += (vec[p] & 1) * PAGE_SIZE;
			off += chunk;
		}
	}
	return total;
}

int vm_irq_line(const struct vm *vm, unsigned irq, int level)
{
	struct kvm_irq_level l = {.irq = irq, .level = level};

	return ioctl(vm->fd, KVM_IRQ_LINE, &l);
}

void vm_destroy(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_slots; i++)
		unmap_ram(&vm->slots[i]);
	vm->nr_slots = 0;
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->fd = vm->kvm_fd = -1;
}
