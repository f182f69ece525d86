#!/bin/sh
# directboot run --accel kvm, proven from inside the guest: the probe
# (issue 4) reports what it was handed and tests/probe_check judges the
# transcript against what was asked for.
#
# The matrix covers every entry path at every memory size (64 MiB, 3584
# MiB with the 32-bit hole, 6 GiB with RAM above 4 GiB), --decompress host
# with each of the seven payload formats, --keep-segments set and unset,
# --subarch 0 and 1 (with --subarch-data), and initrds of none, 4 KiB and
# 16 MiB, each value at least once, paired so that no case is a copy of
# another.  KVM on the development machines emulates guest instructions
# at 1-2 per microsecond: a probe boot takes a second or two, but the
# probe's CRC over a 16 MiB initrd takes a minute or more, so the 16 MiB
# case runs once, on the optimised build.
#
# Then the launcher's own behaviour, with tiny hand-made guests: exit
# statuses 0 (reset), 1 (triple fault, registers printed), 2 (bad image,
# bad usage), 3 (no /dev/kvm), 124 (--timeout); four vCPUs; unknown ports
# and MMIO reading all ones, named once by --debug; the serial input path
# and the Ctrl-A escape; the terminal restored after raw mode.
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
# The probe and the checker come from the same build directory.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm run-kvm
t_tmpdir
bins=$(t_bins)

CMDLINE='console=ttyS0 probe.case=kvm msg="a b" path=/x\y end'

head -c 4096 /dev/urandom >"$T/initrd-4k"
head -c 16777216 /dev/urandom >"$T/initrd-16m"

# ---- tiny guests -------------------------------------------------------
# The tiny bzImages come from rb_mkbz (tests/real-boot.sh): a protocol
# 2.15 header whose 32-bit and 64-bit entries both hold the given code.
. tests/real-boot.sh

# Echo: poll LSR, read RBR, echo it; 'q' writes 0xFE to port 0x64.
#   1: mov $0x3fd,%dx; in (%dx),%al; test $1,%al; jz 1b
#      mov $0x3f8,%dx; in (%dx),%al; cmp $'q',%al; je 2f
#      out %al,(%dx); jmp 1b
#   2: mov $0xfe,%al; out %al,$0x64; hlt
rb_mkbz "$T/echo.bz" 66 ba fd 03 ec a8 01 74 f7 66 ba f8 03 ec 3c 71 74 03 \
	ee eb eb b0 fe e6 64 f4
# Unknown accesses (32-bit entry): read MMIO in the hole and port 0x99
# twice, send each byte read to COM1, then reset.
#   mov 0xd0000000,%eax; mov $0x3f8,%dx; out %al,(%dx)
#   in $0x99,%al; out %al,(%dx); in $0x99,%al; out %al,(%dx)
#   mov $0xfe,%al; out %al,$0x64; hlt
rb_mkbz "$T/unknown.bz" a1 00 00 00 d0 66 ba f8 03 ee e4 99 ee e4 99 ee \
	b0 fe e6 64 f4
# Linux's PCI type-1 probe without a PCI host: a dword read of 0xcf8
# (all ones) written back, which must not reach the reset control
# register at 0xcf9 (byte accesses only); then 'P' on COM1 and a byte
# reset through 0xcf9.
#   mov $0xcf8,%dx; in (%dx),%eax; out %eax,(%dx)
#   mov $0x3f8,%dx; mov $'P',%al; out %al,(%dx)
#   mov $0xcf9,%dx; mov $6,%al; out %al,(%dx); hlt
rb_mkbz "$T/pcicfg.bz" 66 ba f8 0c ed ef 66 ba f8 03 b0 50 ee 66 ba f9 0c \
	b0 06 ee f4
# FWAIT with no x87 exception pending, then INT3 through an IDT of its
# own (32-bit entry, __BOOT_CS 0x10): 'F' after the FWAIT, 'B' from the
# #BP handler, which resets; 'X' if INT3 ever returned.  Hardware KVM
# runs both natively; a KVM that emulates every instruction gives up on
# both, and the launcher completes them (vmm/emulate.c).
#   mov $0x3000f00,%esp
#   movl $h0,0x3000100; movl $h1,0x3000104; movl $h2,0x3000108
#       (h = the handler: mov $0x3f8,%dx; mov $'B',%al; out %al,(%dx);
#        mov $0xfe,%al; out %al,$0x64; hlt)
#   movl $0x00100100,0x3000018; movl $0x03008e00,0x300001c  (gate 3)
#   movl $0xff,0x3000200; movl $0x300,0x3000204; lidt 0x3000200
#   fwait; mov $0x3f8,%dx; mov $'F',%al; out %al,(%dx)
#   int3; mov $'X',%al; out %al,(%dx); mov $0xfe,%al; out %al,$0x64; hlt
rb_mkbz "$T/int3.bz" bc 00 0f 00 03 \
	c7 05 00 01 00 03 66 ba f8 03 c7 05 04 01 00 03 b0 42 ee b0 \
	c7 05 08 01 00 03 fe e6 64 f4 \
	c7 05 18 00 00 03 00 01 10 00 c7 05 1c 00 00 03 00 8e 00 03 \
	c7 05 00 02 00 03 ff 00 00 00 c7 05 04 02 00 03 00 03 00 00 \
	0f 01 1d 00 02 00 03 \
	9b 66 ba f8 03 b0 46 ee cc b0 58 ee b0 fe e6 64 f4
rb_mkbz "$T/ud2.bz" 0f 0b   # no IDT: #UD, #GP, #DF, triple fault
rb_mkbz "$T/spin.bz" eb fe  # jmp .
head -c 3000 /dev/urandom >"$T/garbage"

# ---- the probe matrix --------------------------------------------------
# boot BIN NAME IMAGE MEM INITRD(none|4k|16m) ENTRY(32|64|pvh) [OPTS...]
# OPTS go to directboot run; --keep-segments, --subarch N and
# --subarch-data X go to the checker as well, which must then see them.
boot() {
	bin=$1; name=$2; img=$3; mem=$4; rd=$5; kind=$6; shift 6
	out=$T/$name.out
	check="--transcript $out --entry $kind --mem $mem"
	prev=
	for o in "$@"; do
		case $prev in
		--subarch|--subarch-data) check="$check $prev $o" ;;
		esac
		[ "$o" = --keep-segments ] && check="$check --keep-segments"
		prev=$o
	done
	set -- "$@" -m "$mem" -a "$CMDLINE"
	if [ "$rd" != none ]; then
		set -- "$@" -i "$T/initrd-$rd"
		check="$check --initrd $T/initrd-$rd"
	fi
	if ! [ -f "$img" ]; then
		fail "$name" "$img is missing (make probe-all)"
		return
	fi
	# A hang costs a minute, not the whole run (1-2 s is the norm).
	limit=${BOOT_TIMEOUT:-60}
	timeout $((limit + 30)) "$bin" run "$img" --accel kvm \
		--timeout "$limit" "$@" </dev/null >"$out" 2>"$T/$name.err"
	st=$?
	if [ $st -ne 0 ]; then
		fail "$name" "exit $st: $(tail -3 "$T/$name.err" | tr '\n' ' ')"
		return
	fi
	# shellcheck disable=SC2086 # $check holds no spaces but the cmdline's
	if "$CHECK" $check --cmdline "$CMDLINE" >"$T/$name.check" 2>&1; then
		pass "$name"
	else
		fail "$name" "$(grep -ivE '^ *(ok|pass)' "$T/$name.check" |
			head -4 | tr '\n' ' ')"
	fi
}

matrix() {
	bin=$1; tag=$2; full=$3
	mkdir -p "$T/$tag"
	P=$(dirname "$bin")/probe
	bz=$P/probe.bzImage elf=$P/probe.elf
	# Every entry path at every memory size.
	boot "$bin" "$tag/32-64M" "$bz" 64M none 32 --entry 32
	boot "$bin" "$tag/32-3584M-keepseg-subarch1" "$bz" 3584M 4k 32 \
		--entry 32 --keep-segments --subarch 1 --subarch-data 0x12345678
	boot "$bin" "$tag/32-6G-subarch0" "$bz" 6G 4k 32 --entry 32 \
		--subarch 0
	boot "$bin" "$tag/64-64M" "$bz" 64M 4k 64 --entry 64
	boot "$bin" "$tag/64-3584M-subarch1" "$bz" 3584M none 64 \
		--entry 64 --subarch 1 --subarch-data 0x1000
	boot "$bin" "$tag/64-6G-initrd-above-4G" "$bz" 6G 4k 64 --entry 64
	if grep -q '^INITRD_ADDR=0x1[0-9a-f]\{8\}$' \
		"$T/$tag/64-6G-initrd-above-4G.out"; then
		pass "$tag/64-6G-initrd-is-above-4G"
	else
		fail "$tag/64-6G-initrd-is-above-4G" \
			"$(grep '^INITRD_ADDR' "$T/$tag/64-6G-initrd-above-4G.out")"
	fi
	boot "$bin" "$tag/pvh-64M" "$elf" 64M 4k pvh
	boot "$bin" "$tag/pvh-3584M" "$elf" 3584M none pvh --entry pvh
	boot "$bin" "$tag/pvh-6G" "$elf" 6G 4k pvh --no-rng-seed
	boot "$bin" "$tag/elf-64M" "$elf" 64M 4k 64 --entry elf
	[ "$full" = full ] || return 0
	# --decompress host, every payload format; the cache in $T.
	for fmt in gzip bzip2 lzma xz lzo lz4 zstd; do
		XDG_CACHE_HOME=$T/cache boot "$bin" "$tag/host-$fmt" \
			"$P/probe-$fmt.bzImage" 64M 4k pvh --decompress host
	done
	XDG_CACHE_HOME=$T/cache boot "$bin" "$tag/host-gzip-cached-pvh-6G" \
		"$P/probe-gzip.bzImage" 6G none pvh --decompress host \
		--entry pvh --timings
	if grep -q 'decompress (cache hit)' "$T/$tag/host-gzip-cached-pvh-6G.err"
	then pass "$tag/host-gzip-cache-hit"
	else fail "$tag/host-gzip-cache-hit" "--timings shows no cache hit"
	fi
	boot "$bin" "$tag/host-xz-64-3584M" "$P/probe-xz.bzImage" 3584M 4k 64 \
		--decompress host --entry 64 --no-cache
	# The probe's CRC of 16 MiB takes minutes on an emulated KVM: once.
	BOOT_TIMEOUT=500 boot "$bin" "$tag/64-initrd16M" "$bz" 64M 16m 64
}

# ---- the launcher's own behaviour --------------------------------------
statuses() {
	bin=$1; tag=$2
	P=$(dirname "$bin")/probe
	run() { timeout 60 "$bin" run "$@" </dev/null >"$T/st.out" 2>"$T/st.err"; }

	run "$P/probe.elf" --accel kvm -m 64M --timeout 50
	t_eq "$tag/status-0-on-i8042-reset" 0 $?
	# Four vCPUs, three of them APs on their own threads: the reset
	# must still end the run, every vCPU thread included ...
	run "$P/probe.elf" --accel kvm -m 64M --timeout 50 -c 4
	t_eq "$tag/status-0-with-4-vcpus" 0 $?
	# ... and the probe, told of them by the MP table, wakes all three.
	t_eq "$tag/4-vcpus-aps-alive" SMP_ALIVE=0x3 \
		"$(grep '^SMP_ALIVE=' "$T/st.out")"

	run "$T/ud2.bz" --accel kvm -m 64M --timeout 50
	st=$?
	t_eq "$tag/status-1-on-triple-fault" 1 $st
	if grep -q 'triple fault' "$T/st.err" && grep -q 'rip=' "$T/st.err" &&
		grep -q 'cr0=' "$T/st.err"; then
		pass "$tag/triple-fault-prints-registers"
	else
		fail "$tag/triple-fault-prints-registers" \
			"$(head -3 "$T/st.err" | tr '\n' ' ')"
	fi
	if [ $st -eq 1 ]; then
		# the guest ran its entry with the plan's state: rip is the
		# 64-bit entry, load + 0x200
		grep -q 'rip=0000000001000200' "$T/st.err" &&
			pass "$tag/triple-fault-rip-is-64bit-entry" ||
			fail "$tag/triple-fault-rip-is-64bit-entry" \
				"$(grep rip= "$T/st.err")"
	fi

	run "$T/garbage" --accel kvm
	t_eq "$tag/status-2-on-bad-image" 2 $?
	run "$T/echo.bz" --accel bogus
	t_eq "$tag/status-2-on-bad-usage" 2 $?
	run "$T/echo.bz" --accel kvm --timeout x
	t_eq "$tag/status-2-on-bad-timeout" 2 $?

	run "$T/spin.bz" --accel kvm -m 64M --timeout 1
	t_eq "$tag/status-124-on-timeout" 124 $?

	# Unknown ports and MMIO read as all ones; --debug names each once.
	run "$T/unknown.bz" --accel kvm -m 64M --entry 32 --timeout 50 --debug
	t_eq "$tag/unknown-access-status" 0 $?
	t_eq "$tag/unknown-access-reads-all-ones" "$(printf '\377\377\377' |
		od -An -tx1)" "$(od -An -tx1 <"$T/st.out")"
	t_eq "$tag/debug-names-port-once" 1 \
		"$(grep -c 'unknown port 0x0099' "$T/st.err")"
	t_eq "$tag/debug-names-mmio" 1 \
		"$(grep -c 'unknown MMIO 0xd0000000' "$T/st.err")"
	run "$T/unknown.bz" --accel kvm -m 64M --entry 32 --timeout 50
	t_eq "$tag/no-debug-is-quiet" "" "$(cat "$T/st.err")"
	run "$T/int3.bz" --accel kvm -m 64M --entry 32 --timeout 50 --debug
	t_eq "$tag/int3-and-fwait" "0 FB" "$? $(cat "$T/st.out")"
	for e in 32 64; do
		run "$T/pcicfg.bz" --accel kvm -m 64M --entry $e --timeout 50
		t_eq "$tag/dword-0xcf8-is-no-reset-$e" "0 P" "$? $(cat "$T/st.out")"
	done

	if command -v unshare >/dev/null &&
		unshare -m true 2>/dev/null; then
		timeout 60 unshare -m sh -c "mount -t tmpfs none /dev &&
			exec '$bin' run '$P/probe.elf' --accel kvm -m 64M" \
			</dev/null >"$T/st.out" 2>"$T/st.err"
		st=$?
		t_eq "$tag/status-3-without-dev-kvm" 3 $st
		grep -q '/dev/kvm' "$T/st.err" &&
			pass "$tag/no-dev-kvm-message" ||
			fail "$tag/no-dev-kvm-message" "$(cat "$T/st.err")"
	else
		skip "$tag/status-3-without-dev-kvm" \
			"cannot unshare a mount namespace here to hide /dev/kvm"
	fi

	# Serial input: the echo guest returns what it reads; Ctrl-A Ctrl-A
	# is one Ctrl-A, Ctrl-A z is nothing, q resets.
	printf 'a\001\001b\001zcq' | timeout 60 "$bin" run "$T/echo.bz" \
		--accel kvm -m 64M --timeout 50 >"$T/echo.out" 2>"$T/echo.err"
	t_eq "$tag/serial-input-status" 0 $?
	t_eq "$tag/serial-input-echo" "$(printf 'a\001bc' | od -An -c)" \
		"$(od -An -c <"$T/echo.out")"

	printf 'ab\001x' | timeout 60 "$bin" run "$T/echo.bz" --accel kvm \
		-m 64M --timeout 50 >"$T/echo.out" 2>"$T/echo.err"
	t_eq "$tag/ctrl-a-x-quits-with-0" 0 $?
	# It quits at once: the guest may not have echoed "ab" yet.
	grep -q 'Ctrl-A x' "$T/echo.err" && pass "$tag/ctrl-a-x-says-so" ||
		fail "$tag/ctrl-a-x-says-so" "$(cat "$T/echo.err")"

	if command -v script >/dev/null; then
		script -qec "sh -c 'stty -g >$T/before;
			$bin run $T/spin.bz --accel kvm -m 64M --timeout 1;
			echo \$? >$T/rc; stty -g >$T/after'" /dev/null \
			</dev/null >/dev/null 2>&1
		t_eq "$tag/tty-timeout-status" 124 "$(cat "$T/rc" 2>/dev/null)"
		if [ -s "$T/before" ] && cmp -s "$T/before" "$T/after"; then
			pass "$tag/tty-restored-after-raw-mode"
		else
			fail "$tag/tty-restored-after-raw-mode" \
				"stty before '$(cat "$T/before")' after '$(cat "$T/after")'"
		fi
	else
		skip "$tag/tty-restored-after-raw-mode" "no script(1) for a pty"
	fi
}

for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	if ! [ -x "$bin" ]; then
		fail "$tag/run-kvm" "$bin is missing: run make"
		continue
	fi
	CHECK=$(dirname "$bin")/tests/probe_check
	if ! [ -x "$CHECK" ]; then
		fail "$tag/run-kvm" "$CHECK is missing: run make probe-check"
		continue
	fi
	case $tag in
	*san*) matrix "$bin" "$tag" short ;;
	*) matrix "$bin" "$tag" full ;;
	esac
	statuses "$bin" "$tag"
done
