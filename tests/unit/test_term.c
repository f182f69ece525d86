// SPDX-License-Identifier: MIT
/* The host terminal: the Ctrl-A escape byte by byte and across reads,
 * the input thread with a console that turns bytes away, end of input,
 * raw mode on a pty and its restore, and the write loops. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/term.h"

/* Feed s (n bytes) and check what comes out and whether it quit. */
static void feed(struct term_escape *e, const char *s, size_t n,
		 const char *want, size_t want_n, bool want_quit)
{
	uint8_t out[64];
	bool quit = !want_quit;
	size_t k;

	assert_true(n <= sizeof(out));
	k = term_escape_feed(e, (const uint8_t *)s, n, out, &quit);
	assert_int_equal(k, want_n);
	assert_memory_equal(out, want, want_n);
	assert_int_equal(quit, want_quit);
}

static void test_plain(void **state)
{
	struct term_escape e = {0};

	(void)state;
	feed(&e, "ls -l\r", 6, "ls -l\r", 6, false);
	/* Ctrl-C, Ctrl-D, Ctrl-Z and x itself are the guest's. */
	feed(&e, "\003\004\032x", 4, "\003\004\032x", 4, false);
	assert_false(e.pending);
}

static void test_quit(void **state)
{
	struct term_escape e = {0};

	(void)state;
	feed(&e, "\001x", 2, "", 0, true);
	assert_false(e.pending);
	/* What came before goes to the guest; what follows is not read. */
	feed(&e, "ab\001xcd", 6, "ab", 2, true);
	feed(&e, "\001X", 2, "", 0, true);
}

static void test_literal(void **state)
{
	struct term_escape e = {0};

	(void)state;
	feed(&e, "\001\001", 2, "\001", 1, false);
	feed(&e, "\001\001\001\001", 4, "\001\001", 2, false);
	/* The second Ctrl-A was the literal: the x after it is a key. */
	feed(&e, "\001\001x", 3, "\001x", 2, false);
	assert_false(e.pending);
}

/* Ctrl-A and any other key: both are swallowed. */
static void test_other(void **state)
{
	struct term_escape e = {0};

	(void)state;
	feed(&e, "a\001zb", 4, "ab", 2, false);
	for (unsigned c = 0; c < 256; c++) {
		char in[3] = {TERM_ESCAPE, (char)c, 'k'};

		if (c == TERM_ESCAPE || c == 'x' || c == 'X')
			continue;
		feed(&e, in, 3, "k", 1, false);
		assert_false(e.pending);
	}
}

/* The escape's state survives the end of a read. */
static void test_split(void **state)
{
	struct term_escape e = {0};

	(void)state;
	feed(&e, "ab\001", 3, "ab", 2, false);
	assert_true(e.pending);
	feed(&e, "x", 1, "", 0, true);

	feed(&e, "\001", 1, "", 0, false);
	feed(&e, "\001c", 2, "\001c", 2, false);

	feed(&e, "\001", 1, "", 0, false);
	feed(&e, "zc", 2, "c", 1, false);

	/* An empty read changes nothing. */
	feed(&e, "\001", 1, "", 0, false);
	feed(&e, "", 0, "", 0, false);
	assert_true(e.pending);
	feed(&e, "X", 1, "", 0, true);
}

/* A console that takes at most `room` bytes until term_room(). */
static struct {
	pthread_mutex_t lock;
	uint8_t got[8192];
	size_t len;
	size_t room;
	unsigned calls;
} sink = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t sink_input(void *console, const uint8_t *buf, size_t len)
{
	size_t n;

	assert_ptr_equal(console, &sink);
	pthread_mutex_lock(&sink.lock);
	n = len < sink.room ? len : sink.room;
	memcpy(sink.got + sink.len, buf, n);
	sink.len += n;
	sink.room -= n;
	sink.calls++;
	pthread_mutex_unlock(&sink.lock);
	return n;
}

static size_t sink_len(void)
{
	size_t n;

	pthread_mutex_lock(&sink.lock);
	n = sink.len;
	pthread_mutex_unlock(&sink.lock);
	return n;
}

static void sink_reset(size_t room)
{
	pthread_mutex_lock(&sink.lock);
	sink.len = 0;
	sink.room = room;
	sink.calls = 0;
	pthread_mutex_unlock(&sink.lock);
}

static void give_room(size_t room)
{
	pthread_mutex_lock(&sink.lock);
	sink.room += room;
	pthread_mutex_unlock(&sink.lock);
	term_room();
}

static void wait_len(size_t n)
{
	for (int i = 0; i < 2000 && sink_len() < n; i++)
		usleep(1000);
}

static int quits;
static void on_quit(void *opaque)
{
	assert_ptr_equal(opaque, &quits);
	__atomic_add_fetch(&quits, 1, __ATOMIC_SEQ_CST);
}

static void wait_quits(int n)
{
	for (int i = 0;
	     i < 2000 && __atomic_load_n(&quits, __ATOMIC_SEQ_CST) < n; i++)
		usleep(1000);
}

/* Bytes the console turns away wait, in order, until it has room. */
static void test_thread_room(void **state)
{
	int in[2];

	(void)state;
	quits = 0;
	sink_reset(3);
	assert_int_equal(pipe(in), 0);
	term_attach(sink_input, &sink);
	assert_int_equal(term_start(in[0], on_quit, &quits), 0);
	term_wait();
	assert_int_equal(write(in[1], "hello\001\001world", 12), 12);
	wait_len(3);
	usleep(20000);
	assert_int_equal(sink_len(), 3);
	give_room(4);
	wait_len(7);
	usleep(20000);
	assert_int_equal(sink_len(), 7);
	give_room(100);
	wait_len(11);
	assert_int_equal(sink_len(), 11);
	assert_memory_equal(sink.got, "hello\001world", 11);
	assert_int_equal(quits, 0);
	term_stop();
	close(in[0]);
	close(in[1]);
}

/* Typed before any console is attached: the bytes wait for one. */
static void test_thread_attach_late(void **state)
{
	int in[2];

	(void)state;
	quits = 0;
	sink_reset(100);
	assert_int_equal(pipe(in), 0);
	term_attach(NULL, NULL);
	assert_int_equal(term_start(in[0], on_quit, &quits), 0);
	assert_int_equal(write(in[1], "early", 5), 5);
	usleep(20000);
	assert_int_equal(sink_len(), 0);
	term_attach(sink_input, &sink);
	wait_len(5);
	assert_int_equal(sink_len(), 5);
	assert_memory_equal(sink.got, "early", 5);
	term_stop();
	close(in[0]);
	close(in[1]);
}

/* Ctrl-A x: quit once, the bytes before it delivered, nothing after. */
static void test_thread_quit(void **state)
{
	int in[2];

	(void)state;
	quits = 0;
	sink_reset(100);
	assert_int_equal(pipe(in), 0);
	term_attach(sink_input, &sink);
	assert_int_equal(term_start(in[0], on_quit, &quits), 0);
	assert_int_equal(write(in[1], "ok\001", 3), 3);
	wait_len(2);
	assert_int_equal(write(in[1], "xafter\001x", 8), 8);
	wait_quits(1);
	usleep(20000);
	assert_int_equal(quits, 1);
	assert_int_equal(sink_len(), 2);
	assert_memory_equal(sink.got, "ok", 2);
	term_stop();
	close(in[0]);
	close(in[1]);
}

/* End of input: what was read still arrives, then the thread ends. */
static void test_thread_eof(void **state)
{
	int in[2];

	(void)state;
	quits = 0;
	sink_reset(2);
	assert_int_equal(pipe(in), 0);
	term_attach(sink_input, &sink);
	assert_int_equal(term_start(in[0], on_quit, &quits), 0);
	assert_int_equal(write(in[1], "tail", 4), 4);
	close(in[1]);
	wait_len(2);
	give_room(2);
	wait_len(4);
	assert_int_equal(sink_len(), 4);
	assert_memory_equal(sink.got, "tail", 4);
	assert_int_equal(quits, 0);
	term_stop();
	close(in[0]);
}

static void same_modes(const struct termios *a, const struct termios *b)
{
	assert_int_equal(a->c_iflag, b->c_iflag);
	assert_int_equal(a->c_oflag, b->c_oflag);
	assert_int_equal(a->c_cflag, b->c_cflag);
	assert_int_equal(a->c_lflag, b->c_lflag);
	assert_memory_equal(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* A tty goes raw (no echo, no line editing, no signals, output still
 * processed) and comes back as it was, by term_stop() or by
 * term_restore() alone, the fatal signal handlers' way. */
static void test_raw_mode(void **state)
{
	struct termios before, during, after;
	int master, slave;

	(void)state;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		if (master >= 0)
			close(master);
		skip();
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);

	sink_reset(100);
	term_attach(sink_input, &sink);
	assert_int_equal(term_start(slave, on_quit, &quits), 0);
	assert_int_equal(tcgetattr(slave, &during), 0);
	assert_int_equal(during.c_lflag & (ICANON | ECHO | ISIG), 0);
	assert_true(during.c_oflag & OPOST);
	term_stop();
	assert_int_equal(tcgetattr(slave, &after), 0);
	same_modes(&after, &before);

	assert_int_equal(term_start(slave, on_quit, &quits), 0);
	term_restore();
	assert_int_equal(tcgetattr(slave, &after), 0);
	same_modes(&after, &before);
	term_stop();
	close(slave);
	close(master);
}

static void test_write(void **state)
{
	int p[2];
	char got[32] = {0};
	char a[] = "one ", b[] = "", c[] = "three";
	struct iovec iov[3] = {{a, 4}, {b, 0}, {c, 5}};

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(term_write(p[1], "zero ", 5), 0);
	assert_int_equal(term_writev(p[1], iov, 3), 0);
	assert_int_equal(read(p[0], got, sizeof(got)), 14);
	assert_memory_equal(got, "zero one three", 14);
	/* stdout gone: an error, not a hang or a signal. */
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	assert_int_equal(term_write(p[1], "x", 1), -1);
	iov[0] = (struct iovec){a, 4};
	assert_int_equal(term_writev(p[1], iov, 1), -1);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quit),
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_thread_room),
		cmocka_unit_test(test_thread_attach_late),
		cmocka_unit_test(test_thread_quit),
		cmocka_unit_test(test_thread_eof),
		cmocka_unit_test(test_raw_mode),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
