# bench/launch's timer.  The first rule keeps `all` the default goal.
all: $(BUILD)/bench/launchtime

$(BUILD)/bench/launchtime: bench/launchtime.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<
