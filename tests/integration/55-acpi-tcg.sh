#!/bin/sh
# The plan's ACPI tables (lib/acpi.c, `--acpi`) read by a real kernel:
# Debian's cloud 6.1 kernel, which has no CONFIG_X86_MPPARSE, under
# --accel tcg with -c 2.  Its /init prints what the kernel made of the
# tables; the test wants our OEM id on the RSDP/XSDT/FACP/APIC/DSDT
# lines, "Using ACPI (MADT) for SMP", 2 CPUs online (the MADT's, the
# only place this kernel looks), ISA IRQ 0's override, and COM1 as the
# DSDT's PNP0501 device, and `reboot -f` ending the run with 0.
# reboot=acpi is passed because with a hardware-reduced FADT Linux
# otherwise picks the EFI reset, then jumps to the BIOS reset vector in
# real mode, where there is no BIOS (docs/acpi.md).
# tsc_early_khz= is passed because the hardware-reduced
# FADT leaves the kernel no PIT timer, and under TCG on a loaded host
# the TSC calibration against the PIT then fails about half the time
# and the boot hangs; the value only needs to be near the host's TSC.
#
# One build boots, $DIRECTBOOT (build/directboot unless the caller sets
# it): each boot is a minute of TCG.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	skip acpi-tcg "qemu-system-x86_64 is not installed (host limit)"
	exit 0
fi
cloud=$(tests/fetch-kernels.sh cloud) || cloud=
busybox=$(tests/fetch-kernels.sh busybox) || busybox=
if [ -z "$cloud" ] || [ -z "$busybox" ]; then
	fail acpi-tcg "tests/fetch-kernels.sh could not fetch cloud or busybox"
	exit 0
fi

mkdir -p "$T/root/bin" "$T/root/proc" "$T/root/sys" "$T/root/dev"
cp "$busybox" "$T/root/bin/busybox"
ln -s busybox "$T/root/bin/sh"
cat >"$T/root/init" <<'INIT'
#!/bin/sh
b=/bin/busybox
$b mount -t proc proc /proc
$b mount -t sysfs sys /sys
echo "ACPITEST cpus $($b grep -c ^processor /proc/cpuinfo)"
$b dmesg | $b grep -E "ACPI" | $b sed 's/^/ACPITEST dmesg /'
for d in /sys/bus/acpi/devices/*; do echo "ACPITEST dev ${d##*/}"; done
echo "ACPITEST end"
$b reboot -f
INIT
chmod +x "$T/root/init"
(cd "$T/root" && find . | cpio -o -H newc 2>/dev/null) | gzip >"$T/rd.gz"

khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
[ -n "$khz" ] && [ "$khz" -gt 0 ] || khz=2000000

for bin in $DIRECTBOOT; do
	tag=$(dirname "$bin")
	out=$T/out.txt
	# The 64-bit entry finds the RSDP through boot_params.acpi_rsdp_addr,
	# the PVH entry through hvm_start_info.rsdp_paddr.
	for path in 64 pvh; do
	case $path in
	64) set -- --entry 64 ;;
	pvh) set -- --decompress host --no-cache --entry pvh ;;
	esac
	timeout 150 "$bin" run "$cloud" --accel tcg --acpi -c 2 -m 256M "$@" \
		-i "$T/rd.gz" -a "console=ttyS0 tsc_early_khz=$khz reboot=acpi" \
		--timeout 120 >"$out" 2>&1
	rc=$?
	name=$tag/acpi-tcg-cloud-$path-2cpus
	if ! grep -qa "ACPITEST end" "$out"; then
		fail "$name" "no /init report (exit $rc): $(tail -3 "$out" | tr '\n' ' ')"
		continue
	fi
	bad=
	for want in "ACPITEST cpus 2" \
		"ACPI: RSDP 0x[0-9A-F]* 000024 (v02 DIRBOT)" \
		"ACPI: XSDT .*DIRBOT DIRBOOT" "ACPI: FACP .*(v06 DIRBOT" \
		"ACPI: APIC .*(v05 DIRBOT" "ACPI: DSDT .*(v02 DIRBOT" \
		"ACPI: Using ACPI (MADT) for SMP configuration information" \
		"INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 dfl dfl)" \
		"ACPITEST dev PNP0501:00"; do
		grep -qa -- "$want" "$out" || bad="$bad [$want]"
	done
	[ "$rc" = 0 ] || bad="$bad [exit 0 after reboot -f, got $rc]"
	if [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name" "missing:$bad"
	fi
	done
	# Without --acpi the same kernel finds one CPU: the MADT made it 2.
	timeout 150 "$bin" run "$cloud" --accel tcg -c 2 -m 256M \
		-i "$T/rd.gz" -a "console=ttyS0" --timeout 120 >"$out" 2>&1
	t_eq "$tag/no-acpi-tcg-cloud-2cpus" "ACPITEST cpus 1" \
		"$(grep -a -m1 'ACPITEST cpus' "$out" | tr -d '\r')"
done
