/* SPDX-License-Identifier: MIT */
/*
 * The virtio devices of a KVM run: their options (--disk, --net,
 * --console virtio, --rng), their wiring to the VM (a register window
 * per device from the plan, an ioeventfd per queue, an irqfd per
 * device) and the one I/O thread that runs their queues.  vmm/run.c
 * calls four hooks; everything else is here and in devices/.
 */
#ifndef DIRECTBOOT_VMM_VIRTIO_HOST_H
#define DIRECTBOOT_VMM_VIRTIO_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../devices/virtio_blk.h"
#include "directboot/error.h"
#include "directboot/plan.h"
#include "vm.h"

#define VIRTIO_HOST_DISKS_MAX 4

struct virtio_host_config {
	unsigned nr_disks;
	struct virtio_blk_opts disks[VIRTIO_HOST_DISKS_MAX];
	bool net;
	char tap[16]; /* --net tap=NAME; "": create one */
	uint8_t mac[6];
	bool mac_set;
	bool console; /* --console virtio */
	bool rng;
	uint64_t rng_rate; /* bytes per second; 0: unlimited */
};

/*
 * One option at argv[*i]: 1 taken (and its value; *i on the last
 * argument used), 0 not a device option, -1 bad (already printed).
 */
int virtio_host_parse(struct virtio_host_config *c, const char *cmd, int argc,
		      char **argv, int *i);
void virtio_host_usage(FILE *f);

/* Devices the plan must give windows, in the order they are attached:
 * disks, net, console, rng. */
unsigned virtio_host_count(const struct virtio_host_config *c);

/* Does the virtio console take stdin (so the UART must not)? */
bool virtio_host_takes_stdin(const struct virtio_host_config *c);

/* Open the backends, attach each device to its plan window, register
 * the ioeventfds and irqfds, start the I/O thread.  The console becomes
 * the terminal's (devices/term.h). */
int virtio_host_start(const struct virtio_host_config *c, struct vm *vm,
		      const struct plan *plan, struct db_error *err);

/* A vCPU's MMIO exit: true when it hit a virtio window (and was done). */
bool virtio_host_mmio(uint64_t addr, uint8_t *data, unsigned len,
		      bool is_write);

/* Stop the I/O thread and close everything. */
void virtio_host_stop(void);

#endif
