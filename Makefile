# directboot: boot Linux kernels straight into a KVM guest.
#
#   make            build $(BUILD)/directboot and the library
#   make SAN=1      the same with AddressSanitizer + UBSan, in build-san/
#   make test       build both, run every default test (the README's command)
#   make deps       install the Debian packages (the only target that installs)
#
# BUILD=dir puts a build elsewhere, so that builds can run side by side.

.DEFAULT_GOAL := all

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

# The parts of the tree, each a layer that only uses the ones before it:
# include <- lib <- devices <- accel <- vmm, tcg <- cli (README, Layout).
LIB_SRCS := $(sort $(wildcard lib/*.c))
DEVICE_SRCS := $(sort $(wildcard devices/*.c))
ACCEL_SRCS := $(sort $(wildcard accel/*.c))
VMM_SRCS := $(sort $(wildcard vmm/*.c))
TCG_SRCS := $(sort $(wildcard tcg/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
DEVICE_OBJS := $(DEVICE_SRCS:%.c=$(BUILD)/%.o)
ACCEL_OBJS := $(ACCEL_SRCS:%.c=$(BUILD)/%.o)
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/%.o)
# The trampoline's 64 KiB image goes in as data (tcg/tcg.mk builds it).
TCG_OBJS := $(TCG_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/tcg/trampoline_blob.o
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
DIRECTBOOT_OBJS := $(CLI_OBJS) $(VMM_OBJS) $(TCG_OBJS) $(ACCEL_OBJS) \
	$(DEVICE_OBJS)
C_OBJS := $(LIB_OBJS) $(DEVICE_OBJS) $(ACCEL_OBJS) $(VMM_OBJS) \
	$(TCG_SRCS:%.c=$(BUILD)/%.o) $(CLI_OBJS)

# The launcher's own libraries: libseccomp for the sandbox
# (vmm/sandbox.c), nettle for the SHA-256 that keys the
# decompressed-ELF cache (cli/cache.c).
DIRECTBOOT_LIBS := -lseccomp -lnettle

# The launcher links statically (the sanitizer build cannot).  Its memory
# overhead is mostly the pages of the libraries it maps: dynamically,
# glibc alone brings 1.2 MiB of RSS through the kernel's fault-around and
# the seven other libraries 0.8 MiB more, for a total near 2.7 MiB; a
# static directboot runs the probe in about 1.3 MiB (bench/launch), under
# the 2 MiB goal, and skips ld.so's work before main().
ifeq ($(SAN),1)
DIRECTBOOT_LDFLAGS :=
else
DIRECTBOOT_LDFLAGS := -static
endif

DEPS_OK := $(BUILD)/.deps-ok

# Other parts (the probe guest, the tcg trampoline, benches, fuzzers,
# install) bring their own rules in <dir>/<name>.mk.  Each stands alone:
# none reads what another defines, so their order does not matter.  They
# may add to ALL_TARGETS (built by `make`) and TEST_EXTRA_TARGETS (built
# before the tests run).
ALL_TARGETS := $(BUILD)/directboot $(BUILD)/libdirectboot.a
TEST_EXTRA_TARGETS :=
include $(sort $(wildcard */*.mk))

.PHONY: all deps test test-prereqs unit check clean format
all: $(ALL_TARGETS)

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

$(BUILD)/directboot: $(DIRECTBOOT_OBJS) $(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) $(DIRECTBOOT_LDFLAGS) -o $@ $(DIRECTBOOT_OBJS) \
		$(BUILD)/libdirectboot.a $(LDLIBS) $(DIRECTBOOT_LIBS)

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
	clang-format -i $(LIB_SRCS) $(DEVICE_SRCS) $(ACCEL_SRCS) $(VMM_SRCS) \
		$(TCG_SRCS) $(CLI_SRCS) $(UNIT_SRCS) include/directboot/*.h \
		lib/*.h devices/*.h accel/*.h vmm/*.h tcg/*.h cli/*.h

clean:
	rm -rf build build-san

-include $(C_OBJS:.o=.d) $(UNIT_BINS:=.d)
