// SPDX-License-Identifier: MIT
/* The panic watch: the kernel's end-of-panic line, whole or in pieces,
 * with or without a timestamp and \r, gives its reason; other lines and
 * a half line do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../../accel/panic.h"

static const char vfs[] =
	"[    1.234567] ---[ end Kernel panic - not syncing: VFS: Unable to "
	"mount root fs on unknown-block(0,0) ]---\r\n";

static void test_whole_line(void **state)
{
	struct accel_panic p = {0};

	(void)state;
	assert_true(accel_panic_feed(&p, vfs, strlen(vfs)));
	assert_string_equal(
		p.reason, "VFS: Unable to mount root fs on unknown-block(0,0)");
}

static void test_byte_by_byte(void **state)
{
	static const char init[] =
		"Kernel panic - not syncing: Attempted to kill init!\r\n"
		"---[ end Kernel panic - not syncing: Attempted to kill init! "
		"exitcode=0x00000100 ]---\n";
	struct accel_panic p = {0};
	size_t i;

	(void)state;
	for (i = 0; i < strlen(init) - 1; i++)
		assert_false(accel_panic_feed(&p, init + i, 1));
	/* Only the newline completes it. */
	assert_true(accel_panic_feed(&p, init + i, 1));
	assert_string_equal(p.reason,
			    "Attempted to kill init! exitcode=0x00000100");
}

static void test_not_a_panic(void **state)
{
	static const char text[] =
		"Kernel panic - not syncing: the first line is not the end\n"
		"echo ---[ end Kernel panic is what a test prints\n"
		"---[ end Kernel panic - not syncing: no newline yet ]---";
	struct accel_panic p = {0};

	(void)state;
	assert_false(accel_panic_feed(&p, text, strlen(text)));
	assert_false(p.seen);
}

static void test_long_lines_truncate(void **state)
{
	char big[3 * ACCEL_PANIC_LINE_MAX];
	struct accel_panic p = {0};

	(void)state;
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	assert_false(accel_panic_feed(&p, big, sizeof(big)));
	/* The next line is read from its start. */
	assert_true(accel_panic_feed(&p, vfs + 15, strlen(vfs) - 15));
	assert_string_equal(
		p.reason, "VFS: Unable to mount root fs on unknown-block(0,0)");
}

static void test_stays_seen(void **state)
{
	struct accel_panic p = {0};

	(void)state;
	assert_true(accel_panic_feed(&p, vfs, strlen(vfs)));
	assert_true(accel_panic_feed(&p, "more\n", 5));
	assert_string_equal(
		p.reason, "VFS: Unable to mount root fs on unknown-block(0,0)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_line),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_not_a_panic),
		cmocka_unit_test(test_long_lines_truncate),
		cmocka_unit_test(test_stays_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
