#!/bin/sh
# The virtio device options (--disk, --net, --console virtio, --rng)
# exist on kvm only, so they decide the accelerator before anything runs:
# no calibration, no plan, no --timings lines.  --accel tcg with a
# device: exit 2, one line naming the options and --accel kvm.
# --accel auto with a device: kvm when /dev/kvm can be opened, else exit
# 3 at once, one line naming /dev/kvm.  The image here is not even a
# kernel: a plan would refuse it, so any refusal but the devices' shows
# that something ran first.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)

t_tmpdir
printf 'not a kernel\n' >"$T/junk"
head -c 4096 /dev/zero >"$T/disk"

for b in $bins; do
	[ -x "$b" ] || { fail "$b: binary" "not built"; continue; }
	tag=$(basename "$(dirname "$b")")
	for dev in "--disk $T/disk" "--rng" "--console virtio" "--net tap"; do
		case $dev in
		--disk* | --net*) w=${dev%% *} ;;
		*) w=$dev ;;
		esac
		# shellcheck disable=SC2086 # $dev is two words
		t_one_line "$tag: --accel tcg $w: refused before anything runs (2)" 2 \
			"$w: virtio devices need --accel kvm" \
			"$b" run "$T/junk" --accel tcg --timings $dev
		if [ ! -e /dev/kvm ]; then
			# shellcheck disable=SC2086
			t_one_line "$tag: --accel auto $w without /dev/kvm: refused at once (3)" 3 \
				"need kvm, and /dev/kvm cannot be opened" \
				"$b" run "$T/junk" --timings $dev
		fi
	done
	t_one_line "$tag: every device option is named" 2 \
		"--disk, --console virtio, --rng: virtio devices need --accel kvm" \
		"$b" run "$T/junk" --accel tcg --rng --console virtio --disk "$T/disk"
	if [ -e /dev/kvm ]; then
		# auto goes straight to kvm: its line, then the plan's refusal
		# of the junk image, and no calibration.
		"$b" run "$T/junk" --timings --rng </dev/null >/dev/null 2>"$T/err"
		t_eq "$tag: --accel auto --rng with /dev/kvm: kvm, no calibration" \
			"1 0" "$(grep -c 'accel auto: kvm, which --rng need' "$T/err") $(grep -c calibration "$T/err")"
	else
		skip "$tag: --accel auto with a device and /dev/kvm" "no /dev/kvm on this host"
	fi
done
