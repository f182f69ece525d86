// SPDX-License-Identifier: MIT
/*
 * The halt watch of `--accel tcg`.  A guest that halts for good (Linux's
 * halt, and its poweroff with no ACPI, which falls back to halt; any
 * cli; hlt on every CPU) leaves QEMU running an idle machine until
 * --timeout.  QEMU 7.2 says whether a CPU is halted only through its
 * monitor: HMP's "info registers -a" shows each CPU's HLT= and its flags
 * (EFL= in 32-bit mode, RFL= in 64-bit mode).  So QEMU gets a second
 * monitor, QMP on a socket pair (-chardev socket,fd=N), and this file
 * asks it through human-monitor-command when the console has been
 * quiet, as vmm/run.c does for KVM: after TCG_HALT_QUIET_NS of quiet,
 * then every TCG_HALT_EVERY_NS, doubling while a CPU is awake up to
 * TCG_HALT_EVERY_MAX_NS.  A look takes a few milliseconds of QEMU's
 * main loop and does not stop the guest.
 *
 * The reply is not one snapshot (each CPU runs on while QEMU reads
 * another), and it does not show an NMI or INIT on its way in; a CPU
 * halted with IF=0 wakes for nothing else, and only a running CPU sends
 * those.  So two looks in a row, TCG_HALT_EVERY_NS apart, must both find
 * every CPU halted with IF=0.
 *
 * Nothing is asked before the guest's first console byte: a look sent
 * while QEMU was still starting lost the reset of a guest that resets
 * at once (1 run in 6, the 58-default-cmdline-tcg tiny guest: QEMU went
 * on, idle, until --timeout); after the first byte, 90 runs lost none.
 * A guest that halts without ever writing to COM1 is therefore left to
 * --timeout on tcg.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../accel/accel.h"
#include "halt.h"

#define TCG_HALT_QUIET_NS 100000000ull	    /* 100 ms */
#define TCG_HALT_EVERY_NS 100000000ull	    /* 100 ms */
#define TCG_HALT_EVERY_MAX_NS 1600000000ull /* 1.6 s */
#define TCG_HALT_REPLY_NS 1000000000ull	    /* QEMU slower: no verdict */
#define TCG_HALT_REPLY_MAX (4u << 20)	    /* 64 CPUs are ~300 KiB */
#define TCG_HALT_LOOKS 2
#define X86_EFLAGS_IF 0x200ul

int tcg_halt_open(struct tcg_halt *h)
{
	int sv[2];

	*h = (struct tcg_halt){.fd = -1, .qemu_fd = -1};
	/* QEMU's end is inherited (no CLOEXEC), ours is not. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	if (fcntl(sv[0], F_SETFD, FD_CLOEXEC)) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	h->fd = sv[0];
	h->qemu_fd = sv[1];
	h->every_ns = TCG_HALT_EVERY_NS;
	return 0;
}

void tcg_halt_spawned(struct tcg_halt *h)
{
	if (h->qemu_fd >= 0)
		close(h->qemu_fd);
	h->qemu_fd = -1;
}

void tcg_halt_output(struct tcg_halt *h)
{
	h->last_output_ns = accel_now_ns();
}

static bool halt_send(struct tcg_halt *h, const char *cmd)
{
	size_t len = strlen(cmd);

	while (len) {
		ssize_t n = send(h->fd, cmd, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		cmd += n;
		len -= (size_t)n;
	}
	return true;
}

/* The next line that answers a command ({"return" or {"error"), in
 * h->buf; QMP's greeting and events are skipped.  False on EOF, an
 * error, or no answer in TCG_HALT_REPLY_NS. */
static bool halt_reply(struct tcg_halt *h)
{
	uint64_t until = accel_now_ns() + TCG_HALT_REPLY_NS;
	size_t start = 0;

	h->len = 0;
	for (;;) {
		char *nl = h->len > start ? memchr(h->buf + start, '\n',
						   h->len - start)
					  : NULL;
		struct pollfd p = {.fd = h->fd, .events = POLLIN};
		uint64_t now;
		ssize_t n;

		if (nl) {
			*nl = '\0';
			if (!strncmp(h->buf + start, "{\"return\"", 9) ||
			    !strncmp(h->buf + start, "{\"error\"", 8)) {
				memmove(h->buf, h->buf + start,
					(size_t)(nl - h->buf) - start + 1);
				return true;
			}
			start = (size_t)(nl - h->buf) + 1;
			continue;
		}
		if (h->len + 4096 + 1 > h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 65536;
			char *b = cap <= TCG_HALT_REPLY_MAX
					  ? realloc(h->buf, cap)
					  : NULL;

			if (!b)
				return false;
			h->buf = b;
			h->cap = cap;
		}
		now = accel_now_ns();
		if (now >= until)
			return false;
		if (poll(&p, 1, (int)((until - now) / 1000000 + 1)) < 0 &&
		    errno != EINTR)
			return false;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(h->fd, h->buf + h->len, h->cap - h->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		h->len += (size_t)n;
	}
}

bool tcg_halt_all_final(const char *reply, unsigned cpus)
{
	const char *p = reply;
	unsigned n = 0;

	while ((p = strstr(p, "FL="))) {
		unsigned long fl = strtoul(p + 3, NULL, 16);
		const char *hlt = strstr(p, "HLT=");

		if (!hlt)
			return false;
		if (hlt[4] != '1' || (fl & X86_EFLAGS_IF))
			return false;
		n++;
		p = hlt + 4;
	}
	return n && n == cpus;
}

/* One look: true when every CPU is halted with IF=0.  A failed QMP
 * stops the looks for good (said with --debug by the caller's QEMU
 * stderr, if QEMU died). */
static bool halt_look(struct tcg_halt *h, unsigned cpus)
{
	static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";
	static const char regs[] =
		"{\"execute\":\"human-monitor-command\",\"arguments\":"
		"{\"command-line\":\"info registers -a\"}}\n";

	if (!h->greeted) {
		if (!halt_send(h, caps) || !halt_reply(h)) {
			h->broken = true;
			return false;
		}
		h->greeted = true;
	}
	if (!halt_send(h, regs) || !halt_reply(h)) {
		h->broken = true;
		return false;
	}
	return tcg_halt_all_final(h->buf, cpus);
}

bool tcg_halt_tick(struct tcg_halt *h, unsigned cpus)
{
	uint64_t now = accel_now_ns();

	if (h->fd < 0 || h->broken || !h->last_output_ns)
		return false;
	if (h->last_output_ns != h->seen_output_ns) {
		h->seen_output_ns = h->last_output_ns;
		h->every_ns = TCG_HALT_EVERY_NS;
		h->final_looks = 0;
		h->next_ns = h->last_output_ns + TCG_HALT_QUIET_NS;
	}
	if (now < h->next_ns)
		return false;
	if (halt_look(h, cpus)) {
		h->every_ns = TCG_HALT_EVERY_NS;
		if (++h->final_looks >= TCG_HALT_LOOKS)
			return true;
	} else {
		h->final_looks = 0;
		if (h->every_ns < TCG_HALT_EVERY_MAX_NS)
			h->every_ns *= 2;
	}
	h->next_ns = accel_now_ns() + h->every_ns;
	return false;
}

void tcg_halt_close(struct tcg_halt *h)
{
	tcg_halt_spawned(h);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
}
