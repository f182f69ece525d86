#!/bin/sh
# The virtio devices under --accel kvm, proven by the probe's drivers
# (probe/virtio.c) and by what the host sees:
#
#  - blk: the probe writes a pattern to sector 8, flushes, reads it back
#    and reports a CRC; the backing file must hold exactly the pattern,
#    also when the launcher is SIGKILLed right after the probe reported
#    the flush (probe.virtio_hold=1 stops the probe there).  A read-only
#    disk answers the write with IOERR and its file stays untouched.
#  - console: the probe's line comes out on stdout through hvc0; typed
#    input reaches hvc0 through the host terminal's Ctrl-A escape exactly
#    as it reaches ttyS0 (60-run-kvm-probe.sh, serial-input-echo): the
#    same keys give the guest the same bytes, and Ctrl-A x quits with 0.
#  - rng: 64 bytes, not all equal; with --rng=16 the rate limit gives 16.
#  - net: in a network namespace the test creates, a frame from the
#    probe arrives on the TAP, and a frame injected there reaches the
#    probe, which reports its CRC.
#  - SMP: with -c 4 (and -c 64) the probe finds the MP table and every
#    AP it lists reports "AP n alive", under --accel kvm and, with -c 2,
#    under --accel tcg (QEMU -smp with the same MP table); the probe's
#    transcript still passes the checker.  -c 1 has no MP table.  And
#    Debian's generic kernel (the cloud one is built without
#    CONFIG_X86_MPPARSE, so it finds CPUs through ACPI only) with -c 2
#    under --accel tcg counts 2 processors in /proc/cpuinfo from its
#    init.  (Whether Linux's check_timer() sees the PIT through the
#    I/O APIC is not asserted: under TCG on a loaded host its
#    busy-wait can miss the ticks whatever the wiring.)
#  - bad device options: exit 2; a missing disk: exit 3.
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm virtio
t_tmpdir
bins=$(t_bins)
# The network namespace net() makes, should the script end inside it.
NS=
t_on_exit '[ -z "$NS" ] || ip netns del "$NS" 2>/dev/null'

SECTOR=8
BYTES=4096

# pattern_bad FILE: how many bytes of the probe's pattern at sector 8 of
# FILE differ (VIRTIO_PROBE_PATTERN in probe/probe_virtio.h).
pattern_bad() {
	dd if="$1" bs=512 skip=$SECTOR count=$((BYTES / 512)) status=none |
		od -An -v -tu1 -w1 |
		awk '{ i = NR - 1; if ($1 != (i * 7 + int(i / 256) + 1) % 256)
			bad++ } END { print bad + 0 + (NR != 4096) }'
}

# crc_of FILE: zlib's CRC-32 of the pattern's bytes in FILE, as 0x...
crc_of() {
	dd if="$1" bs=512 skip=$SECTOR count=$((BYTES / 512)) status=none |
		gzip -c | tail -c8 | od -An -tx4 -N4 |
		awk '{ sub(/^0+/, "", $1); print "0x" $1 }'
}

val() { sed -n "s/^$1=//p" "$2" | head -1; }

run_probe() {
	bin=$1; out=$2; shift 2
	timeout 120 "$bin" run "$P/probe.bzImage" --accel kvm --timeout 100 \
		-m 64M "$@" </dev/null >"$out" 2>"$out.err"
}

devices() {
	bin=$1; tag=$2
	P=$(dirname "$bin")/probe
	if ! [ -f "$P/probe.bzImage" ]; then
		fail "$tag/virtio" "$P/probe.bzImage is missing (make probe)"
		return
	fi
	truncate -s 1M "$T/disk.img"
	run_probe "$bin" "$T/all.out" --disk "$T/disk.img" --console virtio \
		--rng
	t_eq "$tag/virtio-exit" 0 $?
	t_eq "$tag/blk-write-ok" 0x0 "$(val VIRTIO_BLK_WRITE "$T/all.out")"
	t_eq "$tag/blk-flush-ok" 0x0 "$(val VIRTIO_BLK_FLUSHED "$T/all.out")"
	t_eq "$tag/blk-irq-at-pic" 0x1 "$(val VIRTIO_BLK_IRQ "$T/all.out")"
	t_eq "$tag/blk-isr-used" 0x1 "$(val VIRTIO_BLK_ISR "$T/all.out")"
	t_eq "$tag/blk-isr-acked" 0x0 "$(val VIRTIO_BLK_ISR_ACKED "$T/all.out")"
	t_eq "$tag/blk-readback" 0x1 "$(val VIRTIO_BLK_MATCH "$T/all.out")"
	t_eq "$tag/blk-capacity" 0x800 \
		"$(val VIRTIO_BLK_CAPACITY "$T/all.out")"
	t_eq "$tag/blk-file-pattern" 0 "$(pattern_bad "$T/disk.img")"
	t_eq "$tag/blk-crc" "$(crc_of "$T/disk.img")" \
		"$(val VIRTIO_BLK_CRC "$T/all.out")"
	t_eq "$tag/console-hvc-line" 1 \
		"$(grep -c '^HVC_LINE=hello from the probe on hvc0$' "$T/all.out")"
	t_eq "$tag/rng-64" 0x40 "$(val VIRTIO_RNG_BYTES "$T/all.out")"
	t_eq "$tag/rng-varied" 0x1 "$(val VIRTIO_RNG_VARIED "$T/all.out")"

	# The escape on hvc0, as on ttyS0: the keys of 60-run-kvm-probe.sh's
	# serial-input-echo (Ctrl-A Ctrl-A is one Ctrl-A, Ctrl-A z is
	# nothing), and the probe reports what hvc0 got before the q.
	printf 'a\001\001b\001zcq' | timeout 120 "$bin" run "$P/probe.bzImage" \
		--accel kvm --timeout 100 -m 64M --console virtio \
		-a probe.hvc_echo=1 >"$T/hvc.out" 2>"$T/hvc.err"
	t_eq "$tag/hvc-input-status" 0 $?
	t_eq "$tag/hvc-input-escape" \
		"$(printf 'a\001bc' | od -An -tx1 | sed 's/^ //')" \
		"$(val HVC_INPUT "$T/hvc.out")"
	printf 'ab\001x' | timeout 120 "$bin" run "$P/probe.bzImage" \
		--accel kvm --timeout 100 -m 64M --console virtio \
		-a probe.hvc_echo=1 >"$T/hvc.out" 2>"$T/hvc.err"
	t_eq "$tag/hvc-ctrl-a-x-quits-with-0" 0 $?
	grep -q 'Ctrl-A x' "$T/hvc.err" && pass "$tag/hvc-ctrl-a-x-says-so" ||
		fail "$tag/hvc-ctrl-a-x-says-so" "$(cat "$T/hvc.err")"

	# A driver that breaks the spec: NEEDS_RESET, the VM runs on, and
	# after a reset the disk still reads back the pattern.
	run_probe "$bin" "$T/evil.out" --disk "$T/disk.img" --rng \
		-a "probe.virtio_evil=1"
	t_eq "$tag/evil-exit" 0 $?
	t_eq "$tag/evil-loop-needs-reset" 0x1 \
		"$(val VIRTIO_EVIL_LOOP "$T/evil.out")"
	t_eq "$tag/evil-out-of-ram-needs-reset" 0x1 \
		"$(val VIRTIO_EVIL_OUT_OF_RAM "$T/evil.out")"
	t_eq "$tag/evil-recovered" "$(crc_of "$T/disk.img")" \
		"$(val VIRTIO_EVIL_RECOVERED_CRC "$T/evil.out")"
	t_eq "$tag/evil-rng-unaffected" 0x1 \
		"$(val VIRTIO_RNG_VARIED "$T/evil.out")"
	t_eq "$tag/evil-reported" 2 \
		"$(grep -c 'DEVICE_NEEDS_RESET' "$T/evil.out.err")"

	# Read-only: the write fails, the file stays zero, the read works.
	truncate -s 0 "$T/ro.img"
	truncate -s 1M "$T/ro.img"
	chmod 444 "$T/ro.img"
	run_probe "$bin" "$T/ro.out" --disk "$T/ro.img,ro"
	t_eq "$tag/blk-ro-exit" 0 $?
	t_eq "$tag/blk-ro-write-ioerr" 0x1 "$(val VIRTIO_BLK_WRITE "$T/ro.out")"
	t_eq "$tag/blk-ro-untouched" 0 \
		"$(od -An -v -tx1 "$T/ro.img" | tr -d ' 0\n' | wc -c)"

	# The rate limit: a bucket of 16 bytes gives the first request 16.
	run_probe "$bin" "$T/rate.out" --rng=16
	t_eq "$tag/rng-rate-limited" 0x10 "$(val VIRTIO_RNG_BYTES "$T/rate.out")"
	# The second request waited for the refill, then got a few bytes.
	b2=$(val VIRTIO_RNG_BYTES2 "$T/rate.out")
	b2=$((${b2:-0}))	# hex; none (no run) must fail below, not end the script
	t_eq "$tag/rng-rate-refilled" yes \
		"$([ "$b2" -ge 1 ] && [ "$b2" -le 16 ] && echo yes || echo "$b2")"
	t_eq "$tag/rng-unlimited-again" 0x40 \
		"$(val VIRTIO_RNG_BYTES2 "$T/all.out")"

	# SIGKILL right after the flush was reported: the data is in the
	# file (the page cache is the host's, and fdatasync has returned).
	truncate -s 0 "$T/kill.img"
	truncate -s 1M "$T/kill.img"
	# The launcher itself is the background job, so that the SIGKILL
	# reaches it (under timeout(1) it would reach timeout and leave
	# the held VM running); its own --timeout bounds a hang.
	"$bin" run "$P/probe.bzImage" --accel kvm -m 64M --timeout 120 \
		-a "probe.virtio_hold=1" --disk "$T/kill.img,cache=none" \
		</dev/null >"$T/kill.out" 2>&1 &
	pid=$!
	n=0
	while ! grep -qs '^VIRTIO_HOLD' "$T/kill.out" && [ $n -lt 600 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	t_eq "$tag/blk-sigkill-killed-the-launcher" 137 $?
	t_eq "$tag/blk-sigkill-flushed" 0x0 \
		"$(val VIRTIO_BLK_FLUSHED "$T/kill.out")"
	t_eq "$tag/blk-sigkill-pattern" 0 "$(pattern_bad "$T/kill.img")"

	# Option errors.
	t_status "$tag/disk-bad-option" 2 "$bin" run "$P/probe.bzImage" \
		--accel kvm --disk "$T/disk.img,rw"
	t_status "$tag/disk-missing" 3 "$bin" run "$P/probe.bzImage" \
		--accel kvm --disk "$T/nonexistent.img"
	t_status "$tag/net-bad-option" 2 "$bin" run "$P/probe.bzImage" \
		--accel kvm --net vde
	t_status "$tag/devices-need-kvm" 2 "$bin" run "$P/probe.bzImage" \
		--accel tcg --rng
}

net() {
	bin=$1; tag=$2
	P=$(dirname "$bin")/probe
	RAW=$(dirname "$bin")/tests/rawframe
	mac=52:54:00:12:34:56
	if ! [ -x "$RAW" ]; then
		fail "$tag/net" "$RAW is missing (make $RAW)"
		return
	fi
	NS=dbvirtio$$
	if ! ip netns add "$NS" 2>"$T/ns.err"; then
		skip "$tag/net" "cannot create a network namespace here: $(cat "$T/ns.err")"
		NS=
		return
	fi
	if ! ip netns exec "$NS" ip tuntap add dev dbtap0 mode tap \
		2>"$T/ns.err" ||
	   ! ip netns exec "$NS" ip link set dbtap0 up 2>>"$T/ns.err"; then
		skip "$tag/net" "cannot create a TAP here: $(cat "$T/ns.err")"
		ip netns del "$NS"
		NS=
		return
	fi
	ip netns exec "$NS" "$RAW" recv dbtap0 100 >"$T/recv.txt" &
	rp=$!
	sleep 0.3
	ip netns exec "$NS" timeout 150 "$bin" run "$P/probe.bzImage" \
		--accel kvm --timeout 140 -m 64M --net "tap=dbtap0,mac=$mac" \
		</dev/null >"$T/net.out" 2>&1 &
	dp=$!
	wait $rp
	t_eq "$tag/net-frame-from-probe" \
		"len=64 src=$mac text=directboot probe frame" "$(cat "$T/recv.txt")"
	crc=$(ip netns exec "$NS" "$RAW" send dbtap0 $mac "hello probe" |
		sed -n 's/^crc=0*/0x/p')
	wait $dp
	t_eq "$tag/net-exit" 0 $?
	t_eq "$tag/net-mac" 0x525400123456 "$(val VIRTIO_NET_MAC "$T/net.out")"
	t_eq "$tag/net-frame-to-probe-len" 0x48 \
		"$(val VIRTIO_NET_RX_LEN "$T/net.out")"
	t_eq "$tag/net-frame-to-probe-crc" "$crc" \
		"$(val VIRTIO_NET_RX_CRC "$T/net.out")"
	ip netns del "$NS"
	NS=
}

# aps FILE: the APIC IDs that said "AP n alive", sorted, on one line.
aps() { sed -n 's/^AP \([0-9]*\) alive$/\1/p' "$1" | sort -n | tr '\n' ' '; }

smp() {
	bin=$1; tag=$2
	P=$(dirname "$bin")/probe
	CHECK=$(dirname "$bin")/tests/probe_check
	run_probe "$bin" "$T/smp4.out" -c 4 -a "console=ttyS0"
	t_eq "$tag/smp4-exit" 0 $?
	t_eq "$tag/smp4-mptable-cpus" 0x4 "$(val SMP_CPUS "$T/smp4.out")"
	t_eq "$tag/smp4-aps" "1 2 3 " "$(aps "$T/smp4.out")"
	t_eq "$tag/smp4-alive" 0x3 "$(val SMP_ALIVE "$T/smp4.out")"
	if [ -x "$CHECK" ]; then
		t_run "$tag/smp4-probe-check" "$CHECK" --transcript \
			"$T/smp4.out" --entry 64 --mem 64M --cmdline console=ttyS0
	else
		fail "$tag/smp4-probe-check" "no $CHECK (make probe-check)"
	fi
	run_probe "$bin" "$T/smp64.out" -c 64
	t_eq "$tag/smp64-aps" "$(seq 1 63 | tr '\n' ' ')" "$(aps "$T/smp64.out")"
	run_probe "$bin" "$T/smp1.out" -c 1
	t_eq "$tag/smp1-mptable-one-cpu" 0x1 "$(val SMP_CPUS "$T/smp1.out")"
	t_eq "$tag/smp1-no-aps" "" "$(aps "$T/smp1.out")"
	t_status "$tag/smp65-refused" 2 "$bin" run "$P/probe.bzImage" \
		--accel kvm -c 65
	if ! command -v qemu-system-x86_64 >/dev/null; then
		skip "$tag/smp-tcg" "qemu-system-x86_64 is not installed"
		return
	fi
	timeout 120 "$bin" run "$P/probe.bzImage" --accel tcg --timeout 100 \
		-m 64M -c 2 </dev/null >"$T/tcg2.out" 2>&1
	t_eq "$tag/smp-tcg-exit" 0 $?
	t_eq "$tag/smp-tcg-aps" "1 " "$(aps "$T/tcg2.out")"
}

# The generic Debian kernel, -c 2, on tcg: its init counts the CPUs.
real_smp() {
	bin=$1; tag=$2
	if ! command -v qemu-system-x86_64 >/dev/null; then
		skip "$tag/smp-tcg-debian" "qemu-system-x86_64 is not installed"
		return
	fi
	bb=$(tests/fetch-kernels.sh busybox) || bb=
	img=$(tests/fetch-kernels.sh generic) || img=
	if [ -z "$bb" ] || [ -z "$img" ]; then
		fail "$tag/smp-tcg-debian" "tests/fetch-kernels.sh could not fetch the generic kernel or busybox"
		return
	fi
	r=$T/smp-root
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/proc"
	cp "$bb" "$r/bin/busybox"
	{
		echo '#!/bin/busybox sh'
		echo '/bin/busybox mount -t proc proc /proc'
		echo 'echo "SMP_CPUINFO=$(/bin/busybox grep -c ^processor /proc/cpuinfo)"'
		echo 'exec /bin/busybox reboot -f'
	} >"$r/init"
	chmod +x "$r/init"
	(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$T/smp.gz"
	timeout 300 "$bin" run "$img" --accel tcg --timeout 280 -c 2 -m 512M \
		-a "console=ttyS0" -i "$T/smp.gz" </dev/null >"$T/smp-deb.out" 2>&1
	t_eq "$tag/smp-tcg-debian-exit" 0 $?
	t_eq "$tag/smp-tcg-debian-cpus" 2 \
		"$(sed -n 's/^SMP_CPUINFO=//p' "$T/smp-deb.out" | tr -d '\r')"
	t_eq "$tag/smp-tcg-debian-mptable" 1 \
		"$(grep -ac 'found SMP MP-table at \[mem 0x00000000-0x0000000f\]' "$T/smp-deb.out")"
}

for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	if ! [ -x "$bin" ]; then
		fail "$tag/virtio" "$bin is missing"
		continue
	fi
	devices "$bin" "$tag"
	net "$bin" "$tag"
	smp "$bin" "$tag"
	# One build boots the real kernel: it takes ~10 s of TCG.
	if [ "$bin" = "${bins%% *}" ]; then
		real_smp "$bin" "$tag"
	fi
done
