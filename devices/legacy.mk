# Unit tests of the PC devices (no KVM) link the device's object, and
# the consoles the host terminal's (devices/term.c).
$(BUILD)/tests/unit/test_term: $(BUILD)/devices/term.o
$(BUILD)/tests/unit/test_serial8250: $(BUILD)/devices/serial8250.o \
	$(BUILD)/devices/term.o
$(BUILD)/tests/unit/test_i8042: $(BUILD)/devices/i8042.o
$(BUILD)/tests/unit/test_rtc_cmos: $(BUILD)/devices/rtc_cmos.o
$(BUILD)/tests/unit/test_acpi_pm: $(BUILD)/devices/acpi_pm.o
