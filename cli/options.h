/* SPDX-License-Identifier: MIT */
/*
 * The command line, once.  Every option of every subcommand is one row
 * of the table in cli/options.c, as kvmtool's BUILD_OPTIONS is: its
 * names, the commands that take it, its help text and the function that
 * stores its value.  The parser, each command's --help and, through
 * --help, the man page check and the bash completion all read that one
 * table, so they cannot drift apart.
 *
 * The rules, the same for every option:
 *   --name VALUE and --name=VALUE;
 *   -x VALUE (a short option's value is always the next word: "-m96" or
 *     "-append" is refused, never read as -m 96 or -a ppend);
 *   a flag takes no value ("--json=1" is refused);
 *   "--" ends the options;
 *   QEMU's spellings (-kernel, -append, -smp, ...) are refused with the
 *     directboot option named.
 */
#ifndef DIRECTBOOT_CLI_OPTIONS_H
#define DIRECTBOOT_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "../accel/accel.h"
#include "bootopts.h"
#include "devloop.h"

/* The subcommands, as a mask: which commands take an option. */
enum {
	CMD_INSPECT = 1 << 0,
	CMD_EXTRACT = 1 << 1,
	CMD_PLAN = 1 << 2,
	CMD_RUN = 1 << 3,
};

/* Everything any command's options fill. */
struct cli_args {
	unsigned cmd;		 /* one CMD_* */
	const char *name;	 /* "run", for messages */
	const char *image;	 /* the IMAGE operand (or -k/--kernel) */
	bool json;		 /* inspect, plan: --json */
	const char *output;	 /* extract: -o FILE */
	bool with_relocs;	 /* extract: --with-relocs */
	struct bootopts bo;	 /* plan, run: the boot options */
	struct accel_config run; /* run: accelerator, devices, sandbox */
	struct devloop_opts loop; /* run: --rootfs, --modules, -- CMD */
};

/* Fill a with each command's defaults. */
void cli_args_init(struct cli_args *a, unsigned cmd, const char *name);

/*
 * Parse argv (argv[0] is the command's name).  Returns 0 when the
 * command should go on, 1 after printing --help on stdout, and
 * EXIT_USAGE after printing "directboot CMD: ..." on stderr.
 */
int cli_parse(struct cli_args *a, int argc, char **argv);

/*
 * cli_parse() for a command's entry point: returns -1 when the command
 * should go on, else its exit status: 0 after printing usage() on
 * stdout for --help, EXIT_USAGE after a bad argument.  a is released
 * when the command is not to go on.
 */
int cli_parse_command(struct cli_args *a, int argc, char **argv,
		      void (*usage)(FILE *f));

/* The options of cmd, grouped under their headings, two-space indented. */
void cli_options_usage(FILE *f, unsigned cmd);

#endif
