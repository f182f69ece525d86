#!/bin/sh
# Hostile guests: the evil probes (evil/evil.c, one misbehaviour each)
# under directboot run --accel kvm, the sandbox on, in both builds (the
# ASan/UBSan one included).  Each must leave the launcher running to the
# guest's own end, or stopping with the status DESIGN.md gives, and
# never crashing or hanging; nothing the sanitizers or the sandbox
# report may appear on stderr.
#   flood           256 KiB of rep outsb to COM1: all of it on stdout, 0
#   flood to a closed pipe: the writes fail (EPIPE), the guest goes on, 0
#   flood_forever   --timeout 3 still wins: 124, within seconds
#   spin            --timeout 2: 124
#   hlt             cli; hlt, which nothing can wake: 0 and one "guest
#                   halted" line (vmm/run.c's halt watch), within seconds
#   pio             every port, the UART in every state, the i8042's
#                   unknown commands, long string I/O: the guest goes on, 0
#   mmio            where nothing is, and straddling the end of RAM: 0
#   triple          1, "guest crashed" and the registers
# The virtio cases (descriptor loops, addresses outside RAM, wild queue
# sizes and indices) are in 83-hostile-virtio.sh.
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm hostile
t_tmpdir
bins=$(t_bins)

# evil CASE TIMEOUT ARGS...: run the case; its status in $st, its wall
# time in whole seconds in $secs
evil() {
	c=$1 to=$2
	shift 2
	t0=$(date +%s)
	timeout 120 "$bin" run "$E/evil-$c.elf" --accel kvm -m 64M \
		--timeout "$to" "$@" </dev/null >"$T/$c.out" 2>"$T/$c.err"
	st=$?
	secs=$(($(date +%s) - t0))
}

# clean NAME FILE: no sanitizer report, no sandbox refusal in FILE
clean() {
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|sandbox: refused' "$2"
	then
		fail "$1" "$(grep -Em2 'Sanitizer|runtime error|refused' "$2")"
	else
		pass "$1"
	fi
}

# has NAME FILE PATTERN
has() {
	if grep -aq "$3" "$2"; then pass "$1"
	else fail "$1" "no '$3' in $(tail -c 200 "$2" | tr -d '\000')"; fi
}

for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	E=$(dirname "$bin")/evil
	[ -f "$E/evil-flood.elf" ] || { fail "$tag/hostile" "no $E"; continue; }

	evil flood 100
	t_eq "$tag/flood-status" 0 $st
	has "$tag/flood-end" "$T/flood.out" '^EVIL END'
	n=$(grep -ac '^[A-Z]\{63\}$' "$T/flood.out")
	t_eq "$tag/flood-every-line-arrived" 4096 "$n"
	clean "$tag/flood-clean" "$T/flood.err"

	{ timeout 120 "$bin" run "$E/evil-flood.elf" --accel kvm -m 64M \
		--timeout 100 </dev/null 2>"$T/pipe.err"; echo $? >"$T/pipe.rc"
	} | head -c 1000 >/dev/null
	t_eq "$tag/flood-into-closed-pipe-status" 0 "$(cat "$T/pipe.rc")"
	clean "$tag/flood-into-closed-pipe-clean" "$T/pipe.err"

	evil flood_forever 3 --timings
	t_eq "$tag/flood-forever-timeout-status" 124 $st
	[ $secs -le 15 ] && pass "$tag/flood-forever-stops-in-time (${secs}s)" ||
		fail "$tag/flood-forever-stops-in-time" "took ${secs}s"
	[ -s "$T/flood_forever.out" ] && pass "$tag/flood-forever-output" ||
		fail "$tag/flood-forever-output" "nothing on stdout"
	over=$(sed -n 's/.*launcher overhead \(-*[0-9]*\) KiB.*/\1/p' \
		"$T/flood_forever.err")
	if [ -n "$over" ] && [ "$over" -lt 65536 ]; then
		pass "$tag/flood-forever-memory-bounded (${over} KiB)"
	else
		fail "$tag/flood-forever-memory-bounded" "overhead '${over}' KiB"
	fi
	clean "$tag/flood-forever-clean" "$T/flood_forever.err"

	evil spin 2
	t_eq "$tag/spin-timeout-status" 124 $st
	[ $secs -le 12 ] && pass "$tag/spin-stops-in-time (${secs}s)" ||
		fail "$tag/spin-stops-in-time" "took ${secs}s"
	clean "$tag/spin-clean" "$T/spin.err"

	evil hlt 60
	t_eq "$tag/hlt-halted-status" 0 $st
	has "$tag/hlt-halted-said" "$T/hlt.err" 'guest halted: every CPU stopped'
	[ $secs -le 12 ] && pass "$tag/hlt-stops-in-time (${secs}s)" ||
		fail "$tag/hlt-stops-in-time" "took ${secs}s"
	clean "$tag/hlt-clean" "$T/hlt.err"

	evil pio 100
	t_eq "$tag/pio-status" 0 $st
	has "$tag/pio-guest-went-on" "$T/pio.out" '^EVIL PIO DONE'
	has "$tag/pio-end" "$T/pio.out" '^EVIL END'
	clean "$tag/pio-clean" "$T/pio.err"

	evil mmio 100
	t_eq "$tag/mmio-status" 0 $st
	has "$tag/mmio-guest-went-on" "$T/mmio.out" '^EVIL MMIO DONE'
	has "$tag/mmio-end" "$T/mmio.out" '^EVIL END'
	clean "$tag/mmio-clean" "$T/mmio.err"

	evil triple 100
	t_eq "$tag/triple-status" 1 $st
	has "$tag/triple-crash-reported" "$T/triple.err" 'guest crashed'
	has "$tag/triple-registers" "$T/triple.err" 'rip='
	clean "$tag/triple-clean" "$T/triple.err"
done
