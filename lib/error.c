/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "directboot/error.h"

int db_fail(struct db_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

int db_errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case EISDIR:
	case ELOOP:
	case ENAMETOOLONG:
	case EACCES:
	case EPERM:
	case EROFS:
	case ETXTBSY:
	case ENXIO:
	case ENODEV:
		return DB_ERR_INPUT;
	default:
		return DB_ERR_HOST;
	}
}

int db_error_prefix(struct db_error *err, const char *fmt, ...)
{
	char old[DB_ERROR_MSG_MAX];
	size_t n;
	va_list ap;

	if (!err)
		return DB_ERR_INPUT;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		size_t room = sizeof(err->msg) - n - 1;
		size_t len = strnlen(old, room);

		memcpy(err->msg + n, old, len);
		err->msg[n + len] = '\0';
	}
	return err->status;
}
