# The accelerators' contract: its unit tests link its objects.
$(BUILD)/tests/unit/test_accel_panic: $(BUILD)/accel/panic.o
