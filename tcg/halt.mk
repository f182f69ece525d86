# The tcg halt watch (tcg/halt.c): its unit test links its object and
# the accelerators' clock.
$(BUILD)/tests/unit/test_tcg_halt: $(BUILD)/tcg/halt.o $(BUILD)/accel/accel.o
