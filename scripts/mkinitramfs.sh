#!/bin/sh
# Build a small busybox initramfs (cpio newc, gzip) for booting Debian
# kernels: `make run`, tests/integration/50-real-tcg.sh and the benches.
#
# Usage: scripts/mkinitramfs.sh BUSYBOX OUT shell
#        scripts/mkinitramfs.sh BUSYBOX OUT marker TEXT reboot|poweroff
#        scripts/mkinitramfs.sh DISKINIT OUT disk MODULES TOKEN
#
#   shell   /init mounts /proc, /sys and /dev, prints the kernel version
#           and uptime, and runs an interactive busybox shell on the
#           serial console; leaving the shell resets the guest.
#   marker  /init prints "TEXT <kernel release> <uptime> <CPUs>" on the
#           console, then `reboot -f` or `poweroff -f` (a power-off needs
#           ACPI, which a firmware-less boot has not: it then only halts).
#   disk    /init is DISKINIT ($(BUILD)/tests/tools/diskinit, built by
#           `make test-prereqs`), which loads virtio_ring, virtio,
#           virtio_mmio and virtio_blk from MODULES (a kernel package's
#           lib/modules/<release>/kernel: tests/fetch-kernels.sh
#           cloud-virtio), waits for /dev/vda, mounts it as ext4 on /mnt,
#           writes TOKEN and a newline to /mnt/directboot.txt, fsyncs,
#           unmounts, prints "directboot-disk: wrote TOKEN" and resets
#           the guest; a failed step prints "directboot-disk: FAILED
#           <step> <errno>" (tests/tools/diskinit.c).  Debian's 6.1
#           kernels find a virtio-mmio device only through ACPI: boot
#           with --acpi (and reboot=acpi, docs/acpi.md).
#
# BUSYBOX is a static busybox (tests/fetch-kernels.sh busybox).  The
# kernel's own built-in initramfs supplies /dev/console.
set -eu

[ $# -ge 3 ] || { sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
bb=$1 out=$2 kind=$3
case $kind in
shell) ;;
marker)
	[ $# -eq 5 ] || { echo "mkinitramfs: marker wants TEXT and reboot|poweroff" >&2; exit 2; }
	text=$4 end=$5
	case $end in reboot | poweroff) ;; *) echo "mkinitramfs: '$end' is not reboot or poweroff" >&2; exit 2 ;; esac
	;;
disk)
	[ $# -eq 5 ] || { echo "mkinitramfs: disk wants MODULES and TOKEN" >&2; exit 2; }
	mods=$4 token=$5
	case $token in *[!A-Za-z0-9._-]* | "") echo "mkinitramfs: TOKEN must be [A-Za-z0-9._-]+" >&2; exit 2 ;; esac
	;;
*) echo "mkinitramfs: unknown kind '$kind'" >&2; exit 2 ;;
esac
[ -x "$bb" ] || { echo "mkinitramfs: no busybox (or diskinit) at $bb" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
if [ "$kind" != disk ]; then
	cp "$bb" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
fi

if [ "$kind" = shell ]; then
	cat >"$root/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "directboot: Linux $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
echo "directboot: busybox shell; 'exit' or 'reboot -f' resets the guest, Ctrl-A x quits"
setsid cttyhack sh -l
reboot -f
INIT
elif [ "$kind" = disk ]; then
	mkdir -p "$root/lib/modules" "$root/mnt"
	for m in drivers/virtio/virtio_ring drivers/virtio/virtio \
		drivers/virtio/virtio_mmio drivers/block/virtio_blk; do
		cp "$mods/$m.ko" "$root/lib/modules/" ||
			{ echo "mkinitramfs: no $m.ko in $mods" >&2; exit 1; }
	done
	cp "$bb" "$root/init"
	echo "$token" >"$root/token"
else
	# The marker is written into the script through printf %s, so that
	# no character of it is ever interpreted by the shell.
	{
		echo '#!/bin/sh'
		echo '/bin/busybox mount -t proc proc /proc'
		printf 'm=%s\n' "'$(printf %s "$text" | sed "s/'/'\\\\''/g")'"
		echo 'bb=/bin/busybox'
		echo 'echo "$m $($bb uname -r) $($bb cut -d" " -f1 /proc/uptime) $($bb grep -c ^processor /proc/cpuinfo)"'
		echo "exec /bin/busybox $end -f"
	} >"$root/init"
fi
chmod 755 "$root/init"

tmp=$out.tmp
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$tmp"
mv "$tmp" "$out"
