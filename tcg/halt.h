/* SPDX-License-Identifier: MIT */
/*
 * The halt watch of `--accel tcg`: the same end as vmm/run.c's for a
 * guest that halts for good, seen from outside QEMU through its QMP
 * monitor (see halt.c).
 */
#ifndef DIRECTBOOT_TCG_HALT_H
#define DIRECTBOOT_TCG_HALT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcg_halt {
	int fd;			 /* our end of QEMU's QMP socket; -1: none */
	int qemu_fd;		 /* QEMU's end, until QEMU has it */
	bool greeted;		 /* qmp_capabilities sent and answered */
	bool broken;		 /* QMP failed once: no more looks */
	uint64_t last_output_ns; /* 0: no console byte yet, no look */
	uint64_t seen_output_ns;
	uint64_t next_ns, every_ns;
	unsigned final_looks; /* looks in a row that found every CPU halted */
	char *buf;	      /* one QMP reply */
	size_t len, cap;
};

/* The socket pair; QEMU's end is qemu_fd, for -chardev socket,fd=N.
 * Returns 0 or -errno. */
int tcg_halt_open(struct tcg_halt *h);

/* QEMU started: close its end here. */
void tcg_halt_spawned(struct tcg_halt *h);

/* The guest's console wrote something. */
void tcg_halt_output(struct tcg_halt *h);

/* Called at least every 100 ms while the guest runs: looks when it is
 * time; true when the guest can never run again.  cpus: how many QEMU
 * has. */
bool tcg_halt_tick(struct tcg_halt *h, unsigned cpus);

void tcg_halt_close(struct tcg_halt *h);

/*
 * The verdict on one reply of QEMU's HMP "info registers -a": true when
 * it shows exactly cpus CPUs, each halted (HLT=1) with IF clear in its
 * EFL= or RFL= word.  A CPU that never got its INIT/SIPI shows as halted
 * with IF clear too, as it should.
 */
bool tcg_halt_all_final(const char *reply, unsigned cpus);

#endif
