// SPDX-License-Identifier: MIT
/*
 * A 16550A UART, as the Linux 8250 driver and the probe guest see it.
 *
 * The register model is the one the driver's autoconfig checks: IER
 * keeps only its four defined bits (the scratch test writes 0x0f and
 * reads it back, and bit 6 must read 0 or the port looks like an XScale),
 * loopback mode (MCR bit 4) routes the modem outputs to MSR (the
 * loopback test expects DCD|CTS for OUT2|RTS), and IIR reports FIFOs
 * (bits 7:6 = 11) once FCR enables them, which is how a 16550A differs
 * from a 16450.  LSR always says the transmitter is empty (THRE|TEMT):
 * a byte written to THR is in the output buffer at once.
 *
 * The THRE interrupt follows the chip: it is pending after THR empties
 * and after IER's THRI bit goes from 0 to 1 while THR is empty, and a
 * read of IIR that reports it clears it.  Linux's tty output depends on
 * it; without it a shell prints nothing.  A THR write drops the line and
 * raises it again, so that an edge-triggered PIC sees a new edge for
 * every byte, as with a real UART draining its FIFO.
 *
 * Input comes from the host terminal (term.c), whose thread reads stdin
 * and handles the Ctrl-A escape: serial_input() queues what it has room
 * for and raises the interrupt (KVM_IRQ_LINE may be called from any
 * thread).  One mutex guards the registers and both queues.  When the
 * queue was full, the guest's next read tells the terminal there is room
 * again, so pasted text waits rather than being lost.
 *
 * Output is batched: bytes collect until a newline, a full buffer, an
 * IER write (the driver's "transmit done"), or an exit to anything but
 * the UART, then go out in one write() (term_write()).  That keeps one write(2) per line
 * instead of per byte, and a prompt without a newline still appears.
 *
 * THR writes may also reach us late and in batches (serial_set_batching:
 * the KVM accelerator's coalesced ring), but only while nothing the
 * guest can observe depends on them: THRI off, loopback off, DLAB clear.
 * Every other access exits and is answered after the batch before it.
 */
#include <string.h>

#include "serial8250.h"
#include "term.h"

/* Register offsets from the base port. */
#define UART_RX 0  /* read, DLAB=0 */
#define UART_TX 0  /* write, DLAB=0 */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_FIFO_BITS 0xc0

#define UART_FCR_ENABLE_FIFO 0x01
#define UART_FCR_CLEAR_RCVR 0x02

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
#define UART_MSR_DELTAS 0x0f

/* Not in loopback, the far end is a terminal that is always there. */
#define MSR_CONNECTED (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

void serial_init(struct serial *s, int out_fd, void (*set_irq)(void *, int),
		 void *opaque)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->out_fd = out_fd;
	s->set_irq = set_irq;
	s->opaque = opaque;
	s->msr = MSR_CONNECTED;
	s->dll = 0x0c; /* 9600 baud, what a PC BIOS leaves */
	s->lcr = 0x03; /* 8n1 */
}

static uint8_t iir(const struct serial *s)
{
	uint8_t fifo = s->fcr & UART_FCR_ENABLE_FIFO ? UART_IIR_FIFO_BITS : 0;

	if ((s->ier & UART_IER_RDI) && s->rx_count)
		return fifo | UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thr_ipending)
		return fifo | UART_IIR_THRI;
	if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTAS))
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NO_INT;
}

static void update_irq(struct serial *s)
{
	int level = !(iir(s) & UART_IIR_NO_INT);

	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->set_irq)
			s->set_irq(s->opaque, level);
	}
}

/* In loopback the modem outputs drive the inputs: the driver tests it. */
static uint8_t loop_msr(uint8_t mcr)
{
	uint8_t m = 0;

	if (mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static void set_msr(struct serial *s, uint8_t lines)
{
	uint8_t old = s->msr;
	uint8_t d = 0;

	if ((old ^ lines) & UART_MSR_CTS)
		d |= UART_MSR_DCTS;
	if ((old ^ lines) & UART_MSR_DSR)
		d |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		d |= UART_MSR_TERI;
	if ((old ^ lines) & UART_MSR_DCD)
		d |= UART_MSR_DDCD;
	s->msr = lines | (old & UART_MSR_DELTAS) | d;
}

static void tx_flush_locked(struct serial *s)
{
	/* When stdout is gone, the guest writes on. */
	term_write(s->out_fd, s->tx, s->tx_len);
	s->tx_len = 0;
}

void serial_flush(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->tx_len)
		tx_flush_locked(s);
	pthread_mutex_unlock(&s->lock);
}

static void rx_push_locked(struct serial *s, uint8_t c)
{
	s->rx[(s->rx_head + s->rx_count) % SERIAL_RX_MAX] = c;
	s->rx_count++;
}

static uint8_t rx_pop_locked(struct serial *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_MAX;
	s->rx_count--;
	if (s->rx_full) {
		s->rx_full = false;
		term_room();
	}
	return c;
}

static void thr_write_locked(struct serial *s, uint8_t c)
{
	if (s->mcr & UART_MCR_LOOP) {
		if (s->rx_count < SERIAL_RX_MAX)
			rx_push_locked(s, c);
	} else {
		s->tx[s->tx_len++] = c;
		if (c == '\n' || s->tx_len == SERIAL_TX_MAX)
			tx_flush_locked(s);
	}
	/* The byte leaves at once: THR empties again, a fresh edge. */
	s->thr_ipending = false;
	update_irq(s);
	s->thr_ipending = true;
	update_irq(s);
}

static uint8_t read_locked(struct serial *s, unsigned off)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (off) {
	case UART_RX:
		if (dlab)
			return s->dll;
		v = rx_pop_locked(s);
		update_irq(s);
		return v;
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		v = iir(s);
		if ((v & 0x0f) == UART_IIR_THRI) {
			s->thr_ipending = false;
			update_irq(s);
		}
		return v;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (s->rx_count ? UART_LSR_DR : 0);
	case UART_MSR:
		v = s->msr;
		s->msr &= (uint8_t)~UART_MSR_DELTAS;
		update_irq(s);
		return v;
	default:
		return s->scr;
	}
}

static bool thr_batchable(const struct serial *s)
{
	return !(s->ier & UART_IER_THRI) && !(s->mcr & UART_MCR_LOOP) &&
	       !(s->lcr & UART_LCR_DLAB);
}

static void update_batching(struct serial *s)
{
	bool on = thr_batchable(s);

	if (s->set_batching && on != s->batching) {
		s->batching = on;
		s->set_batching(s->opaque_batching, on);
	}
}

void serial_set_batching(struct serial *s, void (*set_batching)(void *, bool),
			 void *opaque)
{
	pthread_mutex_lock(&s->lock);
	s->set_batching = set_batching;
	s->opaque_batching = opaque;
	s->batching = !thr_batchable(s);
	update_batching(s);
	pthread_mutex_unlock(&s->lock);
}

static void write_locked(struct serial *s, unsigned off, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t old;

	switch (off) {
	case UART_TX:
		if (dlab)
			s->dll = v;
		else
			thr_write_locked(s, v);
		return;
	case UART_IER:
		if (dlab) {
			s->dlm = v;
			return;
		}
		old = s->ier;
		s->ier = v & UART_IER_MASK;
		if (!(old & UART_IER_THRI) && (s->ier & UART_IER_THRI))
			s->thr_ipending = true;
		if (s->tx_len)
			tx_flush_locked(s);
		update_batching(s);
		break;
	case UART_FCR:
		s->fcr = v & UART_FCR_ENABLE_FIFO;
		if (v & UART_FCR_CLEAR_RCVR) {
			s->rx_count = 0;
			if (s->rx_full) {
				s->rx_full = false;
				term_room();
			}
		}
		break;
	case UART_LCR:
		s->lcr = v;
		update_batching(s);
		return;
	case UART_MCR:
		s->mcr = v & UART_MCR_MASK;
		set_msr(s, s->mcr & UART_MCR_LOOP ? loop_msr(s->mcr)
						  : MSR_CONNECTED);
		update_batching(s);
		break;
	case UART_LSR:
		return; /* factory test only */
	case UART_MSR:
		return;
	default:
		s->scr = v;
		return;
	}
	update_irq(s);
}

uint8_t serial_read(struct serial *s, unsigned offset)
{
	uint8_t v;

	pthread_mutex_lock(&s->lock);
	v = read_locked(s, offset & 7);
	pthread_mutex_unlock(&s->lock);
	return v;
}

void serial_write(struct serial *s, unsigned offset, uint8_t val)
{
	pthread_mutex_lock(&s->lock);
	write_locked(s, offset & 7, val);
	pthread_mutex_unlock(&s->lock);
}

size_t serial_input(void *serial, const uint8_t *buf, size_t len)
{
	struct serial *s = serial;
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < len; i++) {
		if (s->rx_count == SERIAL_RX_MAX) {
			s->rx_full = true;
			break;
		}
		/* In loopback the line is not connected to the terminal. */
		if (!(s->mcr & UART_MCR_LOOP))
			rx_push_locked(s, buf[i]);
	}
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return i;
}

void serial_destroy(struct serial *s)
{
	pthread_mutex_destroy(&s->lock);
}
