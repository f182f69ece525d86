// SPDX-License-Identifier: MIT
/* The i8042 stub: the answers Linux's probe waits for, and the reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../../devices/i8042.h"

static uint8_t command(struct i8042 *k, uint8_t cmd)
{
	i8042_write(k, I8042_COMMAND_PORT, cmd);
	assert_int_equal(i8042_read(k, I8042_COMMAND_PORT) & 0x01, 1);
	return i8042_read(k, I8042_DATA_PORT);
}

static void test_probe_answers(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	/* nothing pending: OBF clear, input buffer empty, system flag, and
	 * the key lock open (else Linux warns "Keylock active") */
	assert_int_equal(i8042_read(&k, I8042_COMMAND_PORT) & 0x17, 0x14);
	assert_int_equal(command(&k, 0xaa), 0x55);
	assert_int_equal(command(&k, 0xab), 0x00);
	i8042_write(&k, I8042_COMMAND_PORT, 0x60);
	i8042_write(&k, I8042_DATA_PORT, 0x47);
	assert_int_equal(command(&k, 0x20), 0x47);
	/* aux loop test does not echo; aux interface test fails */
	i8042_write(&k, I8042_COMMAND_PORT, 0xd3);
	i8042_write(&k, I8042_DATA_PORT, 0x5a);
	assert_int_not_equal(i8042_read(&k, I8042_DATA_PORT), 0x5a);
	assert_int_equal(command(&k, 0xa9), 0x01);
	assert_int_equal(i8042_read(&k, I8042_COMMAND_PORT) & 0x01, 0);
	assert_false(k.reset);
}

static void test_reset(void **state)
{
	struct i8042 k;

	(void)state;
	i8042_init(&k);
	i8042_write(&k, I8042_COMMAND_PORT, 0xff); /* pulses nothing */
	assert_false(k.reset);
	i8042_write(&k, I8042_COMMAND_PORT, 0xfe);
	assert_true(k.reset);
	i8042_init(&k);
	i8042_write(&k, I8042_COMMAND_PORT, 0xd1);
	i8042_write(&k, I8042_DATA_PORT, 0x03); /* reset line high */
	assert_false(k.reset);
	i8042_write(&k, I8042_COMMAND_PORT, 0xd1);
	i8042_write(&k, I8042_DATA_PORT, 0x02);
	assert_true(k.reset);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_answers),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
