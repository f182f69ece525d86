/* SPDX-License-Identifier: MIT */
/*
 * The ACPI fixed hardware of a non-reduced FADT (ACPI 6.x, 4.8): the
 * PM1a event block (status and enable), the PM1a control block and the
 * 32-bit PM timer, at the ports include/directboot/acpi.h names.  Its
 * one job beyond answering: a write of SLP_EN with the S5 sleep type is
 * the guest powering off.
 */
#ifndef DIRECTBOOT_DEVICES_ACPI_PM_H
#define DIRECTBOOT_DEVICES_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_pm {
	uint16_t sts, en, cnt;
	uint64_t t0_ns;		    /* the timer counts from here */
	uint64_t (*clock_ns)(void); /* CLOCK_MONOTONIC, or a test's */
	bool powered_off;	    /* SLP_EN with SLP_TYP S5 was written */
};

void acpi_pm_init(struct acpi_pm *pm, uint64_t (*clock_ns)(void));

/* Is port inside the PM block? */
bool acpi_pm_owns(uint16_t port);

/*
 * One access of size 1, 2 or 4 bytes at port, whole: the timer is read
 * once per access, so a 32-bit read never tears between its bytes.
 * Returns what a read sees (all ones past the registers).
 */
uint32_t acpi_pm_read(struct acpi_pm *pm, uint16_t port, unsigned size);
void acpi_pm_write(struct acpi_pm *pm, uint16_t port, unsigned size,
		   uint32_t val);

/* The PM timer's count at now_ns: 3.579545 MHz, 32 bits (TMR_VAL_EXT). */
uint32_t acpi_pm_timer(const struct acpi_pm *pm, uint64_t now_ns);

#endif
