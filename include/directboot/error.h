/* SPDX-License-Identifier: MIT */
/*
 * Errors.  A loader's normal input is a bad image, so every library call
 * that can fail returns a status and fills a caller-provided record with
 * one line naming the field, its value and the rule it broke.  The
 * library never prints and never exits: the caller decides what to do.
 */
#ifndef DIRECTBOOT_ERROR_H
#define DIRECTBOOT_ERROR_H

#include "directboot/export.h"

/* Status codes.  Negative so that "if (ret < 0)" reads naturally. */
enum db_status {
	DB_OK = 0,
	DB_ERR_INPUT = -1, /* bad image, bad option: the caller's input */
	DB_ERR_HOST = -2,  /* host resources: memory, files, /dev/kvm */
};

#define DB_ERROR_MSG_MAX 256

struct db_error {
	int status;
	char msg[DB_ERROR_MSG_MAX];
};

/*
 * db_fail() and db_error_prefix() are the library's own: they are not
 * exported from libdirectboot.so.
 *
 * Record an error and return its status, so that a failing path reads
 * "return db_fail(err, DB_ERR_INPUT, "bzimage: ...", ...);".  err may be
 * NULL when the caller does not want the text.
 */
int db_fail(struct db_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The status of a failed open, read or write of a file the user named,
 * from its errno: the one rule for every file argument (IMAGE, -i, -o,
 * --disk, --qemu).  DB_ERR_INPUT (exit 2) when the name is wrong or the
 * file is not the user's to use that way: ENOENT, ENOTDIR, EISDIR,
 * ELOOP, ENAMETOOLONG, EACCES, EPERM, EROFS, ETXTBSY, ENXIO, ENODEV.
 * DB_ERR_HOST (exit 3) when the host failed on a usable file: EIO,
 * ENOMEM, ENOSPC, EDQUOT, EMFILE, ENFILE and anything else.
 */
int db_errno_status(int e);

/* Prepend "prefix: " to an error already recorded, keeping its status. */
int db_error_prefix(struct db_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
