#!/bin/sh
# The plan's ACPI tables decoded by someone else's decoder: ACPICA's
# `iasl -d` (acpica-tools) disassembles the DSDT, MADT and FADT that
# tests/tools/acpidump.c writes (2 CPUs, virtio windows 0xd0000000/IRQ 5
# and 0xd0001000/IRQ 6).  The DSDT must
# decode to \_S5, COM1 (PNP0501, IO 0x3f8, IRQ 4), the CMOS clock
# (PNP0B00, IO 0x70, IRQ 8), the keyboard controller (PNP0303, IO 0x60
# and 0x64, IRQ 1) and two LNRO0005 devices with their Memory32Fixed
# windows and edge, active-high interrupts; the FADT must be a PC's (not
# hardware-reduced) with its PM1a blocks, PM timer and SCI; the MADT
# must override IRQ 9 as level, active high.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir

if ! command -v iasl >/dev/null 2>&1; then
	skip acpi-iasl "iasl is not installed (acpica-tools; scripts/deps.sh)"
	exit 0
fi
for bin in $DIRECTBOOT; do
	tag=$(dirname "$bin")
	tool=$tag/tests/tools/acpidump
	name=$tag/acpi-iasl
	if [ ! -x "$tool" ]; then
		fail "$name" "$tool is not built"
		continue
	fi
	rm -f "$T"/*
	if ! "$tool" "$T" >"$T/tool.out" 2>&1; then
		fail "$name" "$tool failed: $(tail -1 "$T/tool.out")"
		continue
	fi
	(cd "$T" && iasl -d dsdt.dat apic.dat facp.dat) >"$T/iasl.out" 2>&1 ||
		{ fail "$name" "iasl -d failed: $(tail -3 "$T/iasl.out")"; continue; }
	# One line per resource, whitespace squeezed, to match across lines.
	flat=$(sed 's|//.*$||; s/[[:space:]]\{1,\}/ /g' "$T/dsdt.dsl" |
		tr '\n' ' ' | sed 's/  */ /g')
	bad=
	for want in 'Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero })' \
		'Device (COM1)' 'EisaId ("PNP0501")' 'IO (Decode16, 0x03F8' \
		'IRQNoFlags () {4}' \
		'Device (RTC) { Name (_HID, EisaId ("PNP0B00")' \
		'IO (Decode16, 0x0070, 0x0070, 0x01, 0x02, ) IRQNoFlags () {8}' \
		'Device (KBD) { Name (_HID, EisaId ("PNP0303")' \
		'IO (Decode16, 0x0060, 0x0060, 0x01, 0x01, ) IO (Decode16, 0x0064, 0x0064, 0x01, 0x01, ) IRQNoFlags () {1}' \
		'Device (VR00) { Name (_HID, "LNRO0005")' \
		'Memory32Fixed (ReadWrite, 0xD0000000, 0x00000200,' \
		'Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { 0x00000005, }' \
		'Device (VR01) { Name (_HID, "LNRO0005")' \
		'Memory32Fixed (ReadWrite, 0xD0001000, 0x00000200,' \
		'{ 0x00000006, }'; do
		case $flat in *"$want"*) ;; *) bad="$bad [$want]" ;; esac
	done
	grep -q 'Hardware Reduced (V5) : 0' "$T/facp.dsl" || bad="$bad [not HW reduced]"
	for f in 'SCI Interrupt : 0009' 'PM1A Event Block Address : 00000600' \
		'PM1A Control Block Address : 00000604' \
		'PM Timer Block Address : 00000608' 'PM Timer Block Length : 04' \
		'32-bit PM Timer (V1) : 1'; do
		sed 's/[[:space:]]\{1,\}/ /g' "$T/facp.dsl" | grep -qF "$f" ||
			bad="$bad [FADT $f]"
	done
	sed 's/[[:space:]]\{1,\}/ /g' "$T/apic.dsl" | grep -q 'Source :* 09' ||
		bad="$bad [MADT IRQ 9 override]"
	grep -q 'Reset Register Supported (V2) : 1' "$T/facp.dsl" ||
		bad="$bad [reset register]"
	[ "$(grep -c 'Processor Local APIC\]' "$T/apic.dsl")" = 2 ] ||
		bad="$bad [2 local APICs]"
	grep -qi 'checksum.*incorrect\|invalid checksum' "$T/iasl.out" \
		"$T"/*.dsl && bad="$bad [a checksum]"
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "missing:$bad"; fi
done
