// SPDX-License-Identifier: MIT
/*
 * The split-virtqueue walker on its own: address translation against
 * guest RAM regions (adjacent, apart, at the top of the address space),
 * the iovec helpers, and a queue driven straight through virtq_*.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "virtio_guest.h"

static struct guest g;

static void test_mem_translation(void **state)
{
	struct iovec iov[4];
	unsigned n = 0;

	(void)state;
	guest_init(&g);
	assert_ptr_equal(virtio_mem_ptr(&g.mem, 0x100, 16), g.ram + 0x100);
	assert_null(virtio_mem_ptr(&g.mem, G_RAM1 - 8, 16)); /* two slots */
	assert_null(virtio_mem_ptr(&g.mem, 0x30000, 1));
	assert_null(virtio_mem_ptr(&g.mem, 0x100, UINT64_MAX));
	assert_null(virtio_mem_ptr(&g.mem, UINT64_MAX, 2));
	assert_non_null(virtio_mem_ptr(&g.mem, G_RAM2 + G_RAM2_SIZE, 0));

	/* Across the boundary of adjacent regions: two iovecs. */
	assert_true(virtio_mem_iov(&g.mem, G_RAM1 - 8, 16, iov, &n, 4));
	assert_int_equal(n, 2);
	assert_ptr_equal(iov[0].iov_base, g.ram + G_RAM1 - 8);
	assert_int_equal(iov[0].iov_len, 8);
	assert_ptr_equal(iov[1].iov_base, g.ram + G_RAM1);
	assert_int_equal(iov[1].iov_len, 8);
	/* Past a region with nothing after it, or into the gap. */
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, G_RAM2 + G_RAM2_SIZE - 8, 16, iov,
				    &n, 4));
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, G_RAM1 + G_RAM_SIZE - 8, 16, iov,
				    &n, 4));
	/* Lengths near 2^32 and 2^64, and addresses that would wrap. */
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, 0, 0xffffffffull, iov, &n, 4));
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, UINT64_MAX - 3, 8, iov, &n, 4));
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, 0x10, UINT64_MAX, iov, &n, 4));
	/* Too many pieces for the array. */
	n = 0;
	assert_false(virtio_mem_iov(&g.mem, G_RAM1 - 8, 16, iov, &n, 1));
	/* Zero length: nothing, and fine. */
	n = 0;
	assert_true(virtio_mem_iov(&g.mem, 0x30000, 0, iov, &n, 4));
	assert_int_equal(n, 0);
}

static void test_iov_helpers(void **state)
{
	uint8_t a[4] = {1, 2, 3, 4}, b[3] = {5, 6, 7}, out[8] = {0};
	struct iovec iov[2] = {{a, 4}, {b, 3}}, s[2];
	unsigned k;

	(void)state;
	assert_int_equal(iov_to_buf(iov, 2, 2, out, 8), 5);
	assert_memory_equal(out, ((uint8_t[]){3, 4, 5, 6, 7}), 5);
	assert_int_equal(iov_from_buf(iov, 2, 3, "xyz", 3), 3);
	assert_int_equal(a[3], 'x');
	assert_int_equal(b[1], 'z');
	assert_int_equal(iov_to_buf(iov, 2, 9, out, 8), 0);
	k = iov_slice(iov, 2, 3, 2, s, 2);
	assert_int_equal(k, 2);
	assert_ptr_equal(s[0].iov_base, a + 3);
	assert_int_equal(s[0].iov_len, 1);
	assert_ptr_equal(s[1].iov_base, b);
	assert_int_equal(s[1].iov_len, 1);
}

/* The queue alone: pop, push, unpop and the notification rules. */
static void test_queue_direct(void **state)
{
	struct virtq q;
	struct virtq_elem *e = calloc(1, sizeof(*e));
	const char *why = NULL;
	struct seg s[2] = {{G_DATA, 100, 0}, {G_DATA + 0x100, 50, 1}};

	(void)state;
	guest_init(&g);
	virtq_reset(&q, 16);
	q.num = 16;
	q.desc_gpa = G_DESC;
	q.avail_gpa = G_AVAIL;
	q.used_gpa = G_USED;
	assert_true(virtq_start(&q, &g.mem, 16, &why));
	assert_int_equal(virtq_pop(&q, &g.mem, e, &why), 0);
	add_chain(&g, 0, s, 2);
	assert_int_equal(virtq_pop(&q, &g.mem, e, &why), 1);
	assert_int_equal(e->nr_out, 1);
	assert_int_equal(e->nr_in, 1);
	assert_int_equal(e->out_len, 100);
	assert_int_equal(e->in_len, 50);
	assert_ptr_equal(e->iov[1].iov_base, g.ram + G_DATA + 0x100);
	virtq_unpop(&q);
	assert_int_equal(virtq_pop(&q, &g.mem, e, &why), 1);
	assert_false(virtq_should_notify(&q)); /* nothing used yet */
	virtq_push(&q, e->head, 7);
	assert_int_equal(used_idx(&g, 0), 1);
	assert_int_equal(used_elem(&g, 0, 0).len, 7);
	assert_true(virtq_should_notify(&q));
	assert_false(virtq_should_notify(&q)); /* already told */
	assert_false(virtq_enable_notify(&q));
	add_chain(&g, 0, s, 2);
	assert_true(virtq_enable_notify(&q));
	/* EVENT_IDX arithmetic wraps at 2^16. */
	assert_true(vring_need_event(0xffff, 0x0000, 0xfffe));
	assert_false(vring_need_event(0x0001, 0x0000, 0xfffe));
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_translation),
		cmocka_unit_test(test_iov_helpers),
		cmocka_unit_test(test_queue_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
