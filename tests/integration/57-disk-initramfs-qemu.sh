#!/bin/sh
# The guest half of `make test-kvm-real`'s ext4 disk test, proven on
# every run against someone else's virtio-mmio: QEMU microvm (ACPI on,
# TCG) boots Debian's cloud kernel with one virtio-blk-device on a fresh
# mkfs.ext4 image and the initramfs of `scripts/mkinitramfs.sh disk`,
# whose /init (tests/tools/diskinit.c) loads the package's own virtio
# modules, finds the LNRO0005
# device, mounts the disk, writes a token, syncs and resets.  The host
# reads the token back with debugfs.  When the slow test fails on a
# hardware-KVM host, this one passing points at directboot, not at the
# initramfs, the modules or the kernel.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PATH=$PATH:/sbin:/usr/sbin
t_tmpdir

for t in qemu-system-x86_64 mkfs.ext4 debugfs cpio; do
	if ! command -v $t >/dev/null 2>&1; then
		skip disk-initramfs-qemu "$t is not installed (scripts/deps.sh)"
		exit 0
	fi
done
cloud=$(tests/fetch-kernels.sh cloud) || cloud=
mods=$(tests/fetch-kernels.sh cloud-virtio) || mods=
if [ -z "$cloud" ] || [ -z "$mods" ]; then
	fail disk-initramfs-qemu "tests/fetch-kernels.sh could not fetch cloud or cloud-virtio"
	exit 0
fi
rel=${cloud##*/vmlinuz-}
case $mods in
*/lib/modules/"$rel"/kernel) pass disk-initramfs-modules-match-kernel ;;
*) fail disk-initramfs-modules-match-kernel "modules $mods are not $rel's" ;;
esac

tok=qemu-$$-$(date +%s)
diskinit=$(dirname "$DIRECTBOOT")/tests/tools/diskinit
if ! [ -x "$diskinit" ]; then
	fail disk-initramfs-qemu "$diskinit is not built (make test-prereqs)"
	exit 0
fi
if ! sh scripts/mkinitramfs.sh "$diskinit" "$T/rd.gz" disk "$mods" "$tok"; then
	fail disk-initramfs-qemu "scripts/mkinitramfs.sh disk failed"
	exit 0
fi
truncate -s 64M "$T/disk.img"
mkfs.ext4 -q -F "$T/disk.img"
# As in 55-acpi-tcg.sh: without a PIT to calibrate against, the TSC
# calibration under TCG on a loaded host can fail and the boot hang.
khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
[ -n "$khz" ] && [ "$khz" -gt 0 ] || khz=2000000
timeout 120 qemu-system-x86_64 -M microvm,acpi=on,rtc=on -accel tcg -m 256M \
	-nodefaults -no-user-config -display none -serial stdio -no-reboot \
	-kernel "$cloud" -initrd "$T/rd.gz" -append "console=ttyS0 reboot=t tsc_early_khz=$khz" \
	-drive id=d,file="$T/disk.img",format=raw,if=none \
	-device virtio-blk-device,drive=d </dev/null >"$T/out" 2>&1
st=$?
name=disk-initramfs-qemu-microvm
if [ $st -ne 0 ]; then
	fail "$name" "QEMU exit $st: $(tail -3 "$T/out" | tr '\n' ' ')"
elif ! grep -aq "directboot-disk: device LNRO0005:00" "$T/out"; then
	fail "$name" "no LNRO0005 device: $(grep -a directboot-disk "$T/out" | tr '\n' ' ')"
elif ! grep -aq "directboot-disk: wrote $tok" "$T/out"; then
	fail "$name" "$(grep -a directboot-disk "$T/out" | tr '\n' ' ')"
else
	pass "$name"
fi
got=$(debugfs -R "cat /directboot.txt" "$T/disk.img" 2>/dev/null)
t_eq disk-initramfs-qemu-debugfs "$tok" "$got"
