/* SPDX-License-Identifier: MIT */
/*
 * The tcg accelerator: a plan run by QEMU's software CPU, entered
 * through our own reset-vector trampoline (tcg/trampoline.S).
 */
#ifndef DIRECTBOOT_TCG_H
#define DIRECTBOOT_TCG_H

#include "../accel/accel.h"

/*
 * Run the plan under qemu-system-x86_64 (cfg->qemu, else from PATH) and
 * return an exit status (accel.h); err says why when QEMU could not be
 * started or failed on its own.
 */
int tcg_run_plan(const struct plan *plan, const struct accel_config *cfg,
		 struct db_error *err);

#endif
