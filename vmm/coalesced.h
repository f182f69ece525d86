/* SPDX-License-Identifier: MIT */
/*
 * KVM's coalesced I/O ring (KVM_CAP_COALESCED_PIO): writes to a
 * registered port range go into a ring page shared with the kernel
 * instead of exiting to us, and we replay them, in order, at the next
 * exit.  Only writes are batched; a read of a registered port still
 * exits.  The serial console uses it for THR (see run.c): while the
 * guest's 8250 expects no interrupt for a byte it sends, a byte needs
 * nothing from us but to be printed, and sooner or later.
 */
#ifndef DIRECTBOOT_VMM_COALESCED_H
#define DIRECTBOOT_VMM_COALESCED_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct coalesced {
	int vm_fd;
	struct kvm_coalesced_mmio_ring *ring; /* NULL: KVM has no ring */
	unsigned max;			      /* entries in the ring */
	uint16_t port;			      /* the one port batched */
	bool on;			      /* the zone is registered */
	pthread_mutex_t lock;		      /* one consumer at a time */
};

/* Find the ring in a vCPU's kvm_run mapping (of map_size bytes) when KVM
 * has KVM_CAP_COALESCED_PIO; otherwise c->ring stays NULL and every other
 * call does nothing. */
void coalesced_init(struct coalesced *c, int kvm_fd, int vm_fd,
		    struct kvm_run *run, size_t map_size, uint16_t port);

/* Batch writes to c->port (on) or let them exit again (off).  False when
 * KVM refused: the writes keep exiting, which is always correct. */
bool coalesced_set(struct coalesced *c, bool on);

/* Replay what the ring holds, oldest first, through fn; returns how many
 * writes it replayed.  Cheap when the ring is empty: two loads. */
unsigned coalesced_drain(struct coalesced *c,
			 void (*fn)(void *opaque, uint16_t port,
				    const uint8_t *data, unsigned len),
			 void *opaque);

void coalesced_destroy(struct coalesced *c);

#endif
