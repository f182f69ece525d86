/* SPDX-License-Identifier: MIT */
/* The library's version string, fixed at build time by the Makefile. */
#include "directboot/version.h"

const char *directboot_version(void)
{
	return DIRECTBOOT_VERSION " (boot protocol 2.00-2.15)";
}
