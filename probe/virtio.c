/* SPDX-License-Identifier: MIT */
/*
 * The probe's virtio drivers: small, polled (no interrupts), one request
 * in flight per queue.  The probe finds each device the way Linux does,
 * from "virtio_mmio.device=<size>@<base>:<irq>" on its command line,
 * negotiates VIRTIO_F_VERSION_1 alone, and then:
 *
 *   blk      writes a pattern to sector VIRTIO_PROBE_SECTOR, flushes,
 *            reads it back and reports the CRC-32 and whether it matched;
 *   console  prints one line through hvc0 (transmitq0) and, with
 *            "probe.hvc_echo=1", reports what is typed into hvc0 up to
 *            a 'q' (HVC_INPUT=<the bytes in hex, spaced>);
 *   rng      reads 64 bytes and reports whether they are all equal;
 *   net      sends one frame (ethertype 0x88b5, to the broadcast
 *            address) and reports the first frame that comes back.
 *
 * Report lines (hex values, like the rest of the probe):
 *   VIRTIO_DEVICE=<base> ID=<id> IRQ=<irq>
 *   VIRTIO_BLK_FLUSHED=<status>  (the test may SIGKILL the launcher here)
 *   VIRTIO_BLK_CRC=<crc> VIRTIO_BLK_MATCH=<0|1> ...
 * "probe.virtio_hold=1" on the command line makes the probe stop after
 * the flush instead of resetting, so that a test can kill the launcher
 * at a known point.
 */
#include "directboot/bootparam.h"
#include "directboot/hvm_start_info.h"
#include "directboot/virtio.h"
#include "probe.h"
#include "probe_virtio.h"

#define VQ_SIZE 64
#define BENCH_DEPTH 16 /* requests in flight: 3 descriptors each */
#define CMDLINE_MAX 2048
#define DEVICES_MAX 8
#define BLK_BYTES 4096
#define RNG_BYTES 64
#define FRAME_MAX 1514
#define ETH_P_DIRECTBOOT 0x88b5 /* IEEE local experimental ethertype */

/* One split virtqueue, laid out as 2.7 wants it aligned. */
struct vq {
	struct vring_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[VQ_SIZE], used_event;
	} avail __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct vring_used_elem ring[VQ_SIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uint16_t next_avail, used_seen;
	uint64_t base;
	unsigned index;
};

static struct vq vqs[2];
static char cmdline[CMDLINE_MAX];
static uint8_t blk_out[BLK_BYTES] __attribute__((aligned(512)));
static uint8_t blk_in[BLK_BYTES] __attribute__((aligned(512)));
static uint8_t rng_buf[RNG_BYTES];
static uint8_t net_tx[12 + 64], net_rx[12 + FRAME_MAX];
static struct virtio_blk_outhdr blk_hdr;
static volatile uint8_t blk_status;

static void barrier(void)
{
	asm volatile("mfence" : : : "memory");
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t mr(uint64_t base, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static void mw(uint64_t base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(base + off) = v;
}

static bool has(const char *s, const char *word)
{
	for (const char *p = s; *p; p++) {
		const char *a = p, *b = word;

		if (p != s && p[-1] != ' ')
			continue;
		while (*b && *a == *b)
			a++, b++;
		if (!*b && (*a == ' ' || !*a))
			return true;
	}
	return false;
}

/* Parse a number (decimal, 0x hex, K/M suffix) at *s. */
static uint64_t num(const char **s)
{
	const char *p = *s;
	uint64_t v = 0;
	unsigned base = 10;

	if (p[0] == '0' && p[1] == 'x')
		base = 16, p += 2;
	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		v = v * base + d;
	}
	if (*p == 'K' || *p == 'k')
		v <<= 10, p++;
	else if (*p == 'M' || *p == 'm')
		v <<= 20, p++;
	*s = p;
	return v;
}

static void read_cmdline(uint64_t pa)
{
	uint64_t len = 0;

	cmdline[0] = '\0';
	if (!pa)
		return;
	while (len + 1 < sizeof(cmdline) &&
	       phys_read(pa + len, &cmdline[len], 1) && cmdline[len])
		len++;
	cmdline[len] = '\0';
}

/* 3.1.1 up to FEATURES_OK; false when the device says no. */
static bool dev_begin(uint64_t base, uint64_t extra)
{
	uint64_t f;

	mw(base, VIRTIO_MMIO_STATUS, 0);
	mw(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	mw(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	mw(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)mr(base, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	mw(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f |= mr(base, VIRTIO_MMIO_DEVICE_FEATURES);
	f &= extra | 1ull << VIRTIO_F_VERSION_1;
	mw(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mw(base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	mw(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mw(base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	mw(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
	return mr(base, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK;
}

static bool vq_setup(struct vq *q, uint64_t base, unsigned index)
{
	uint64_t d = (uintptr_t)q->desc, a = (uintptr_t)&q->avail,
		 u = (uintptr_t)&q->used;

	memset(q, 0, sizeof(*q));
	q->base = base;
	q->index = index;
	mw(base, VIRTIO_MMIO_QUEUE_SEL, index);
	if (mr(base, VIRTIO_MMIO_QUEUE_NUM_MAX) < VQ_SIZE)
		return false;
	mw(base, VIRTIO_MMIO_QUEUE_NUM, VQ_SIZE);
	mw(base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)d);
	mw(base, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(d >> 32));
	mw(base, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)a);
	mw(base, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(a >> 32));
	mw(base, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)u);
	mw(base, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(u >> 32));
	mw(base, VIRTIO_MMIO_QUEUE_READY, 1);
	return mr(base, VIRTIO_MMIO_QUEUE_READY) == 1;
}

static void dev_ok(uint64_t base)
{
	mw(base, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
	   VIRTIO_CONFIG_S_DRIVER_OK);
}

struct buf {
	const void *p;
	uint32_t len;
	bool write;
};

/* Make a chain available and notify; no wait. */
static void vq_post(struct vq *q, const struct buf *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		q->desc[i].addr = (uintptr_t)b[i].p;
		q->desc[i].len = b[i].len;
		q->desc[i].flags = (uint16_t)((b[i].write ? VRING_DESC_F_WRITE
							  : 0) |
					      (i + 1 < n ? VRING_DESC_F_NEXT
							 : 0));
		q->desc[i].next = (uint16_t)(i + 1);
	}
	q->avail.ring[q->next_avail % VQ_SIZE] = 0;
	barrier();
	q->next_avail++;
	*(volatile uint16_t *)&q->avail.idx = q->next_avail;
	barrier();
	mw(q->base, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

/* Wait for the next used entry, at most ticks TSC cycles; its length,
 * or -1 on timeout. */
static int64_t vq_wait(struct vq *q, uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (*(volatile uint16_t *)&q->used.idx == q->used_seen) {
		if (rdtsc() - t0 > ticks)
			return -1;
		asm volatile("pause");
	}
	barrier();
	return q->used.ring[q->used_seen++ % VQ_SIZE].len;
}

#define WAIT_TICKS (30ull * 1000 * 1000 * 1000)

static int64_t vq_run(struct vq *q, const struct buf *b, unsigned n)
{
	vq_post(q, b, n);
	return vq_wait(q, WAIT_TICKS);
}

static uint8_t blk_request(struct vq *q, uint32_t type, uint64_t sector,
			   void *data, uint32_t len, bool in)
{
	struct buf b[3] = {
		{ &blk_hdr, sizeof(blk_hdr), false },
		{ data, len, in },
		{ (const void *)&blk_status, 1, true },
	};

	blk_hdr.type = type;
	blk_hdr.ioprio = 0;
	blk_hdr.sector = sector;
	blk_status = 0xff;
	if (!len)
		b[1] = b[2];
	if (vq_run(q, b, len ? 3 : 2) < 0)
		return 0xfe; /* no answer */
	return blk_status;
}

/*
 * probe.blkbench=1: the I/O that bench/blk times, phase by phase.  The
 * probe only marks where each phase starts ("BLKBENCH_PHASE=n", then
 * "BLKBENCH_DONE"); the bench timestamps the lines as they arrive, so
 * the probe needs no clock of its own.
 */
static uint8_t bench_buf[VIRTIO_BENCH_SEQ_CHUNK]
	__attribute__((aligned(4096), section(".bss.noinit")));

/* BENCH_DEPTH requests in flight: three descriptors each, from
 * descriptor 3 * slot, all made available before one notify. */
static struct virtio_blk_outhdr bench_hdr[BENCH_DEPTH];
static volatile uint8_t bench_st[BENCH_DEPTH];

static void bench_add(struct vq *q, unsigned slot, uint32_t type,
		      uint64_t sector, uint32_t len, bool in)
{
	struct vring_desc *d = &q->desc[3 * slot];
	uint16_t first = (uint16_t)(3 * slot);

	bench_hdr[slot] = (struct virtio_blk_outhdr){ type, 0, sector };
	bench_st[slot] = 0xff;
	d[0] = (struct vring_desc){ (uintptr_t)&bench_hdr[slot], 16,
				    VRING_DESC_F_NEXT, (uint16_t)(first + 1) };
	d[1] = (struct vring_desc){ (uintptr_t)bench_buf, len,
				    (uint16_t)(VRING_DESC_F_NEXT |
					       (in ? VRING_DESC_F_WRITE : 0)),
				    (uint16_t)(first + 2) };
	d[2] = (struct vring_desc){ (uintptr_t)&bench_st[slot], 1,
				    VRING_DESC_F_WRITE, 0 };
	q->avail.ring[q->next_avail++ % VQ_SIZE] = first;
}

/* Publish the batch, notify once, wait until all of it is used. */
static uint8_t bench_run(struct vq *q, unsigned n)
{
	uint64_t t0 = rdtsc();
	uint8_t bad = 0;

	barrier();
	*(volatile uint16_t *)&q->avail.idx = q->next_avail;
	barrier();
	mw(q->base, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
	while (*(volatile uint16_t *)&q->used.idx != q->next_avail)
		if (rdtsc() - t0 > WAIT_TICKS)
			return 0xfe;
	q->used_seen = q->next_avail;
	for (unsigned i = 0; i < n; i++)
		bad |= bench_st[i];
	return bad;
}

static void blk_bench(struct vq *q)
{
	uint32_t rnd = 12345;
	uint8_t bad = 0;

	for (unsigned i = 0; i < sizeof(bench_buf); i++)
		bench_buf[i] = (uint8_t)i;
	for (unsigned phase = 0; phase < 4; phase++) {
		bool write = !(phase & 1), seq = phase < 2;
		unsigned n = seq ? VIRTIO_BENCH_SEQ_BYTES /
					   VIRTIO_BENCH_SEQ_CHUNK
				 : VIRTIO_BENCH_RAND_OPS;
		uint32_t len = seq ? VIRTIO_BENCH_SEQ_CHUNK : 4096;
		unsigned slot = 0;

		put_kv("BLKBENCH_PHASE", phase);
		for (unsigned i = 0; i < n; i++) {
			uint64_t sector;

			if (seq) {
				sector = (uint64_t)i * (len / 512);
			} else {
				rnd = VIRTIO_BENCH_NEXT(rnd);
				sector = VIRTIO_BENCH_BLOCK(rnd) * 8;
			}
			bench_add(q, slot++, write ? VIRTIO_BLK_T_OUT
						   : VIRTIO_BLK_T_IN,
				  sector, len, !write);
			if (slot == BENCH_DEPTH || i + 1 == n) {
				bad |= bench_run(q, slot);
				slot = 0;
			}
		}
	}
	put_kv("BLKBENCH_DONE", bad);
}

/* The 8259's interrupt request register (OCW3 "read IRR", the state
 * after reset): a line's bit is latched on its rising edge even while
 * masked and with interrupts off, so the probe sees its device's
 * interrupt arrive without taking it. */
static bool pic_irr(unsigned irq)
{
	uint16_t port = irq < 8 ? 0x20 : 0xa0;

	outb(port, 0x0a);
	return irq < 16 && (inb(port) >> (irq & 7) & 1);
}

/*
 * probe.virtio_evil=1: break the spec on purpose, twice, and see the
 * device say DEVICE_NEEDS_RESET (with a configuration interrupt) while
 * the probe runs on, then come back after a reset: a descriptor chain
 * that loops (0 -> 1 -> 0), then a buffer far outside guest RAM.
 */
static bool blk_evil_case(uint64_t base, struct vq *q, uint64_t addr,
			  uint16_t next1)
{
	uint64_t t0;

	dev_begin(base, 0);
	vq_setup(q, base, 0);
	dev_ok(base);
	q->desc[0] = (struct vring_desc){ (uintptr_t)&blk_hdr, 16,
					  VRING_DESC_F_NEXT, 1 };
	q->desc[1] = (struct vring_desc){ addr, 512, VRING_DESC_F_NEXT, next1 };
	q->desc[2] = (struct vring_desc){ (uintptr_t)&blk_status, 1,
					  VRING_DESC_F_WRITE, 0 };
	q->avail.ring[0] = 0;
	barrier();
	*(volatile uint16_t *)&q->avail.idx = 1;
	barrier();
	mw(base, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (t0 = rdtsc(); rdtsc() - t0 < WAIT_TICKS;)
		if (mr(base, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET)
			return (mr(base, VIRTIO_MMIO_INTERRUPT_STATUS) &
				VIRTIO_MMIO_INT_CONFIG) &&
			       *(volatile uint16_t *)&q->used.idx == 0;
	return false;
}

static void blk_evil(uint64_t base, struct vq *q)
{
	uint8_t st;

	blk_hdr.type = VIRTIO_BLK_T_OUT;
	blk_hdr.sector = VIRTIO_PROBE_SECTOR;
	put_kv("VIRTIO_EVIL_LOOP", blk_evil_case(base, q, (uintptr_t)blk_in, 0));
	put_kv("VIRTIO_EVIL_OUT_OF_RAM",
	   blk_evil_case(base, q, 0x7ffffff00000ull, 2));
	/* Reset, and the device works again; the pattern is intact. */
	dev_begin(base, 0);
	vq_setup(q, base, 0);
	dev_ok(base);
	memset(blk_in, 0, sizeof(blk_in));
	st = blk_request(q, VIRTIO_BLK_T_IN, VIRTIO_PROBE_SECTOR, blk_in,
			 BLK_BYTES, true);
	put_kv("VIRTIO_EVIL_RECOVERED_CRC",
	   st ? 0 : crc32_update(0, blk_in, BLK_BYTES));
}

static void blk_test(uint64_t base, unsigned irq, bool hold)
{
	struct vq *q = &vqs[0];
	uint32_t cap_lo = mr(base, VIRTIO_MMIO_CONFIG), crc;
	uint8_t st;
	bool match = true, irr_before = pic_irr(irq);

	if (!dev_begin(base, 1ull << VIRTIO_BLK_F_FLUSH) ||
	    !vq_setup(q, base, 0)) {
		put_kv("VIRTIO_BLK_SETUP_FAILED", mr(base, VIRTIO_MMIO_STATUS));
		return;
	}
	dev_ok(base);
	put_kv("VIRTIO_BLK_CAPACITY", cap_lo |
	   (uint64_t)mr(base, VIRTIO_MMIO_CONFIG + 4) << 32);
	for (unsigned i = 0; i < BLK_BYTES; i++)
		blk_out[i] = VIRTIO_PROBE_PATTERN(i);
	st = blk_request(q, VIRTIO_BLK_T_OUT, VIRTIO_PROBE_SECTOR, blk_out,
			 BLK_BYTES, false);
	put_kv("VIRTIO_BLK_WRITE", st);
	/* The used buffer raised the device's line (irqfd to the PIC and
	 * I/O APIC) and InterruptStatus says why; the ack clears it. */
	put_kv("VIRTIO_BLK_IRQ", !irr_before && pic_irr(irq));
	put_kv("VIRTIO_BLK_ISR", mr(base, VIRTIO_MMIO_INTERRUPT_STATUS));
	mw(base, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	put_kv("VIRTIO_BLK_ISR_ACKED", mr(base, VIRTIO_MMIO_INTERRUPT_STATUS));
	st = blk_request(q, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
	put_kv("VIRTIO_BLK_FLUSHED", st);
	if (hold) {
		serial_puts("VIRTIO_HOLD\n");
		/* Spin, not cli; hlt: a halt nothing can wake ends the run
		 * (vmm/run.c's halt watch) before the test's SIGKILL. */
		for (;;)
			asm volatile("pause");
	}
	memset(blk_in, 0, sizeof(blk_in));
	st = blk_request(q, VIRTIO_BLK_T_IN, VIRTIO_PROBE_SECTOR, blk_in,
			 BLK_BYTES, true);
	put_kv("VIRTIO_BLK_READ", st);
	for (unsigned i = 0; i < BLK_BYTES; i++)
		match &= blk_in[i] == blk_out[i];
	crc = crc32_update(0, blk_in, BLK_BYTES);
	put_kv("VIRTIO_BLK_CRC", crc);
	put_kv("VIRTIO_BLK_MATCH", match);
	if (has(cmdline, "probe.virtio_evil=1"))
		blk_evil(base, q);
	if (has(cmdline, "probe.blkbench=1"))
		blk_bench(q);
}

/* What the host terminal handed hvc0, byte by byte, up to a 'q'. */
static void console_input(void)
{
	static const char hex[] = "0123456789abcdef";
	static uint8_t rx[64];
	struct buf b = { rx, sizeof(rx), true };
	unsigned total = 0;
	int64_t r = 0;

	serial_puts("HVC_INPUT=");
	while (total < 256 && (r = vq_run(&vqs[0], &b, 1)) >= 0) {
		for (int64_t i = 0; i < r; i++) {
			if (rx[i] == 'q')
				goto out;
			if (total++)
				serial_putc(' ');
			serial_putc(hex[rx[i] >> 4]);
			serial_putc(hex[rx[i] & 15]);
		}
	}
out:
	serial_putc('\n');
}

static void console_test(uint64_t base)
{
	static const char line[] = "HVC_LINE=hello from the probe on hvc0\n";
	struct buf b = { line, sizeof(line) - 1, false };
	int64_t r;

	if (!dev_begin(base, 0) || !vq_setup(&vqs[0], base, 0) ||
	    !vq_setup(&vqs[1], base, 1)) {
		put_kv("VIRTIO_CONSOLE_SETUP_FAILED", mr(base, VIRTIO_MMIO_STATUS));
		return;
	}
	dev_ok(base);
	r = vq_run(&vqs[1], &b, 1);
	put_kv("VIRTIO_CONSOLE_SENT", r >= 0);
	if (has(cmdline, "probe.hvc_echo=1"))
		console_input();
}

static void rng_test(uint64_t base)
{
	struct buf b = { rng_buf, RNG_BYTES, true };
	bool varied = false;
	int64_t r;

	if (!dev_begin(base, 0) || !vq_setup(&vqs[0], base, 0)) {
		put_kv("VIRTIO_RNG_SETUP_FAILED", mr(base, VIRTIO_MMIO_STATUS));
		return;
	}
	dev_ok(base);
	memset(rng_buf, 0, sizeof(rng_buf));
	r = vq_run(&vqs[0], &b, 1);
	for (unsigned i = 1; i < RNG_BYTES; i++)
		varied |= rng_buf[i] != rng_buf[0];
	put_kv("VIRTIO_RNG_BYTES", r < 0 ? 0 : (uint64_t)r);
	put_kv("VIRTIO_RNG_VARIED", varied);
	/* Again at once: with a rate limit the bucket is empty now, and the
	 * request waits on the ring until the device's timer refills it. */
	r = vq_run(&vqs[0], &b, 1);
	put_kv("VIRTIO_RNG_BYTES2", r < 0 ? 0 : (uint64_t)r);
}

static void net_test(uint64_t base)
{
	struct buf rx = { net_rx, sizeof(net_rx), true };
	struct buf tx = { net_tx, sizeof(net_tx), false };
	uint8_t *f = net_tx + 12;
	static const char msg[] = "directboot probe frame";
	int64_t r;
	uint64_t mac = 0;

	if (!dev_begin(base, 1ull << VIRTIO_NET_F_MAC) ||
	    !vq_setup(&vqs[0], base, 0) || !vq_setup(&vqs[1], base, 1)) {
		put_kv("VIRTIO_NET_SETUP_FAILED", mr(base, VIRTIO_MMIO_STATUS));
		return;
	}
	dev_ok(base);
	for (int i = 0; i < 6; i++)
		mac = mac << 8 | *(volatile uint8_t *)(uintptr_t)(base +
			VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC + i);
	put_kv("VIRTIO_NET_MAC", mac);
	/* A receive buffer first, so that the answer has somewhere to go. */
	vq_post(&vqs[0], &rx, 1);
	memset(net_tx, 0, sizeof(net_tx));
	memset(f, 0xff, 6);
	for (int i = 0; i < 6; i++)
		f[6 + i] = (uint8_t)(mac >> (40 - 8 * i));
	f[12] = ETH_P_DIRECTBOOT >> 8;
	f[13] = ETH_P_DIRECTBOOT & 0xff;
	memcpy(f + 14, msg, sizeof(msg));
	put_kv("VIRTIO_NET_TX", vq_run(&vqs[1], &tx, 1) >= 0);
	/* The host may send its own frames (IPv6 router solicitations):
	 * skip them, up to a few, until ours arrives. */
	for (int skipped = 0; skipped < 16; skipped++) {
		r = vq_wait(&vqs[0], 4 * WAIT_TICKS);
		if (r < 12 + 14)
			break;
		if ((net_rx[12 + 12] << 8 | net_rx[12 + 13]) ==
		    ETH_P_DIRECTBOOT) {
			put_kv("VIRTIO_NET_RX_LEN", (uint64_t)r);
			put_kv("VIRTIO_NET_RX_TYPE", ETH_P_DIRECTBOOT);
			put_kv("VIRTIO_NET_RX_CRC",
			   crc32_update(0, net_rx + 12, (uint64_t)r - 12));
			return;
		}
		vq_post(&vqs[0], &rx, 1);
	}
	put_kv("VIRTIO_NET_RX_LEN", 0);
}

static uint64_t cmdline_pa(const struct probe_entry_record *e)
{
	uint32_t lo = 0, hi = 0;

	if (e->kind == PROBE_ENTRY_PVH) {
		uint64_t pa = 0;

		phys_read(e->rbx + offsetof(struct hvm_start_info,
					    cmdline_paddr), &pa, 8);
		return pa;
	}
	phys_read(e->rsi + 0x228, &lo, 4);
	phys_read(e->rsi + 0x0c8, &hi, 4);
	return (uint64_t)hi << 32 | lo;
}

void virtio_probe(const struct probe_entry_record *e)
{
	static const char key[] = "virtio_mmio.device=";
	bool hold;

	read_cmdline(cmdline_pa(e));
	hold = has(cmdline, "probe.virtio_hold=1");
	for (const char *p = cmdline; *p; p++) {
		const char *k = key, *s = p;
		uint64_t size, base, irq;
		uint32_t id;

		if (p != cmdline && p[-1] != ' ')
			continue;
		while (*k && *s == *k)
			k++, s++;
		if (*k)
			continue;
		size = num(&s);
		if (*s++ != '@')
			continue;
		base = num(&s);
		irq = *s == ':' ? (s++, num(&s)) : 0;
		if (size < 0x100 || mr(base, VIRTIO_MMIO_MAGIC_VALUE) !=
				    VIRTIO_MMIO_MAGIC)
			continue;
		id = mr(base, VIRTIO_MMIO_DEVICE_ID);
		serial_puts("VIRTIO_DEVICE=");
		put_hex(base);
		serial_puts(" ID=");
		put_hex(id);
		serial_puts(" IRQ=");
		put_hex(irq);
		serial_puts(" VERSION=");
		put_hex(mr(base, VIRTIO_MMIO_VERSION));
		serial_putc('\n');
		if (id == VIRTIO_ID_BLOCK)
			blk_test(base, (unsigned)irq, hold);
		else if (id == VIRTIO_ID_CONSOLE)
			console_test(base);
		else if (id == VIRTIO_ID_RNG)
			rng_test(base);
		else if (id == VIRTIO_ID_NET)
			net_test(base);
		/* Leave it reset: nothing of ours stays live. */
		mw(base, VIRTIO_MMIO_STATUS, 0);
	}
}
