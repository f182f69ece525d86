// SPDX-License-Identifier: MIT
/*
 * The coalesced I/O ring (coalesced.h).  The ring is the page at
 * KVM_CAP_COALESCED_MMIO's page offset in any vCPU's kvm_run mapping;
 * the kernel appends at `last`, we consume at `first`.  When it is full
 * the kernel exits as if nothing were registered, so nothing is lost.
 */
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "coalesced.h"

void coalesced_init(struct coalesced *c, int kvm_fd, int vm_fd,
		    struct kvm_run *run, size_t map_size, uint16_t port)
{
	long page = sysconf(_SC_PAGESIZE);
	int off;

	memset(c, 0, sizeof(*c));
	c->vm_fd = vm_fd;
	c->port = port;
	pthread_mutex_init(&c->lock, NULL);
	if (page <= 0 ||
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return;
	off = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);
	if (off <= 0 || (size_t)(off + 1) * (size_t)page > map_size)
		return;
	c->ring = (void *)((uint8_t *)run + (size_t)off * (size_t)page);
	c->max = (unsigned)(((size_t)page - sizeof(*c->ring)) /
			    sizeof(c->ring->coalesced_mmio[0]));
}

bool coalesced_set(struct coalesced *c, bool on)
{
	struct kvm_coalesced_mmio_zone z = {
		.addr = c->port, .size = 1, .pio = 1};

	if (!c->ring || c->on == on)
		return c->on == on;
	if (ioctl(c->vm_fd,
		  on ? KVM_REGISTER_COALESCED_MMIO
		     : KVM_UNREGISTER_COALESCED_MMIO,
		  &z) < 0)
		return false;
	c->on = on;
	return true;
}

unsigned coalesced_drain(struct coalesced *c,
			 void (*fn)(void *opaque, uint16_t port,
				    const uint8_t *data, unsigned len),
			 void *opaque)
{
	struct kvm_coalesced_mmio_ring *r = c->ring;
	unsigned n = 0;

	if (!r || __atomic_load_n(&r->first, __ATOMIC_RELAXED) ==
			  __atomic_load_n(&r->last, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&c->lock);
	while (r->first != __atomic_load_n(&r->last, __ATOMIC_ACQUIRE)) {
		struct kvm_coalesced_mmio *e = &r->coalesced_mmio[r->first];
		unsigned len =
			e->len < sizeof(e->data) ? e->len : sizeof(e->data);

		fn(opaque, (uint16_t)e->phys_addr, e->data, len);
		n++;
		__atomic_store_n(&r->first, (r->first + 1) % c->max,
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* The zone goes with the VM's file descriptor. */
void coalesced_destroy(struct coalesced *c)
{
	pthread_mutex_destroy(&c->lock);
}
