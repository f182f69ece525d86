# bench/blk's timer.
ALL_TARGETS += $(BUILD)/bench/blkbench

$(BUILD)/bench/blkbench: bench/blkbench.c probe/probe_virtio.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
