#!/bin/sh
# Under --accel tcg, QEMU's own lines stay off the user's terminal: no
# "qemu-system-x86_64: terminating on signal 15 from pid N" when
# --timeout or a signal stops the guest, no "QEMU: Terminated" on
# Ctrl-A x; --timeout is worded as on kvm (ACCEL_TIMEOUT_NOTE).  When
# QEMU fails, the tail of its stderr is shown; --debug lets its stderr
# through as it comes.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)
. tests/real-boot.sh

t_need_qemu tcg-quiet
t_tmpdir
rb_mkbz "$T/spin.bz" eb fe # jmp .
printf '#!/bin/sh\necho "fake-qemu: cannot do that" >&2\nexit 1\n' >"$T/fake"
chmod +x "$T/fake"

for b in $bins; do
	[ -x "$b" ] || { fail "$b: binary" "not built"; continue; }
	tag=$(basename "$(dirname "$b")")
	"$b" run "$T/spin.bz" --accel tcg -m 64M --timeout 2 </dev/null \
		>"$T/out" 2>"$T/err"
	t_eq "$tag: --timeout: 124, one line, the shared wording" \
		"124|directboot: --timeout 2 s reached, guest stopped" \
		"$?|$(tr -d '\r' <"$T/err")"
	t_eq "$tag: --timeout: nothing on stdout" "" "$(cat "$T/out")"

	"$b" run "$T/spin.bz" --accel tcg -m 64M --timeout 60 </dev/null \
		>"$T/out" 2>"$T/err" &
	pid=$!
	sleep 2
	kill -TERM $pid
	wait $pid
	t_eq "$tag: SIGTERM: 143, no QEMU line on stderr" "143|0" \
		"$?|$(grep -ci qemu "$T/err")"

	(sleep 2; printf '\001x') | "$b" run "$T/spin.bz" --accel tcg -m 64M \
		--timeout 60 >"$T/out" 2>"$T/err"
	t_eq "$tag: Ctrl-A x: exit 0, no \"QEMU: Terminated\"" "0||" \
		"$?|$(cat "$T/out")|$(cat "$T/err")"

	"$b" run "$T/spin.bz" --accel tcg -m 64M --qemu "$T/fake" </dev/null \
		>"$T/out" 2>"$T/err"
	st=$?
	t_eq "$tag: QEMU fails: 3, the tail of its stderr shown" "3|1|1" \
		"$st|$(grep -c "QEMU's stderr ends" "$T/err")|$(grep -c 'fake-qemu: cannot do that' "$T/err")"
	"$b" run "$T/spin.bz" --accel tcg -m 64M --qemu "$T/fake" --debug \
		</dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: --debug: QEMU's stderr as it comes" "3|1|0" \
		"$?|$(grep -xc 'fake-qemu: cannot do that' "$T/err")|$(grep -c "QEMU's stderr ends" "$T/err")"
done
