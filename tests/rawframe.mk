# rawframe: the host end of the virtio-net integration test (70-virtio).
$(BUILD)/tests/rawframe: tests/rawframe/rawframe.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

TEST_EXTRA_TARGETS += $(BUILD)/tests/rawframe
