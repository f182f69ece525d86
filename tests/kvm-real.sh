#!/bin/sh
# make test-kvm-real (slow, not in the default run): the real Debian
# kernels of tests/integration/50-real-tcg.sh under --accel kvm, on every
# entry path: cloud (lz4) and generic (xz), each through the bzImage's
# 64-bit and 32-bit entries and --decompress host through PVH and the
# 64-bit startup.  Then the ext4 disk (issue 6): the cloud kernel with
# --acpi and --disk on a fresh mkfs.ext4 image loads its own package's
# virtio modules from the initramfs (scripts/mkinitramfs.sh disk),
# mounts the disk through our virtio-blk, writes a token, syncs and
# resets; the host reads the token back with debugfs from the image
# alone.  tests/integration/57-disk-initramfs-qemu.sh proves the same
# initramfs on QEMU's virtio-mmio in the default run.
#
# It runs only where KVM runs guest code at hardware speed.  First the
# calibration: `directboot run --accel auto` on a tiny guest that resets
# at once, whose stderr line says which accelerator the calibration chose
# and why; unless it chose kvm, the kernels are not booted (a kernel on a
# KVM that emulates every instruction takes hours) and the skip is said
# with that line.  Ends with the total line "N passed, M failed, S skipped".
#
# DIRECTBOOT=path picks the build (default build/directboot); KR_APPEND
# adds to the disk test's kernel command line, KR_TIMEOUT sets its
# --timeout (default 180 s).
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
t_tmpdir
RESULTS=$T/results
export RESULTS
: >"$RESULTS"

PATH=$PATH:/sbin:/usr/sbin
: "${KR_TIMEOUT:=180}" "${KR_APPEND:=}"
export XDG_CACHE_HOME="$T/xdg"
. tests/real-boot.sh

# kr_disk BIN TAG PATH: the ext4 disk test on entry PATH (64, pvh).
kr_disk() {
	bin=$1 tag=$2 path=$3
	name=$tag/real-kvm-cloud-ext4-disk-$path
	diskinit=$(dirname "$bin")/tests/tools/diskinit
	if [ -z "$cloud" ] || [ -z "$mods" ]; then
		fail "$name" "tests/fetch-kernels.sh could not fetch cloud or cloud-virtio"
		return
	fi
	if ! [ -x "$diskinit" ]; then
		fail "$name" "no $diskinit (make test-prereqs)"
		return
	fi
	case $path in
	64) set -- --entry 64 ;;
	pvh) set -- --decompress host --entry pvh ;;
	esac
	tok=$path-$$-$(date +%s)
	sh scripts/mkinitramfs.sh "$diskinit" "$T/disk.gz" disk "$mods" "$tok" ||
		{ fail "$name" "scripts/mkinitramfs.sh disk failed"; return; }
	rm -f "$T/disk.img"
	truncate -s 64M "$T/disk.img"
	mkfs.ext4 -q -F "$T/disk.img"
	"$bin" run "$cloud" --accel kvm --acpi -m 256M --disk "$T/disk.img" \
		-i "$T/disk.gz" -a "console=ttyS0 reboot=acpi $KR_APPEND" \
		--timeout "$KR_TIMEOUT" "$@" </dev/null >"$T/out" 2>"$T/err"
	st=$?
	said=$(grep -a '^directboot-disk:' "$T/out" | tr -d '\r' | tr '\n' ' ')
	got=$(debugfs -R "cat /directboot.txt" "$T/disk.img" 2>/dev/null)
	if [ $st -ne 0 ]; then
		fail "$name" "exit $st: $said$(tail -3 "$T/out" "$T/err" | tr '\n' ' ')"
	elif ! grep -aq 'directboot-disk: device LNRO0005:00' "$T/out"; then
		fail "$name" "the kernel found no LNRO0005 device in the DSDT: $said"
	elif ! grep -aq "directboot-disk: wrote $tok" "$T/out"; then
		fail "$name" "$said"
	elif [ "$got" != "$tok" ]; then
		fail "$name" "debugfs read '$got' from the image, not '$tok'"
	else
		pass "$name"
	fi
}

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
mods=$(tests/fetch-kernels.sh cloud-virtio) || mods=
tag=$(basename "$(dirname "$bin")")
for kind in cloud generic; do
	for path in 64 32 pvh host64; do
		rb_real "$bin" "$tag" kvm "$kind" "$path"
	done
done
for path in 64 pvh; do
	kr_disk "$bin" "$tag" "$path"
done
total
