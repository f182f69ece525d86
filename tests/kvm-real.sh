#!/bin/sh
# make test-kvm-real (slow, not in the default run): the real-kernel
# scenarios of tests/nested/scenarios.sh, the same list the nested
# harness (tests/nested/run.sh, in the default run) proves inside an L1
# with kvm_amd, here on this host's own /dev/kvm: Debian's cloud (lz4)
# and generic (xz) kernels on every entry path, the TSC-deadline timer,
# SMP, the ext4 disk (the token read back with debugfs), virtio-net
# (root only: it adds a TAP, ntap0, at 10.0.2.1), the virtio console
# and rng, reboot through the i8042 and 0xcf9, the exit statuses, ACPI
# power-off and `make run`'s shell driven from a pipe.
#
# It runs only where KVM runs guest code at hardware speed.  First the
# calibration: `directboot run --accel auto` on a tiny guest that resets
# at once, whose stderr line says which accelerator the calibration chose
# and why; unless it chose kvm, the kernels are not booted (a kernel on a
# KVM that emulates every instruction takes hours) and the skip is said
# with that line.  Ends with the total line "N passed, M failed, S skipped".
#
# DIRECTBOOT=path picks the build (default build/directboot); KR_FNS
# names the scenario functions to run (default: all of them).
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
t_tmpdir
RESULTS=$T/results
export RESULTS
: >"$RESULTS"

PATH=$PATH:/sbin:/usr/sbin
export XDG_CACHE_HOME="$T/xdg"
. tests/real-boot.sh

total() {
	p=$(grep -c '^pass' "$RESULTS")
	f=$(grep -c '^fail' "$RESULTS")
	s=$(grep -c '^skip' "$RESULTS")
	echo "test-kvm-real: $p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

bin=$DIRECTBOOT
if ! [ -x "$bin" ]; then
	fail kvm-real-built "no $bin (make)"
	total
	exit 1
fi
rb_mkbz_reset "$T/reset.bz"
"$bin" run "$T/reset.bz" --accel auto -m 64M --timeout 60 </dev/null \
	>"$T/cal.out" 2>"$T/cal.err"
st=$?
why=$(grep -a -- '--accel auto:' "$T/cal.err")
echo "calibration: ${why:-no '--accel auto' line (exit $st)}"
case $why in
*"--accel auto: kvm, which runs"*) ;;
*)
	skip kvm-real "KVM is not hardware accelerated here: ${why:-$(tail -2 "$T/cal.err" | tr '\n' ' ')}"
	total
	exit 0
	;;
esac
t_eq kvm-real-calibration-guest 0 "$st"

# The scenarios' hooks: results through tests/lib.sh, the disk tokens
# read back at once.
ok() { pass "$tag/$1 ($2 s)"; }
bad() { fail "$tag/$1" "$3"; }
note() { echo "  note $1: $2"; }
token() {
	t_eq "$tag/$1" "$3" "$(debugfs -R "cat /directboot.txt" "$2" 2>/dev/null)"
}

. tests/nested/payloads.sh
. tests/nested/scenarios.sh
tag=$(basename "$(dirname "$bin")")
if ! nt_payloads "$T/nt" "$bin" "$(dirname "$bin")/tests/tools/diskinit" \
	>"$T/build.log" 2>&1; then
	fail "$tag/kvm-real-payloads" "$(tail -3 "$T/build.log" | tr '\n' ' ')"
	total
	exit 1
fi
NT=$T/nt
. "$NT/env"
W=$T/w
mkdir -p "$W" "$T/bb"
# busybox's httpd serves the net scenario's blob.
ln -s "$(tests/fetch-kernels.sh busybox)" "$T/bb/httpd"
PATH=$PATH:$T/bb
fns="nt_entries nt_cpu nt_smp nt_disk nt_hvc nt_rng nt_reboot nt_status
	nt_interactive nt_poweroff nt_halt"
[ "$(id -u)" = 0 ] && fns="$fns nt_net"
for fn in ${KR_FNS:-$fns}; do
	$fn
done
total
