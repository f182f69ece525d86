// SPDX-License-Identifier: MIT
/*
 * The one place the CLI says what went wrong, for main.c and every
 * subcommand alike (so that neither calls back into the other).
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int cli_report(const struct db_error *err)
{
	fprintf(stderr, "directboot: %s\n", err->msg);
	return accel_error_status(err);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "directboot %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'directboot %s --help'.\n", cmd);
	return EXIT_USAGE;
}
