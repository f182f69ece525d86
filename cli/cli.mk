# Unit tests of the developer's loop's pieces link the CLI's object
# before the library it calls (db_fail): the initramfs writer and the
# modules-tree reader (its codecs are in LDLIBS).
CLI_UNIT_BINS := $(BUILD)/tests/unit/test_cpio $(BUILD)/tests/unit/test_kmod

$(CLI_UNIT_BINS): $(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o \
		$(BUILD)/cli/%.o $(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka
