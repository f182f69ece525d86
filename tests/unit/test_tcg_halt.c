// SPDX-License-Identifier: MIT
/* The tcg halt watch's verdict on QEMU's "info registers -a" (as QMP's
 * human-monitor-command returns it, JSON-escaped): every CPU halted with
 * IF clear, in 64-bit (RFL=) or 32-bit (EFL=) form, and exactly as many
 * CPUs as the machine has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../tcg/halt.h"

/* One CPU's dump, shaped as QEMU 7.2 prints it (abridged after CR0). */
#define CPU64(n, rfl, hlt)                                                     \
	"\\r\\nCPU#" n "\\r\\nRAX=0000000000000000 RBX=0000000000000000 "      \
	"RCX=0000000000000000 RDX=0000000000000000\\r\\nRIP=ffffffff81c3c0be " \
	"RFL=" rfl " [--S--P-] CPL=0 II=0 A20=1 SMM=0 HLT=" hlt                \
	"\\r\\nES =0000 0000000000000000 00000000 00000000\\r\\n"              \
	"CR0=80050033 CR2=0000000000000000 CR3=0000000001a10000 "              \
	"CR4=00350ef0\\r\\nEFER=0000000000000d01\\r\\nFCW=037f FSW=0000 "      \
	"[ST=0] FTW=00 MXCSR=00001f80\\r\\n"
#define CPU32(n, efl, hlt)                                                     \
	"\\r\\nCPU#" n "\\r\\nEAX=00000000 EBX=00000000 ECX=00000000 "         \
	"EDX=00060fb1\\r\\nEIP=0000fff0 EFL=" efl                              \
	" [-------] CPL=0 II=0 A20=1 SMM=0 HLT=" hlt "\\r\\n"

static void test_all_halted(void **state)
{
	(void)state;
	assert_true(tcg_halt_all_final(
		"{\"return\": \"" CPU64("0", "00000086", "1") "\"}", 1));
	assert_true(
		tcg_halt_all_final("{\"return\": \"" CPU64("0", "00000046", "1")
					   CPU64("1", "00000002", "1") "\"}",
				   2));
}

/* An AP that never got its INIT/SIPI: halted in real mode, IF clear. */
static void test_ap_never_started(void **state)
{
	(void)state;
	assert_true(
		tcg_halt_all_final("{\"return\": \"" CPU64("0", "00000046", "1")
					   CPU32("1", "00000002", "1") "\"}",
				   2));
}

/* Idle with interrupts on (IF, 0x200) is not final. */
static void test_idle_is_not_final(void **state)
{
	(void)state;
	assert_false(tcg_halt_all_final(
		"{\"return\": \"" CPU64("0", "00000246", "1") "\"}", 1));
	assert_false(
		tcg_halt_all_final("{\"return\": \"" CPU64("0", "00000046", "1")
					   CPU64("1", "00000286", "1") "\"}",
				   2));
}

static void test_running_is_not_final(void **state)
{
	(void)state;
	assert_false(tcg_halt_all_final(
		"{\"return\": \"" CPU64("0", "00000046", "0") "\"}", 1));
	assert_false(
		tcg_halt_all_final("{\"return\": \"" CPU32("0", "00000002", "1")
					   CPU32("1", "00000002", "0") "\"}",
				   2));
}

/* Fewer CPUs than the machine has, or none, or an error: no verdict. */
static void test_count_and_errors(void **state)
{
	(void)state;
	assert_false(tcg_halt_all_final(
		"{\"return\": \"" CPU64("0", "00000046", "1") "\"}", 2));
	assert_false(tcg_halt_all_final("{\"return\": \"\"}", 1));
	assert_false(tcg_halt_all_final(
		"{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}}",
		1));
	assert_false(tcg_halt_all_final("{\"return\": \"RFL=00000002\"}", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_halted),
		cmocka_unit_test(test_ap_never_started),
		cmocka_unit_test(test_idle_is_not_final),
		cmocka_unit_test(test_running_is_not_final),
		cmocka_unit_test(test_count_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
