// SPDX-License-Identifier: MIT
/*
 * The evil probe's virtio cases: a virtio-blk driver that breaks the
 * virtio 1.x rules one way per case (-DEVIL_CASE_<name>, evil/evil.mk),
 * on the first device of its command line ("virtio_mmio.device=...@
 * <base>:<irq>", booted with --disk FILE -m 64M).  The device must then
 * show DEVICE_NEEDS_RESET in its Status (spec 2.1.2) while the VM runs
 * on; the probe resets it, writes EVIL_SECTOR properly, flushes, and
 * reports, so that tests/integration/83-hostile-virtio.sh can check that
 * the device still works and the bytes reached the file.
 *
 *   vq_loop         a descriptor chain that loops (0 -> 1 -> 0)
 *   vq_outside      a buffer far outside RAM (256 MiB of 64)
 *   vq_straddle     a buffer straddling the end of RAM
 *   vq_straddle_low a buffer straddling the end of the RAM below 640 KiB
 *   vq_straddle_hole  one straddling 3 GiB, where the 32-bit hole starts
 *                   (booted with -m 3584M)
 *   vq_len4g        a data buffer of 0xfffffff0 bytes
 *   vq_num          QueueNum 6 (not a power of two), then twice the max
 *   vq_ring_outside the descriptor table outside RAM
 *   vq_idx_jump     avail->idx moved by 1000 at once
 *   vq_state        registers written in the wrong state and width, a
 *                   queue index past the device's, then DRIVER_OK
 *                   without FEATURES_OK
 *   vq_clear_bit    DRIVER_OK and FEATURES_OK cleared while running
 *   vq_used_jump    the driver scribbles on used->idx: not a violation
 *                   the device can see (it keeps its own copy), so no
 *                   reset, and the request still completes
 *
 *   vq_indirect_unneg   an indirect table without INDIRECT_DESC
 *   vq_indirect_loop    a loop inside an indirect table (negotiated)
 *   vq_indirect_nested  an indirect table inside one (negotiated)
 *   rng_outside     virtio-rng (--rng): a buffer outside RAM
 *   rng_len4g       virtio-rng: a 4 GiB buffer
 *   con_loop        virtio-console (--console virtio): a looping
 *                   transmit chain
 *   con_outside     virtio-console: a transmit buffer across RAM's end
 *   blk_aligned_hold, blk_unaligned_hold: no misbehaviour, see
 *                   write_and_hold()
 *
 * Report lines: EVIL NEEDS_RESET=<0|1>, EVIL RECOVERED status=<hex>,
 * EVIL FLUSHED status=<hex> (blk), EVIL RNG RECOVERED len=<hex>, EVIL
 * CONSOLE RECOVERED used=<hex> after "EVIL CONSOLE OK" on hvc0, then
 * EVIL END.
 */
#include "directboot/hvm_start_info.h"
#include "directboot/virtio.h"
#include "probe.h"

#define RAM_END 0x4000000ull /* -m 64M */

/* Which device a case drives, and which of its queues. */
#if defined(EVIL_CASE_rng_outside) || defined(EVIL_CASE_rng_len4g)
#define EVIL_DEVICE VIRTIO_ID_RNG
#define EVIL_QUEUE 0
#elif defined(EVIL_CASE_con_loop) || defined(EVIL_CASE_con_outside)
#define EVIL_DEVICE VIRTIO_ID_CONSOLE
#define EVIL_QUEUE 1 /* transmitq0 */
#else
#define EVIL_DEVICE VIRTIO_ID_BLOCK
#define EVIL_QUEUE 0
#endif
#define Q 8
#define EVIL_SECTOR 16
#define WAIT_LOOPS 3000000u
#define CMDLINE_MAX 1024

/* The indirect cases negotiate VIRTIO_RING_F_INDIRECT_DESC. */
#if defined(EVIL_CASE_vq_indirect_loop) || defined(EVIL_CASE_vq_indirect_nested)
#define EVIL_FEATURES_LOW (1u << VIRTIO_RING_F_INDIRECT_DESC)
#else
#define EVIL_FEATURES_LOW 0u
#endif

static uint64_t base;
static struct vring_desc itable[4] __attribute__((aligned(16), unused));
static struct vring_desc desc[Q] __attribute__((aligned(16)));
static struct {
	uint16_t flags, idx, ring[Q], used_event;
} avail __attribute__((aligned(4)));
static struct {
	uint16_t flags, idx;
	struct vring_used_elem ring[Q];
	uint16_t avail_event;
} used __attribute__((aligned(4)));
static struct virtio_blk_outhdr hdr;
static uint8_t data[VIRTIO_BLK_SECTOR_SIZE] __attribute__((aligned(512)));
static volatile uint8_t status;
static char cmdline[CMDLINE_MAX];

#define barrier() asm volatile("" : : : "memory")

static uint64_t pa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void w32(uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(base + off) = v;
}

static uint32_t r32(uint64_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(base + off);
}

static void say(const char *key, uint64_t v)
{
	serial_puts("EVIL ");
	serial_puts(key);
	put_hex(v);
	serial_putc('\n');
}

/* The base of the first device of kind EVIL_DEVICE among the
 * "virtio_mmio.device=<size>@0x<hex>:<irq>" entries of the cmdline. */
static uint64_t find_base(void)
{
	const char *key = "virtio_mmio.device=";
	uint64_t si = probe_entry.rbx, cl = 0;

	if (!phys_read(si + 0x18, &cl, 8) || !cl)
		return 0;
	for (unsigned i = 0; i < CMDLINE_MAX - 1; i++)
		if (!phys_read(cl + i, &cmdline[i], 1) || !cmdline[i])
			break;
	for (unsigned i = 0; cmdline[i]; i++) {
		unsigned k = 0;
		uint64_t v = 0;

		while (key[k] && cmdline[i + k] == key[k])
			k++;
		if (key[k])
			continue;
		for (i += k; cmdline[i] && cmdline[i] != '@'; i++)
			;
		if (cmdline[i] != '@' || cmdline[i + 1] != '0' ||
		    cmdline[i + 2] != 'x')
			return 0;
		for (i += 3;; i++) {
			char c = cmdline[i];

			if (c >= '0' && c <= '9')
				v = v << 4 | (uint64_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v << 4 | (uint64_t)(c - 'a' + 10);
			else
				break;
		}
		base = v;
		if (r32(VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC &&
		    r32(VIRTIO_MMIO_DEVICE_ID) == EVIL_DEVICE)
			return v;
		if (!cmdline[i])
			break;
	}
	return 0;
}

/* Status through FEATURES_OK with VIRTIO_F_VERSION_1 alone. */
static bool negotiate(void)
{
	w32(VIRTIO_MMIO_STATUS, 0);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	w32(VIRTIO_MMIO_STATUS,
	    VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1u << (VIRTIO_F_VERSION_1 - 32));
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, EVIL_FEATURES_LOW);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER |
				VIRTIO_CONFIG_S_FEATURES_OK);
	return r32(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK;
}

static void set_rings(uint32_t num, uint64_t d, uint64_t a, uint64_t u)
{
	w32(VIRTIO_MMIO_QUEUE_SEL, EVIL_QUEUE);
	w32(VIRTIO_MMIO_QUEUE_NUM, num);
	w32(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)d);
	w32(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(d >> 32));
	w32(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)a);
	w32(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(a >> 32));
	w32(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)u);
	w32(VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(u >> 32));
	w32(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	w32(VIRTIO_MMIO_STATUS,
	    VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		    VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* A clean device with our rings, ready for requests. */
static bool setup(void)
{
	memset(desc, 0, sizeof(desc));
	memset(&avail, 0, sizeof(avail));
	memset(&used, 0, sizeof(used));
	if (!negotiate())
		return false;
	set_rings(Q, pa(desc), pa(&avail), pa(&used));
	driver_ok();
	return r32(VIRTIO_MMIO_QUEUE_READY) == 1;
}

static void submit(uint16_t head, uint16_t step)
{
	avail.ring[avail.idx % Q] = head;
	barrier();
	avail.idx = (uint16_t)(avail.idx + step);
	barrier();
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, EVIL_QUEUE);
}

static bool wait_used(uint16_t want)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++) {
		if (*(volatile uint16_t *)&used.idx == want)
			return true;
		asm volatile("pause");
	}
	return false;
}

/* Wait for DEVICE_NEEDS_RESET: the walker runs on the I/O thread. */
static bool wait_needs_reset(void)
{
	for (unsigned i = 0; i < WAIT_LOOPS / 100; i++) {
		if (r32(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET)
			return true;
		asm volatile("pause");
	}
	return false;
}

/* A well-formed request: header, data, status. */
static void request(uint32_t type, uint64_t sector, uint32_t data_flags)
{
	hdr.type = type;
	hdr.ioprio = 0;
	hdr.sector = sector;
	status = 0xff;
	desc[0] = (struct vring_desc){ pa(&hdr), sizeof(hdr),
				       VRING_DESC_F_NEXT, 1 };
	desc[1] = (struct vring_desc){ pa(data), sizeof(data),
				       VRING_DESC_F_NEXT | data_flags, 2 };
	desc[2] = (struct vring_desc){ pa(&status), 1, VRING_DESC_F_WRITE,
				       0 };
	if (type == VIRTIO_BLK_T_FLUSH) {
		desc[0].next = 2;
	}
}

#if defined(EVIL_CASE_blk_aligned_hold) || defined(EVIL_CASE_blk_unaligned_hold)
#define DL_SECTOR 32
#define DL_BYTES 4096
static uint8_t big[2 * DL_BYTES] __attribute__((aligned(4096)));

/*
 * Not a misbehaviour: write DL_BYTES of "DATALOSS" at sector DL_SECTOR,
 * flush, say so, and hold, so that tests/integration/84-data-loss.sh can
 * kill the launcher and drop the page cache right after the guest saw
 * its FLUSH complete.  The aligned case gives one 4 KiB-aligned buffer
 * (what O_DIRECT takes); the unaligned one three buffers at odd
 * addresses and lengths (what O_DIRECT refuses with EINVAL).
 */
static void write_and_hold(void)
{
#if defined(EVIL_CASE_blk_aligned_hold)
	uint8_t *buf = big;
	static const uint32_t parts[] = { DL_BYTES };
#else
	uint8_t *buf = big + 1;
	static const uint32_t parts[] = { 1000, 2000, DL_BYTES - 3000 };
#endif
	const unsigned n = sizeof(parts) / sizeof(parts[0]);
	uint64_t at = pa(buf);

	for (unsigned i = 0; i < DL_BYTES; i++)
		buf[i] = (uint8_t)"DATALOSS"[i % 8];
	if (!setup()) {
		serial_puts("EVIL SETUP FAILED\n");
		return;
	}
	hdr = (struct virtio_blk_outhdr){ VIRTIO_BLK_T_OUT, 0, DL_SECTOR };
	status = 0xff;
	desc[0] = (struct vring_desc){ pa(&hdr), sizeof(hdr),
				       VRING_DESC_F_NEXT, 1 };
	for (unsigned i = 0; i < n; i++) {
		desc[1 + i] = (struct vring_desc){ at, parts[i],
						   VRING_DESC_F_NEXT,
						   (uint16_t)(2 + i) };
		at += parts[i];
	}
	desc[1 + n] = (struct vring_desc){ pa(&status), 1,
					   VRING_DESC_F_WRITE, 0 };
	submit(0, 1);
	if (!wait_used(1))
		serial_puts("EVIL WRITE TIMED OUT\n");
	say("WRITTEN status=", status);
	request(VIRTIO_BLK_T_FLUSH, 0, 0);
	submit(0, 1);
	if (!wait_used(2))
		serial_puts("EVIL FLUSH TIMED OUT\n");
	say("FLUSHED status=", status);
	serial_puts("EVIL HOLD\n");
	/* Spin, not cli; hlt: a halt nothing can wake ends the run
	 * (vmm/run.c's halt watch), and the test needs the launcher alive
	 * until its SIGKILL. */
	for (;;)
		asm volatile("pause");
}
#endif

static void misbehave(void)
{
#if defined(EVIL_CASE_blk_aligned_hold) || defined(EVIL_CASE_blk_unaligned_hold)
	write_and_hold();
#elif defined(EVIL_CASE_vq_loop)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	desc[1].next = 0; /* 0 -> 1 -> 0 -> ... */
	submit(0, 1);
#elif defined(EVIL_CASE_vq_outside)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	desc[1].addr = 0x10000000;
	submit(0, 1);
#elif defined(EVIL_CASE_vq_straddle)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	desc[1].addr = RAM_END - 256;
	submit(0, 1);
#elif defined(EVIL_CASE_vq_straddle_low)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	desc[1].addr = 0x9fc00 - 256; /* into the reserved [0x9fc00, 1M) */
	submit(0, 1);
#elif defined(EVIL_CASE_vq_straddle_hole)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	desc[1].addr = 0xc0000000ull - 256; /* -m 3584M: into the hole */
	submit(0, 1);
#elif defined(EVIL_CASE_vq_len4g)
	setup();
	request(VIRTIO_BLK_T_IN, 0, VRING_DESC_F_WRITE);
	desc[1].len = 0xfffffff0u;
	submit(0, 1);
#elif defined(EVIL_CASE_vq_num)
	negotiate();
	set_rings(6, pa(desc), pa(&avail), pa(&used));
	say("QUEUE_NUM_6_NEEDS_RESET=", wait_needs_reset());
	negotiate();
	set_rings(r32(VIRTIO_MMIO_QUEUE_NUM_MAX) * 2, pa(desc), pa(&avail),
		  pa(&used));
#elif defined(EVIL_CASE_vq_ring_outside)
	negotiate();
	set_rings(Q, 0x10000000, pa(&avail), pa(&used));
#elif defined(EVIL_CASE_vq_idx_jump)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	submit(0, 1000);
#elif defined(EVIL_CASE_vq_state)
	uint32_t sink = 0;

	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0); /* before anything */
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0xffff);
	w32(VIRTIO_MMIO_QUEUE_READY, 1); /* rings at 0, status 0 */
	w32(VIRTIO_MMIO_QUEUE_SEL, 1000);
	w32(VIRTIO_MMIO_QUEUE_NUM, 0xffffffffu);
	w32(VIRTIO_MMIO_QUEUE_READY, 1);
	w32(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0xffffffffu);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffffu);
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	w32(VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffffu);
	/* Every offset of the window, in every width. */
	for (uint64_t off = 0; off < VIRTIO_MMIO_WINDOW_SIZE; off += 4) {
		if (off == VIRTIO_MMIO_STATUS)
			continue;
		*(volatile uint8_t *)(uintptr_t)(base + off + 1) = 0xa5;
		*(volatile uint16_t *)(uintptr_t)(base + off + 2) = 0x5aa5;
		sink += *(volatile uint8_t *)(uintptr_t)(base + off + 3);
		sink += r32(off);
	}
	*(volatile uint64_t *)(uintptr_t)(base + VIRTIO_MMIO_CONFIG) = ~0ull;
	*(volatile uint64_t *)(uintptr_t)(base + VIRTIO_MMIO_WINDOW_SIZE - 4) =
		~0ull;
	say("STATE_SWEEP_SUM=", sink);
	/* Then DRIVER_OK straight after DRIVER: no FEATURES_OK. */
	w32(VIRTIO_MMIO_STATUS, 0);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER |
				VIRTIO_CONFIG_S_DRIVER_OK);
#elif defined(EVIL_CASE_vq_clear_bit)
	setup();
	w32(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER);
#elif defined(EVIL_CASE_vq_used_jump)
	setup();
	used.idx = 0x7777;
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR + 1, 0);
	submit(0, 1);
	say("USED_JUMP_COMPLETED=", wait_used(1));
	say("USED_JUMP_STATUS=", status);
	return;
#elif defined(EVIL_CASE_vq_indirect_unneg)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	itable[0] = desc[0];
	itable[0].next = 1;
	itable[1] = desc[1];
	itable[1].next = 2;
	itable[2] = desc[2];
	desc[0] = (struct vring_desc){ pa(itable), 3 * sizeof(itable[0]),
				       VRING_DESC_F_INDIRECT, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_vq_indirect_loop)
	setup();
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	itable[0] = desc[0];
	itable[0].next = 1;
	itable[1] = desc[1];
	itable[1].next = 0; /* 0 -> 1 -> 0 inside the table */
	desc[0] = (struct vring_desc){ pa(itable), 2 * sizeof(itable[0]),
				       VRING_DESC_F_INDIRECT, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_vq_indirect_nested)
	setup();
	itable[0] = (struct vring_desc){ pa(itable), sizeof(itable),
					 VRING_DESC_F_INDIRECT, 0 };
	desc[0] = (struct vring_desc){ pa(itable), sizeof(itable),
				       VRING_DESC_F_INDIRECT, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_rng_outside)
	setup();
	desc[0] = (struct vring_desc){ 0x10000000, 64, VRING_DESC_F_WRITE, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_rng_len4g)
	setup();
	desc[0] = (struct vring_desc){ pa(data), 0xffffffffu,
				       VRING_DESC_F_WRITE, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_con_loop)
	setup();
	desc[0] = (struct vring_desc){ pa(data), 8, VRING_DESC_F_NEXT, 1 };
	desc[1] = (struct vring_desc){ pa(data), 8, VRING_DESC_F_NEXT, 0 };
	submit(0, 1);
#elif defined(EVIL_CASE_con_outside)
	setup();
	desc[0] = (struct vring_desc){ RAM_END - 4, 8, 0, 0 };
	submit(0, 1);
#else
#error "evil_virtio.c: no EVIL_CASE_vq_<name> defined"
#endif
}

/* Reset, then do it right: the device must still work. */
#if EVIL_DEVICE == VIRTIO_ID_RNG
static void recover(void)
{
	if (!setup()) {
		serial_puts("EVIL RECOVERY SETUP FAILED\n");
		return;
	}
	desc[0] = (struct vring_desc){ pa(data), 64, VRING_DESC_F_WRITE, 0 };
	submit(0, 1);
	if (!wait_used(1))
		serial_puts("EVIL RECOVERY TIMED OUT\n");
	say("RNG RECOVERED len=", used.ring[0].len);
}
#elif EVIL_DEVICE == VIRTIO_ID_CONSOLE
static void recover(void)
{
	static const char line[] = "EVIL CONSOLE OK\n";

	if (!setup()) {
		serial_puts("EVIL RECOVERY SETUP FAILED\n");
		return;
	}
	memcpy(data, line, sizeof(line) - 1);
	desc[0] = (struct vring_desc){ pa(data), sizeof(line) - 1, 0, 0 };
	submit(0, 1);
	if (!wait_used(1))
		serial_puts("EVIL RECOVERY TIMED OUT\n");
	say("CONSOLE RECOVERED used=", used.idx);
}
#else
static void recover(void)
{
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)"EVILSECT"[i % 8];
	if (!setup()) {
		serial_puts("EVIL RECOVERY SETUP FAILED\n");
		return;
	}
	request(VIRTIO_BLK_T_OUT, EVIL_SECTOR, 0);
	submit(0, 1);
	if (!wait_used(1))
		serial_puts("EVIL RECOVERY TIMED OUT\n");
	say("RECOVERED status=", status);
	request(VIRTIO_BLK_T_FLUSH, 0, 0);
	submit(0, 1);
	if (!wait_used(2))
		serial_puts("EVIL FLUSH TIMED OUT\n");
	say("FLUSHED status=", status);
}
#endif

void probe_main(void)
{
	paging_init();
	serial_puts("EVIL BEGIN\n");
	base = find_base();
	if (!base) {
		serial_puts("EVIL NO DEVICE\n");
	} else {
		for (unsigned i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)"BADBYTES"[i % 8];
		misbehave();
		say("NEEDS_RESET=", wait_needs_reset());
		recover();
	}
	serial_puts("EVIL END\n");
	outb(0x64, 0xfe);
	for (;;)
		asm volatile("cli; hlt");
}
