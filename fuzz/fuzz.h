/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses and their replay driver.  Each
 * harness defines LLVMFuzzerTestOneInput(); clang links it with
 * libFuzzer (make fuzz), gcc with fuzz/replay.c (the regression tests).
 *
 * Every harness checks the library's contract as well as surviving the
 * input: a refusal carries a status from error.h and a non-empty,
 * NUL-terminated one-line message.  A broken contract aborts, which
 * both drivers report as a crash.
 */
#ifndef DIRECTBOOT_FUZZ_H
#define DIRECTBOOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directboot/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_check_error(int ret, const struct db_error *err)
{
	if (ret == DB_OK)
		return;
	if (ret != DB_ERR_INPUT && ret != DB_ERR_HOST)
		abort();
	if (err->status != ret || !err->msg[0] ||
	    !memchr(err->msg, '\0', sizeof(err->msg)) ||
	    strchr(err->msg, '\n'))
		abort();
}

#endif
