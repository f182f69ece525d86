# Helper programs the integration tests run, built into $(BUILD)/tests/tools
# by `make test` (TEST_EXTRA_TARGETS) before any test starts.
#
#   mkbzimage  wrap a payload file in a synthetic protocol 2.15 bzImage
#              (tests/integration/20-payload.sh)

TEST_TOOLS := $(BUILD)/tests/tools/mkbzimage

$(BUILD)/tests/tools/%: tests/tools/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $<

TEST_EXTRA_TARGETS += $(TEST_TOOLS)

-include $(TEST_TOOLS:=.d)
