# libFuzzer harnesses (issue 7), one per parser or walker of guest- or
# user-controlled bytes:
#
#   make fuzz FUZZ_SECONDS=N   build them with clang and run each for N s
#                              (default 60), printing executions per harness
#   make fuzz-build            only build $(BUILD)/fuzz/lf/fuzz_<name>
#   make fuzz-minimise FUZZ_SECONDS=N
#                              run each for N s, then add to
#                              fuzz/regressions/<name>/ the inputs that
#                              reach edges the seeds do not (fuzz/minimise.sh)
#
# The harnesses are fuzz/fuzz_<name>.c.  clang builds them and a copy of
# the library with -fsanitize=fuzzer,address,undefined under
# $(BUILD)/fuzz/lf/; seeds are made at run time by fuzz/seeds.sh.  The
# same harnesses are also built by $(CC) into replay-<name>, which runs
# inputs without libFuzzer: tests/integration/79-fuzz-regressions.sh
# replays fuzz/regressions/<name>/* through both gcc builds.

FUZZ_CC := clang
FUZZ_SECONDS ?= 60
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_LF := $(FUZZ_OUT)/lf
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -Werror $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_LF)/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(FUZZ_OUT)/replay-%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_LF)/%.o)
# Non-library code a harness needs besides the library.
FUZZ_EXTRA_virtqueue := devices/virtio_queue.c
FUZZ_EXTRA_virtio_blk := devices/virtio_queue.c devices/virtio_mmio.c \
	devices/virtio_blk.c

.PHONY: fuzz fuzz-build fuzz-minimise
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS) probe-all $(BUILD)/tests/tools/mkbzimage
	sh fuzz/run.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-minimise: $(FUZZ_BINS) probe-all $(BUILD)/tests/tools/mkbzimage
	sh fuzz/minimise.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

$(FUZZ_LF)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# One link rule pair per harness (no .SECONDEXPANSION: it would change
# how every later rule of the tree is read).
define FUZZ_HARNESS_RULES
$(FUZZ_LF)/fuzz_$(1): $(FUZZ_LF)/fuzz/fuzz_$(1).o \
		$(patsubst %.c,$(FUZZ_LF)/%.o,$(FUZZ_EXTRA_$(1))) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $(CODEC_LIBS) \
		-lpthread

$(FUZZ_OUT)/replay-$(1): $(FUZZ_OUT)/replay.o $(BUILD)/fuzz/fuzz_$(1).o \
		$(patsubst %.c,$(BUILD)/%.o,$(FUZZ_EXTRA_$(1))) \
		$(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS) -lpthread
endef
$(foreach h,$(FUZZ_NAMES),$(eval $(call FUZZ_HARNESS_RULES,$(h))))

# A phony name, not the paths: `make test` expands TEST_EXTRA_TARGETS
# before it calls make again with SAN=1, whose BUILD differs.
.PHONY: fuzz-replay
fuzz-replay: $(FUZZ_REPLAYS)
TEST_EXTRA_TARGETS += fuzz-replay

-include $(wildcard $(FUZZ_LF)/*/*.d $(FUZZ_LF)/*/*/*.d $(FUZZ_OUT)/*.d)
