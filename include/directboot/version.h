/* SPDX-License-Identifier: MIT */
/*
 * The library's version, for a program that wants to report what it runs
 * against (the header may be older than the .so it finds).
 */
#ifndef DIRECTBOOT_VERSION_H
#define DIRECTBOOT_VERSION_H

#include "directboot/export.h"

/* The oldest and newest x86 boot protocol revisions the loader accepts. */
#define DIRECTBOOT_PROTOCOL_MIN 0x0200
#define DIRECTBOOT_PROTOCOL_MAX 0x020f

/*
 * "0.1.0 (boot protocol 2.00-2.15)": the library's version and the boot
 * protocol range it loads.  The string is static and owned by the
 * library: never free it; it stays valid for the life of the process.
 * Cannot fail.
 */
DB_EXPORT const char *directboot_version(void);

#endif
