/* SPDX-License-Identifier: MIT */
/*
 * What bench/launchtime and bench/densitytime share: the clock, starting
 * the command under test, and finding a marker in its output.  Static
 * functions in a header, because densitytime is also built on its own
 * (`cc -static bench/densitytime.c`) for the nested L1.
 */
#ifndef DIRECTBOOT_BENCH_CHILDTIME_H
#define DIRECTBOOT_BENCH_CHILDTIME_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Run argv in a process group of its own (so that a kill reaches its
 * children too), stdin /dev/null, stdout out_fd; the child closes
 * other_fd (the pipe's read end; -1: none).  who names the tool in the
 * exec's error. */
static pid_t child_start(char **argv, int out_fd, int other_fd, const char *who)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (other_fd >= 0)
		close(other_fd);
	dup2(null, 0);
	dup2(out_fd, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: %s: %s\n", who, argv[0], strerror(errno));
	_exit(127);
}

/* Does the marker end in what we have seen so far?  Keeps a tail of
 * the stream as long as the marker, so a marker split across reads is
 * still found. */
static int scan(char *tail, size_t mlen, const char *buf, size_t n,
		const char *marker)
{
	for (size_t i = 0; i < n; i++) {
		memmove(tail, tail + 1, mlen - 1);
		tail[mlen - 1] = buf[i];
		if (!memcmp(tail, marker, mlen))
			return 1;
	}
	return 0;
}

#endif
