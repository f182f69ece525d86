# bench/blk's timer.  The first rule keeps `all` the default goal.
all: $(BUILD)/bench/blkbench

$(BUILD)/bench/blkbench: bench/blkbench.c probe/probe_virtio.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
