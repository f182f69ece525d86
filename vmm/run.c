// SPDX-License-Identifier: MIT
/*
 * `directboot run --accel kvm`: apply a boot plan to a KVM VM and run it.
 *
 * The steps, in order: create the VM with the in-kernel PIC, IOAPIC,
 * LAPIC and PIT (so that interrupts, timers and HLT never leave the
 * kernel); give it one memory slot per RAM range and copy the plan's
 * placements in; create the vCPUs, give each its CPUID, and the boot
 * vCPU the plan's entry state; then loop on KVM_RUN and answer the exits.
 *
 * Only port and MMIO accesses the kernel does not handle come back here:
 * COM1, the i8042 and the CMOS clock have devices; a list of ports a PC
 * kernel probes (other COM ports, PCI configuration, VGA, POST codes) is
 * ignored quietly; everything else reads as all ones, like an ISA bus
 * with nothing on it, and --debug names it once.
 *
 * Halting: with the in-kernel irqchip a HLT never exits to us, so a
 * guest that halts for good (with interrupts off on every CPU) would
 * sleep as on hardware; the halt watch (below) sees it and ends the run
 * with 0.  Otherwise only the guest's reset or power-off, a panic, a
 * triple fault, a signal or --timeout end the run.
 *
 * Threads: vCPU 0 runs on the calling thread, other vCPUs on their own,
 * the console input on one more (devices/term.c), and the halt watch on
 * one more, which takes no signals.  Any of them
 * can end the run: it records the exit status once and kicks every vCPU
 * out of KVM_RUN with immediate_exit and SIGUSR1.  Process signals
 * (SIGALRM for --timeout, SIGINT/SIGTERM/SIGHUP) are left unblocked on
 * vCPU 0's thread alone, whose handler only sets a flag and its own
 * immediate_exit; the loop does the rest outside the handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../accel/panic.h"
#include "../devices/acpi_pm.h"
#include "../devices/i8042.h"
#include "../devices/rtc_cmos.h"
#include "../devices/serial8250.h"
#include "../devices/term.h"
#include "directboot/pc.h"
#include "coalesced.h"
#include "emulate.h"
#include "exitstats.h"
#include "sandbox.h"
#include "kvm.h"
#include "vcpu.h"
#include "virtio_host.h"
#include "vm.h"

#define STATUS_RUNNING (-1)
#define MMIO_SEEN_MAX 64

/* The halt watch's state (halt_watch_thread()). */
struct halt_watch {
	pthread_t thread;
	bool started;
	bool stopping; /* under lock: the run is over */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_uint gen;		  /* the probe the vCPUs must answer */
	unsigned open;			  /* under lock: the gen still parked */
	unsigned answers, final, waiting; /* under lock, for open */
	_Atomic uint64_t last_output_ns;  /* the consoles' last byte */
};

struct runner {
	struct vm vm;
	unsigned nr_vcpus;
	struct vcpu vcpus[PLAN_CPUS_MAX];
	pthread_t threads[PLAN_CPUS_MAX];
	unsigned nr_threads; /* vCPU 0's thread included */
	unsigned nr_running; /* AP threads that reached their own code */
	pthread_cond_t running;
	struct serial serial;
	struct coalesced thr_ring; /* COM1's THR writes, batched */
	struct i8042 kbd;
	struct rtc_cmos rtc;
	struct acpi_pm pm;
	pthread_mutex_t panic_lock; /* the consoles write from two threads */
	struct accel_panic panic;
	pthread_mutex_t io_lock;
	atomic_int status;
	const struct accel_config *cfg;
	bool debug;
	unsigned completed_seen; /* --debug: INT3 (1), FWAIT (2) reported */
	uint8_t port_seen[65536 / 8];
	uint64_t mmio_seen[MMIO_SEEN_MAX];
	unsigned nr_mmio_seen;
	bool devloop_status; /* the loop's init wrote DEVLOOP_STATUS_PORT */
	struct halt_watch watch;
};

/* For the signal handlers, which can reach nothing else. */
static struct kvm_run *volatile bsp_run;
static volatile sig_atomic_t stop_signal;

static void runner_kick_all(struct runner *r)
{
	pthread_t self = pthread_self();

	for (unsigned i = 0; i < r->nr_vcpus; i++)
		r->vcpus[i].run->immediate_exit = 1;
	for (unsigned i = 0; i < r->nr_threads; i++)
		if (!pthread_equal(r->threads[i], self))
			pthread_kill(r->threads[i], SIGUSR1);
}

/* The first status wins; later calls change nothing. */
static void runner_stop(struct runner *r, int status)
{
	int running = STATUS_RUNNING;

	if (atomic_compare_exchange_strong(&r->status, &running, status))
		runner_kick_all(r);
}

static void on_quit_key(void *opaque)
{
	struct runner *r = opaque;

	accel_note(r->cfg, "\nCtrl-A x: quitting");
	runner_stop(r, EXIT_GUEST_OK);
}

/* Everything a console writes to the host passes here first. */
static void on_console_output(void *opaque, const void *buf, size_t len)
{
	struct runner *r = opaque;
	bool seen;

	atomic_store(&r->watch.last_output_ns, accel_now_ns());

	pthread_mutex_lock(&r->panic_lock);
	seen = !r->panic.seen && accel_panic_feed(&r->panic, buf, len);
	pthread_mutex_unlock(&r->panic_lock);
	if (seen) {
		accel_note(r->cfg, "guest panicked: %s", r->panic.reason);
		runner_stop(r, EXIT_GUEST_PANIC);
	}
}

static void on_serial_irq(void *opaque, int level)
{
	struct runner *r = opaque;

	vm_irq_line(&r->vm, SERIAL_COM1_IRQ, level);
}

/* Ranges a PC kernel probes where nothing is, ignored without a word. */
static const struct {
	uint16_t first, last;
} quiet_ports[] = {
	/* clang-format off */
	{ 0x0000, 0x001f }, /* DMA controller 1 */
	{ 0x0080, 0x008f }, /* POST code, DMA page registers */
	{ 0x0092, 0x0092 }, /* system control port A */
	{ 0x00c0, 0x00df }, /* DMA controller 2 */
	{ 0x00ed, 0x00ed }, /* the other I/O delay port */
	{ 0x00f0, 0x00ff }, /* FPU error */
	{ 0x0170, 0x0177 }, /* IDE */
	{ 0x01f0, 0x01f7 },
	{ 0x0278, 0x027a }, /* parallel ports */
	{ 0x02e8, 0x02ef }, /* COM4, COM2 */
	{ 0x02f8, 0x02ff },
	{ 0x0376, 0x0376 },
	{ 0x0378, 0x037a },
	{ 0x03b0, 0x03df }, /* VGA */
	{ 0x03e8, 0x03ef }, /* COM3 */
	{ 0x03f0, 0x03f7 }, /* floppy */
	{ 0x0cf8, 0x0cff }, /* PCI configuration: no PCI here */
	/* clang-format on */
};

static bool port_quiet(uint16_t port)
{
	for (size_t i = 0; i < sizeof(quiet_ports) / sizeof(quiet_ports[0]);
	     i++)
		if (port >= quiet_ports[i].first && port <= quiet_ports[i].last)
			return true;
	return false;
}

static void log_port_once(struct runner *r, uint16_t port, bool out,
			  uint8_t val)
{
	uint8_t bit = (uint8_t)(1u << (port & 7));

	if (!r->debug || (r->port_seen[port >> 3] & bit))
		return;
	r->port_seen[port >> 3] |= bit;
	if (out)
		accel_note(r->cfg,
			   "unknown port 0x%04x: write 0x%02x (ignored; "
			   "reported once)",
			   port, val);
	else
		accel_note(r->cfg,
			   "unknown port 0x%04x: read (0xff; reported once)",
			   port);
}

/* One byte of port I/O, under io_lock; wide when it is part of a word
 * or dword access. */
static void pio_byte(struct runner *r, uint16_t port, bool out, bool wide,
		     uint8_t *val)
{
	if (port >= SERIAL_COM1_BASE &&
	    port < SERIAL_COM1_BASE + SERIAL_NR_PORTS) {
		if (out)
			serial_write(&r->serial, port - SERIAL_COM1_BASE, *val);
		else
			*val = serial_read(&r->serial, port - SERIAL_COM1_BASE);
		return;
	}
	if (port == I8042_DATA_PORT || port == I8042_COMMAND_PORT) {
		if (out) {
			i8042_write(&r->kbd, port, *val);
			if (r->kbd.reset)
				runner_stop(r, EXIT_GUEST_OK);
		} else {
			*val = i8042_read(&r->kbd, port);
		}
		return;
	}
	if (port == RTC_CMOS_INDEX_PORT || port == RTC_CMOS_DATA_PORT) {
		if (out)
			rtc_cmos_write(&r->rtc, port, *val);
		else
			*val = rtc_cmos_read(&r->rtc, port);
		return;
	}
	if (port == DEVLOOP_READY_PORT && out && r->cfg->devloop) {
		virtio_host_console_ready();
		return;
	}
	if (port == DEVLOOP_STATUS_PORT && out && r->cfg->devloop) {
		r->devloop_status = true;
		runner_stop(r, *val); /* CMD's exit status (guest/devinit.c) */
		return;
	}
	if (port == RST_CNT_PORT && out && !wide && (*val & RST_CNT_RST_CPU)) {
		runner_stop(r, EXIT_GUEST_OK);
		return;
	}
	if (!out)
		*val = 0xff;
	if (!port_quiet(port))
		log_port_once(r, port, out, out ? *val : 0xff);
}

/* The ACPI PM block takes each access whole: a 32-bit read of the PM
 * timer must not tear between its bytes. */
static void pio_acpi_pm(struct runner *r, uint16_t port, bool out,
			unsigned size, uint8_t *data)
{
	uint32_t v = 0;

	if (out) {
		memcpy(&v, data, size);
		acpi_pm_write(&r->pm, port, size, v);
		if (r->pm.powered_off)
			runner_stop(r, EXIT_GUEST_OK);
	} else {
		v = acpi_pm_read(&r->pm, port, size);
		memcpy(data, &v, size);
	}
}

static void handle_io(struct runner *r, struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint16_t port = run->io.port;

	if (port < SERIAL_COM1_BASE || port >= SERIAL_COM1_BASE + 8)
		serial_flush(&r->serial);
	pthread_mutex_lock(&r->io_lock);
	if (acpi_pm_owns(port) && run->io.size <= 4) {
		for (uint32_t i = 0; i < run->io.count; i++)
			pio_acpi_pm(r, port, out, run->io.size,
				    data + i * run->io.size);
		pthread_mutex_unlock(&r->io_lock);
		return;
	}
	for (uint32_t i = 0; i < run->io.count; i++) {
		for (unsigned b = 0; b < run->io.size; b++)
			pio_byte(r, (uint16_t)(port + b), out, run->io.size > 1,
				 data + b);
		data += run->io.size;
	}
	pthread_mutex_unlock(&r->io_lock);
}

static void handle_mmio(struct runner *r, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	bool seen = false;

	serial_flush(&r->serial);
	if (virtio_host_mmio(addr, run->mmio.data, run->mmio.len,
			     run->mmio.is_write))
		return;
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (!r->debug)
		return;
	pthread_mutex_lock(&r->io_lock);
	for (unsigned i = 0; i < r->nr_mmio_seen; i++)
		seen |= r->mmio_seen[i] == addr;
	if (!seen && r->nr_mmio_seen < MMIO_SEEN_MAX) {
		r->mmio_seen[r->nr_mmio_seen++] = addr;
		accel_note(r->cfg,
			   "unknown MMIO 0x%llx: %s of %u bytes (%s; "
			   "reported once)",
			   (unsigned long long)addr,
			   run->mmio.is_write ? "write" : "read", run->mmio.len,
			   run->mmio.is_write ? "ignored" : "all ones");
	}
	pthread_mutex_unlock(&r->io_lock);
}

static void crash(struct runner *r, struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void crash(struct runner *r, struct vcpu *v, const char *fmt, ...)
{
	char text[3072] = "";
	FILE *f = fmemopen(text, sizeof(text), "w");
	va_list ap;

	serial_flush(&r->serial);
	term_restore();
	if (f) {
		fputs("guest crashed: ", f);
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		fputc('\n', f);
		vcpu_dump(v, f);
		fclose(f);
	}
	while (*text && text[strlen(text) - 1] == '\n')
		text[strlen(text) - 1] = '\0';
	pthread_mutex_lock(&r->io_lock);
	accel_note(r->cfg, "%s", text);
	pthread_mutex_unlock(&r->io_lock);
	runner_stop(r, EXIT_GUEST_CRASH);
}

/* --debug names each kind of instruction completed for KVM, once. */
static void note_completed(struct runner *r, int op)
{
	unsigned bit = op == 0xcc ? 1 : 2;

	if (!r->debug)
		return;
	pthread_mutex_lock(&r->io_lock);
	if (!(r->completed_seen & bit))
		accel_note(r->cfg,
			   "KVM could not emulate %s; completed it (reported "
			   "once)",
			   op == 0xcc ? "INT3" : "FWAIT");
	r->completed_seen |= bit;
	pthread_mutex_unlock(&r->io_lock);
}

static void handle_internal_error(struct runner *r, struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char buf[160];
	int n = 0;
	int op = emulate_failed_opcode(run);

	if (emulate_failed_insn(v->fd, op) == EMULATE_DONE) {
		note_completed(r, op);
		return;
	}

	for (uint32_t i = 0; i < run->internal.ndata && i < 4; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " 0x%llx",
			      (unsigned long long)run->internal.data[i]);
	buf[n] = '\0';
	crash(r, v, "KVM_EXIT_INTERNAL_ERROR, suberror %u%s%s",
	      run->internal.suberror,
	      run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
		      ? " (instruction emulation failed)"
		      : "",
	      buf);
}

static void handle_exit(struct runner *r, struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		handle_io(r, run);
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(r, run);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_HLT: /* only without the in-kernel LAPIC */
		runner_stop(r, EXIT_GUEST_OK);
		break;
	case KVM_EXIT_SHUTDOWN:
		crash(r, v, "triple fault (KVM_EXIT_SHUTDOWN)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		handle_internal_error(r, v);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		crash(r, v, "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
		      (unsigned long long)
			      run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_CRASH)
			crash(r, v, "the guest reported a crash");
		else
			runner_stop(r, EXIT_GUEST_OK);
		break;
	default:
		crash(r, v, "unexpected KVM exit reason %u", run->exit_reason);
		break;
	}
}

/* On vCPU 0: turn a signal the handler noted into a stop. */
static void check_signals(struct runner *r)
{
	int sig = stop_signal;

	if (!sig)
		return;
	serial_flush(&r->serial);
	term_restore();
	if (sig == SIGALRM) {
		accel_note(r->cfg, ACCEL_TIMEOUT_NOTE, r->cfg->timeout_s);
		runner_stop(r, EXIT_TIMEOUT);
	} else {
		accel_note(r->cfg, "%s, stopping the guest", strsignal(sig));
		runner_stop(r, EXIT_SIGNAL + sig);
	}
}

/*
 * The halt watch.  A guest that halts for good (Linux's halt, and its
 * poweroff with no ACPI, which falls back to halt: "reboot: System
 * halted"; any guest doing cli; hlt on every CPU) would sleep until
 * --timeout: with the in-kernel irqchip a HLT never leaves KVM_RUN.  So
 * a thread of its own looks now and then.  It kicks every vCPU out of
 * KVM_RUN; each reads its own state (vcpu_halt_state()) and parks until
 * all have answered, so that the answers are one snapshot: no vCPU can
 * send another an NMI or an INIT between two answers.  When every vCPU
 * is halted for good, or is an AP that never started (with at least one
 * halted), nothing can wake the guest: the run ends with EXIT_GUEST_OK,
 * what a user who typed poweroff expects.  A halt with IF=1 is only an
 * idle guest and never ends a run.
 *
 * What an idle guest pays: nothing while a console writes.  After
 * HALT_QUIET_NS of quiet, one look every HALT_EVERY_NS, the interval
 * doubling after each look that found a vCPU awake, up to
 * HALT_EVERY_MAX_NS; console output starts it over.  A look costs each
 * vCPU one exit from KVM_RUN and at most four ioctls.  A halt that
 * prints its last line first (Linux always does) ends the run about
 * 0.2 s after that line.
 */
#define HALT_QUIET_NS 100000000ull	/* 100 ms */
#define HALT_EVERY_NS 100000000ull	/* 100 ms */
#define HALT_EVERY_MAX_NS 1600000000ull /* 1.6 s */
#define HALT_ANSWER_NS 500000000ull	/* vCPUs slower: no verdict */
#define HALT_SLICE_NS 10000000ull	/* how often a wait looks up */
#define HALT_TICK_NS 50000000ull	/* how often the watch wakes */

/* On a vCPU's thread, out of KVM_RUN: answer the watch's open look, if
 * this vCPU has not yet, and park until every vCPU has. */
static void halt_watch_answer(struct runner *r, struct vcpu *v, unsigned *seen)
{
	struct halt_watch *w = &r->watch;
	enum vcpu_halt h;
	unsigned gen;

	/* After the loop's immediate_exit = 0: a kick that set it again
	 * before this load is seen here (halt_watch_look()). */
	atomic_thread_fence(memory_order_seq_cst);
	gen = atomic_load(&w->gen);
	if (gen == *seen)
		return;
	*seen = gen;
	h = vcpu_halt_state(v);
	pthread_mutex_lock(&w->lock);
	if (w->open == gen) {
		w->answers++;
		w->final += h == VCPU_HALTED_FOR_GOOD;
		w->waiting += h == VCPU_WAITING_SIPI;
		pthread_cond_broadcast(&w->cond);
		while (w->open == gen)
			pthread_cond_wait(&w->cond, &w->lock);
	}
	pthread_mutex_unlock(&w->lock);
}

/* Under the lock: wait ns or until the run ends; false when it did. */
static bool halt_watch_sleep(struct halt_watch *w, uint64_t ns)
{
	uint64_t until = accel_now_ns() + ns;
	struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u),
			      .tv_nsec = (long)(until % 1000000000u)};

	while (!w->stopping &&
	       pthread_cond_timedwait(&w->cond, &w->lock, &ts) != ETIMEDOUT)
		;
	return !w->stopping;
}

/* Under the lock: one look at every vCPU; true when none can run again. */
static bool halt_watch_look(struct runner *r)
{
	struct halt_watch *w = &r->watch;
	uint64_t until = accel_now_ns() + HALT_ANSWER_NS;
	unsigned gen = atomic_load(&w->gen) + 1;
	bool none;

	if (!gen) /* 0 is what a vCPU has seen before the first look */
		gen = 1;
	w->answers = w->final = w->waiting = 0;
	w->open = gen;
	atomic_store(&w->gen, gen);
	atomic_thread_fence(memory_order_seq_cst);
	runner_kick_all(r);
	while (w->answers < r->nr_vcpus && !w->stopping &&
	       atomic_load(&r->status) == STATUS_RUNNING &&
	       accel_now_ns() < until)
		halt_watch_sleep(w, HALT_SLICE_NS);
	none = w->answers == r->nr_vcpus && w->final &&
	       w->final + w->waiting == r->nr_vcpus;
	w->open = 0;
	pthread_cond_broadcast(&w->cond);
	return none;
}

/* The watch wakes every HALT_TICK_NS (a futex wait, no vCPU touched) so
 * that the guest's last line starts the quiet at once, whatever
 * interval the looks have grown to. */
static void *halt_watch_thread(void *arg)
{
	struct runner *r = arg;
	struct halt_watch *w = &r->watch;
	uint64_t every = HALT_EVERY_NS, seen_output = 0, next = 0;
	bool halted = false;

	pthread_mutex_lock(&w->lock);
	while (!halted && halt_watch_sleep(w, HALT_TICK_NS)) {
		uint64_t out = atomic_load(&w->last_output_ns);

		if (out != seen_output) {
			seen_output = out;
			every = HALT_EVERY_NS;
			next = out + HALT_QUIET_NS;
		}
		if (accel_now_ns() < next)
			continue;
		halted = halt_watch_look(r);
		if (every < HALT_EVERY_MAX_NS)
			every *= 2;
		next = accel_now_ns() + every;
	}
	pthread_mutex_unlock(&w->lock);
	if (halted) {
		serial_flush(&r->serial);
		term_restore();
		accel_note(r->cfg, ACCEL_HALT_NOTE);
		runner_stop(r, EXIT_GUEST_OK);
	}
	return NULL;
}

/* Before the sandbox, which refuses new threads; the watch takes no
 * signal but the sandbox's trap. */
static int halt_watch_start(struct runner *r, struct db_error *err)
{
	struct halt_watch *w = &r->watch;
	pthread_condattr_t ca;
	sigset_t block, old;
	int e;

	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	atomic_store(&w->last_output_ns, accel_now_ns());
	sigfillset(&block);
	sigdelset(&block, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	e = pthread_create(&w->thread, NULL, halt_watch_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		return db_fail(err, DB_ERR_HOST,
			       "kvm: cannot start the halt watch: %s",
			       strerror(e));
	}
	w->started = true;
	return DB_OK;
}

/* The run is over: release any parked vCPU and end the thread. */
static void halt_watch_stop(struct runner *r)
{
	struct halt_watch *w = &r->watch;

	if (!w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	w->open = 0;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->started = false;
}

struct loop_stats {
	uint64_t t_first_exit;
};

static void on_thr_batching(void *opaque, bool on)
{
	struct runner *r = opaque;

	coalesced_set(&r->thr_ring, on);
}

static void replay_thr(void *opaque, uint16_t port, const uint8_t *data,
		       unsigned len)
{
	struct runner *r = opaque;

	for (unsigned i = 0; i < len; i++)
		serial_write(&r->serial, port + i - SERIAL_COM1_BASE, data[i]);
}

/* The THR writes the ring holds come before whatever exit follows them. */
static void drain_thr(struct runner *r, struct exitstats *es)
{
	unsigned n = coalesced_drain(&r->thr_ring, replay_thr, r);

	if (es && n)
		exitstats_coalesced(es, SERIAL_COM1_BASE, n);
}

static void vcpu_loop(struct runner *r, struct vcpu *v, struct loop_stats *st)
{
	struct exitstats *es = r->cfg->timings ? exitstats_for(v->id) : NULL;
	uint64_t t_in = 0, t_out = 0;
	unsigned watch_seen = 0;

	while (atomic_load(&r->status) == STATUS_RUNNING) {
		int ret;

		if (es && t_in)
			exitstats_add(es, v->run, 0, t_out - t_in,
				      accel_now_ns() - t_out);
		t_in = es ? accel_now_ns() : 0;
		ret = ioctl(v->fd, KVM_RUN, 0);
		t_out = es ? accel_now_ns() : 0;
		drain_thr(r, es);
		if (st && !st->t_first_exit)
			st->t_first_exit = accel_now_ns();
		if (ret < 0) {
			if (es)
				exitstats_add(es, v->run, ret, t_out - t_in, 0);
			t_in = 0;
			if (errno != EINTR && errno != EAGAIN) {
				accel_note(r->cfg, "KVM_RUN on vCPU %u: %s",
					   v->id, strerror(errno));
				runner_stop(r, EXIT_HOST);
				break;
			}
			v->run->immediate_exit = 0;
			if (st)
				check_signals(r);
			halt_watch_answer(r, v, &watch_seen);
			continue;
		}
		handle_exit(r, v);
	}
	if (es && t_in)
		exitstats_add(es, v->run, 0, t_out - t_in,
			      accel_now_ns() - t_out);
}

/* There is one run per process; the AP threads find it here. */
static struct runner runner;

static void *ap_thread(void *arg)
{
	struct runner *r = &runner;

	pthread_mutex_lock(&r->io_lock);
	r->nr_running++;
	pthread_cond_broadcast(&r->running);
	pthread_mutex_unlock(&r->io_lock);
	vcpu_loop(r, arg, NULL);
	return NULL;
}

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (bsp_run)
		bsp_run->immediate_exit = 1;
}

static void on_kick(int sig)
{
	(void)sig;
}

/* A crash of our own must not leave the terminal raw. */
static void on_fatal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_setup(bool tty)
{
	static const int stops[] = {SIGALRM, SIGINT, SIGTERM, SIGHUP};
	static const int fatals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_kick;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (tty) {
		sa.sa_handler = on_fatal;
		sa.sa_flags = SA_RESETHAND;
		for (size_t i = 0; i < sizeof(fatals) / sizeof(fatals[0]); i++)
			sigaction(fatals[i], &sa, NULL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* The vCPUs: CPUID for each, the plan's state for the boot vCPU.  The
 * others stay in KVM's wait-for-SIPI state until the guest wakes them. */
static int vcpus_setup(struct runner *r, const struct plan *plan, unsigned n,
		       struct db_error *err)
{
	int ret;

	for (unsigned i = 0; i < n; i++) {
		ret = vcpu_create(&r->vm, i, &r->vcpus[i], err);
		if (ret)
			return ret;
		r->nr_vcpus++;
		ret = cpuid_setup(&r->vm, &r->vcpus[i], n, err);
		if (ret)
			return ret;
	}
	ret = vcpu_set_lapic_wiring(&r->vcpus[0], err);
	if (ret)
		return ret;
	return vcpu_set_plan_state(&r->vcpus[0], &plan->cpu, err);
}

static int start_aps(struct runner *r, struct db_error *err)
{
	sigset_t block, old;
	int ret = DB_OK;

	/* APs take only the kick, never the process signals. */
	sigfillset(&block);
	sigdelset(&block, SIGUSR1);
	sigdelset(&block, SIGSYS); /* the sandbox's trap must name the call */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned i = 1; i < r->nr_vcpus; i++) {
		int e = pthread_create(&r->threads[i], NULL, ap_thread,
				       &r->vcpus[i]);

		if (e) {
			ret = db_fail(err, DB_ERR_HOST,
				      "kvm: cannot start vCPU %u: %s", i,
				      strerror(e));
			break;
		}
		r->nr_threads = i + 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* Every thread is in its own code before the caller goes on: a
	 * sandbox may come next, and must not catch the C library (or
	 * ASan) still starting a thread with calls it refuses. */
	pthread_mutex_lock(&r->io_lock);
	while (r->nr_running + 1 < r->nr_threads)
		pthread_cond_wait(&r->running, &r->io_lock);
	pthread_mutex_unlock(&r->io_lock);
	return ret;
}

/*
 * The peak RSS of this process image: VmHWM, not getrusage()'s
 * ru_maxrss, which also remembers the peak of the process before exec
 * (the forked shell), a megabyte or two that is not ours.
 */
static uint64_t peak_rss_bytes(void)
{
	char line[128];
	unsigned long long kib = 0;
	FILE *f = fopen(sandbox_proc_status, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib * 1024;
}

static void print_memory(const struct runner *r)
{
	uint64_t peak = peak_rss_bytes();
	uint64_t guest = vm_resident_bytes(&r->vm);

	accel_note(r->cfg,
		   "memory: peak RSS %llu KiB, guest RAM touched %llu KiB, "
		   "launcher overhead %lld KiB",
		   (unsigned long long)(peak >> 10),
		   (unsigned long long)(guest >> 10),
		   (long long)(peak - guest) / 1024);
}

static void runner_teardown(struct runner *r)
{
	coalesced_destroy(&r->thr_ring);
	for (unsigned i = 0; i < r->nr_vcpus; i++)
		vcpu_destroy(&r->vcpus[i]);
	vm_destroy(&r->vm);
	pthread_cond_destroy(&r->running);
	pthread_mutex_destroy(&r->io_lock);
	term_watch(NULL, NULL);
	pthread_mutex_destroy(&r->panic_lock);
}

/*
 * COM1's output: stdout, but in the kernel developer's loop, where
 * stdout is CMD's (hvc0), the kernel's console goes to stderr with
 * --debug and else nowhere; the panic watch sees it either way
 * (term_write() shows it every byte first).
 */
static int serial_out_fd(const struct accel_config *cfg)
{
	static int null_fd = -1;

	if (!cfg->devloop)
		return STDOUT_FILENO;
	if (cfg->debug)
		return STDERR_FILENO;
	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return null_fd >= 0 ? null_fd : STDERR_FILENO;
}

/* The loop's status: a clean end without the init's word is a guest
 * whose init never got CMD to run. */
static int devloop_status(struct runner *r)
{
	int status = atomic_load(&r->status);

	if (!r->cfg->devloop || r->devloop_status || status != EXIT_GUEST_OK)
		return status;
	accel_note(r->cfg, "the guest reset without reporting a status: its "
			   "init did not finish (--debug shows the kernel's "
			   "console)");
	return EXIT_GUEST_CRASH;
}

/* The VM kvm_prepare() starts; see kvm.h. */
#define PREPARE_SLOT_SIZE 0x100000

static struct {
	pthread_t thread;
	bool started;
	struct vm vm;
	struct db_error err;
	int ret;
	uint64_t create_ns, slot_ns; /* for --timings */
} prep;

/* No irqchip yet: it comes after the last slot (see vm_add_irqchip()). */
static void *prepare_thread(void *arg)
{
	uint64_t t0 = accel_now_ns(), t1;

	prep.ret = vm_create(&prep.vm, false, &prep.err);
	if (!prep.ret) {
		t1 = accel_now_ns();
		prep.ret =
			vm_add_ram(&prep.vm, 0, PREPARE_SLOT_SIZE, &prep.err);
		if (prep.ret)
			vm_destroy(&prep.vm);
		prep.create_ns = t1 - t0;
		prep.slot_ns = accel_now_ns() - t1;
	}
	return arg;
}

void kvm_prepare(void)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	prep.started =
		!pthread_create(&prep.thread, NULL, prepare_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void kvm_unprepare(void)
{
	if (!prep.started)
		return;
	pthread_join(prep.thread, NULL);
	prep.started = false;
	if (!prep.ret)
		vm_destroy(&prep.vm);
}

static int vm_take(struct vm *vm, struct db_error *err)
{
	if (!prep.started)
		return vm_create(vm, false, err);
	pthread_join(prep.thread, NULL);
	prep.started = false;
	*vm = prep.vm;
	if (prep.ret)
		*err = prep.err;
	return prep.ret;
}

static int runner_setup(struct runner *r, const struct plan *plan,
			struct db_error *err)
{
	unsigned n = plan->cpus ? plan->cpus : 1;
	int ret;

	if (n > PLAN_CPUS_MAX)
		return db_fail(err, DB_ERR_INPUT,
			       "kvm: the plan's %u CPUs are more than %d", n,
			       PLAN_CPUS_MAX);
	ret = vm_take(&r->vm, err);
	if (ret)
		return ret;
	ret = vm_load_plan(&r->vm, plan, err);
	if (!ret && !r->vm.irqchip)
		ret = vm_add_irqchip(&r->vm, err);
	if (!ret)
		ret = vcpus_setup(r, plan, n, err);
	if (ret)
		return ret;
	coalesced_init(&r->thr_ring, r->vm.kvm_fd, r->vm.fd, r->vcpus[0].run,
		       r->vcpus[0].run_size, SERIAL_COM1_BASE);
	serial_set_batching(&r->serial, on_thr_batching, r);
	return DB_OK;
}

static void report_timings(const struct runner *r, const struct loop_stats *st,
			   uint64_t t0, uint64_t t_setup)
{
	const struct accel_config *cfg = r->cfg;
	uint64_t t_end = accel_now_ns();

	accel_timing(cfg, "vm setup", t_setup - t0);
	if (prep.slot_ns) {
		accel_timing(cfg, " prepared: VM", prep.create_ns);
		accel_timing(cfg, " prepared: first memory slot", prep.slot_ns);
	}
	if (cfg->t_start_ns)
		accel_timing(cfg, "setup (exec to first KVM_RUN)",
			     t_setup - cfg->t_start_ns);
	if (st->t_first_exit)
		accel_timing(cfg, "first guest exit",
			     st->t_first_exit - t_setup);
	accel_timing(cfg, "guest run", t_end - t_setup);
	if (cfg->t_start_ns)
		accel_timing(cfg, "total (exec to exit)",
			     t_end - cfg->t_start_ns);
	exitstats_report(cfg, r->nr_vcpus);
	print_memory(r);
}

int kvm_run_plan(const struct plan *plan, const struct accel_config *cfg,
		 struct db_error *err)
{
	struct runner *r = &runner;
	struct loop_stats st = {0};
	uint64_t t0 = accel_now_ns(), t_setup;
	int ret;

	memset(r, 0, sizeof(*r));
	r->vm.fd = r->vm.kvm_fd = -1;
	r->cfg = cfg;
	r->debug = cfg->debug;
	r->threads[0] = pthread_self();
	r->nr_threads = 1;
	atomic_init(&r->status, STATUS_RUNNING);
	pthread_mutex_init(&r->io_lock, NULL);
	pthread_cond_init(&r->running, NULL);
	i8042_init(&r->kbd);
	acpi_pm_init(&r->pm, accel_now_ns);
	pthread_mutex_init(&r->panic_lock, NULL);
	term_watch(on_console_output, r);
	serial_init(&r->serial, serial_out_fd(cfg), on_serial_irq, r);
	if (!cfg->devices.console)
		term_attach(serial_input, &r->serial);
	/* The console thread starts first and gets going while the VM is
	 * set up: until the guest enables a UART interrupt it only queues
	 * what is typed.  A Ctrl-A x already kicks vCPU 0's thread, so the
	 * handlers come before it. */
	signals_setup(isatty(STDIN_FILENO));
	ret = term_start(STDIN_FILENO, on_quit_key, r);
	if (ret)
		ret = db_fail(err, DB_ERR_HOST,
			      "cannot start the console thread: %s",
			      strerror(-ret));
	/* virtiofsd maps guest RAM: memfds (vm.h); it starts meanwhile. */
	vm_share_ram(cfg->devices.nr_shares > 0);
	if (!ret)
		ret = virtio_host_prepare(cfg, err);
	if (!ret)
		ret = runner_setup(r, plan, err);
	if (!ret)
		ret = virtio_host_start(cfg, &r->vm, plan, err);
	if (ret) {
		virtio_host_stop();
		term_stop();
		runner_teardown(r);
		serial_destroy(&r->serial);
		return accel_error_status(err);
	}
	bsp_run = r->vcpus[0].run;
	if (stop_signal) /* it came during the set-up */
		bsp_run->immediate_exit = 1;
	term_wait();
	ret = start_aps(r, err);
	if (!ret)
		ret = halt_watch_start(r, err);
	if (!ret)
		ret = sandbox_enter(&cfg->sandbox, r->vm.fd, r->vcpus,
				    r->nr_vcpus, err);
	if (ret)
		runner_stop(r, accel_error_status(err));
	if (cfg->timeout_s)
		alarm(cfg->timeout_s);
	t_setup = accel_now_ns();
	vcpu_loop(r, &r->vcpus[0], &st);
	alarm(0);
	halt_watch_stop(r);
	for (unsigned i = 1; i < r->nr_threads; i++)
		pthread_join(r->threads[i], NULL);
	drain_thr(r, NULL);
	serial_flush(&r->serial);
	term_stop();
	virtio_host_stop();
	bsp_run = NULL;
	if (cfg->timings)
		report_timings(r, &st, t0, t_setup);
	runner_teardown(r);
	serial_destroy(&r->serial);
	return devloop_status(r);
}
