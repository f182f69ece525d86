// SPDX-License-Identifier: MIT
/*
 * The panic watch (panic.h): console bytes are cut into lines, and a
 * line that holds the end-of-panic mark gives the reason.  A printk
 * timestamp or a log level may come before the mark, and a serial
 * console ends lines with "\r\n": both are allowed for.
 */
#include <string.h>

#include "panic.h"

/* A whole line: is it the end of a panic? */
static void panic_line(struct accel_panic *p)
{
	const char *mark, *reason, *end;
	size_t n;

	p->line[p->len] = '\0';
	mark = strstr(p->line, ACCEL_PANIC_MARK);
	if (!mark)
		return;
	reason = mark + strlen(ACCEL_PANIC_MARK);
	end = strstr(reason, " ]---");
	n = end ? (size_t)(end - reason) : strlen(reason);
	while (n && (reason[n - 1] == '\r' || reason[n - 1] == ' '))
		n--;
	memcpy(p->reason, reason, n);
	p->reason[n] = '\0';
	p->seen = true;
}

bool accel_panic_feed(struct accel_panic *p, const void *buf, size_t n)
{
	const char *c = buf;

	for (size_t i = 0; i < n && !p->seen; i++) {
		if (c[i] == '\n') {
			panic_line(p);
			p->len = 0;
		} else if (p->len < sizeof(p->line) - 1) {
			p->line[p->len++] = c[i];
		}
	}
	return p->seen;
}
