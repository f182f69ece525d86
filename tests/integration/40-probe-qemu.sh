#!/bin/sh
# The probe guest under QEMU's software CPU (TCG), on every path QEMU's
# -kernel offers: -M pc through the bzImage's real-mode stub (entry 16)
# and through probe.elf's PVH note, the same on -M microvm (qboot), and
# the bzImage on -M q35.
# Each transcript goes through the checker (tests/probecheck), from both
# the normal and the ASan/UBSan build, and its verdict must be the one
# docs/conformance.md records: all checks pass, except QEMU's known
# deviations, which must fail exactly.
#
# Before booting, the images themselves: the setup header fields issue 4
# asks for, read back with od, and each of the seven payload formats cut
# out with the header's payload_offset/length and decoded by the format's
# own CLI tool, which must give probe.elf back.
#
# DIRECTBOOT=build-x/directboot uses build-x/probe and build-x/tests
# alone; by default the probe of build/ and the checkers of build/ and
# build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir tmp

bins=$(t_bins)
probe=$(dirname "${bins%% *}")/probe
checkers=
for b in $bins; do
	c=$(dirname "$b")/tests/probe_check
	if [ -x "$c" ]; then
		checkers="$checkers $c"
	else
		fail probe-check-built "no $c: run 'make probe-check'"
	fi
done

# le NBYTES OFFSET FILE: an unsigned little-endian field, in decimal.
le() { od -An -tu"$1" -j "$2" -N "$1" "$3" | tr -d ' \n'; }

if [ ! -f "$probe/probe.bzImage" ] || [ ! -f "$probe/probe.elf" ] ||
	[ -z "$checkers" ]; then
	fail probe-built "no $probe/probe.bzImage, probe.elf or probe_check: run 'make probe-all probe-check'"
	exit 0
fi

# ---- the bzImage header ----
img=$probe/probe.bzImage
t_eq probe-hdr-boot-flag 43605 "$(le 2 510 "$img")"           # 0xaa55
t_eq probe-hdr-magic 1400005704 "$(le 4 514 "$img")"          # "HdrS"
t_eq probe-hdr-version 527 "$(le 2 518 "$img")"               # 0x020f
t_eq probe-hdr-loadflags 129 "$(le 1 529 "$img")"             # LOADED_HIGH|CAN_USE_HEAP
t_eq probe-hdr-xloadflags 3 "$(le 2 566 "$img")"              # KERNEL_64|ABOVE_4G
t_eq probe-hdr-relocatable 1 "$(le 1 564 "$img")"
t_eq probe-hdr-kernel-alignment 2097152 "$(le 4 560 "$img")"
t_eq probe-hdr-pref-address 16777216 "$(le 8 600 "$img")"
t_eq probe-hdr-cmdline-size 2047 "$(le 4 568 "$img")"
t_eq probe-hdr-initrd-addr-max 2147483647 "$(le 4 556 "$img")"
t_eq probe-hdr-code32-start 1048576 "$(le 4 532 "$img")"
sects=$(le 1 497 "$img")
pm_off=$(((sects + 1) * 512))
pm_size=$(($(wc -c <"$img") - pm_off))
t_eq probe-hdr-syssize $pm_size $(($(le 4 500 "$img") * 16))
init=$(le 4 608 "$img")
if [ "$init" -ge "$pm_size" ] && [ "$init" -ge 65536 ]; then
	pass probe-hdr-init-size
else
	fail probe-hdr-init-size "init_size $init for a $pm_size-byte part with its .bss"
fi
ki=$(le 4 616 "$img")
t_eq probe-kernel-info-magic 1349473356 "$(le 4 $((pm_off + ki)) "$img")" # "LToP"
kver=$(le 2 526 "$img")
t_eq probe-kernel-version "probe-1" \
	"$(dd if="$img" bs=1 skip=$((kver + 512)) count=7 2>/dev/null)"

# ---- every payload format gives probe.elf back ----
elf_size=$(wc -c <"$probe/probe.elf")
for fmt in gzip bzip2 lzma xz lzo lz4 zstd; do
	v=$probe/probe-$fmt.bzImage
	if [ ! -f "$v" ]; then
		fail "probe-payload-$fmt" "no $v (make probe-all)"
		continue
	fi
	s=$((($(le 1 497 "$v") + 1) * 512 + $(le 4 584 "$v")))
	n=$(le 4 588 "$v")
	tail -c +$((s + 1)) "$v" | head -c "$n" >"$tmp/payload"
	case $fmt in
	gzip) dec="gzip -dc" ;;
	bzip2) dec="bzip2 -dc" ;;
	lzma) dec="lzma -dc" ;;
	xz) dec="xz -dc" ;;
	lzo) dec="lzop -dc" ;;
	lz4) dec="lz4 -dc" ;;
	zstd) dec="zstd -dcq" ;;
	esac
	# The six appended trailers are "trailing garbage" to the CLI tools.
	$dec <"$tmp/payload" >"$tmp/payload.out" 2>/dev/null
	if cmp -s "$tmp/payload.out" "$probe/probe.elf" &&
		[ "$(tail -c 4 "$tmp/payload" | od -An -tu4 | tr -d ' ')" = "$elf_size" ]; then
		pass "probe-payload-$fmt"
	else
		fail "probe-payload-$fmt" "payload does not decode to probe.elf with a le32 size $elf_size trailer"
	fi
done

# ---- boots under QEMU ----
t_need_qemu probe-qemu

cmdline='console=ttyS0 probe "quoted" x=1'
yes "probe initrd 4 KiB" | head -c 4096 >"$tmp/initrd"

# qemu_boot OUT QEMU-ARGS...: boot until "PROBE END" (microvm has no
# i8042, so the probe's reset does not end it) or 20 seconds.
qemu_boot() {
	out=$1
	shift
	timeout 20 qemu-system-x86_64 -nographic -no-reboot -monitor none \
		-display none -serial file:"$out" "$@" >/dev/null 2>&1 &
	qpid=$!
	i=0
	while kill -0 $qpid 2>/dev/null && [ $i -lt 200 ]; do
		grep -q 'PROBE END' "$out" 2>/dev/null && break
		sleep 0.1
		i=$((i + 1))
	done
	kill $qpid 2>/dev/null
	wait $qpid 2>/dev/null
}

# verdict NAME TRANSCRIPT "EXPECTED FAILS" CHECKER-ARGS...: every checker
# build must fail exactly the named checks and pass all others.
verdict() {
	name=$1 tr=$2 want=$3
	shift 3
	for c in $checkers; do
		"$c" --transcript "$tr" "$@" >"$tmp/verdict" 2>&1
		rc=$?
		got=$(sed -n 's/^FAIL \([^:]*\):.*/\1/p' "$tmp/verdict" | sort | tr '\n' ' ')
		got=${got% }
		total=$(tail -1 "$tmp/verdict")
		case $total in
		*" passed, "*" failed") ;;
		*) fail "$name" "$c printed no total: $(tail -2 "$tmp/verdict" | tr '\n' ' ')"
			continue ;;
		esac
		want_rc=1
		[ -z "$want" ] && want_rc=0
		if [ "$got" = "$want" ] && [ $rc = $want_rc ]; then
			pass "$name (${c%/tests/probe_check}: $total${want:+, known QEMU deviation: $want})"
		else
			fail "$name" "$c: failed checks '$got', want '$want' (exit $rc)"
		fi
	done
}

boot_check() {
	name=$1 machine=$2 kernel=$3 entry=$4 mem=$5 want=$6
	shift 6
	qemu_boot "$tmp/$name.txt" -M "$machine" -accel tcg -m "$mem" \
		-kernel "$kernel" -append "$cmdline" -initrd "$tmp/initrd"
	verdict "$name" "$tmp/$name.txt" "$want" --entry "$entry" \
		--cmdline "$cmdline" --initrd "$tmp/initrd" --mem "$mem" "$@"
}

boot_check qemu-pc-16 pc "$img" 16 64M ""
boot_check qemu-pc-pvh pc "$probe/probe.elf" pvh 64M ""
# qboot ends its e820 table with an all-zero row (docs/conformance.md).
boot_check qemu-microvm-16 microvm "$img" 16 64M "e820-entries-sane"
boot_check qemu-microvm-pvh microvm "$probe/probe.elf" pvh 64M \
	"e820-entries-sane"
# With XLF_CAN_BE_LOADED_ABOVE_4G set, QEMU ignores initrd_addr_max and
# puts the initrd at the top of the low 3 GiB.
boot_check qemu-pc-16-3g pc "$img" 16 3G "initrd-addr-max"
boot_check qemu-q35-16 q35 "$img" 16 64M ""
boot_check qemu-q35-16-2800m q35 "$img" 16 2800M "initrd-addr-max"

# The probe's own KEEP_SEGMENTS and hardware_subarch paths: QEMU passes
# the header's loadflags and hardware_subarch through to the zero page.
cp "$img" "$tmp/keep.bzImage"
printf '\301' | dd of="$tmp/keep.bzImage" bs=1 seek=529 conv=notrunc 2>/dev/null
boot_check qemu-pc-16-keep-segments pc "$tmp/keep.bzImage" 16 64M "" \
	--keep-segments
cp "$img" "$tmp/lguest.bzImage"
printf '\001' | dd of="$tmp/lguest.bzImage" bs=1 seek=572 conv=notrunc 2>/dev/null
printf '\064\022' | dd of="$tmp/lguest.bzImage" bs=1 seek=576 conv=notrunc 2>/dev/null
boot_check qemu-pc-16-subarch-lguest pc "$tmp/lguest.bzImage" 16 64M "" \
	--subarch 1 --subarch-data 0x1234
# The lguest path, to its end, without the PC tables (an empty
# transcript lacks them too).
lg=$tmp/qemu-pc-16-subarch-lguest.txt
if ! grep -q '^SUBARCH_PATH=lguest' "$lg" || ! grep -q '^PROBE END' "$lg"
then
	fail probe-subarch-path-short "no SUBARCH_PATH=lguest ... PROBE END"
elif grep -q '^INITRD_ADDR' "$lg"; then
	fail probe-subarch-path-short "the lguest path reported the PC tables"
else
	pass probe-subarch-path-short
fi
exit 0
