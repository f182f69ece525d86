// SPDX-License-Identifier: MIT
/*
 * launchtime: run a command, time it to a marker on its stdout and to
 * its exit, and report its peak RSS.  bench/launch uses it, because a
 * shell's clock (date +%s%N, a fork each) costs a millisecond or more
 * here, as much as what is measured.
 *
 *   launchtime [-m MARKER] [-k] [-t SECONDS] [-o FILE] -- CMD [ARGS...]
 *
 * The command's stdout goes through a pipe to us (and on to FILE, if
 * given); its stdin is /dev/null; its stderr is left alone.  -k kills the
 * command (SIGKILL) once the marker has been seen, for guests that never
 * exit by themselves (QEMU microvm has no reset line the probe can use).
 * Prints one line: "marker_ms=X exit_ms=Y status=S maxrss_kib=R", where
 * marker_ms is -1 when the marker never came, status is the exit status
 * or 128+signal, and maxrss comes from wait4()'s rusage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "childtime.h"

static volatile pid_t child;

/* Out of time: the child goes; the read loop then sees EOF. */
static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(-child, SIGKILL);
}

static int usage(void)
{
	fprintf(stderr, "usage: launchtime [-m MARKER] [-k] [-t SECONDS] "
			"[-o FILE] -- CMD [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *marker = NULL, *outfile = NULL;
	int kill_at_marker = 0, opt, fds[2], status, out = -1;
	unsigned timeout = 60;
	double t0, t_marker = -1, t_exit;
	struct rusage ru;
	char buf[4096], *tail = NULL;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+m:kt:o:")) != -1) {
		switch (opt) {
		case 'm':
			marker = optarg;
			break;
		case 'k':
			kill_at_marker = 1;
			break;
		case 't':
			timeout = (unsigned)atoi(optarg);
			break;
		case 'o':
			outfile = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	if (outfile) {
		out = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (out < 0) {
			perror(outfile);
			return 2;
		}
	}
	if (marker) {
		tail = calloc(1, strlen(marker) + 1);
		if (!tail || !*marker)
			return usage();
	}
	if (pipe(fds) < 0)
		return perror("pipe"), 2;
	t0 = now_ms();
	pid = child_start(argv + optind, fds[1], fds[0], "launchtime");
	close(fds[1]);
	child = pid;
	signal(SIGALRM, on_alarm);
	alarm(timeout);
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		if (out >= 0 && write(out, buf, (size_t)n) != n)
			perror("write");
		if (marker && t_marker < 0 &&
		    scan(tail, strlen(marker), buf, (size_t)n, marker)) {
			t_marker = now_ms() - t0;
			if (kill_at_marker)
				kill(-pid, SIGKILL);
		}
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return perror("wait4"), 2;
	t_exit = now_ms() - t0;
	printf("marker_ms=%.3f exit_ms=%.3f status=%d maxrss_kib=%ld\n",
	       t_marker, t_exit,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       ru.ru_maxrss);
	return 0;
}
