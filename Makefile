# directboot: boot Linux kernels straight into a KVM guest.
#
#   make            build $(BUILD)/directboot and the library
#   make SAN=1      the same with AddressSanitizer + UBSan, in build-san/
#   make test       build both, run every default test (the README's command)
#   make deps       install the Debian packages (the only target that installs)
#
# BUILD=dir puts a build elsewhere, so that builds can run side by side.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SANFLAGS :=
endif

CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
VERSION := 0.1.0

WARN := -Wall -Wextra -Werror
CPPFLAGS += -Iinclude -Ilib -D_GNU_SOURCE -DDIRECTBOOT_VERSION='"$(VERSION)"'
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -fPIC $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
CODEC_LIBS := -lz -lbz2 -llzma -llzo2 -llz4 -lzstd
LDLIBS += $(CODEC_LIBS)
CLI_LIBS := -lseccomp

LIB_SRCS := $(sort $(wildcard lib/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c vmm/*.c devices/*.c tcg/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)

DEPS_OK := $(BUILD)/.deps-ok

# Other parts (the probe guest, tcg trampoline, benches, fuzzers) bring
# their own rules in <dir>/<name>.mk.  They may add objects to
# CLI_EXTRA_OBJS (linked into directboot) and targets to TEST_EXTRA_TARGETS
# (built before the tests run).
CLI_EXTRA_OBJS :=
TEST_EXTRA_TARGETS :=
-include $(sort $(wildcard */*.mk))

.PHONY: all deps test test-prereqs unit check clean format
all: $(BUILD)/directboot $(BUILD)/libdirectboot.a

deps:
	sh scripts/deps.sh

$(DEPS_OK): scripts/check-deps.sh
	@CC="$(CC)" sh scripts/check-deps.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libdirectboot.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/directboot: $(CLI_OBJS) $(CLI_EXTRA_OBJS) $(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(CLI_EXTRA_OBJS) $(BUILD)/libdirectboot.a $(LDLIBS) $(CLI_LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

# The README's test command: both builds, then every default test.
# TEST_EXTRA_TARGETS name $(BUILD) paths, so each build expands its own.
test-prereqs: all unit $(TEST_EXTRA_TARGETS)

test check:
	$(MAKE) test-prereqs
	$(MAKE) SAN=1 test-prereqs
	sh tests/run-all.sh

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(UNIT_SRCS) include/directboot/*.h lib/*.h

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d)
