#!/bin/sh
# run's default command line, on tcg with the probe guest (which prints
# the command line it was handed): without -a the kernel gets
# console=ttyS0, so that a first `run IMAGE` shows the boot; a given
# command line is used as it is, and when it names no console=, one line
# on stderr says so.  A bzImage that cannot take a command line (the
# tiny guests' header stops at 0x202) still boots without one.  plan
# keeps showing the command line given (empty without -a).
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)
. tests/real-boot.sh

t_need_qemu default-cmdline
t_tmpdir
rb_mkbz_reset "$T/reset.bz"
note='names no console='

for b in $bins; do
	tag=$(basename "$(dirname "$b")")
	p=$(dirname "$b")/probe/probe.bzImage
	if [ ! -x "$b" ] || [ ! -f "$p" ]; then
		fail "$tag: default cmdline" "no $b or $p: run make test-prereqs"
		continue
	fi
	# boot NAME ARGS...: the probe on tcg; sets st, out's CMDLINE line
	# and the count of notes on stderr.
	boot() {
		"$b" run "$p" --accel tcg -m 64M --timeout 60 "$@" \
			</dev/null >"$T/out" 2>"$T/err"
		st=$?
		cmd=$(sed -n 's/^CMDLINE="\(.*\)"\r*$/\1/p' "$T/out")
		notes=$(grep -c -- "$note" "$T/err")
	}
	boot
	t_eq "$tag: run without -a: exit 0, cmdline console=ttyS0, no note" \
		"0|console=ttyS0|0" "$st|$cmd|$notes"
	boot -a "quiet loglevel=3"
	t_eq "$tag: run -a without console=: used as given, one note" \
		"0|quiet loglevel=3|1" "$st|$cmd|$notes"
	t_eq "$tag: the note is one line on stderr" 1 "$(wc -l <"$T/err")"
	boot -a "earlycon=uart8250,io,0x3f8 console=ttyS0,115200"
	t_eq "$tag: run -a with console=: no note" "0|0" "$st|$notes"
	boot -a "xconsole=1"
	t_eq "$tag: run -a xconsole=: not a console=, one note" "0|1" "$st|$notes"
	"$b" run "$T/reset.bz" --accel tcg -m 64M --timeout 60 </dev/null \
		>"$T/out" 2>"$T/err"
	t_eq "$tag: run of a bzImage that takes no command line: no default, exit 0" \
		"0|R|0" "$?|$(cat "$T/out")|$(wc -l <"$T/err")"
	"$b" plan "$p" --json >"$T/plan" 2>&1
	t_eq "$tag: plan without -a: empty command line" "" \
		"$(jq -r .cmdline "$T/plan")"
done
