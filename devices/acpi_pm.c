// SPDX-License-Identifier: MIT
/*
 * The ACPI PM1 and PM timer registers (acpi_pm.h).
 *
 * The system is always in ACPI mode: the FADT has no SMI_CMD, so the OS
 * never asks for the switch, and SCI_EN reads as set.  Nothing here
 * raises the SCI: there is no power button to press and no timer
 * overflow event worth an interrupt, so the status bits stay clear but
 * for what the guest itself cannot clear (none).  Registers are
 * byte-addressable like the PIIX4's; each access is taken whole.
 */
#include "acpi_pm.h"
#include "directboot/acpi.h"

void acpi_pm_init(struct acpi_pm *pm, uint64_t (*clock_ns)(void))
{
	pm->sts = 0;
	pm->en = 0;
	pm->cnt = ACPI_PM1_CNT_SCI_EN;
	pm->clock_ns = clock_ns;
	pm->t0_ns = clock_ns();
	pm->powered_off = false;
}

bool acpi_pm_owns(uint16_t port)
{
	return port >= ACPI_PM_BASE && port < ACPI_PM_BASE + ACPI_PM_BLOCK_LEN;
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm, uint64_t now_ns)
{
	unsigned __int128 ticks =
		(unsigned __int128)(now_ns - pm->t0_ns) * ACPI_PM_TIMER_HZ;

	return (uint32_t)(ticks / 1000000000u);
}

/* The block's bytes as a guest sees them now, little-endian. */
static void snapshot(const struct acpi_pm *pm, uint8_t b[ACPI_PM_BLOCK_LEN])
{
	uint32_t t = acpi_pm_timer(pm, pm->clock_ns());

	b[0] = (uint8_t)pm->sts;
	b[1] = (uint8_t)(pm->sts >> 8);
	b[2] = (uint8_t)pm->en;
	b[3] = (uint8_t)(pm->en >> 8);
	b[4] = (uint8_t)pm->cnt;
	b[5] = (uint8_t)(pm->cnt >> 8);
	b[6] = b[7] = 0xff; /* nothing between the control block and timer */
	for (unsigned i = 0; i < 4; i++)
		b[8 + i] = (uint8_t)(t >> (8 * i));
}

uint32_t acpi_pm_read(struct acpi_pm *pm, uint16_t port, unsigned size)
{
	uint8_t b[ACPI_PM_BLOCK_LEN];
	uint32_t v = 0;

	snapshot(pm, b);
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = (unsigned)(port - ACPI_PM_BASE) + i;

		v |= (uint32_t)(acpi_pm_owns((uint16_t)(port + i)) ? b[off]
								   : 0xff)
		     << (8 * i);
	}
	return v;
}

/* PM1_CNT: SCI_EN stays set; SLP_EN is a command, never stored. */
static void write_cnt(struct acpi_pm *pm, uint16_t cnt)
{
	unsigned typ =
		(cnt & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT;

	pm->cnt =
		(uint16_t)((cnt & ~ACPI_PM1_CNT_SLP_EN) | ACPI_PM1_CNT_SCI_EN);
	if ((cnt & ACPI_PM1_CNT_SLP_EN) && typ == ACPI_S5_SLP_TYP)
		pm->powered_off = true;
}

void acpi_pm_write(struct acpi_pm *pm, uint16_t port, unsigned size,
		   uint32_t val)
{
	uint8_t b[ACPI_PM_BLOCK_LEN];
	unsigned first = (unsigned)(port - ACPI_PM_BASE);
	bool cnt = false;
	uint16_t sts_clear = 0;

	snapshot(pm, b);
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = first + i;
		uint8_t v = (uint8_t)(val >> (8 * i));

		if (off >= ACPI_PM_BLOCK_LEN)
			break;
		if (off < 2) /* status: write 1 to clear */
			sts_clear |= (uint16_t)(v << (8 * off));
		else if (off < 4)
			b[off] = v;
		else if (off < 6)
			b[off] = v, cnt = true;
	}
	pm->sts &= (uint16_t)~sts_clear;
	pm->en = (uint16_t)(b[2] | b[3] << 8);
	if (cnt)
		write_cnt(pm, (uint16_t)(b[4] | b[5] << 8));
}
