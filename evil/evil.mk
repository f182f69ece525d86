# The evil probes (issue 7): the probe guest's start-up objects
# (probe/probe.mk builds them) linked with evil/evil.c compiled for one
# misbehaviour each, as $(BUILD)/evil/evil-<case>.elf, booted through
# the probe's PVH note.  tests/integration/82-hostile.sh runs them.
#
#   make evil     every case below

EVIL_CASES := flood flood_forever spin hlt pio mmio triple
# The virtio cases, from evil/evil_virtio.c (a blk driver gone wrong).
EVIL_VQ_CASES := vq_loop vq_outside vq_straddle vq_straddle_low \
	vq_straddle_hole vq_len4g vq_num \
	vq_ring_outside vq_idx_jump vq_state vq_clear_bit vq_used_jump \
	vq_indirect_unneg vq_indirect_loop vq_indirect_nested \
	rng_outside rng_len4g con_loop con_outside \
	blk_aligned_hold blk_unaligned_hold
EVIL_OUT := $(BUILD)/evil
# probe/probe.mk is read after this file: name its output directly.
EVIL_BASE_OBJS := $(addprefix $(BUILD)/probe/obj/,head.o serial.o paging.o \
	crc32.o lib.o pvh_note.o)
EVIL_ELFS := $(EVIL_CASES:%=$(EVIL_OUT)/evil-%.elf) \
	$(EVIL_VQ_CASES:%=$(EVIL_OUT)/evil-%.elf)

.PHONY: evil
evil: $(EVIL_ELFS)
TEST_EXTRA_TARGETS += evil

# Each case uses a few of the file's functions; the rest go unused.
$(EVIL_CASES:%=$(EVIL_OUT)/%.o): $(EVIL_OUT)/%.o: evil/evil.c probe/probe.h \
		probe/probe_abi.h
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -Wno-unused-function -DEVIL_CASE_$* -c $< -o $@

$(EVIL_VQ_CASES:%=$(EVIL_OUT)/%.o): $(EVIL_OUT)/%.o: evil/evil_virtio.c \
		probe/probe.h probe/probe_abi.h include/directboot/virtio.h
	@mkdir -p $(@D)
	$(PROBE_CC) $(PROBE_CFLAGS) -Wno-unused-function -DEVIL_CASE_$* -c $< -o $@

$(EVIL_OUT)/evil-%.elf: $(EVIL_OUT)/%.o $(EVIL_BASE_OBJS) probe/probe.ld
	$(PROBE_LD) $(PROBE_LDFLAGS) --defsym=PROBE_BASE=$(PROBE_ELF_BASE) \
		-o $@ $(EVIL_BASE_OBJS) $<
