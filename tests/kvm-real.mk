# make test-kvm-real: Debian kernels under --accel kvm on every entry
# path (tests/kvm-real.sh).  Slow where KVM runs at hardware speed, and
# skipped, with the calibration's reason, where it does not; not part of
# `make test`.
.PHONY: test-kvm-real
test-kvm-real: $(BUILD)/directboot $(BUILD)/tests/tools/diskinit
	DIRECTBOOT=$(BUILD)/directboot sh tests/kvm-real.sh
