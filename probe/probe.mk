# The probe guest (issue 4) and its transcript checker.
#
#   make probe                    $(BUILD)/probe/probe.bzImage, probe.elf
#   make probe PROBE_COMPRESS=xz  the same, payload in another format
#   make probe-all                $(BUILD)/probe/probe-<fmt>.bzImage, all seven
#   make probe-check              $(BUILD)/tests/probe_check
#
# The probe is freestanding 64-bit code (with 16- and 32-bit entry stubs)
# built by gcc/as/ld/objcopy alone; none of the host CFLAGS apply to it.
# probe.elf is linked at pref_address for PVH; the bzImage's protected-
# mode part is linked at 0 and checked to be position independent.

PROBE_FORMATS := gzip bzip2 lzma xz lzo lz4 zstd
PROBE_COMPRESS ?= gzip
ifeq ($(filter $(PROBE_COMPRESS),$(PROBE_FORMATS)),)
$(error PROBE_COMPRESS=$(PROBE_COMPRESS): choose one of $(PROBE_FORMATS))
endif

PROBE_OUT := $(BUILD)/probe
PROBE_CC := gcc
PROBE_LD := ld
PROBE_OBJCOPY := objcopy
PROBE_ELF_BASE := $(shell sed -n 's/^\#define PROBE_PREF_ADDRESS //p' probe/probe_abi.h)
PROBE_MOVED_BASE := 0x200000

PROBE_CFLAGS := -m64 -march=x86-64 -O2 -std=gnu11 -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fpie -fvisibility=hidden \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-jump-tables \
	-fno-tree-loop-distribute-patterns -fno-common -fcf-protection=none \
	-Iinclude -Iprobe -I$(PROBE_OUT)
PROBE_LDFLAGS := -m elf_x86_64 -nostdlib -static -T probe/probe.ld \
	--no-warn-rwx-segments -z noexecstack --build-id=none

PROBE_OBJS := $(addprefix $(PROBE_OUT)/obj/,head.o report.o serial.o \
	paging.o crc32.o lib.o virtio.o smp.o ap.o)
PROBE_BZIMAGES := $(PROBE_FORMATS:%=$(PROBE_OUT)/probe-%.bzImage)

.PHONY: probe probe-all probe-check probe-force
probe: $(PROBE_OUT)/probe.bzImage $(PROBE_OUT)/probe.elf
probe-all: $(PROBE_BZIMAGES) $(PROBE_OUT)/probe.bzImage $(PROBE_OUT)/probe.elf
probe-check: $(BUILD)/tests/probe_check
TEST_EXTRA_TARGETS += probe probe-all probe-check

$(PROBE_OUT)/asm-offsets.h: probe/asm-offsets.c probe/probe_abi.h \
		include/directboot/bootparam.h \
		include/directboot/hvm_start_info.h
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -S -o $(@:.h=.s) $<
	{ echo '/* Generated from probe/asm-offsets.c; do not edit. */'; \
	  sed -n 's/.*"->\([A-Za-z0-9_]*\) \(-*[0-9]*\)".*/#define \1 \2/p' \
		$(@:.h=.s); } >$@.tmp
	mv $@.tmp $@

$(PROBE_OUT)/obj/%.o: probe/%.c probe/probe.h probe/probe_abi.h \
		include/directboot/bootparam.h \
		include/directboot/hvm_start_info.h
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -c $< -o $@

$(PROBE_OUT)/obj/%.o: probe/%.S probe/probe_abi.h $(PROBE_OUT)/asm-offsets.h
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -c $< -o $@

$(PROBE_OUT)/probe.elf: $(PROBE_OBJS) $(PROBE_OUT)/obj/pvh_note.o \
		probe/probe.ld
	$(PROBE_LD) $(PROBE_LDFLAGS) --defsym=PROBE_BASE=$(PROBE_ELF_BASE) \
		-o $@ $(PROBE_OBJS) $(PROBE_OUT)/obj/pvh_note.o

# One payload, protected-mode part, setup and bzImage per format.
define PROBE_FORMAT_RULES
$(PROBE_OUT)/$(1)/payload.bin: $(PROBE_OUT)/probe.elf probe/compress.sh
	@mkdir -p $$(@D)
	sh probe/compress.sh $(1) $$< $$@

$(PROBE_OUT)/$(1)/payload.o: probe/payload.S $(PROBE_OUT)/$(1)/payload.bin
	$(PROBE_CC) $(PROBE_CFLAGS) \
		-DPROBE_PAYLOAD_FILE='"$(PROBE_OUT)/$(1)/payload.bin"' \
		-c $$< -o $$@

$(PROBE_OUT)/$(1)/pm.elf: $(PROBE_OBJS) $(PROBE_OUT)/$(1)/payload.o \
		probe/probe.ld
	$(PROBE_LD) $(PROBE_LDFLAGS) --defsym=PROBE_BASE=0 -o $$@ \
		$(PROBE_OBJS) $(PROBE_OUT)/$(1)/payload.o

$(PROBE_OUT)/$(1)/pm-moved.elf: $(PROBE_OBJS) $(PROBE_OUT)/$(1)/payload.o \
		probe/probe.ld
	$(PROBE_LD) $(PROBE_LDFLAGS) --defsym=PROBE_BASE=$(PROBE_MOVED_BASE) \
		-o $$@ $(PROBE_OBJS) $(PROBE_OUT)/$(1)/payload.o

$(PROBE_OUT)/$(1)/%.bin: $(PROBE_OUT)/$(1)/%.elf
	$(PROBE_OBJCOPY) -O binary $$< $$@

$(PROBE_OUT)/$(1)/pm_layout.h: probe/mklayout.sh $(PROBE_OUT)/$(1)/pm.elf \
		$(PROBE_OUT)/$(1)/pm.bin $(PROBE_OUT)/$(1)/pm-moved.bin
	sh probe/mklayout.sh $(PROBE_OUT)/$(1)/pm.elf $(PROBE_OUT)/$(1)/pm.bin \
		$(PROBE_OUT)/$(1)/pm-moved.bin >$$@.tmp
	mv $$@.tmp $$@

$(PROBE_OUT)/$(1)/setup.o: probe/setup.S probe/probe_abi.h \
		$(PROBE_OUT)/asm-offsets.h $(PROBE_OUT)/$(1)/pm_layout.h
	$(PROBE_CC) $(PROBE_CFLAGS) -I$(PROBE_OUT)/$(1) -c $$< -o $$@

$(PROBE_OUT)/$(1)/setup.elf: $(PROBE_OUT)/$(1)/setup.o probe/setup.ld
	$(PROBE_LD) -m elf_x86_64 -T probe/setup.ld -o $$@ $$<

# The protected-mode part is padded to syssize paragraphs, as Linux's
# arch/x86/boot/tools/build.c pads it: loaders may read all of them.
$(PROBE_OUT)/probe-$(1).bzImage: $(PROBE_OUT)/$(1)/setup.bin \
		$(PROBE_OUT)/$(1)/pm.bin
	cat $$^ >$$@.tmp
	sz=$$$$(wc -c <$(PROBE_OUT)/$(1)/pm.bin); \
		head -c $$$$(((16 - sz % 16) % 16)) /dev/zero >>$$@.tmp
	mv $$@.tmp $$@
endef
$(foreach f,$(PROBE_FORMATS),$(eval $(call PROBE_FORMAT_RULES,$(f))))

# probe.bzImage follows PROBE_COMPRESS even when only the variable changed.
$(PROBE_OUT)/probe.bzImage: $(PROBE_OUT)/probe-$(PROBE_COMPRESS).bzImage \
		$(PROBE_OUT)/compress.txt
	cp $< $@

$(PROBE_OUT)/compress.txt: probe-force
	@mkdir -p $(@D)
	@echo $(PROBE_COMPRESS) | cmp -s - $@ || echo $(PROBE_COMPRESS) >$@

# The checker: a host program, and a library for the unit test.
$(BUILD)/tests/probecheck/%.o: CPPFLAGS += -Iprobe -Itests/probecheck
$(BUILD)/tests/unit/test_probe_check.o: CPPFLAGS += -Iprobe -Itests/probecheck
$(BUILD)/tests/unit/test_probe_check: $(BUILD)/tests/probecheck/probe_check.o

$(BUILD)/tests/probe_check: $(BUILD)/tests/probecheck/main.o \
		$(BUILD)/tests/probecheck/probe_check.o
	$(CC) $(LDFLAGS) -o $@ $^ -lz

-include $(wildcard $(BUILD)/tests/probecheck/*.d)
