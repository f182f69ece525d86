#!/bin/sh
# Every input a fuzz campaign crashed on is checked in under
# fuzz/regressions/<harness>/ and replayed here through the harness built
# by gcc, in the normal and the ASan/UBSan build (fuzz/replay.c, no
# libFuzzer), so that a fixed crash stays fixed.  The seeds fuzz/seeds.sh
# makes (the probe's images, synthetic bzImages, payload streams, plan
# inputs) run through the same replays, so that the harnesses' own
# checks (the library's error contract, plans inside RAM) hold on good
# input too.
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

for bin in $bins; do
	b=$(dirname "$bin")
	for r in "$b"/fuzz/replay-*; do
		[ -x "$r" ] || { fail "$b/fuzz-replay" "no $b/fuzz/replay-*"; continue; }
		h=${r##*/replay-}
		set -- fuzz/regressions/$h/*
		[ -e "$1" ] || set --
		n=$#
		if "$r" "$@" >"$T/out" 2>&1; then
			pass "$b/fuzz-regressions-$h ($n inputs)"
		else
			fail "$b/fuzz-regressions-$h" "$(grep -m2 -E 'ERROR|runtime error|Abort' "$T/out" | tr '\n' ' ')"
		fi
		set -- "$T/seeds/$h"/*
		[ -e "$1" ] || set --
		if [ $# -eq 0 ]; then
			[ "$h" = virtqueue ] || fail "$b/fuzz-seeds-$h" "no seeds"
		elif "$r" "$@" >"$T/out" 2>&1; then
			pass "$b/fuzz-seeds-$h ($# inputs)"
		else
			fail "$b/fuzz-seeds-$h" "$(grep -m2 -E 'ERROR|runtime error|Abort' "$T/out" | tr '\n' ' ')"
		fi
	done
done
