// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio windows (lib/plan_devices.c) on their own: each
 * window's address, size and IRQ, the refusal past PLAN_VIRTIO_MAX, and
 * the command-line entries Linux's virtio_mmio.c parses, written and
 * measured snprintf-style.  Where plan_build() puts them: test_plan.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan_int.h"

static void test_windows(void **state)
{
	/* ISA lines that COM1 (4), the i8042 (1, 12), the RTC (8), the
	 * FPU (13) and the cascade (2) leave free, all below 16. */
	static const uint32_t irqs[PLAN_VIRTIO_MAX] = {5,  6,  7,  9,
						       10, 11, 14, 15};
	struct plan_mmio_window w[PLAN_VIRTIO_MAX + 1];
	struct db_error err = {0};

	(void)state;
	memset(w, 0xaa, sizeof(w));
	assert_int_equal(
		plan_devices_windows(w, PLAN_VIRTIO_MAX, 0xd0000000, &err),
		DB_OK);
	for (unsigned i = 0; i < PLAN_VIRTIO_MAX; i++) {
		assert_int_equal(w[i].gpa, 0xd0000000ull + i * 0x1000);
		assert_int_equal(w[i].size, 512);
		assert_int_equal(w[i].irq, irqs[i]);
	}
	/* The base is the caller's. */
	assert_int_equal(plan_devices_windows(w, 2, 0x100000000ull, &err),
			 DB_OK);
	assert_int_equal(w[1].gpa, 0x100001000ull);
	assert_int_equal(w[1].irq, 6);
	/* None asked, none written. */
	memset(w, 0xaa, sizeof(w));
	assert_int_equal(plan_devices_windows(w, 0, 0xd0000000, &err), DB_OK);
	assert_int_equal(w[0].size, 0xaaaaaaaa);
}

static void test_too_many(void **state)
{
	struct plan_mmio_window w[PLAN_VIRTIO_MAX + 1];
	struct db_error err = {0};

	(void)state;
	assert_int_equal(
		plan_devices_windows(w, PLAN_VIRTIO_MAX + 1, 0xd0000000, &err),
		DB_ERR_INPUT);
	assert_string_equal(err.msg, "plan: 9 virtio devices, at most 8");
}

static const struct plan_mmio_window three[3] = {
	{0xd0000000, 512, 5},
	{0xd0001000, 512, 6},
	{0xd0002000, 512, 7},
};

static void test_cmdline(void **state)
{
	char buf[256];
	size_t len;

	(void)state;
	len = plan_devices_cmdline(buf, sizeof(buf), "console=ttyS0", three, 3);
	assert_string_equal(buf, "console=ttyS0 "
				 "virtio_mmio.device=512@0xd0000000:5 "
				 "virtio_mmio.device=512@0xd0001000:6 "
				 "virtio_mmio.device=512@0xd0002000:7");
	assert_int_equal(len, strlen(buf));
	/* An empty line gets no leading space. */
	len = plan_devices_cmdline(buf, sizeof(buf), "", three + 2, 1);
	assert_string_equal(buf, "virtio_mmio.device=512@0xd0002000:7");
	assert_int_equal(len, 35);
	/* No windows: the caller's line as it was. */
	len = plan_devices_cmdline(buf, sizeof(buf), "quiet", three, 0);
	assert_string_equal(buf, "quiet");
	assert_int_equal(len, 5);
}

/* The longest entry, the eighth window's (IRQ 15), and a buffer too
 * short: the length is the whole line's, what fits is written, and the
 * result always ends in a NUL. */
static void test_cmdline_measure(void **state)
{
	struct plan_mmio_window w[PLAN_VIRTIO_MAX];
	struct db_error err = {0};
	char buf[512], small[20];
	size_t need;

	(void)state;
	assert_int_equal(
		plan_devices_windows(w, PLAN_VIRTIO_MAX, 0xd0000000, &err),
		DB_OK);
	need = plan_devices_cmdline(NULL, 0, "ro", w, PLAN_VIRTIO_MAX);
	assert_int_equal(
		plan_devices_cmdline(buf, need + 1, "ro", w, PLAN_VIRTIO_MAX),
		need);
	assert_int_equal(strlen(buf), need);
	/* "ro", then with its space each entry is 36 bytes for IRQs 5,
	 * 6, 7 and 9, 37 for 10, 11, 14 and 15. */
	assert_int_equal(need, 2 + 4 * 36 + 4 * 37);
	assert_non_null(strstr(buf, " virtio_mmio.device=512@0xd0007000:15"));
	memset(small, 'x', sizeof(small));
	assert_int_equal(plan_devices_cmdline(small, sizeof(small), "ro", w,
					      PLAN_VIRTIO_MAX),
			 need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, buf, sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_cmdline_measure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
