#!/bin/sh
# `make run`: boot Debian's cloud kernel to a busybox shell on the serial
# console, with directboot's choice of accelerator (--accel auto: KVM at
# hardware speed, else QEMU's software CPU).
#
# Usage: scripts/run.sh DIRECTBOOT [extra directboot run options...]
#
# The kernel (linux-image-cloud-amd64's, resolved through the
# metapackage) and busybox-static come from Debian through
# tests/fetch-kernels.sh, the project's one fetcher (apt-get download
# and dpkg-deb, cached in $TEST_CACHE, default tests/.cache); the
# initramfs is built by scripts/mkinitramfs.sh next to the binary.
# RUN_APPEND replaces the kernel command line, RUN_MEM the memory size.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/run.sh DIRECTBOOT [options]" >&2; exit 2; }
db=$1
shift

kernel=$(sh tests/fetch-kernels.sh cloud)
busybox=$(sh tests/fetch-kernels.sh busybox)
initrd=$(dirname "$db")/run/initramfs-shell.cpio.gz
mkdir -p "$(dirname "$initrd")"
if [ ! -f "$initrd" ] || [ "$busybox" -nt "$initrd" ] ||
	[ scripts/mkinitramfs.sh -nt "$initrd" ]; then
	sh scripts/mkinitramfs.sh "$busybox" "$initrd" shell
fi
# There is no firmware, so no ACPI tables: the kernel says so in one
# "ACPI BIOS Error" line and goes on.  (acpi=off would hide the line,
# but with it the cloud kernel under QEMU pc keeps its APIC off, fails
# to calibrate the TSC against the PIT and hangs.)
append=${RUN_APPEND:-console=ttyS0 quiet}
echo "run: $kernel, initramfs $initrd, cmdline '$append'" >&2
exec "$db" run "$kernel" --accel auto -m "${RUN_MEM:-512M}" -i "$initrd" \
	-a "$append" "$@"
