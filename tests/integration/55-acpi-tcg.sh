#!/bin/sh
# The plan's ACPI tables (lib/acpi.c, on by default) read by real
# kernels under --accel tcg: Debian's cloud 6.1 kernel, which has no
# CONFIG_X86_MPPARSE, with -c 2 on the 64-bit entry (RSDP through
# boot_params.acpi_rsdp_addr) and the PVH entry (hvm_start_info's
# rsdp_paddr), and the generic kernel with -c 4.  Its /init prints what
# the kernel made of the tables; the test wants our OEM id on the
# RSDP/XSDT/FACP/APIC/DSDT lines, "Using ACPI (MADT) for SMP", every CPU
# online (the MADT's, the only place the cloud kernel looks), ISA IRQ 0's
# and the SCI's overrides, the legacy devices as PNP devices with their
# drivers bound (rtc0 from rtc_cmos, serio0 from the i8042), the LAPIC
# as the clockevent and the PM timer as a clocksource (the FADT is not
# hardware-reduced, and the trampoline turned QEMU's PIIX4 PM block on),
# no ACPI error, and `poweroff -f` (through PM1a_CNT and \_S5) or
# `reboot -f` (the FADT's reset register, with no reboot= given) ending
# the run with 0.  With --no-acpi the cloud kernel finds one CPU.
#
# One build boots, $DIRECTBOOT (build/directboot unless the caller sets
# it): each boot is a few seconds of TCG.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir

t_need_qemu acpi-tcg
cloud=$(tests/fetch-kernels.sh cloud) || cloud=
generic=$(tests/fetch-kernels.sh generic) || generic=
busybox=$(tests/fetch-kernels.sh busybox) || busybox=
if [ -z "$cloud" ] || [ -z "$generic" ] || [ -z "$busybox" ]; then
	fail acpi-tcg "tests/fetch-kernels.sh could not fetch cloud, generic or busybox"
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
echo "ACPITEST rtc $($b ls /sys/class/rtc)"
echo "ACPITEST serio $($b ls /sys/bus/serio/devices)"
echo "ACPITEST clockevent $($b cat /sys/devices/system/clockevents/clockevent0/current_device)"
echo "ACPITEST clocksources $($b cat /sys/devices/system/clocksource/clocksource0/available_clocksource)"
$b dmesg | $b grep -E "ACPI|APIC timer" | $b sed 's/^/ACPITEST dmesg /'
for d in /sys/bus/acpi/devices/*; do echo "ACPITEST dev ${d##*/}"; done
echo "ACPITEST end"
$b $($b cat /proc/cmdline | $b sed -n 's/.*acpitest.stop=\([a-z]*\).*/\1/p') -f
INIT
chmod +x "$T/root/init"
(cd "$T/root" && find . | cpio -o -H newc 2>/dev/null) | gzip >"$T/rd.gz"

# boot NAME CPUS STOP KERNEL ARGS...: one boot, judged.
boot() {
	name=$1 cpus=$2 stop=$3 kernel=$4
	shift 4
	timeout 150 "$bin" run "$kernel" --accel tcg -c "$cpus" -m 256M "$@" \
		-i "$T/rd.gz" -a "console=ttyS0 acpitest.stop=$stop" \
		--timeout 120 >"$out" 2>&1
	rc=$?
	if ! grep -qa "ACPITEST end" "$out"; then
		fail "$name" "no /init report (exit $rc): $(tail -3 "$out" | tr '\n' ' ')"
		return
	fi
	bad=
	for want in "ACPITEST cpus $cpus" "ACPITEST rtc rtc0" \
		"ACPITEST serio serio0" "ACPITEST clockevent lapic" \
		"ACPITEST clocksources .*acpi_pm" \
		"ACPI: RSDP 0x[0-9A-F]* 000024 (v02 DIRBOT)" \
		"ACPI: XSDT .*DIRBOT DIRBOOT" "ACPI: FACP .*(v06 DIRBOT" \
		"ACPI: FACS 0x[0-9A-F]* 000040" \
		"ACPI: APIC .*(v05 DIRBOT" "ACPI: DSDT .*(v02 DIRBOT" \
		"ACPI: Using ACPI (MADT) for SMP configuration information" \
		"INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 dfl dfl)" \
		"INT_SRC_OVR (bus 0 bus_irq 9 global_irq 9 high level)" \
		"ACPI: PM: (supports S0 S5)" \
		"ACPITEST dev PNP0501:00" "ACPITEST dev PNP0B00:00" \
		"ACPITEST dev PNP0303:00"; do
		grep -qa -- "$want" "$out" || bad="$bad [$want]"
	done
	for unwanted in "ACPI Error" "ACPI BIOS Error" "ACPI BIOS Warning" \
		"APIC timer disabled" "Firmware Bug"; do
		grep -qa -- "$unwanted" "$out" && bad="$bad [no '$unwanted']"
	done
	[ "$rc" = 0 ] || bad="$bad [exit 0 after $stop -f, got $rc]"
	if [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name" "missing:$bad"
	fi
}

for bin in $DIRECTBOOT; do
	tag=$(dirname "$bin")
	out=$T/out.txt
	boot "$tag/acpi-tcg-cloud-64-2cpus-poweroff" 2 poweroff "$cloud" \
		--entry 64
	boot "$tag/acpi-tcg-cloud-pvh-2cpus-reboot" 2 reboot "$cloud" \
		--decompress host --no-cache --entry pvh
	boot "$tag/acpi-tcg-generic-64-4cpus-poweroff" 4 poweroff "$generic" \
		-m 512M
	# Without ACPI the same kernel finds one CPU: the MADT made it 2.
	timeout 150 "$bin" run "$cloud" --accel tcg --no-acpi -c 2 -m 256M \
		-i "$T/rd.gz" -a "console=ttyS0 acpitest.stop=reboot" \
		--timeout 120 >"$out" 2>&1
	t_eq "$tag/no-acpi-tcg-cloud-2cpus" "ACPITEST cpus 1" \
		"$(grep -a -m1 'ACPITEST cpus' "$out" | tr -d '\r')"
done
