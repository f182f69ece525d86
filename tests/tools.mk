# Helper programs the integration tests run, built into $(BUILD)/tests/tools
# by `make test` (TEST_EXTRA_TARGETS) before any test starts.
#
#   mkbzimage  wrap a payload file in a synthetic protocol 2.15 bzImage
#              (tests/integration/20-payload.sh)
#   diskinit   the /init of the ext4 disk test (scripts/mkinitramfs.sh
#              disk): a guest program, static, with no libc and no SIMD,
#              so never built with the sanitizers
#   acpidump   write the ACPI tables for iasl -d
#              (tests/integration/56-acpi-iasl.sh); links the library

TEST_TOOLS := $(BUILD)/tests/tools/mkbzimage $(BUILD)/tests/tools/diskinit \
	$(BUILD)/tests/tools/acpidump
DISKINIT_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -static \
	-nostdlib -ffreestanding -fno-builtin -fno-stack-protector -fno-pie \
	-no-pie -mgeneral-regs-only -fcf-protection=none

$(BUILD)/tests/tools/diskinit: tests/tools/diskinit.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(DISKINIT_CFLAGS) -MMD -MP -o $@ $<

$(BUILD)/tests/tools/acpidump: tests/tools/acpidump.c $(BUILD)/libdirectboot.a | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< \
		$(BUILD)/libdirectboot.a $(LDLIBS)

$(BUILD)/tests/tools/%: tests/tools/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $<

TEST_EXTRA_TARGETS += $(TEST_TOOLS)

-include $(TEST_TOOLS:=.d)
