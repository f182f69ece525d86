// SPDX-License-Identifier: MIT
/* The 16550A model against what Linux's 8250 driver checks, its THRE and
 * receive interrupts, output batching, and the UART as the host
 * terminal's console: the Ctrl-A escape, a full receive buffer. */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../devices/serial8250.h"
#include "../../devices/term.h"

enum {
	RBR = 0,
	THR = 0,
	DLL = 0,
	IER = 1,
	DLM = 1,
	IIR = 2,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	MSR = 6,
	SCR = 7
};

static int levels[64];
static int nr_levels;
static int quits;

static void set_irq(void *opaque, int level)
{
	(void)opaque;
	if (nr_levels < 64)
		levels[nr_levels++] = level;
}

static void quit(void *opaque)
{
	(void)opaque;
	__atomic_add_fetch(&quits, 1, __ATOMIC_SEQ_CST);
}

static struct serial s;
static int out[2];

static int setup(void **state)
{
	(void)state;
	assert_int_equal(pipe2(out, O_NONBLOCK), 0);
	serial_init(&s, out[1], set_irq, NULL);
	nr_levels = 0;
	quits = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	serial_destroy(&s);
	close(out[0]);
	close(out[1]);
	return 0;
}

static ssize_t drain(char *buf, size_t len)
{
	ssize_t n = read(out[0], buf, len);

	return n < 0 ? 0 : n;
}

/* The checks of serial8250's autoconfig(), in its order. */
static void test_autoconfig(void **state)
{
	(void)state;
	serial_write(&s, IER, 0);
	assert_int_equal(serial_read(&s, IER) & 0x0f, 0);
	serial_write(&s, IER, 0x0f);
	assert_int_equal(serial_read(&s, IER) & 0x0f, 0x0f);
	serial_write(&s, IER, 0);
	/* loopback: OUT2|RTS must come back as DCD|CTS */
	serial_write(&s, MCR, 0x10 | 0x0a);
	assert_int_equal(serial_read(&s, MSR) & 0xf0, 0x90);
	serial_write(&s, MCR, 0);
	/* FIFOs enabled: IIR bits 7:6 = 3, a 16550A */
	serial_write(&s, FCR, 0x01);
	assert_int_equal(serial_read(&s, IIR) >> 6, 3);
	/* not a 16750 (IIR bit 5) nor an XScale (IER bit 6) */
	assert_int_equal(serial_read(&s, IIR) >> 5, 6);
	serial_write(&s, IER, 0x40);
	assert_int_equal(serial_read(&s, IER) & 0x40, 0);
	/* the scratch register keeps its byte */
	serial_write(&s, SCR, 0xa5);
	assert_int_equal(serial_read(&s, SCR), 0xa5);
	assert_int_equal(serial_read(&s, LSR), 0x60); /* THRE|TEMT */
	serial_write(&s, FCR, 0);
	assert_int_equal(serial_read(&s, IIR), 0x01);
	/* IER 0x0f raised THRE for a moment; with IER 0 the line is low */
	assert_int_equal(nr_levels, 2);
	assert_int_equal(levels[1], 0);
}

static void test_dlab(void **state)
{
	char buf[8];

	(void)state;
	serial_write(&s, LCR, 0x83);
	serial_write(&s, DLL, 0x01);
	serial_write(&s, DLM, 0x02);
	assert_int_equal(serial_read(&s, DLL), 0x01);
	assert_int_equal(serial_read(&s, DLM), 0x02);
	serial_write(&s, LCR, 0x03);
	assert_int_equal(serial_read(&s, IER), 0);
	serial_flush(&s);
	assert_int_equal(drain(buf, sizeof(buf)), 0); /* DLL is not THR */
}

/* THRE: raised when IER's THRI goes 0 -> 1, cleared by reading IIR,
 * re-raised (a fresh edge) by every THR write. */
static void test_thre_interrupt(void **state)
{
	(void)state;
	serial_write(&s, IER, 0x02);
	assert_int_equal(nr_levels, 1);
	assert_int_equal(levels[0], 1);
	assert_int_equal(serial_read(&s, IIR) & 0x0f, 0x02);
	assert_int_equal(levels[nr_levels - 1], 0);
	assert_int_equal(serial_read(&s, IIR) & 0x0f, 0x01);
	nr_levels = 0;
	serial_write(&s, THR, 'x');
	assert_int_equal(nr_levels, 1);
	assert_int_equal(levels[0], 1);
	serial_write(&s, THR, 'y');
	assert_int_equal(nr_levels, 3); /* down and up again: an edge */
	assert_int_equal(levels[1], 0);
	assert_int_equal(levels[2], 1);
	serial_write(&s, IER, 0);
	assert_int_equal(levels[nr_levels - 1], 0);
}

static void test_receive(void **state)
{
	(void)state;
	serial_write(&s, IER, 0x01);
	assert_int_equal(serial_input(&s, (const uint8_t *)"ab", 2), 2);
	assert_int_equal(levels[nr_levels - 1], 1);
	assert_int_equal(serial_read(&s, LSR) & 0x01, 1);
	assert_int_equal(serial_read(&s, IIR) & 0x0f, 0x04);
	assert_int_equal(serial_read(&s, RBR), 'a');
	assert_int_equal(levels[nr_levels - 1], 1);
	assert_int_equal(serial_read(&s, RBR), 'b');
	assert_int_equal(levels[nr_levels - 1], 0);
	assert_int_equal(serial_read(&s, LSR) & 0x01, 0);
}

static void test_output_batched(void **state)
{
	char buf[16];

	(void)state;
	serial_write(&s, THR, 'h');
	serial_write(&s, THR, 'i');
	assert_int_equal(drain(buf, sizeof(buf)), 0);
	serial_write(&s, THR, '\n');
	assert_int_equal(drain(buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "hi\n", 3);
	serial_write(&s, THR, '$');
	serial_flush(&s);
	assert_int_equal(drain(buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], '$');
}

static int batching[16];
static int nr_batching;

static void set_batching(void *opaque, bool on)
{
	(void)opaque;
	if (nr_batching < 16)
		batching[nr_batching++] = on;
}

/* THR may be batched only while a byte is nothing but output: THRI,
 * loopback and DLAB each stop it, and the callback hears each change
 * once. */
static void test_thr_batching(void **state)
{
	(void)state;
	nr_batching = 0;
	serial_set_batching(&s, set_batching, NULL);
	assert_int_equal(nr_batching, 1);
	assert_int_equal(batching[0], 1); /* after reset: IER 0, 8n1 */
	serial_write(&s, IER, 0x01);	  /* RDI alone changes nothing */
	assert_int_equal(nr_batching, 1);
	serial_write(&s, IER, 0x03); /* THRI: an interrupt per byte */
	assert_int_equal(nr_batching, 2);
	assert_int_equal(batching[1], 0);
	serial_write(&s, IER, 0x00);
	assert_int_equal(batching[2], 1);
	serial_write(&s, MCR, 0x10); /* loopback: the byte comes back */
	assert_int_equal(batching[3], 0);
	serial_write(&s, MCR, 0x0b);
	assert_int_equal(batching[4], 1);
	serial_write(&s, LCR, 0x83); /* DLAB: offset 0 is DLL */
	assert_int_equal(batching[5], 0);
	serial_write(&s, LCR, 0x03);
	assert_int_equal(batching[6], 1);
	assert_int_equal(nr_batching, 7);
}

static void test_loopback(void **state)
{
	char buf[8];

	(void)state;
	serial_write(&s, MCR, 0x10);
	serial_write(&s, THR, 'L');
	serial_flush(&s);
	assert_int_equal(drain(buf, sizeof(buf)), 0);
	assert_int_equal(serial_read(&s, RBR), 'L');
	/* The line is cut in loopback: the byte is taken, and lost. */
	assert_int_equal(serial_input(&s, (const uint8_t *)"z", 1), 1);
	assert_int_equal(serial_read(&s, LSR) & 0x01, 0);
}

static void wait_for(int *counter, unsigned rx)
{
	for (int i = 0; i < 2000; i++) {
		unsigned n;

		pthread_mutex_lock(&s.lock);
		n = s.rx_count;
		pthread_mutex_unlock(&s.lock);
		if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) && n >= rx)
			return;
		usleep(1000);
	}
}

/* Through the terminal's thread: Ctrl-A Ctrl-A is one Ctrl-A, Ctrl-A z
 * nothing, Ctrl-A x quits (test_term.c has the rule byte by byte). */
static void test_console_escape(void **state)
{
	int in[2];
	char got[8] = {0};

	(void)state;
	assert_int_equal(pipe(in), 0);
	term_attach(serial_input, &s);
	assert_int_equal(term_start(in[0], quit, NULL), 0);
	term_wait();
	assert_int_equal(write(in[1], "a\001\001b\001zc\001x", 10), 10);
	wait_for(&quits, 4);
	assert_int_equal(quits, 1);
	assert_int_equal(s.rx_count, 4);
	for (int i = 0; i < 4; i++)
		got[i] = (char)serial_read(&s, RBR);
	assert_memory_equal(got, "a\001bc", 4);
	term_stop();
	close(in[0]);
	close(in[1]);
}

/* A paste larger than the receive buffer: what does not fit waits in
 * the terminal and arrives, in order, as the guest reads. */
static void test_console_full(void **state)
{
	enum { N = SERIAL_RX_MAX + 100 };
	static uint8_t paste[N];
	int in[2], one = 1;

	(void)state;
	for (int i = 0; i < N; i++)
		paste[i] = (uint8_t)('0' + i % 10);
	assert_int_equal(pipe(in), 0);
	term_attach(serial_input, &s);
	assert_int_equal(term_start(in[0], quit, NULL), 0);
	assert_int_equal(write(in[1], paste, N), N);
	wait_for(&one, SERIAL_RX_MAX);
	assert_int_equal(s.rx_count, SERIAL_RX_MAX);
	assert_true(s.rx_full);
	for (int i = 0; i < N; i++) {
		if (i == SERIAL_RX_MAX)
			wait_for(&one, N - SERIAL_RX_MAX);
		assert_int_equal(serial_read(&s, RBR), paste[i]);
	}
	assert_int_equal(s.rx_count, 0);
	assert_int_equal(quits, 0);
	term_stop();
	close(in[0]);
	close(in[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_autoconfig, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dlab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_batched, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_thr_batching, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_escape, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_console_full, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
