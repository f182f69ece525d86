# bench/launch's timer.
ALL_TARGETS += $(BUILD)/bench/launchtime

$(BUILD)/bench/launchtime: bench/launchtime.c bench/childtime.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
