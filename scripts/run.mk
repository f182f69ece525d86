# `make run`: build directboot, fetch Debian's cloud kernel and busybox,
# build a busybox initramfs and boot it to a shell on the serial console
# (scripts/run.sh).  RUN_OPTS adds directboot run options, e.g.
# RUN_OPTS="--accel tcg --timings".
.PHONY: run
run: $(BUILD)/directboot
	sh scripts/run.sh $(BUILD)/directboot $(RUN_OPTS)
