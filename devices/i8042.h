/* SPDX-License-Identifier: MIT */
/*
 * The PC keyboard controller, as much of it as a kernel needs to find it,
 * find nothing behind it, and reset the machine through it.
 */
#ifndef DIRECTBOOT_DEVICES_I8042_H
#define DIRECTBOOT_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64

struct i8042 {
	uint8_t ctr; /* the controller's command byte */
	uint8_t out; /* output buffer */
	bool out_full;
	bool last_was_cmd; /* status bit 3 */
	uint8_t pending;   /* command waiting for its data byte, or 0 */
	bool reset;	   /* the guest asked for a CPU reset */
};

void i8042_init(struct i8042 *k);
uint8_t i8042_read(struct i8042 *k, uint16_t port);
void i8042_write(struct i8042 *k, uint16_t port, uint8_t val);

#endif
