/* SPDX-License-Identifier: MIT */
/*
 * The path from the boot options `directboot plan` and `directboot run`
 * share (parsed by cli/options.c) to a plan: read the image and the
 * initrds, fetch the host-decompressed ELF from the cache or make it,
 * build the plan.
 *
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
	/* Filled by the option parser; plan.initrd and plan.elf are
	 * filled by bootopts_plan(). */
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
