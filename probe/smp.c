/* SPDX-License-Identifier: MIT */
/*
 * SMP from inside the guest, the way a kernel without ACPI does it: find
 * the MP floating pointer where Intel's MP specification (and Linux's
 * mpparse.c) look for it, read the processor entries of its
 * configuration table, and wake each application processor with the
 * universal start-up algorithm: INIT, then two STARTUP IPIs whose vector
 * is the page of the trampoline (ap.S).  Each AP prints "AP n alive"
 * with n its APIC ID, and the BSP waits for it before it wakes the next.
 *
 * Report lines: SMP_MPTABLE=<addr of the table> SMP_CPUS=<processor
 * entries> SMP_BSP=<APIC ID>, one "AP n alive" per AP, then
 * SMP_ALIVE=<APs that came up>.
 */
#include "directboot/mptable.h"
#include "probe.h"
#include "probe_smp.h"

#define APIC_ID 0x20
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE 0x100
#define ICR_INIT 0x4500    /* INIT, level assert */
#define ICR_STARTUP 0x4600 /* STARTUP, vector in bits 0-7 */
#define ICR_PENDING 0x1000
#define TABLE_MAX 4096
#define AP_STACK_SIZE 4096
#define AP_WAIT_TICKS (20ull * 1000 * 1000 * 1000)

static uint8_t table[TABLE_MAX];
static uint8_t ap_stack[AP_STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned ap_alive;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void delay(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		asm volatile("pause");
}

static bool memcmp4(const char *a, const char *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static uint8_t sum(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void put_dec(unsigned v)
{
	char buf[12];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	serial_puts(buf + i);
}

/* The floating pointer in [base, base + len), 16-byte aligned. */
static bool scan(uint64_t base, uint64_t len, struct mpf_intel *mpf)
{
	for (uint64_t a = base; a + sizeof(*mpf) <= base + len; a += 16) {
		if (!phys_read(a, mpf, sizeof(*mpf)))
			return false;
		if (!memcmp4(mpf->signature, MPF_SIGNATURE) ||
		    mpf->length != 1 || sum((const uint8_t *)mpf, sizeof(*mpf)))
			continue;
		return true;
	}
	return false;
}

static uint32_t apic_read(uint32_t base, unsigned reg)
{
	return *(volatile uint32_t *)(uintptr_t)(base + reg);
}

static void apic_write(uint32_t base, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(base + reg) = v;
}

static void ipi(uint32_t lapic, uint8_t apic_id, uint32_t icr)
{
	apic_write(lapic, APIC_ICR_HI, (uint32_t)apic_id << 24);
	apic_write(lapic, APIC_ICR_LO, icr);
	for (int i = 0; i < 1000 && (apic_read(lapic, APIC_ICR_LO) &
				     ICR_PENDING); i++)
		asm volatile("pause");
}

/* On the AP, in long mode on the BSP's page tables. */
static void ap_main(void)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1),
		     "c"(0));
	serial_puts("AP ");
	put_dec(b >> 24);
	serial_puts(" alive\n");
	__atomic_add_fetch(&ap_alive, 1, __ATOMIC_SEQ_CST);
	for (;;)
		asm volatile("cli; hlt");
}

static void tramp_set(const uint8_t *field, uint64_t v)
{
	uint64_t off = (uint64_t)(field - ap_tramp_start);

	memcpy((uint8_t *)(uintptr_t)(AP_TRAMP_BASE + off), &v, sizeof(v));
}

static bool start_ap(uint32_t lapic, uint8_t apic_id)
{
	unsigned before = ap_alive;
	uint64_t t0;

	ipi(lapic, apic_id, ICR_INIT);
	delay(10000000);
	for (int i = 0; i < 2; i++) {
		ipi(lapic, apic_id, ICR_STARTUP | (AP_TRAMP_BASE >> 12));
		delay(200000);
		if (ap_alive != before)
			return true;
	}
	for (t0 = rdtsc(); rdtsc() - t0 < AP_WAIT_TICKS;)
		if (ap_alive != before)
			return true;
	return false;
}

static bool read_table(struct mpc_table *h)
{
	struct mpf_intel mpf;

	if (!scan(0, 0x400, &mpf) && !scan(639 * 0x400, 0x400, &mpf) &&
	    !scan(0xf0000, 0x10000, &mpf))
		return false;
	if (!mpf.physptr || !phys_read(mpf.physptr, h, sizeof(*h)) ||
	    !memcmp4(h->signature, MPC_SIGNATURE) || h->length > TABLE_MAX ||
	    h->length < sizeof(*h) || !phys_read(mpf.physptr, table, h->length)
	    || sum(table, h->length)) {
		put_kv("SMP_MPTABLE_BAD", mpf.physptr);
		return false;
	}
	put_kv("SMP_MPTABLE", mpf.physptr);
	return true;
}

void smp_probe(void)
{
	struct mpc_table h;
	uint8_t ids[PLAN_CPUS_MAX];
	unsigned n = 0, cpus = 0, up = 0;
	uint32_t b, unused;
	uint64_t lapic, cr3;

	if (!read_table(&h))
		return;
	for (uint64_t off = sizeof(h); off < h.length;) {
		uint8_t type = table[off];

		if (type != MP_PROCESSOR) {
			off += 8;
			continue;
		}
		if (off + sizeof(struct mpc_cpu) > h.length)
			break;
		cpus++;
		if ((table[off + 3] & CPU_ENABLED) &&
		    !(table[off + 3] & CPU_BOOTPROCESSOR) && n < PLAN_CPUS_MAX)
			ids[n++] = table[off + 1];
		off += sizeof(struct mpc_cpu);
	}
	asm volatile("cpuid" : "=a"(unused), "=b"(b), "=c"(unused),
		     "=d"(unused) : "a"(1), "c"(0));
	put_kv("SMP_CPUS", cpus);
	put_kv("SMP_BSP", b >> 24);
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	lapic = h.lapic;
	if (!n || (uint64_t)(uintptr_t)probe_pt >> 32)
		return;
	memcpy((void *)(uintptr_t)AP_TRAMP_BASE, ap_tramp_start,
	       (size_t)(ap_tramp_end - ap_tramp_start));
	tramp_set(ap_tramp_cr3, cr3);
	tramp_set(ap_tramp_stack, (uintptr_t)(ap_stack + AP_STACK_SIZE));
	tramp_set(ap_tramp_entry, (uintptr_t)ap_main);
	apic_write((uint32_t)lapic, APIC_SVR,
		   apic_read((uint32_t)lapic, APIC_SVR) | APIC_SVR_ENABLE);
	for (unsigned i = 0; i < n; i++)
		up += start_ap((uint32_t)lapic, ids[i]);
	put_kv("SMP_ALIVE", up);
}
