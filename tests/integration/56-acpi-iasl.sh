#!/bin/sh
# The plan's ACPI tables decoded by someone else's decoder: ACPICA's
# `iasl -d` (acpica-tools) disassembles the DSDT, MADT and FADT that
# tests/tools/acpidump.c writes (2 CPUs, virtio windows 0xd0000000/IRQ 5
# and 0xd0001000/IRQ 6).  The DSDT must
# decode to COM1 (PNP0501, IO 0x3f8, IRQ 4) and two LNRO0005 devices
# with their Memory32Fixed windows and edge, active-high interrupts.
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
	for want in 'Device (COM1)' 'EisaId ("PNP0501")' 'IO (Decode16, 0x03F8' \
		'IRQNoFlags () {4}' \
		'Device (VR00) { Name (_HID, "LNRO0005")' \
		'Memory32Fixed (ReadWrite, 0xD0000000, 0x00000200,' \
		'Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { 0x00000005, }' \
		'Device (VR01) { Name (_HID, "LNRO0005")' \
		'Memory32Fixed (ReadWrite, 0xD0001000, 0x00000200,' \
		'{ 0x00000006, }'; do
		case $flat in *"$want"*) ;; *) bad="$bad [$want]" ;; esac
	done
	grep -q 'Hardware Reduced (V5) : 1' "$T/facp.dsl" || bad="$bad [HW reduced]"
	grep -q 'Reset Register Supported (V2) : 1' "$T/facp.dsl" ||
		bad="$bad [reset register]"
	[ "$(grep -c 'Processor Local APIC\]' "$T/apic.dsl")" = 2 ] ||
		bad="$bad [2 local APICs]"
	grep -qi 'checksum.*incorrect\|invalid checksum' "$T/iasl.out" \
		"$T"/*.dsl && bad="$bad [a checksum]"
	if [ -z "$bad" ]; then pass "$name"; else fail "$name" "missing:$bad"; fi
done
