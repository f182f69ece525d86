/* SPDX-License-Identifier: MIT */
#ifndef DIRECTBOOT_CLI_H
#define DIRECTBOOT_CLI_H

#include "../accel/accel.h" /* the exit statuses */
#include "directboot/error.h"

/* Print "directboot: <msg>" on stderr and map the status to an exit code. */
int cli_report(const struct db_error *err);

/* Print "directboot <cmd>: <fmt>" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The subcommands, one file each under cli/. */
int cmd_inspect(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
