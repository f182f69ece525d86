#!/bin/sh
# Real Debian kernels, fetched by tests/fetch-kernels.sh:
# linux-image-cloud-amd64 (lz4 payload), linux-image-amd64 (xz payload)
# and linux-image-686 (i386: an ELF32 payload, 32-bit relocations, no
# PVH note).
# Everything `directboot inspect --json` and `extract` say is checked
# against a second, independent reading: the header bytes read with od,
# the payload cut out with tail/head and decoded by the lz4/xz CLI, and
# the resulting ELF read by binutils' readelf.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir tmp

# le NBYTES OFFSET FILE: an unsigned little-endian field, in decimal.
le() { od -An -tu"$1" -j "$2" -N "$1" "$3" | tr -d ' \n'; }

j() { jq -r "$1" "$json"; }

# The end of the ELF proper, as readelf sees it: the furthest of the
# section header table, the file-backed sections and the PT_LOADs.
elf_end() {
	readelf -hW "$1" | awk -F: '
		/Start of section headers/ { off = $2 + 0 }
		/Size of section headers/ { sz = $2 + 0 }
		/Number of section headers/ { n = $2 + 0 }
		END { print off + sz * n }' >"$tmp/ends"
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' |
		awk '$2 != "NOBITS" && $1 != "NULL" && $4 ~ /^[0-9a-f]+$/ {
			print "0x" $4, "0x" $5 }' |
		while read -r o s; do echo $((o + s)); done >>"$tmp/ends"
	readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $5 }' |
		while read -r o s; do echo $((o + s)); done >>"$tmp/ends"
	sort -n "$tmp/ends" | tail -n 1
}

# The PVH entry (Xen note 0x12, XEN_ELFNOTE_PHYS32_ENTRY) from readelf -n:
# its first four description bytes, little-endian.
readelf_pvh() {
	readelf -nW "$1" | awk '
		/Xen/ && /\(0x00000012\)/ { want = 1 }
		want && /description data:/ {
			sub(/.*data: */, "")
			split($0, b, " ")
			print "0x" b[4] b[3] b[2] b[1]
			exit
		}'
}

# What follows the ELF proper must be arch/x86/tools/relocs' table, the
# one the decompressor walks down from the end (misc.c,
# handle_relocations): u32 words in zero-terminated lists, three on
# x86-64 (32-bit, inverse 32-bit, 64-bit) and one on i386, so exactly
# that many zeros, the first word one of them, and every other word the
# low 32 bits of an address inside the kernel's mapped image.
check_relocs() { # elf end lists
	# Addresses are 64-bit; dash's arithmetic is signed, so keep the low
	# 32 bits as text first.
	readelf -lW "$1" | awk '$1 == "LOAD" && $3 !~ /^0x0+$/ {
		print "0x" substr($3, length($3) - 7), $6 }' >"$tmp/loads"
	lo=$(($(head -n 1 "$tmp/loads" | cut -d' ' -f1)))
	hi=$(while read -r v m; do echo $((v + m)); done <"$tmp/loads" |
		sort -n | tail -n 1)
	tail -c +$(($2 + 1)) "$1" | od -An -v -tu4 -w4 |
		awk -v lo="$lo" -v hi="$hi" -v lists="$3" '
		NR == 1 && $1 != 0 { bad = "first word " $1 " is not 0" }
		$1 == 0 { zeros++; next }
		$1 < lo || $1 >= hi { bad = "word " NR " = " $1 " outside [" lo ", " hi ")" }
		END {
			if (NR * 4 == 0) bad = "empty"
			if (zeros != lists) bad = bad " " zeros " zero words (want " lists ")"
			print bad ? bad : "ok " NR
		}' >"$tmp/relocs"
	rsize=$(($(stat -c %s "$1") - $2))
	case $(cat "$tmp/relocs") in
	"ok $((rsize / 4))")
		[ $((rsize % 4)) = 0 ] &&
			pass "$kind: the $rsize bytes after the ELF are a relocs table" ||
			fail "$kind: the bytes after the ELF are a relocs table" "$rsize is not a multiple of 4"
		;;
	*) fail "$kind: the $rsize bytes after the ELF are a relocs table" "$(cat "$tmp/relocs")" ;;
	esac
}

# check_kernel KIND FORMAT XLOADFLAGS ELFCLASS: XLOADFLAGS is what
# Debian's build gives: 0x7f on x86-64, 0x04 (XLF_EFI_HANDOVER_32 alone)
# on i386.
check_kernel() {
	kind=$1
	fmt=$2
	want_xlf=$3
	class=$4
	echo "-- $kind ($fmt payload, ELFCLASS$class)"
	img=$(tests/fetch-kernels.sh "$kind") || {
		fail "$kind: fetch" "tests/fetch-kernels.sh $kind failed (no network and no cache?)"
		return
	}
	size=$(stat -c %s "$img")

	# The header, read straight from the file (boot.rst offsets).
	ss=$(le 1 0x1f1 "$img")
	[ "$ss" = 0 ] && ss=4
	syssize=$(le 4 0x1f4 "$img")
	version=$(le 2 0x206 "$img")
	loadflags=$(le 1 0x211 "$img")
	xlf=$(le 2 0x236 "$img")
	poff=$(le 4 0x248 "$img")
	plen=$(le 4 0x24c "$img")
	pref=$(le 8 0x258 "$img")
	init_size=$(le 4 0x260 "$img")
	pm=$(((ss + 1) * 512))
	trailing=$((size - pm - syssize * 16))

	t_eq "$kind: protocol 2.15 in the file" 527 "$version"
	t_eq "$kind: xloadflags $(printf 0x%02x "$want_xlf") in the file" "$want_xlf" "$xlf"
	t_eq "$kind: pref_address 0x1000000 in the file" 16777216 "$pref"
	t_eq "$kind: signed image carries 1472 bytes after syssize*16" 1472 "$trailing"

	# The reference: the payload bytes, decoded by Debian's CLI tool.
	tail -c +$((pm + poff + 1)) "$img" | head -c "$plen" >"$tmp/payload"
	want_out=$(tail -c 4 "$tmp/payload" | od -An -tu4 | tr -d ' \n')
	case $fmt in
	lz4) head -c $((plen - 4)) "$tmp/payload" | lz4 -dc >"$tmp/ref" ;;
	xz) xz -dc --single-stream "$tmp/payload" >"$tmp/ref" ;;
	esac
	ref_size=$(stat -c %s "$tmp/ref")
	t_eq "$kind: $fmt -dc output matches the size trailer" "$want_out" "$ref_size"
	ref_end=$(elf_end "$tmp/ref")
	ref_entry=$(readelf -hW "$tmp/ref" | sed -n 's/.*Entry point address: *//p')
	ref_loads=$(readelf -lW "$tmp/ref" | grep -c '^ *LOAD ')
	t_eq "$kind: readelf sees ELFCLASS$class" "ELF$class" \
		"$(readelf -hW "$tmp/ref" | sed -n 's/^ *Class: *//p')"
	ref_pvh=$(readelf_pvh "$tmp/ref")
	if [ "$class" = 32 ]; then
		# Debian's 686 kernel is built without CONFIG_PVH.
		t_eq "$kind: readelf finds no PVH entry note" "" "$ref_pvh"
	elif [ -z "$ref_pvh" ] || [ $((ref_pvh)) = 0 ]; then
		fail "$kind: readelf finds a non-zero PVH entry note" "got '$ref_pvh'"
	else
		pass "$kind: readelf finds PVH entry $ref_pvh"
	fi
	if [ "$class" = 64 ]; then
		check_relocs "$tmp/ref" "$ref_end" 3
	else
		check_relocs "$tmp/ref" "$ref_end" 1
	fi
	echo "   $img: $size bytes, setup_sects=$ss, payload $plen bytes of $fmt at $poff," \
		"ELF $ref_end + relocs $((ref_size - ref_end)) bytes, PVH entry ${ref_pvh:-none}"

	for bin in $(t_bins); do
		check_bin "$bin"
	done
}

check_bin() { # directboot
	bin=$1
	n="$kind/$bin"
	if [ ! -x "$bin" ]; then
		fail "$n: binary" "$bin is missing; build it first (make test does)"
		return
	fi
	json=$tmp/json
	"$bin" inspect "$img" --json >"$json" 2>"$tmp/err"
	st=$?
	if [ $st != 0 ]; then
		fail "$n: inspect --json" "exit $st: $(head -3 "$tmp/err" | tr '\n' ' ')"
		return
	fi
	if ! jq -e . "$json" >/dev/null 2>&1; then
		fail "$n: inspect --json is valid JSON" "$(head -c 200 "$json")"
		return
	fi
	t_eq "$n: protocol_version" 2.15 "$(j .protocol_version)"
	t_eq "$n: version" "$version" "$(j .version)"
	t_eq "$n: setup_sects" "$ss" "$(j .setup_sects)"
	t_eq "$n: syssize" "$syssize" "$(j .syssize)"
	t_eq "$n: loadflags" "$loadflags" "$(j .loadflags)"
	t_eq "$n: xloadflags" "$want_xlf" "$(j .xloadflags)"
	t_eq "$n: pref_address 0x1000000" 16777216 "$(j .pref_address)"
	t_eq "$n: init_size" "$init_size" "$(j .init_size)"
	t_eq "$n: payload_offset" "$poff" "$(j .payload_offset)"
	t_eq "$n: payload_length" "$plen" "$(j .payload_length)"
	t_eq "$n: trailing bytes after syssize*16" 1472 "$(j .trailing_size)"
	t_eq "$n: payload.format" "$fmt" "$(j .payload.format)"
	t_eq "$n: payload.compressed_size" "$plen" "$(j .payload.compressed_size)"
	t_eq "$n: payload.decompressed_size" "$ref_size" "$(j .payload.decompressed_size)"
	t_eq "$n: payload.elf.entry" "$((ref_entry))" "$(j .payload.elf.entry)"
	t_eq "$n: payload.elf PT_LOAD count" "$ref_loads" "$(j '.payload.elf.segments | length')"
	t_eq "$n: payload.elf.class" "$class" "$(j .payload.elf.class)"
	if [ -n "$ref_pvh" ]; then
		t_eq "$n: payload.elf.pvh_entry equals readelf -n" "$((ref_pvh))" "$(j .payload.elf.pvh_entry)"
	else
		t_eq "$n: payload.elf.pvh_entry is null, as readelf -n finds none" null "$(j .payload.elf.pvh_entry)"
	fi
	t_eq "$n: payload.elf_size is readelf's end of the ELF" "$ref_end" "$(j .payload.elf_size)"
	t_eq "$n: payload.relocs_size" "$((ref_size - ref_end))" "$(j .payload.relocs_size)"

	# The human form names the same facts.
	"$bin" inspect "$img" >"$tmp/text" 2>&1
	t_eq "$n: inspect exits 0" 0 "$?"
	if [ -n "$ref_pvh" ]; then
		pvh_text="0x$(printf '%x' "$((ref_pvh))")"
	else
		pvh_text=none
	fi
	if grep -Eq '^protocol_version +2\.15$' "$tmp/text" &&
		grep -Eq "^payload +$fmt\$" "$tmp/text" &&
		grep -Eq "^ *pvh_entry +$pvh_text( |\$)" "$tmp/text"; then
		pass "$n: inspect text shows 2.15, $fmt and pvh_entry $pvh_text"
	else
		fail "$n: inspect text shows 2.15, $fmt and pvh_entry $pvh_text" \
			"$(grep -E 'protocol_version|^payload|pvh_entry' "$tmp/text" | tr '\n' ' ')"
	fi

	# extract --with-relocs: the whole decompressed stream, byte for byte.
	rm -f "$tmp/full" "$tmp/elf"
	t_run "$n: extract --with-relocs" "$bin" extract "$img" -o "$tmp/full" --with-relocs
	if cmp "$tmp/ref" "$tmp/full" >"$tmp/cmp" 2>&1; then
		pass "$n: extract --with-relocs is byte-identical to $fmt -dc"
	else
		fail "$n: extract --with-relocs is byte-identical to $fmt -dc" "$(cat "$tmp/cmp")"
	fi

	# extract: the ELF proper, a prefix of the stream, without relocs.
	t_run "$n: extract" "$bin" extract "$img" -o "$tmp/elf"
	t_eq "$n: extract writes the ELF up to readelf's end" "$ref_end" \
		"$(stat -c %s "$tmp/elf" 2>/dev/null)"
	if cmp -n "$ref_end" "$tmp/ref" "$tmp/elf" >"$tmp/cmp" 2>&1; then
		pass "$n: extract is a prefix of $fmt -dc"
	else
		fail "$n: extract is a prefix of $fmt -dc" "$(cat "$tmp/cmp")"
	fi
	t_run "$n: extract output is a valid ELF" readelf -h "$tmp/elf"

	# -o - writes the same bytes to stdout.
	"$bin" extract "$img" -o - 2>"$tmp/err" | cmp - "$tmp/elf" >"$tmp/cmp" 2>&1
	t_eq "$n: extract -o - equals extract -o FILE" "" "$(cat "$tmp/cmp")"
	rm -f "$tmp/full" "$tmp/elf"
}

check_kernel cloud lz4 127 64
check_kernel generic xz 127 64
check_kernel i386 xz 4 32

# The i386 vmlinux (ELFCLASS32, no PVH note) plans without --entry: auto
# picks elf, entered in 32-bit protected mode with ESI = boot_params (as
# its decompressor enters it); --entry 64 is refused naming what works.
if i386=$(tests/fetch-kernels.sh i386); then
	for bin in $bins; do
		"$bin" extract "$i386" -o "$tmp/i386.elf" 2>"$tmp/err"
		"$bin" plan "$tmp/i386.elf" --json >"$tmp/p.json" 2>"$tmp/err"
		t_eq "$bin: plan i386 ELF: auto is elf, 32-bit, ESI = boot_params, at e_entry" \
			"0 elf 32 true true" \
			"$? $(jq -r '"\(.entry) \(.cpu.mode) \(.cpu.rsi == .boot_params_gpa) \(.cpu.rip == 16777216)"' "$tmp/p.json")"
		"$bin" plan "$tmp/i386.elf" --entry 64 >/dev/null 2>"$tmp/err"
		t_eq "$bin: plan i386 ELF --entry 64: refused, naming what works" \
			"2 1" "$? $(grep -c 'enters through' "$tmp/err")"
		"$bin" plan "$i386" --decompress host --no-cache --json \
			>"$tmp/p.json" 2>"$tmp/err"
		t_eq "$bin: plan i386 bzImage --decompress host: auto is elf, 32-bit" \
			"0 elf 32" "$? $(jq -r '"\(.entry) \(.cpu.mode)"' "$tmp/p.json")"
		rm -f "$tmp/i386.elf"
	done
fi

# bzImages from outside Linux's build: memtest86+ (protocol 2.12) and
# iPXE's ipxe.lkrn (2.07).  Both round syssize up, so each file ends a
# few bytes (1 to 15) before syssize * 16: inspect and plan must take
# them, and plan must load what is there: memtest86+'s whole
# protected-mode part; ipxe.lkrn has code32_start 0 (its code runs in
# real mode, through the BIOS), which plan refuses by name.  Neither has
# a payload for extract.  memtest86+ boots on tcg (50-real-tcg); iPXE's
# lkrn needs BIOS services.
check_foreign() { # kind version plan-refusal
	kind=$1
	echo "-- $kind (a bzImage from outside Linux's build)"
	img=$(tests/fetch-kernels.sh "$kind") || {
		fail "$kind: fetch" "tests/fetch-kernels.sh $kind failed (no network and no cache?)"
		return
	}
	size=$(stat -c %s "$img")
	ss=$(le 1 0x1f1 "$img")
	[ "$ss" = 0 ] && ss=4
	syssize=$(le 4 0x1f4 "$img")
	pm=$((size - (ss + 1) * 512))
	short=$((syssize * 16 - pm))
	if [ "$short" -ge 1 ] && [ "$short" -le 15 ]; then
		pass "$kind: the file ends $short bytes before syssize*16"
	else
		fail "$kind: the file ends 1 to 15 bytes before syssize*16" "short by $short"
	fi
	t_eq "$kind: protocol $2 in the file" "$2" "$(le 2 0x206 "$img")"
	for bin in $bins; do
		n="$kind/$bin"
		json=$tmp/json
		"$bin" inspect "$img" --json >"$json" 2>"$tmp/err"
		t_eq "$n: inspect --json exits 0" "0 " "$? $(head -1 "$tmp/err")"
		t_eq "$n: pm_load_size is what the file holds" "$pm $syssize 0" \
			"$(j '"\(.pm_load_size) \(.syssize) \(.trailing_size)"')"
		"$bin" plan "$img" --json >"$json" 2>"$tmp/err"
		st=$?
		if [ -n "$3" ]; then
			t_eq "$n: plan refuses: $3" "2 1" \
				"$st $(grep -cF -- "$3" "$tmp/err")"
		else
			t_eq "$n: plan exits 0" "0 " "$st $(head -1 "$tmp/err")"
			t_eq "$n: plan copies the whole protected-mode part" "$pm" \
				"$(j '.placements[] | select(.what == "kernel") | .size')"
		fi
		"$bin" extract "$img" -o "$tmp/elf" 2>"$tmp/err"
		t_eq "$n: extract: exit 2, no payload to extract" "2 1" \
			"$? $(wc -l <"$tmp/err")"
	done
}
check_foreign memtest 524 ""
check_foreign ipxe 519 "code32_start=0x0"

# A PE/COFF EFI application that is not a bzImage (iPXE's ipxe.efi) is
# named as such, not "unknown format".
if lkrn=$(tests/fetch-kernels.sh ipxe); then
	efi=${lkrn%/*}/ipxe.efi
	for bin in $bins; do
		"$bin" inspect "$efi" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if [ $st = 2 ] && grep -q 'PE/COFF (EFI) executable' "$tmp/err"; then
			pass "$bin: inspect ipxe.efi names a PE/COFF (EFI) executable"
		else
			fail "$bin: inspect ipxe.efi names a PE/COFF (EFI) executable" \
				"exit $st: $(head -1 "$tmp/err")"
		fi
	done
fi
