// SPDX-License-Identifier: MIT
/*
 * densitytime: start N copies of a command at once, wait until each has
 * shown a marker on its stdout (and, with -k, kill it there) and exited,
 * and report the wall time and the peak of the copies' summed RSS.
 * bench/density uses it (in the nested harness's L1, see
 * bench/nested-l1.sh): a shell loop of `&` costs a fork of the shell per
 * copy, more than what is measured.
 *
 *   densitytime -n N [-m MARKER] [-k] [-t SECONDS] -- CMD [ARGS...]
 *
 * Every copy's stdin is /dev/null, its stdout a pipe to us (the output is
 * scanned, then dropped), its stderr left alone.  RSS is polled from
 * /proc/PID/statm every 5 ms while copies run (no cgroup needed), so a
 * peak shorter than that can be missed.  Prints one line:
 *
 *   n=N reached=R wall_ms=W last_marker_ms=M peak_rss_kib=P failed=F
 *
 * where reached counts the copies that showed the marker and failed the
 * ones that exited non-zero (killed at the marker counts as success).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "childtime.h"

#define COPIES_MAX 1024
#define POLL_MS 5

struct copy {
	pid_t pid;
	int fd; /* -1 once its stdout closed */
	int reached, killed, exited, status;
	char *tail;
};

static long rss_kib(pid_t pid)
{
	char path[64];
	long size = 0, res = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = 0;
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
	const char *marker = NULL;
	int n = 1, kill_at = 0, opt, live, reached = 0, failed = 0;
	unsigned timeout = 120;
	static struct copy c[COPIES_MAX];
	static struct pollfd pfd[COPIES_MAX];
	double t0, t_last = -1;
	long peak = 0;
	char buf[4096];

	while ((opt = getopt(argc, argv, "+n:m:kt:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'm':
			marker = optarg;
			break;
		case 'k':
			kill_at = 1;
			break;
		case 't':
			timeout = (unsigned)atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || n < 1 || n > COPIES_MAX || (marker && !*marker))
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	t0 = now_ms();
	for (int i = 0; i < n; i++) {
		int fds[2];

		if (pipe(fds) < 0)
			return perror("pipe"), 2;
		c[i].pid = child_start(argv + optind, fds[1], fds[0],
				       "densitytime");
		close(fds[1]);
		c[i].fd = fds[0];
		c[i].tail = marker ? calloc(1, strlen(marker) + 1) : NULL;
	}
	live = n;
	while (live > 0) {
		long sum = 0;
		int nfds = 0;

		if (now_ms() - t0 > timeout * 1e3)
			for (int i = 0; i < n; i++)
				if (!c[i].exited)
					kill(-c[i].pid, SIGKILL);
		for (int i = 0; i < n; i++) {
			if (!c[i].exited)
				sum += rss_kib(c[i].pid);
			if (c[i].fd >= 0)
				pfd[nfds++] = (struct pollfd){.fd = c[i].fd,
							      .events = POLLIN};
		}
		if (sum > peak)
			peak = sum;
		if (nfds)
			poll(pfd, (nfds_t)nfds, POLL_MS);
		else
			usleep(POLL_MS * 1000);
		for (int i = 0; i < n; i++) {
			struct pollfd *p = NULL;
			ssize_t got;

			for (int k = 0; k < nfds; k++)
				if (pfd[k].fd == c[i].fd)
					p = &pfd[k];
			if (!p || !(p->revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(c[i].fd, buf, sizeof(buf));
			if (got <= 0) {
				close(c[i].fd);
				c[i].fd = -1;
				continue;
			}
			if (marker && !c[i].reached &&
			    scan(c[i].tail, strlen(marker), buf, (size_t)got,
				 marker)) {
				c[i].reached = 1;
				reached++;
				t_last = now_ms() - t0;
				if (kill_at) {
					c[i].killed = 1;
					kill(-c[i].pid, SIGKILL);
				}
			}
		}
		for (int i = 0; i < n; i++) {
			int st;

			if (c[i].exited || waitpid(c[i].pid, &st, WNOHANG) <= 0)
				continue;
			c[i].exited = 1;
			live--;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
			    !c[i].killed)
				failed++;
		}
	}
	/* Their stdout may still hold the marker after the exit. */
	for (int i = 0; i < n; i++) {
		ssize_t got;

		while (c[i].fd >= 0 &&
		       (got = read(c[i].fd, buf, sizeof(buf))) > 0)
			if (marker && !c[i].reached &&
			    scan(c[i].tail, strlen(marker), buf, (size_t)got,
				 marker)) {
				c[i].reached = 1;
				reached++;
			}
	}
	printf("n=%d reached=%d wall_ms=%.3f last_marker_ms=%.3f "
	       "peak_rss_kib=%ld failed=%d\n",
	       n, reached, now_ms() - t0, t_last, peak, failed);
	return 0;
usage:
	fprintf(stderr, "usage: densitytime -n N [-m MARKER] [-k] "
			"[-t SECONDS] -- CMD [ARGS...]\n");
	return 2;
}
