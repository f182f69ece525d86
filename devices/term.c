// SPDX-License-Identifier: MIT
/*
 * The host terminal: one for the whole run, whichever console is the
 * guest's (the UART's ttyS0, or hvc0 with --console virtio).
 *
 * Raw mode: when stdin is a tty it goes raw (cfmakeraw, output
 * processing kept) with TCSANOW, so that type-ahead reaches the guest.
 * The saved modes are a global, because a fatal signal handler must
 * reach them; term_restore() is async-signal-safe and the launcher calls
 * it on every way out (normal end, --timeout, SIGINT/SIGTERM/SIGHUP, a
 * crash report, fatal signals, the sandbox's SIGSYS).
 *
 * Input: the vCPU thread spends its time blocked in KVM_RUN, so a thread
 * of its own reads stdin.  It runs what it reads through the escape:
 *
 *     Ctrl-A x (or X)   quits: quit() is called, nothing more is read
 *     Ctrl-A Ctrl-A     sends one Ctrl-A
 *     Ctrl-A any other  sends nothing (as QEMU's Ctrl-A does)
 *
 * and hands the rest to the attached console.  A console takes what it
 * has room for; the rest waits here, the thread stops reading stdin (so
 * further bytes wait in the tty or pipe, not in a copy), and goes on
 * when the console calls term_room().  The UART has room when the guest
 * reads its receive buffer, virtio-console when the driver posts receive
 * buffers.  The thread takes no signals.
 *
 * Output: the consoles write through term_write() and term_writev(),
 * which see a write through its short counts.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

#define TERM_READ_MAX 256

size_t term_escape_feed(struct term_escape *e, const uint8_t *in, size_t n,
			uint8_t *out, bool *quit)
{
	size_t k = 0;

	*quit = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (e->pending) {
			e->pending = false;
			if (c == 'x' || c == 'X') {
				*quit = true;
				break;
			}
			if (c == TERM_ESCAPE)
				out[k++] = c;
		} else if (c == TERM_ESCAPE) {
			e->pending = true;
		} else {
			out[k++] = c;
		}
	}
	return k;
}

/* The one terminal.  lock guards the attached console and the start
 * handshake; the thread holds it while it calls the console. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	term_input_fn *input;
	void *console;
	void (*quit)(void *opaque);
	void *opaque;
	int in_fd;
	int wake_fd; /* eventfd: term_room(), term_attach(), term_stop() */
	atomic_bool stopping;
	pthread_t thread;
	bool started, running;
	struct term_escape esc;
} term = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.in_fd = -1,
	.wake_fd = -1,
};

static struct termios saved_tty;
static volatile sig_atomic_t tty_raw;
static int tty_fd = -1;

void term_restore(void)
{
	if (tty_raw) {
		tcsetattr(tty_fd, TCSANOW, &saved_tty);
		tty_raw = 0;
	}
}

static void tty_raw_on(int fd)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, &saved_tty) < 0)
		return;
	t = saved_tty;
	cfmakeraw(&t);
	/* Keep output post-processing: the guest sends "\r\n" itself, and
	 * our own diagnostics on stderr still need newline mapping. */
	t.c_oflag |= OPOST;
	tty_fd = fd;
	/* TCSANOW, not TCSAFLUSH: keys typed before the guest started are
	 * the guest's, not ours to throw away. */
	if (tcsetattr(fd, TCSANOW, &t) == 0)
		tty_raw = 1;
}

void term_room(void)
{
	uint64_t one = 1;
	int fd = term.wake_fd;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return; /* the counter is full: the thread wakes anyway */
}

void term_attach(term_input_fn *input, void *console)
{
	pthread_mutex_lock(&term.lock);
	term.input = input;
	term.console = console;
	pthread_mutex_unlock(&term.lock);
	term_room(); /* bytes may be waiting for it */
}

/* Hand buf[*off, len) to the console; true when all of it went. */
static bool deliver(const uint8_t *buf, size_t *off, size_t len)
{
	pthread_mutex_lock(&term.lock);
	if (term.input && *off < len)
		*off += term.input(term.console, buf + *off, len - *off);
	pthread_mutex_unlock(&term.lock);
	return *off >= len;
}

static void *term_thread(void *arg)
{
	struct pollfd pfd[2] = {
		{.fd = term.in_fd, .events = POLLIN},
		{.fd = term.wake_fd, .events = POLLIN},
	};
	uint8_t in[TERM_READ_MAX], out[TERM_READ_MAX];
	size_t len = 0, off = 0;
	bool quit = false;
	uint64_t n64;

	pthread_mutex_lock(&term.lock);
	term.running = true;
	pthread_cond_broadcast(&term.cond);
	pthread_mutex_unlock(&term.lock);
	while (!atomic_load(&term.stopping)) {
		/* Bytes still waiting for the console: leave stdin be. */
		pfd[0].fd = off < len ? -1 : term.in_fd;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents &&
		    read(term.wake_fd, &n64, sizeof(n64)) < 0 &&
		    errno != EAGAIN)
			break;
		if (off < len && !deliver(out, &off, len))
			continue;
		if (pfd[0].fd < 0 || !pfd[0].revents)
			continue;
		ssize_t n = read(term.in_fd, in, sizeof(in));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* end of input: the guest just gets no more */
		len = term_escape_feed(&term.esc, in, (size_t)n, out, &quit);
		off = 0;
		deliver(out, &off, len);
		if (quit) {
			if (term.quit)
				term.quit(term.opaque);
			break;
		}
	}
	return arg;
}

int term_start(int in_fd, void (*quit)(void *), void *opaque)
{
	sigset_t all, old;
	int ret;

	/* Made once and never closed: a console may still call term_room()
	 * from its own thread after term_stop(). */
	if (term.wake_fd < 0)
		term.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (term.wake_fd < 0)
		return -errno;
	term.in_fd = in_fd;
	term.quit = quit;
	term.opaque = opaque;
	term.esc.pending = false;
	atomic_store(&term.stopping, false);
	tty_raw_on(in_fd);
	/* The thread takes no signals: they are the vCPU thread's business
	 * (timeouts and kicks interrupt KVM_RUN there). */
	sigfillset(&all);
	sigdelset(&all, SIGSYS); /* the sandbox's trap must name the call */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&term.thread, NULL, term_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		term_restore();
		return -ret;
	}
	term.started = true;
	return 0;
}

void term_wait(void)
{
	pthread_mutex_lock(&term.lock);
	while (term.started && !term.running)
		pthread_cond_wait(&term.cond, &term.lock);
	pthread_mutex_unlock(&term.lock);
}

void term_stop(void)
{
	if (term.started) {
		atomic_store(&term.stopping, true);
		term_room();
		pthread_join(term.thread, NULL);
		term.started = term.running = false;
	}
	term_attach(NULL, NULL);
	term.in_fd = -1;
	term_restore();
}

static void (*term_watcher)(void *opaque, const void *buf, size_t len);
static void *term_watcher_opaque;

void term_watch(void (*watch)(void *opaque, const void *buf, size_t len),
		void *opaque)
{
	term_watcher_opaque = opaque;
	term_watcher = watch;
}

int term_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (term_watcher)
		term_watcher(term_watcher_opaque, buf, len);
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int term_writev(int fd, struct iovec *iov, int n)
{
	for (int i = 0; term_watcher && i < n; i++)
		term_watcher(term_watcher_opaque, iov[i].iov_base,
			     iov[i].iov_len);
	while (n) {
		ssize_t w = writev(fd, iov, n);
		size_t done;

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done = (size_t)w;
		while (n && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}
