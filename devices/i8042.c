// SPDX-License-Identifier: MIT
/*
 * The i8042 keyboard controller: the reset line, and enough of the rest
 * that a Linux guest neither waits nor misreads.
 *
 * Why more than "0xFE resets": Linux's i8042 driver probes the chip at
 * boot and polls for every answer for up to half a second.  A port that
 * reads 0xff makes it give up at once ("No controller found"), but the
 * same all-ones status also says "input buffer full", and the reboot path
 * (kb_wait) then spins before writing 0xFE.  So the controller answers
 * its own commands at once: the command byte (0x20/0x60), the self-tests
 * (0xAA -> 0x55, 0xAB -> 0x00), and for the auxiliary (mouse) port a
 * failed loop test (0xD3 echoes 0x00, not the byte) and a failed
 * interface test (0xA9 -> 0x01), so the driver decides there is no mouse
 * without waiting for an interrupt that would never come.  There is no
 * keyboard behind it: bytes for the keyboard go nowhere, and no
 * interrupt is ever raised.
 *
 * The reset: command 0xFn pulses the output-port bits whose mask bit is
 * clear, and output bit 0 is the CPU reset line, so every even 0xFn
 * resets (0xFE is the one everybody uses).  Writing the output port
 * (0xD1) with bit 0 clear does too.
 */
#include "i8042.h"

#define I8042_STR_OBF 0x01
#define I8042_STR_SYSFLAG 0x04
#define I8042_STR_CMDDAT 0x08
#define I8042_STR_KEYLOCK 0x10 /* set: the keyboard is not locked */

#define I8042_CMD_CTL_RCTR 0x20
#define I8042_CMD_CTL_WCTR 0x60
#define I8042_CMD_AUX_DISABLE 0xa7
#define I8042_CMD_AUX_ENABLE 0xa8
#define I8042_CMD_AUX_TEST 0xa9
#define I8042_CMD_CTL_TEST 0xaa
#define I8042_CMD_KBD_TEST 0xab
#define I8042_CMD_KBD_DISABLE 0xad
#define I8042_CMD_KBD_ENABLE 0xae
#define I8042_CMD_OUTP_READ 0xd0
#define I8042_CMD_OUTP_WRITE 0xd1
#define I8042_CMD_KBD_LOOP 0xd2
#define I8042_CMD_AUX_LOOP 0xd3
#define I8042_CMD_AUX_SEND 0xd4
#define I8042_CMD_PULSE_BASE 0xf0

#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20
#define I8042_CTR_XLATE 0x40

#define I8042_OUTP_RESET 0x01 /* low resets the CPU */
#define I8042_OUTP_A20 0x02

#define I8042_CTL_TEST_OK 0x55
#define I8042_AUX_TEST_FAIL 0x01

void i8042_init(struct i8042 *k)
{
	*k = (struct i8042){.ctr = I8042_CTR_XLATE | I8042_CTR_AUXDIS};
}

static void reply(struct i8042 *k, uint8_t v)
{
	k->out = v;
	k->out_full = true;
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case I8042_CMD_CTL_RCTR:
		reply(k, k->ctr);
		break;
	case I8042_CMD_CTL_WCTR:
	case I8042_CMD_OUTP_WRITE:
	case I8042_CMD_KBD_LOOP:
	case I8042_CMD_AUX_LOOP:
	case I8042_CMD_AUX_SEND:
		k->pending = cmd;
		break;
	case I8042_CMD_AUX_DISABLE:
		k->ctr |= I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_ENABLE:
		k->ctr &= (uint8_t)~I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_TEST:
		reply(k, I8042_AUX_TEST_FAIL);
		break;
	case I8042_CMD_CTL_TEST:
		reply(k, I8042_CTL_TEST_OK);
		break;
	case I8042_CMD_KBD_TEST:
		reply(k, 0x00);
		break;
	case I8042_CMD_KBD_DISABLE:
		k->ctr |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		k->ctr &= (uint8_t)~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_OUTP_READ:
		reply(k, I8042_OUTP_RESET | I8042_OUTP_A20);
		break;
	default:
		if (cmd >= I8042_CMD_PULSE_BASE && !(cmd & I8042_OUTP_RESET))
			k->reset = true;
		break;
	}
}

static void data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_CTL_WCTR:
		k->ctr = v;
		break;
	case I8042_CMD_OUTP_WRITE:
		if (!(v & I8042_OUTP_RESET))
			k->reset = true;
		break;
	case I8042_CMD_KBD_LOOP:
		reply(k, v);
		break;
	case I8042_CMD_AUX_LOOP:
		reply(k, 0x00); /* not the byte: no working aux port */
		break;
	default:
		break; /* for the keyboard or the mouse: nobody there */
	}
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
	if (port == I8042_COMMAND_PORT)
		return (k->out_full ? I8042_STR_OBF : 0) | I8042_STR_SYSFLAG |
		       I8042_STR_KEYLOCK |
		       (k->last_was_cmd ? I8042_STR_CMDDAT : 0);
	k->out_full = false;
	return k->out;
}

void i8042_write(struct i8042 *k, uint16_t port, uint8_t val)
{
	k->last_was_cmd = port == I8042_COMMAND_PORT;
	if (port == I8042_COMMAND_PORT)
		command(k, val);
	else
		data(k, val);
}
