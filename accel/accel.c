// SPDX-License-Identifier: MIT
/*
 * The accelerators' shared helpers (accel.h): the clock, the hooks, and
 * how many devices a configuration asks for.
 */
#include <stdio.h>
#include <time.h>

#include "accel.h"

uint64_t accel_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned accel_devices_count(const struct accel_devices *d)
{
	return d->nr_disks + d->net + d->console + d->rng + d->nr_shares;
}

void accel_timing(const struct accel_config *cfg, const char *name, uint64_t ns)
{
	if (cfg->timings && cfg->hooks.timing)
		cfg->hooks.timing(cfg->hooks.ctx, name, ns);
}

void accel_vnote(const struct accel_config *cfg, const char *fmt, va_list ap)
{
	char line[4096];

	if (!cfg->hooks.note)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	cfg->hooks.note(cfg->hooks.ctx, line);
}

void accel_note(const struct accel_config *cfg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	accel_vnote(cfg, fmt, ap);
	va_end(ap);
}

int accel_error_status(const struct db_error *err)
{
	return err->status == DB_ERR_HOST ? EXIT_HOST : EXIT_USAGE;
}
