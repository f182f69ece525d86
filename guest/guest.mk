# The devloop's init (guest/devinit.c): a static executable that runs as
# PID 1 in the initramfs `directboot run -- CMD` builds (cli/devloop.c),
# linked into directboot as data (guest/devinit_blob.S).
#
#   make devinit    $(BUILD)/guest/devinit alone
#
# Built with plain gcc -static -Os: none of the host CFLAGS (sanitizers
# included) apply to a program that runs in the guest.

DEVINIT_OUT := $(BUILD)/guest
DEVINIT_BIN := $(DEVINIT_OUT)/devinit
DEVINIT_CFLAGS := -static -Os -std=gnu11 -Wall -Wextra -Werror -Iinclude \
	-D_GNU_SOURCE -s

.PHONY: devinit
devinit: $(DEVINIT_BIN)

$(DEVINIT_BIN): guest/devinit.c include/directboot/pc.h
	@mkdir -p $(@D)
	gcc $(DEVINIT_CFLAGS) $< -o $@

$(DEVINIT_OUT)/devinit_blob.o: guest/devinit_blob.S $(DEVINIT_BIN)
	@mkdir -p $(@D)
	$(CC) -c -DDEVINIT_BIN='"$(DEVINIT_BIN)"' $< -o $@

DIRECTBOOT_OBJS += $(DEVINIT_OUT)/devinit_blob.o
