/* SPDX-License-Identifier: MIT */
/*
 * What a VMM does with libdirectboot: build a boot plan for a kernel and
 * an initrd, then apply it.  Here "apply" is printing: every placement
 * (copy data to gpa, zero up to mem_size) and the vCPU state at entry.
 *
 *   cc plan.c $(pkg-config --cflags --libs libdirectboot) -o plan
 *   ./plan bzImage [initrd [cmdline]]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <directboot/image.h>
#include <directboot/plan.h>
#include <directboot/version.h>

static void print_segment(const char *name, const struct plan_segment *s)
{
	printf("seg %s selector=0x%x base=0x%" PRIx64 " limit=0x%x type=%u "
	       "present=%u l=%u db=%u\n",
	       name, s->selector, s->base, s->limit, s->type, s->present, s->l,
	       s->db);
}

static void print_plan(const struct plan *p)
{
	const struct plan_cpu *c = &p->cpu;

	printf("entry %s\n", plan_entry_name(p->entry));
	for (unsigned i = 0; i < p->nr_regions; i++)
		printf("region start=0x%" PRIx64 " size=0x%" PRIx64
		       " type=%u\n",
		       p->regions[i].start, p->regions[i].size,
		       p->regions[i].type);
	for (unsigned i = 0; i < p->nr_placements; i++) {
		const struct plan_placement *pl = &p->placements[i];

		printf("placement gpa=0x%" PRIx64 " size=0x%" PRIx64
		       " mem_size=0x%" PRIx64 " what=%s\n",
		       pl->gpa, pl->size, pl->mem_size, pl->what);
	}
	printf("cpu mode=%d rip=0x%" PRIx64 " rsp=0x%" PRIx64
	       " rflags=0x%" PRIx64 "\n",
	       c->mode, c->rip, c->rsp, c->rflags);
	printf("cpu rsi=0x%" PRIx64 " rbx=0x%" PRIx64 " cr0=0x%" PRIx64
	       " cr3=0x%" PRIx64 " cr4=0x%" PRIx64 " efer=0x%" PRIx64 "\n",
	       c->rsi, c->rbx, c->cr0, c->cr3, c->cr4, c->efer);
	printf("cpu gdt=0x%" PRIx64 "/0x%x idt=0x%" PRIx64 "/0x%x\n",
	       c->gdt_base, c->gdt_limit, c->idt_base, c->idt_limit);
	print_segment("cs", &c->cs);
	print_segment("ds", &c->ds);
	print_segment("ss", &c->ss);
	print_segment("tr", &c->tr);
}

int main(int argc, char **argv)
{
	struct image_file kernel = {0}, initrd = {0};
	struct plan_options opts = {
		.mem_size = 512ull << 20,
		.cmdline = argc > 3 ? argv[3] : "",
	};
	struct db_error err = {0};
	struct plan *plan = NULL;
	int ret = 1;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s KERNEL [INITRD [CMDLINE]]\n",
			argv[0]);
		return 2;
	}
	printf("libdirectboot %s\n", directboot_version());
	if (image_file_open(argv[1], &kernel, &err) < 0)
		goto out;
	if (argc > 2) {
		if (image_file_open(argv[2], &initrd, &err) < 0)
			goto out;
		opts.initrd = initrd.data;
		opts.initrd_size = initrd.size;
	}
	/* The plan points into both files: keep them mapped until freed. */
	if (plan_build(kernel.data, kernel.size, &opts, &plan, &err) < 0)
		goto out;
	print_plan(plan);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "plan: %s\n", err.msg);
	plan_free(plan);
	image_file_close(&initrd);
	image_file_close(&kernel);
	return ret;
}
