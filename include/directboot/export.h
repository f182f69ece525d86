/* SPDX-License-Identifier: MIT */
/*
 * The library is built with -fvisibility=hidden: only what is marked
 * DB_EXPORT is in libdirectboot.so's dynamic symbol table, so that the
 * helpers other programs must not call can change freely.  The same list
 * is in lib/libdirectboot.map, and tests/integration/90-install.sh fails
 * when the two disagree with the .so.
 */
#ifndef DIRECTBOOT_EXPORT_H
#define DIRECTBOOT_EXPORT_H

#define DB_EXPORT __attribute__((visibility("default")))

#endif
