#!/bin/sh
# The inputs checked in under fuzz/regressions/<harness>/ are replayed
# here through the harness built by gcc, in the normal and the
# ASan/UBSan build (fuzz/replay.c, no libFuzzer): those a fuzz campaign
# crashed on, so that a fixed crash stays fixed, and those a short
# campaign found reaching code the seeds do not (fuzz/minimise.sh), so
# that the harnesses' own checks (the library's error contract, plans
# inside RAM) hold there too.  The seeds fuzz/seeds.sh makes (the
# probe's images, synthetic bzImages, payload streams, plan inputs,
# virtqueue and virtio-blk rings) run through the same replays.
#
# Every harness fuzz/fuzz_<name>.c must have its replay built, seeds,
# and each replay must say it ran every input.  A harness with nothing
# under fuzz/regressions/ is a skip, said aloud, not a pass.
#
# DIRECTBOOT=build-x/directboot replays build-x's harnesses alone; by
# default those of build/ and build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir

bins=$(t_bins)
first=$(dirname "${bins%% *}")
if ! sh fuzz/seeds.sh "$first" "$T/seeds" >"$T/seeds.log" 2>&1; then
	fail fuzz-seeds "fuzz/seeds.sh: $(tail -2 "$T/seeds.log" | tr '\n' ' ')"
fi

harnesses=$(ls fuzz/fuzz_*.c 2>/dev/null | sed 's|^fuzz/fuzz_||; s|\.c$||')
[ -n "$harnesses" ] || fail fuzz-harnesses "no fuzz/fuzz_*.c"

# replay NAME REPLAY FILE...: the replay runs every FILE and says so.
replay() {
	name=$1 r=$2
	shift 2
	if "$r" "$@" >"$T/out" 2>&1 &&
		grep -qx "replay: $# input(s) ran" "$T/out"; then
		pass "$name ($# inputs)"
	else
		fail "$name" "$(grep -m2 -E 'ERROR|runtime error|Abort|replay:' "$T/out" | tr '\n' ' ')"
	fi
}

for bin in $bins; do
	b=$(dirname "$bin")
	for h in $harnesses; do
		r=$b/fuzz/replay-$h
		if ! [ -x "$r" ]; then
			fail "$b/fuzz-replay-$h" "no $r (make fuzz-replay)"
			continue
		fi
		set -- fuzz/regressions/"$h"/*
		[ -e "$1" ] || set --
		if [ $# -eq 0 ]; then
			skip "$b/fuzz-regressions-$h" "fuzz/regressions/$h/ holds no input"
		else
			replay "$b/fuzz-regressions-$h" "$r" "$@"
		fi
		set -- "$T/seeds/$h"/*
		[ -e "$1" ] || set --
		if [ $# -eq 0 ]; then
			fail "$b/fuzz-seeds-$h" "fuzz/seeds.sh made no $h seeds"
		else
			replay "$b/fuzz-seeds-$h" "$r" "$@"
		fi
	done
done
