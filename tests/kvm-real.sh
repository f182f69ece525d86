#!/bin/sh
# make test-kvm-real (slow, not in the default run): the real Debian
# kernels of tests/integration/50-real-tcg.sh under --accel kvm, on every
# entry path: cloud (lz4) and generic (xz), each through the bzImage's
# 64-bit and 32-bit entries and --decompress host through PVH and the
# 64-bit startup.
#
# It runs only where KVM runs guest code at hardware speed.  First the
# calibration: `directboot run --accel auto` on a tiny guest that resets
# at once, whose stderr line says which accelerator the calibration chose
# and why; unless it chose kvm, the kernels are not booted (a kernel on a
# KVM that emulates every instruction takes hours) and the skip is said
# with that line.  Ends with the total line "N passed, M failed, S skipped".
#
# DIRECTBOOT=path picks the build (default build/directboot).
cd "$(dirname "$0")/.." || exit 1
RESULTS=$(mktemp)
export RESULTS
. tests/lib.sh

T=$(mktemp -d)
trap 'rm -rf "$T" "$RESULTS"' EXIT INT TERM
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

rb_fetch
tag=$(basename "$(dirname "$bin")")
for kind in cloud generic; do
	for path in 64 32 pvh host64; do
		rb_real "$bin" "$tag" kvm "$kind" "$path"
	done
done
total
