// SPDX-License-Identifier: MIT
/*
 * --timings' exit breakdown (exitstats.h).  Ports get a small table of
 * their own, filled in the order the guest first touches them: a kernel
 * boot touches a few dozen ports, and the rest fold into one row rather
 * than a 64K-entry array that would cost the launcher memory.
 */
#include <stdio.h>
#include <string.h>

#include "directboot/plan.h"
#include "exitstats.h"

#define PORTS_MAX 48

struct count {
	uint64_t n, ns;
};

struct port_count {
	uint16_t port;
	struct count c;
	uint64_t coalesced;
};

struct exitstats {
	struct count kvm_run; /* time inside KVM_RUN, every return */
	struct count mmio, hlt, intr, other, ports_other;
	unsigned nr_ports;
	struct port_count ports[PORTS_MAX];
};

static struct exitstats stats[PLAN_CPUS_MAX];

struct exitstats *exitstats_for(unsigned id)
{
	if (id >= PLAN_CPUS_MAX)
		return NULL;
	memset(&stats[id], 0, sizeof(stats[id]));
	return &stats[id];
}

static struct port_count *port_find(struct exitstats *es, uint16_t port)
{
	for (unsigned i = 0; i < es->nr_ports; i++)
		if (es->ports[i].port == port)
			return &es->ports[i];
	if (es->nr_ports == PORTS_MAX)
		return NULL;
	es->ports[es->nr_ports].port = port;
	return &es->ports[es->nr_ports++];
}

static void count(struct count *c, uint64_t ns)
{
	c->n++;
	c->ns += ns;
}

void exitstats_add(struct exitstats *es, const struct kvm_run *run, int ret,
		   uint64_t in_ns, uint64_t handled_ns)
{
	struct port_count *p;

	count(&es->kvm_run, in_ns);
	if (ret < 0) {
		count(&es->intr, handled_ns);
		return;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		p = port_find(es, run->io.port);
		count(p ? &p->c : &es->ports_other, handled_ns);
		break;
	case KVM_EXIT_MMIO:
		count(&es->mmio, handled_ns);
		break;
	case KVM_EXIT_HLT:
		count(&es->hlt, handled_ns);
		break;
	case KVM_EXIT_INTR:
		count(&es->intr, handled_ns);
		break;
	default:
		count(&es->other, handled_ns);
		break;
	}
}

void exitstats_coalesced(struct exitstats *es, uint16_t port, unsigned n)
{
	struct port_count *p = port_find(es, port);

	if (p)
		p->coalesced += n;
}

static void sum(struct count *to, const struct count *c)
{
	to->n += c->n;
	to->ns += c->ns;
}

static void say(const struct accel_config *cfg, const char *what,
		const struct count *c)
{
	char name[96];

	if (!c->n)
		return;
	snprintf(name, sizeof(name), "exits: %s x%llu", what,
		 (unsigned long long)c->n);
	accel_timing(cfg, name, c->ns);
}

/* The ports of every vCPU, merged into vCPU 0's table order. */
static void report_ports(const struct accel_config *cfg, unsigned nr_vcpus,
			 struct count *all)
{
	struct exitstats m = {0};
	char what[48];

	for (unsigned v = 0; v < nr_vcpus; v++)
		for (unsigned i = 0; i < stats[v].nr_ports; i++) {
			const struct port_count *s = &stats[v].ports[i];
			struct port_count *p = port_find(&m, s->port);
			struct count *c = p ? &p->c : &m.ports_other;

			sum(c, &s->c);
			if (p)
				p->coalesced += s->coalesced;
		}
	for (unsigned i = 0; i < m.nr_ports; i++) {
		sum(all, &m.ports[i].c);
		snprintf(what, sizeof(what), "PIO 0x%04x", m.ports[i].port);
		say(cfg, what, &m.ports[i].c);
		if (m.ports[i].coalesced)
			accel_note(cfg,
				   "timing: exits: PIO 0x%04x: %llu writes "
				   "coalesced, no exit",
				   m.ports[i].port,
				   (unsigned long long)m.ports[i].coalesced);
	}
	for (unsigned v = 0; v < nr_vcpus; v++)
		sum(&m.ports_other, &stats[v].ports_other);
	sum(all, &m.ports_other);
	say(cfg, "PIO, other ports", &m.ports_other);
}

void exitstats_report(const struct accel_config *cfg, unsigned nr_vcpus)
{
	struct exitstats t = {0};
	struct count all = {0};

	if (nr_vcpus > PLAN_CPUS_MAX)
		nr_vcpus = PLAN_CPUS_MAX;
	for (unsigned v = 0; v < nr_vcpus; v++) {
		sum(&t.kvm_run, &stats[v].kvm_run);
		sum(&t.mmio, &stats[v].mmio);
		sum(&t.hlt, &stats[v].hlt);
		sum(&t.intr, &stats[v].intr);
		sum(&t.other, &stats[v].other);
	}
	report_ports(cfg, nr_vcpus, &all);
	say(cfg, "MMIO", &t.mmio);
	say(cfg, "HLT", &t.hlt);
	say(cfg, "signal (EINTR, KVM_EXIT_INTR)", &t.intr);
	say(cfg, "other reasons", &t.other);
	sum(&all, &t.mmio);
	sum(&all, &t.hlt);
	sum(&all, &t.intr);
	sum(&all, &t.other);
	say(cfg, "all, handling", &all);
	say(cfg, "inside KVM_RUN", &t.kvm_run);
}
