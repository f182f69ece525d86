/* SPDX-License-Identifier: MIT */
/*
 * The virtio devices of a KVM run (--disk, --net, --console virtio,
 * --rng; accel.h's struct accel_devices): their wiring to the VM (a
 * register window per device from the plan, an ioeventfd per queue, an
 * irqfd per device) and the one I/O thread that runs their queues.  vmm/run.c
 * calls four hooks; everything else is here and in devices/.
 */
#ifndef DIRECTBOOT_VMM_VIRTIO_HOST_H
#define DIRECTBOOT_VMM_VIRTIO_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../accel/accel.h"
#include "directboot/error.h"
#include "directboot/plan.h"
#include "vm.h"

/* Start what can start before the VM exists, so that it overlaps the
 * VM's set-up: each --share's virtiofsd (some 35 ms each).  Optional:
 * virtio_host_start() does whatever this did not.  On failure, call
 * virtio_host_stop(). */
int virtio_host_prepare(const struct accel_config *cfg, struct db_error *err);

/* Open the backends, attach each device to its plan window, register
 * the ioeventfds and irqfds, start the I/O thread.  The console becomes
 * the terminal's (devices/term.h). */
int virtio_host_start(const struct accel_config *cfg, struct vm *vm,
		      const struct plan *plan, struct db_error *err);

/* A vCPU's MMIO exit: true when it hit a virtio window (and was done). */
bool virtio_host_mmio(uint64_t addr, uint8_t *data, unsigned len,
		      bool is_write);

/* The vhost-user sockets and virtiofsd processes of the --share
 * devices, for the sandbox's filter (sendmsg/recvfrom on those sockets,
 * kill and wait4 of those processes at stop).  Returns how many. */
unsigned virtio_host_backends(int *socks, int *pids, unsigned max);

/* `run -- CMD`: the guest's init has its console open and set
 * (DEVLOOP_READY_PORT); hand the virtio console stdin from now on. */
void virtio_host_console_ready(void);

/* Stop the I/O thread and close everything. */
void virtio_host_stop(void);

#endif
