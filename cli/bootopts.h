/* SPDX-License-Identifier: MIT */
/*
 * The boot options `directboot plan` and `directboot run` share: memory,
 * command line, initrds, entry path, boot_params knobs and where the
 * payload is decompressed.  Each command keeps its own options (run's
 * --accel, --timeout, ...) and hands every argument to
 * bootopts_parse_one() first: it takes the ones it knows and says "not
 * mine" for the rest, so neither command repeats the other's parsing.
 *
 *	struct bootopts bo;
 *	bootopts_init(&bo);
 *	for (int i = 1; i < argc; i++) {
 *		int r = bootopts_parse_one(&bo, "run", argc, argv, &i);
 *		if (r < 0)
 *			return EXIT_USAGE;   (message already printed)
 *		if (r > 0)
 *			continue;            (it was a boot option)
 *		... the command's own options and the IMAGE operand ...
 *	}
 *	ret = bootopts_plan(&bo, image_path, &plan, &err);
 *	...
 *	plan_free(plan);
 *	bootopts_free(&bo);
 */
#ifndef DIRECTBOOT_CLI_BOOTOPTS_H
#define DIRECTBOOT_CLI_BOOTOPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "directboot/error.h"
#include "directboot/image.h"
#include "directboot/plan.h"

#define BOOTOPTS_MEM_DEFAULT (512ull << 20)
#define BOOTOPTS_INITRD_MAX 16

struct bootopts {
	/* Filled by the parser; plan.initrd and plan.elf are filled by
	 * bootopts_plan(). */
	struct plan_options plan;
	const char *initrd_paths[BOOTOPTS_INITRD_MAX];
	unsigned nr_initrds;
	bool no_cache; /* --no-cache: neither read nor write the ELF cache */

	/* What bootopts_plan() keeps alive for the plan, and how long each
	 * phase took (CLOCK_MONOTONIC ns), for run --timings. */
	struct image_file image;
	uint8_t *initrd; /* the -i files, concatenated */
	size_t initrd_size;
	const uint8_t *elf; /* host-decompressed payload, or NULL */
	size_t elf_size;
	bool elf_mapped; /* elf is a cache mapping, else malloc'd */
	bool cache_hit;
	uint64_t t_read_ns;	  /* image and initrds read */
	uint64_t t_decompress_ns; /* payload decompressed or cache mapped */
	uint64_t t_plan_ns;	  /* plan_build */
};

void bootopts_init(struct bootopts *bo);

/*
 * Look at argv[*i].  When it is a boot option, take it (and its value,
 * from "--opt VALUE", "--opt=VALUE" or "-mVALUE"), leave *i on the last
 * argument used and return 1.  Return 0 when it is not a boot option,
 * and -1 after printing "directboot CMD: ..." when its value is bad.
 */
int bootopts_parse_one(struct bootopts *bo, const char *cmd, int argc,
		       char **argv, int *i);

/* The help text for the options above, two-space indented. */
void bootopts_usage(FILE *f);

/*
 * Read the image and the initrds, decompress the payload when
 * --decompress host asks (through the cache unless --no-cache), and
 * build the plan.  On DB_OK *out is the plan, which refers to memory bo
 * holds: free the plan before bootopts_free().  Errors come back in
 * err, for cli_report().
 */
int bootopts_plan(struct bootopts *bo, const char *image_path,
		  struct plan **out, struct db_error *err);

void bootopts_free(struct bootopts *bo);

/* "512M" style sizes: a number (0x.. allowed) with an optional K, M, G
 * or T suffix (binary).  Returns false on junk or overflow. */
bool bootopts_parse_size(const char *s, uint64_t *out);

#endif
