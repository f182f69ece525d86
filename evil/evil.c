// SPDX-License-Identifier: MIT
/*
 * The evil probe: the probe guest's start-up (probe/head.S, paging.c,
 * serial.c, lib.c) with its report replaced by one misbehaviour, chosen
 * at compile time with -DEVIL_CASE_<name> (evil/evil.mk builds one ELF
 * per case, booted through PVH with -m 64M).  Each case ends with
 * "EVIL END" and an i8042 reset, unless it is meant never to end, so
 * that tests/integration/82-hostile.sh can tell "the launcher survived
 * and the guest went on" from "the launcher gave up".
 *
 *   flood          256 KiB to COM1 with rep outsb, 4 KiB per instruction,
 *                  never waiting for THRE
 *   flood_forever  the same without end (--timeout must still win)
 *   spin           jmp . with interrupts off
 *   hlt            cli; hlt: a guest asleep for ever
 *   pio            every I/O port written and read, at 1, 2 and 4
 *                  bytes, string I/O with long counts, the UART's
 *                  registers in every state (DLAB, loopback), the i8042
 *                  fed commands it does not know, then COM1 restored
 *   mmio           reads and writes of 1-8 bytes where nothing is:
 *                  above RAM, in the 32-bit hole, beside the in-kernel
 *                  LAPIC and IOAPIC, above 4 GiB and at 2^40, and an
 *                  8-byte write straddling the end of RAM
 *   triple         no IDT, then int3: a triple fault
 */
#include "directboot/pc.h"
#include "probe.h"

#define COM1 0x3f8
#define I8042_DATA 0x60
#define I8042_CMD 0x64
#define RAM_END 0x4000000ull /* the tests boot with -m 64M */
#define FLOOD_BYTES (256u << 10) /* emulated KVM: ~64 KiB/s */
#define CHUNK 4096u

static uint8_t chunk[CHUNK] __attribute__((aligned(64)));

static void __attribute__((noreturn)) evil_end(void)
{
	serial_puts("EVIL END\n");
	outb(I8042_CMD, 0xfe);
	for (;;)
		asm volatile("cli; hlt");
}

/* n bytes from buf to port with one rep outsb. */
static void outsb(uint16_t port, const void *buf, uint64_t n)
{
	asm volatile("rep outsb"
		     : "+S"(buf), "+c"(n)
		     : "d"(port)
		     : "memory");
}

static void insl(uint16_t port, void *buf, uint64_t n)
{
	asm volatile("rep insl"
		     : "+D"(buf), "+c"(n)
		     : "d"(port)
		     : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void fill_chunk(void)
{
	for (unsigned i = 0; i < CHUNK; i++)
		chunk[i] = (i % 64 == 63) ? '\n' : (uint8_t)('A' + i % 26);
}

static void flood(bool forever)
{
	fill_chunk();
	serial_puts("EVIL FLOOD\n");
	for (uint32_t done = 0; forever || done < FLOOD_BYTES; done += CHUNK)
		outsb(COM1, chunk, CHUNK);
}

/* Ports whose writes end the run by design: the i8042's command port
 * (its 0xFn pulses reset) and the PCI reset control register. */
static bool port_resets(uint16_t port)
{
	return port == I8042_CMD || port == RST_CNT_PORT;
}

static void uart_restore(void)
{
	outb(COM1 + 3, 0x03); /* LCR: 8N1, DLAB off */
	outb(COM1 + 1, 0x00); /* IER */
	outb(COM1 + 2, 0x07); /* FCR: FIFOs on, cleared */
	outb(COM1 + 4, 0x03); /* MCR: DTR, RTS, no loopback */
}

static void wild_pio(void)
{
	uint32_t sink = 0;

	serial_puts("EVIL PIO\n");
	for (uint32_t p = 0; p < 0x10000; p++) {
		uint16_t port = (uint16_t)p;

		if (port_resets(port))
			continue;
		outb(port, (uint8_t)(p * 37 + 1));
		sink += inb(port);
		if (p % 251 == 0 && !port_resets(port + 1) &&
		    !port_resets(port + 2) && !port_resets(port + 3)) {
			outw(port, (uint16_t)(p * 7));
			outl(port, p * 0x01010101u);
			sink += inw(port) + inl(port);
		}
	}
	/* The UART in every state: DLAB on, loopback, FIFO junk. */
	for (unsigned v = 0; v < 256; v++) {
		for (unsigned r = 0; r < 8; r++)
			outb(COM1 + r, (uint8_t)(v ^ (r * 0x55)));
		sink += inb(COM1) + inb(COM1 + 5) + inb(COM1 + 6);
	}
	/* The i8042: commands it knows in the wrong order, and ones it
	 * does not; never 0xFn with bit 0 clear nor 0xD1 then bit 0 clear. */
	static const uint8_t cmds[] = { 0x20, 0x60, 0xd3, 0xd2, 0xd4, 0xa9,
					0xaa, 0xab, 0xad, 0xae, 0xa7, 0xa8,
					0xc0, 0xe0, 0x00, 0x01, 0x77, 0xff,
					0xf1, 0xd1 };
	for (unsigned i = 0; i < sizeof(cmds); i++) {
		outb(I8042_CMD, cmds[i]);
		outb(I8042_DATA, 0xff); /* bit 0 set: never a reset */
		sink += inb(I8042_DATA) + inb(I8042_CMD);
	}
	/* String I/O with long counts: 16 KiB in from a port with nothing
	 * behind it, 64 KiB out to one. */
	insl(0x5000, (void *)chunk, CHUNK / 4);
	fill_chunk();
	for (unsigned i = 0; i < 16; i++)
		outsb(0x5004, chunk, CHUNK);
	uart_restore();
	/* The sweep wrote bytes to COM1 too: start a fresh line. */
	serial_puts(sink ? "\nEVIL PIO DONE\n"
			 : "\nEVIL PIO DONE (all zero)\n");
}

static void poke(uint64_t pa, unsigned size, uint64_t v)
{
	volatile void *p = (volatile void *)(uintptr_t)pa;

	switch (size) {
	case 1:
		*(volatile uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		*(volatile uint32_t *)p = (uint32_t)v;
		break;
	default:
		*(volatile uint64_t *)p = v;
		break;
	}
}

static uint64_t peek(uint64_t pa, unsigned size)
{
	volatile void *p = (volatile void *)(uintptr_t)pa;

	switch (size) {
	case 1:
		return *(volatile uint8_t *)p;
	case 2:
		return *(volatile uint16_t *)p;
	case 4:
		return *(volatile uint32_t *)p;
	default:
		return *(volatile uint64_t *)p;
	}
}

struct high_arg {
	uint64_t sum;
};

/* Above 4 GiB: through the probe's physical window. */
static void high_rw(const volatile uint8_t *p, uint64_t n, void *arg)
{
	struct high_arg *a = arg;
	volatile uint8_t *w = (volatile uint8_t *)p;

	for (uint64_t i = 0; i < n; i += 8) {
		w[i] = 0x5a;
		a->sum += w[i];
	}
}

static void wild_mmio(void)
{
	static const uint64_t low[] = {
		RAM_END, RAM_END + 0x1000, 0x8000000, 0x40000000, 0xc0000000,
		0xd0000000, 0xe0000000, 0xfebff000, 0xfec01000, 0xfed00000,
		0xfee01000, 0xfffff000,
	};
	static const uint64_t high[] = { 1ull << 32, (1ull << 32) + 0x1000,
					 1ull << 36, 1ull << 40 };
	uint64_t sum = 0;

	serial_puts("EVIL MMIO\n");
	for (unsigned i = 0; i < sizeof(low) / sizeof(low[0]); i++)
		for (unsigned size = 1; size <= 8; size *= 2) {
			poke(low[i] + size, size, 0x0123456789abcdefull);
			sum += peek(low[i] + size, size);
		}
	/* Half in RAM, half past its end; then read it back. */
	poke(RAM_END - 4, 8, 0x1122334455667788ull);
	sum += peek(RAM_END - 4, 8);
	for (unsigned i = 0; i < sizeof(high) / sizeof(high[0]); i++) {
		struct high_arg a = { 0 };

		if (phys_ok(high[i], 64))
			phys_walk(high[i], 64, high_rw, &a);
		sum += a.sum;
	}
	serial_puts(sum ? "EVIL MMIO DONE\n" : "EVIL MMIO DONE (all zero)\n");
}

static void __attribute__((noreturn)) triple(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idt = { 0, 0 };

	serial_puts("EVIL TRIPLE\n");
	asm volatile("lidt %0; int3" : : "m"(idt));
	for (;;)
		asm volatile("hlt");
}

void probe_main(void)
{
	paging_init();
	serial_puts("EVIL BEGIN\n");
#if defined(EVIL_CASE_flood)
	flood(false);
#elif defined(EVIL_CASE_flood_forever)
	flood(true);
#elif defined(EVIL_CASE_spin)
	for (;;)
		asm volatile("cli");
#elif defined(EVIL_CASE_hlt)
	for (;;)
		asm volatile("cli; hlt");
#elif defined(EVIL_CASE_pio)
	wild_pio();
#elif defined(EVIL_CASE_mmio)
	wild_mmio();
#elif defined(EVIL_CASE_triple)
	triple();
#else
#error "evil.c: no EVIL_CASE_<name> defined"
#endif
	evil_end();
}
