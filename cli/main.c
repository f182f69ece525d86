/* SPDX-License-Identifier: MIT */
/*
 * directboot: the command-line front of the library.  Each subcommand
 * lives in its own file; this one only dispatches and maps errors to
 * exit statuses.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "directboot/version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"inspect", cmd_inspect, "show every header field of a kernel image"},
	{"extract", cmd_extract, "write the payload's vmlinux ELF"},
	{"plan", cmd_plan, "print the boot plan for an image and options"},
	{"run", cmd_run, "boot an image on KVM or QEMU's software CPU"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: directboot COMMAND [ARGS...]\n"
		   "Boot Linux kernels straight into a KVM guest.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f,
		"\nOptions:\n"
		"  -h, --help  this text\n"
		"  --version   the program's and the library's versions\n"
		"\nRun 'directboot COMMAND --help' for a command's options.\n"
		"Exit status: 0 success (run: the guest reset, powered "
		"off or halted for\ngood, or Ctrl-A x);\n1 the guest crashed; 2 "
		"bad usage, a bad image, or a file argument that is\nmissing, not a "
		"regular file or not yours to use; 3 a host problem (no\n"
		"/dev/kvm, no QEMU, no memory, an I/O error on a usable "
		"file); 4 a run's\nguest kernel panicked; 124 a run's time "
		"limit expired; 128+N signal N\nstopped the run.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("directboot %s (boot protocol 2.00-2.15)\n"
		       "libdirectboot %s\n",
		       DIRECTBOOT_VERSION, directboot_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "directboot: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
