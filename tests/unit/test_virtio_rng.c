// SPDX-License-Identifier: MIT
/* virtio-rng driven by the fake guest, with a fake clock for the rate
 * limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../devices/virtio_rng.h"
#include "virtio_guest.h"

#define BUF 0x5000ull

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

static bool all_equal(const uint8_t *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (p[i] != p[0])
			return false;
	return true;
}

static void test_unlimited(void **state)
{
	static struct guest g;
	static struct virtio_rng r;
	struct seg s[2] = {{BUF, 64, 1}, {G_RAM1 - 32, 64, 1}};

	(void)state;
	guest_init(&g);
	virtio_rng_init(&r, 0, fake_clock, &g.mem, 0xd0001000, 6, guest_irq,
			&g);
	g.d = &r.mmio;
	assert_int_equal(rd(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	guest_bring_up(&g, ~0ull, 1);
	add_chain(&g, 0, s, 2);
	notify(&g, 0);
	assert_int_equal(used_idx(&g, 0), 1);
	assert_int_equal(used_elem(&g, 0, 0).len, 128);
	assert_false(all_equal(gp(&g, BUF), 64));
	assert_false(all_equal(gp(&g, G_RAM1 - 32), 64));
	assert_int_equal(g.irqs, 1);
	/* A readable buffer gets nothing written. */
	struct seg ro = {BUF + 0x100, 64, 0};
	add_chain(&g, 0, &ro, 1);
	notify(&g, 0);
	assert_int_equal(used_idx(&g, 0), 2);
	assert_int_equal(used_elem(&g, 0, 1).len, 0);
}

static void test_rate_limit(void **state)
{
	static struct guest g;
	static struct virtio_rng r;
	struct seg s = {BUF, 1024, 1};

	(void)state;
	fake_now = 1000000000ull;
	guest_init(&g);
	virtio_rng_init(&r, 100, fake_clock, &g.mem, 0xd0001000, 6, guest_irq,
			&g);
	g.d = &r.mmio;
	guest_bring_up(&g, ~0ull, 1);
	/* The bucket holds one second's worth: 100 of 1024 bytes. */
	add_chain(&g, 0, &s, 1);
	notify(&g, 0);
	assert_int_equal(used_idx(&g, 0), 1);
	assert_int_equal(used_elem(&g, 0, 0).len, 100);
	assert_int_equal(r.wait_ns, 0);
	/* Empty: the next request waits on the ring... */
	add_chain(&g, 0, &s, 1);
	notify(&g, 0);
	assert_int_equal(used_idx(&g, 0), 1);
	assert_true(r.wait_ns >= 1000000);
	/* ... a quarter second later it gets 25 bytes. */
	fake_now += 250000000ull;
	virtio_mmio_notify(&r.mmio, 0);
	assert_int_equal(used_idx(&g, 0), 2);
	assert_int_equal(used_elem(&g, 0, 1).len, 25);
	/* Ten seconds idle fill the bucket to one second only. */
	fake_now += 10000000000ull;
	add_chain(&g, 0, &s, 1);
	notify(&g, 0);
	assert_int_equal(used_elem(&g, 0, 2).len, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
