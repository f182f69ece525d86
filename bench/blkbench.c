// SPDX-License-Identifier: MIT
/*
 * blkbench: the timer of bench/blk.
 *
 *   blkbench DIRECTBOOT PROBE DISK [RUNS]
 *
 * Boots the probe with DISK as its virtio-blk disk and probe.blkbench=1
 * on its command line, and timestamps (CLOCK_MONOTONIC) each
 * "BLKBENCH_PHASE=n" line and the final "BLKBENCH_DONE" as they arrive
 * on the launcher's stdout: phase n took from its line to the next.
 * Then it does the same I/O itself, with pread/pwrite on the same file
 * (the blocks of probe/probe_virtio.h's generator), and prints both
 * throughputs and their ratio, the median of RUNS runs of each.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../probe/probe_virtio.h"

#define PHASES 4
#define RUNS_MAX 15

static const char *const phase_name[PHASES] = {
	"seq write 64K", "seq read 64K", "rand write 4K", "rand read 4K",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t phase_bytes(int p)
{
	return p < 2 ? VIRTIO_BENCH_SEQ_BYTES : VIRTIO_BENCH_RAND_OPS * 4096ull;
}

/* One guest run: seconds per phase into t; false on failure. */
static bool guest_run(const char *db, const char *probe, const char *disk,
		      double t[PHASES])
{
	char arg[256], line[512];
	double mark[PHASES + 1] = { 0 };
	int fds[2], status, seen = 0;
	pid_t pid;
	FILE *f;

	snprintf(arg, sizeof(arg), "%s", disk);
	if (pipe(fds) < 0)
		return false;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(db, db, "run", probe, "--accel", "kvm", "-m", "128M",
		      "--timeout", "600", "-a", "probe.blkbench=1", "--disk",
		      arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		double t_line = now();
		unsigned n;

		if (sscanf(line, "BLKBENCH_PHASE=0x%x", &n) == 1 &&
		    n < PHASES) {
			mark[n] = t_line;
			seen++;
		} else if (!strncmp(line, "BLKBENCH_DONE=", 14)) {
			mark[PHASES] = t_line;
			seen++;
			if (strcmp(line + 14, "0x0\n"))
				fprintf(stderr, "blkbench: the probe saw I/O "
					"errors: %s", line);
		}
	}
	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	if (seen != PHASES + 1) {
		fprintf(stderr, "blkbench: the probe gave %d of %d marks "
			"(exit status %d)\n", seen, PHASES + 1,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return false;
	}
	for (int p = 0; p < PHASES; p++)
		t[p] = mark[p + 1] - mark[p];
	return true;
}

static bool host_run(const char *disk, double t[PHASES])
{
	static uint8_t buf[VIRTIO_BENCH_SEQ_CHUNK];
	int fd = open(disk, O_RDWR);

	if (fd < 0)
		return false;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	for (int p = 0; p < PHASES; p++) {
		bool write = !(p & 1), seq = p < 2;
		unsigned n = seq ? VIRTIO_BENCH_SEQ_BYTES /
					   VIRTIO_BENCH_SEQ_CHUNK
				 : VIRTIO_BENCH_RAND_OPS;
		size_t len = seq ? VIRTIO_BENCH_SEQ_CHUNK : 4096;
		uint32_t rnd = 12345;
		double t0 = now();

		for (unsigned i = 0; i < n; i++) {
			off_t off;
			ssize_t r;

			if (seq) {
				off = (off_t)i * (off_t)len;
			} else {
				rnd = VIRTIO_BENCH_NEXT(rnd);
				off = (off_t)VIRTIO_BENCH_BLOCK(rnd) * 4096;
			}
			r = write ? pwrite(fd, buf, len, off)
				  : pread(fd, buf, len, off);
			if (r != (ssize_t)len) {
				close(fd);
				return false;
			}
		}
		t[p] = now() - t0;
	}
	close(fd);
	return true;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	double g[PHASES][RUNS_MAX], h[PHASES][RUNS_MAX], t[PHASES];
	int runs = argc > 4 ? atoi(argv[4]) : 3;

	if (argc < 4 || runs < 1 || runs > RUNS_MAX) {
		fprintf(stderr, "usage: blkbench DIRECTBOOT PROBE DISK [RUNS "
			"1-%d]\n", RUNS_MAX);
		return 2;
	}
	/* Alternate the two, so that load falls on both alike. */
	for (int r = 0; r < runs; r++) {
		if (!guest_run(argv[1], argv[2], argv[3], t))
			return 1;
		for (int p = 0; p < PHASES; p++)
			g[p][r] = t[p];
		if (!host_run(argv[3], t)) {
			perror("blkbench: host I/O");
			return 1;
		}
		for (int p = 0; p < PHASES; p++)
			h[p][r] = t[p];
	}
	printf("%-14s %12s %12s %8s   (median of %d)\n", "phase",
	       "guest MB/s", "host MB/s", "ratio", runs);
	for (int p = 0; p < PHASES; p++) {
		double gm = median(g[p], runs), hm = median(h[p], runs);
		double gmbs = (double)phase_bytes(p) / gm / 1e6;
		double hmbs = (double)phase_bytes(p) / hm / 1e6;

		printf("%-14s %12.1f %12.1f %8.3f\n", phase_name[p], gmbs,
		       hmbs, gmbs / hmbs);
	}
	return 0;
}
