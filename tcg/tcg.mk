# The tcg accelerator's reset-vector trampoline (tcg/trampoline.S): our
# own 16/32/64-bit code, assembled into the 64 KiB image QEMU runs as its
# BIOS and linked into directboot, where tcg/tcg.c patches each plan's
# entry state into it.
#
#   make tcg-trampoline   $(BUILD)/tcg/trampoline.bin alone
#
# The image is built with plain gcc/objcopy; none of the host CFLAGS
# (sanitizers included) apply to it.

TCG_OUT := $(BUILD)/tcg
TCG_BIN := $(TCG_OUT)/trampoline.bin

.PHONY: tcg-trampoline
tcg-trampoline: $(TCG_BIN)

$(TCG_OUT)/trampoline.elf.o: tcg/trampoline.S tcg/trampoline.h
	@mkdir -p $(@D)
	gcc -c -Itcg $< -o $@

# Exactly 64 KiB, the reset vector in its last 16 bytes: QEMU maps a
# -bios image's end at 4 GiB, and the size must be a multiple of 64 KiB.
$(TCG_BIN): $(TCG_OUT)/trampoline.elf.o
	objcopy -O binary -j .text $< $@.tmp
	@test "$$(wc -c <$@.tmp)" -eq 65536 || \
		{ echo "$@: not 64 KiB" >&2; rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

$(TCG_OUT)/trampoline_blob.o: tcg/trampoline_blob.S $(TCG_BIN)
	@mkdir -p $(@D)
	$(CC) -c -DTRAMPOLINE_BIN='"$(TCG_BIN)"' $< -o $@

