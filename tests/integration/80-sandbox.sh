#!/bin/sh
# The launcher's sandbox (vmm/sandbox.c), proven from outside:
#   - the filter is live: with DIRECTBOOT_SANDBOX_SELFTEST=1 the run
#     attempts openat() once the filter is in, and the process dies of
#     SIGSYS (status 159), naming the call; --no-sandbox lets the same
#     run finish (status 0), so the death is the filter's doing;
#   - /proc/PID/status of a running launcher says Seccomp: 2 (filter) and
#     NoNewPrivs: 1, and Seccomp: 0 with --no-sandbox;
#   - the probe boots to its end under the filter, with --timings (whose
#     peak RSS comes through the one openat the filter allows);
#   - the device models run under it: a tiny guest that reads the CMOS
#     clock (whose first read once went through glibc's gmtime_r(), which
#     opens /etc/localtime) and completes an INT3 gets to its reset;
#   - with four vCPUs and every virtio device, SIGTERM still ends the run
#     with 143 and nothing refused;
#   - --user nobody --chroot DIR: the running launcher's uids are all
#     65534 and its root is DIR, and the probe still boots to its end;
#   - refusals: an unknown --user is bad usage (2), a --chroot that
#     cannot be entered is a host problem (3) naming the directory.
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/
# (the ASan build runs its leak check before the filter goes in).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm sandbox
t_tmpdir
bins=$(t_bins)

# status_of PID FIELD: FIELD's values in /proc/PID/status, one space
# between them (Uid and Gid have four: real, effective, saved, fs)
status_of() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null |
		tr -s '\t ' '  ' | sed 's/ $//'
}

# watch NAME ARGS...: start directboot run ARGS on the never-ending evil
# probe, wait until it prints, then leave its pid in $pid.
watch() {
	rm -f "$T/w.out" "$T/w.err"
	"$bin" run "$EVIL_HLT" --accel kvm -m 64M --timeout 30 "$@" \
		</dev/null >"$T/w.out" 2>"$T/w.err" &
	pid=$!
	n=0
	while ! grep -q 'EVIL BEGIN' "$T/w.out" 2>/dev/null && [ $n -lt 300 ]
	do
		sleep 0.1
		n=$((n + 1))
	done
}

stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

. tests/real-boot.sh
# in $0x71 after out $0x70 (seconds), then 'T' on COM1 and a reset:
#   mov $0,%al; out %al,$0x70; in $0x71,%al
#   mov $0x3f8,%dx; mov $'T',%al; out %al,(%dx)
#   mov $0xfe,%al; out %al,$0x64; hlt
rb_mkbz "$T/rtc.bz" b0 00 e6 70 e4 71 66 ba f8 03 b0 54 ee b0 fe e6 64 f4

mkdir "$T/root"
for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	dir=$(dirname "$bin")
	P=$dir/probe/probe.bzImage
	EVIL_HLT=$dir/evil/evil-hlt.elf
	for f in "$P" "$EVIL_HLT"; do
		[ -f "$f" ] || fail "$tag/sandbox-inputs" "no $f"
	done
	run() { timeout 120 "$bin" run "$P" --accel kvm -m 64M --timeout 100 \
		"$@" </dev/null >"$T/out" 2>"$T/err"; }

	DIRECTBOOT_SANDBOX_SELFTEST=1 run
	t_eq "$tag/selftest-dies-of-SIGSYS" 159 $?
	if grep -q 'sandbox: refused system call openat' "$T/err"; then
		pass "$tag/selftest-names-openat"
	else
		fail "$tag/selftest-names-openat" "$(tail -2 "$T/err")"
	fi
	DIRECTBOOT_SANDBOX_SELFTEST=1 run --no-sandbox
	t_eq "$tag/selftest-without-sandbox-runs" 0 $?
	grep -q '^PROBE END' "$T/out" && pass "$tag/no-sandbox-probe-end" ||
		fail "$tag/no-sandbox-probe-end" "$(tail -2 "$T/err")"

	run --timings
	t_eq "$tag/probe-under-filter" 0 $?
	grep -q '^PROBE END' "$T/out" && pass "$tag/filter-probe-end" ||
		fail "$tag/filter-probe-end" "$(tail -2 "$T/err")"
	rss=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$T/err")
	if [ "${rss:-0}" -gt 0 ]; then
		pass "$tag/timings-peak-rss-under-filter ($rss KiB)"
	else
		fail "$tag/timings-peak-rss-under-filter" "$(tail -1 "$T/err")"
	fi

	timeout 60 "$bin" run "$T/rtc.bz" --accel kvm -m 64M --timeout 50 \
		</dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag/cmos-clock-under-filter" "0 T" "$? $(cat "$T/out")"

	watch
	t_eq "$tag/proc-seccomp-filter" 2 "$(status_of $pid Seccomp)"
	t_eq "$tag/proc-no-new-privs" 1 "$(status_of $pid NoNewPrivs)"
	stop
	watch --no-sandbox
	t_eq "$tag/proc-seccomp-off-with-no-sandbox" 0 \
		"$(status_of $pid Seccomp)"
	stop

	# Every device and four vCPUs under the filter, then SIGTERM: the
	# stop path (kicks, joins, terminal, teardown) stays inside it.
	truncate -s 1M "$T/disk.img"
	watch -c 4 --rng --console virtio --disk "$T/disk.img"
	kill -TERM "$pid"
	wait "$pid"
	t_eq "$tag/sigterm-all-devices-under-filter" 143 $?
	grep -q 'sandbox: refused' "$T/w.err" &&
		fail "$tag/sigterm-all-devices-clean" "$(tail -1 "$T/w.err")" ||
		pass "$tag/sigterm-all-devices-clean"

	watch --user nobody --chroot "$T/root"
	t_eq "$tag/user-nobody-uids" "65534 65534 65534 65534" \
		"$(status_of $pid Uid)"
	t_eq "$tag/user-nobody-gids" "65534 65534 65534 65534" \
		"$(status_of $pid Gid)"
	t_eq "$tag/user-nobody-groups" 65534 "$(status_of $pid Groups)"
	t_eq "$tag/chroot-root" "$T/root" "$(readlink /proc/$pid/root)"
	stop
	run --user nobody --chroot "$T/root" --timings
	t_eq "$tag/probe-as-nobody-in-chroot" 0 $?
	grep -q '^PROBE END' "$T/out" && pass "$tag/nobody-probe-end" ||
		fail "$tag/nobody-probe-end" "$(tail -2 "$T/err")"

	run --user no-such-user-here
	t_eq "$tag/unknown-user-is-usage" 2 $?
	grep -q "no user 'no-such-user-here'" "$T/err" &&
		pass "$tag/unknown-user-named" ||
		fail "$tag/unknown-user-named" "$(tail -2 "$T/err")"
	run --chroot "$T/missing"
	t_eq "$tag/bad-chroot-is-host" 3 $?
	grep -q "chroot $T/missing" "$T/err" && pass "$tag/bad-chroot-named" ||
		fail "$tag/bad-chroot-named" "$(tail -2 "$T/err")"
done
