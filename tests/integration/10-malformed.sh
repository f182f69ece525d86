#!/bin/sh
# Malformed images, built byte by byte here: each must be refused by both
# `inspect` and `extract` with exit status 2 and one line on stderr that
# names the field it broke, each case with its own message, and extract
# must leave no output file behind.  Run against the normal and the
# ASan/UBSan build, where a crash or a leak turns into a wrong exit status
# and extra stderr lines.  A well-formed image of each kind, built the
# same way, is accepted first, so that each refusal is down to the one
# field the case changes.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot.  A missing binary fails:
# run-all.sh runs after both builds.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir tmp

# put FILE OFFSET NBYTES VALUE: store VALUE little-endian (VALUE < 2^63).
put() {
	s= i=0
	while [ $i -lt "$3" ]; do
		s="$s\\$(printf %03o $((($4 >> (8 * i)) & 255)))"
		i=$((i + 1))
	done
	printf "$s" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}

zeros() { head -c "$2" /dev/zero >"$1"; }

# An x86-64 ELF of 0x200 bytes: two program headers at 0x40, a PT_NOTE
# at 0xc0 holding Xen's PVH entry note, a PT_LOAD of 0x100 bytes at 0x100
# placed at 16 MiB.
mk_elf() {
	zeros "$1" 512
	printf '\177ELF\002\001\001' | dd of="$1" conv=notrunc 2>/dev/null
	put "$1" 16 2 2                 # e_type ET_EXEC
	put "$1" 18 2 62                # e_machine EM_X86_64
	put "$1" 20 4 1                 # e_version
	put "$1" 24 8 0x1000000         # e_entry
	put "$1" 32 8 64                # e_phoff
	put "$1" 52 2 64                # e_ehsize
	put "$1" 54 2 56                # e_phentsize
	put "$1" 56 2 2                 # e_phnum
	# phdr 0: PT_LOAD R-X
	put "$1" 64 4 1
	put "$1" 68 4 5
	put "$1" 72 8 0x100             # p_offset
	put "$1" 80 8 0x1000000         # p_vaddr
	put "$1" 88 8 0x1000000         # p_paddr
	put "$1" 96 8 0x100             # p_filesz
	put "$1" 104 8 0x100            # p_memsz
	put "$1" 112 8 0x1000           # p_align
	# phdr 1: PT_NOTE, 20 bytes at 0xc0
	put "$1" 120 4 4
	put "$1" 128 8 0xc0
	put "$1" 152 8 20
	put "$1" 160 8 20
	put "$1" 168 8 4
	# Xen note 18 (XEN_ELFNOTE_PHYS32_ENTRY): entry 0x1000010
	put "$1" 0xc0 4 4
	put "$1" 0xc4 4 4
	put "$1" 0xc8 4 18
	printf 'Xen' | dd of="$1" bs=1 seek=$((0xcc)) conv=notrunc 2>/dev/null
	put "$1" 0xd0 4 0x1000010
}

# A protocol 2.15 bzImage: boot sector, 4 setup sectors, then the
# protected-mode part PM (a file), with PAYLOAD (a file, may be empty)
# inside it at 0x100.
SETUP=2560
mk_bz() { # out payload
	pl=$(stat -c %s "$2")
	pm=$(((0x100 + pl + 15) / 16 * 16))
	[ $pm -lt 4096 ] && pm=4096
	zeros "$1" $((SETUP + pm))
	dd if="$2" of="$1" bs=1 seek=$((SETUP + 0x100)) conv=notrunc 2>/dev/null
	put "$1" 0x1f1 1 4              # setup_sects
	put "$1" 0x1f4 4 $((pm / 16))   # syssize
	put "$1" 0x1fe 2 0xaa55         # boot_flag
	put "$1" 0x200 2 0x6aeb         # jump
	put "$1" 0x202 4 0x53726448     # "HdrS"
	put "$1" 0x206 2 0x020f         # version 2.15
	put "$1" 0x20e 2 0x300          # kernel_version -> 0x500
	printf '6.1.0-test' | dd of="$1" bs=1 seek=$((0x500)) conv=notrunc 2>/dev/null
	put "$1" 0x211 1 1              # loadflags LOADED_HIGH
	put "$1" 0x214 4 0x100000       # code32_start
	put "$1" 0x22c 4 0x7fffffff     # initrd_addr_max
	put "$1" 0x230 4 0x200000       # kernel_alignment
	put "$1" 0x234 1 1              # relocatable_kernel
	put "$1" 0x235 1 21             # min_alignment
	put "$1" 0x236 2 3              # xloadflags
	put "$1" 0x238 4 2047           # cmdline_size
	if [ "$pl" -gt 0 ]; then
		put "$1" 0x248 4 0x100  # payload_offset
		put "$1" 0x24c 4 "$pl"  # payload_length
	fi
	put "$1" 0x258 8 0x1000000      # pref_address
	put "$1" 0x260 4 0x1000000      # init_size
}

# The well-formed images.
mk_elf "$tmp/good.elf"
gzip -9n <"$tmp/good.elf" >"$tmp/good.gz"
mk_bz "$tmp/good.bz" "$tmp/good.gz"
: >"$tmp/none"
mk_bz "$tmp/nopayload.bz" "$tmp/none"
mk_bz "$tmp/plain.bz" "$tmp/good.elf"   # an uncompressed ELF payload

# The malformed ones, one field each.
cases=
add() { # name field-pattern
	cases="$cases $1"
	echo "$2" >"$tmp/$1.want"
}

zeros "$tmp/empty" 0
add empty "is empty"
mkdir "$tmp/dir"
add dir "is a directory"
printf 'this is not a kernel, just text\n' >"$tmp/unknown"
add unknown "unknown format (first bytes 74 68 69 73"

head -c 544 "$tmp/good.bz" >"$tmp/trunc-header"
add trunc-header "setup header"
cp "$tmp/good.bz" "$tmp/setup-sects"
put "$tmp/setup-sects" 0x1f1 1 200
add setup-sects "setup_sects=200"
cp "$tmp/good.bz" "$tmp/payload-beyond"
put "$tmp/payload-beyond" 0x24c 4 0x100000
add payload-beyond "payload_offset=0x100 payload_length=0x100000"
head -c $((SETUP + 1024)) "$tmp/good.bz" >"$tmp/syssize-trunc"
add syssize-trunc "syssize=0x100"
# Tools other than Linux's build.c round syssize up: a file that ends 1 to
# 15 bytes before syssize * 16 is loaded as it is (check_good); 16 short
# is truncated.
head -c $((SETUP + 4096 - 15)) "$tmp/good.bz" >"$tmp/short15.bz"
head -c $((SETUP + 4096 - 1)) "$tmp/good.bz" >"$tmp/short1.bz"
head -c $((SETUP + 4096 - 16)) "$tmp/good.bz" >"$tmp/syssize-short16"
add syssize-short16 "syssize=0x100 (4096 bytes) is more than the 4080 bytes"
cp "$tmp/good.bz" "$tmp/old-version"
put "$tmp/old-version" 0x206 2 0x0105
add old-version "version=0x0105"
cp "$tmp/good.bz" "$tmp/boot-flag"
put "$tmp/boot-flag" 0x1fe 2 0
add boot-flag "boot_flag=0x0000"
cp "$tmp/good.bz" "$tmp/kver"
put "$tmp/kver" 0x20e 2 0x7000
add kver "kernel_version=0x7000"
cp "$tmp/good.bz" "$tmp/kinfo"
put "$tmp/kinfo" 0x268 4 0x200
add kinfo "kernel_info.header=0x00000000"
cp "$tmp/good.bz" "$tmp/align"
put "$tmp/align" 0x230 4 0x300000
add align "kernel_alignment=0x300000"

cp "$tmp/good.elf" "$tmp/phdr-oob"
put "$tmp/phdr-oob" 32 8 0x1f0
add phdr-oob "e_phoff=0x1f0"
cp "$tmp/good.elf" "$tmp/poff-overflow"
put "$tmp/poff-overflow" 72 4 0xfffff000
put "$tmp/poff-overflow" 76 4 0xffffffff
put "$tmp/poff-overflow" 96 8 0x2000
add poff-overflow "p_offset=0xfffffffffffff000 + p_filesz=0x2000"
cp "$tmp/good.elf" "$tmp/memsz"
put "$tmp/memsz" 104 8 0x10
add memsz "p_filesz=0x100 is more than p_memsz=0x10"
cp "$tmp/good.elf" "$tmp/machine"
put "$tmp/machine" 18 2 183
add machine "e_machine=183"
cp "$tmp/good.elf" "$tmp/pvh-outside"
put "$tmp/pvh-outside" 0xd0 4 0x2000000
add pvh-outside "XEN_ELFNOTE_PHYS32_ENTRY=0x2000000"
# The payload's ELF is checked too, and its message says where it was.
gzip -9n <"$tmp/phdr-oob" >"$tmp/bad.gz"
mk_bz "$tmp/payload-elf" "$tmp/bad.gz"
add payload-elf "bzimage payload (gzip): elf: e_phoff=0x1f0"

check_good() { # bin
	b=$1
	t_run "$b: inspect a well-formed bzImage" "$b" inspect "$tmp/good.bz"
	"$b" inspect --json "$tmp/good.bz" >"$tmp/json" 2>"$tmp/err"
	t_eq "$b: inspect --json exits 0" "0" "$?"
	if command -v jq >/dev/null 2>&1; then
		t_eq "$b: synthetic bzImage: protocol_version" "2.15" \
			"$(jq -r .protocol_version "$tmp/json")"
		t_eq "$b: synthetic bzImage: kernel_version string" "6.1.0-test" \
			"$(jq -r .kernel_version "$tmp/json")"
		t_eq "$b: synthetic bzImage: payload format, sizes, PVH" \
			"gzip $(stat -c %s "$tmp/good.gz") 512 16777232 0" \
			"$(jq -r '[.payload.format, .payload.compressed_size, .payload.decompressed_size, .payload.elf.pvh_entry, .payload.relocs_size] | join(" ")' "$tmp/json")"
	else
		fail "$b: jq" "jq is missing (make deps installs it)"
	fi
	rm -f "$tmp/out.elf"
	t_run "$b: extract a well-formed bzImage" "$b" extract "$tmp/good.bz" -o "$tmp/out.elf"
	t_run "$b: extract gives back the ELF that went in" cmp "$tmp/good.elf" "$tmp/out.elf"
	rm -f "$tmp/out.elf"
	t_run "$b: extract an uncompressed payload" "$b" extract "$tmp/plain.bz" -o "$tmp/out.elf"
	t_run "$b: extract of an uncompressed payload is the ELF" cmp "$tmp/good.elf" "$tmp/out.elf"
	"$b" extract "$tmp/good.bz" -o "$tmp/nodir/out.elf" 2>"$tmp/err"
	t_eq "$b: extract into a missing directory: exit 2, one line" "2 1" \
		"$? $(wc -l <"$tmp/err")"
	for c in short1 short15; do
		t_run "$b: inspect a bzImage whose syssize rounds up ($c)" \
			"$b" inspect "$tmp/$c.bz"
		rm -f "$tmp/out.elf"
		t_run "$b: extract a bzImage whose syssize rounds up ($c)" \
			"$b" extract "$tmp/$c.bz" -o "$tmp/out.elf"
		t_run "$b: extract of $c gives back the ELF" cmp "$tmp/good.elf" "$tmp/out.elf"
	done
	t_run "$b: inspect an ELF" "$b" inspect "$tmp/good.elf"
	# IMAGE "-": standard input, read into memory, as the file.
	"$b" inspect --json "$tmp/good.bz" | grep -v '"file"' >"$tmp/j.file"
	"$b" inspect --json - <"$tmp/good.bz" >"$tmp/j.stdin" 2>"$tmp/err"
	t_eq "$b: inspect - (a pipe too) reads standard input" "0 0" \
		"$? $(cat "$tmp/good.bz" | "$b" inspect - >/dev/null 2>&1; echo $?)"
	t_eq "$b: inspect - says what the file says" "" \
		"$(grep -v '"file"' "$tmp/j.stdin" | diff - "$tmp/j.file")"
	"$b" inspect - </dev/null 2>"$tmp/err"
	t_eq "$b: inspect - of empty input: 2, one line" "2 1" \
		"$? $(grep -c 'standard input is empty' "$tmp/err")"
	t_run "$b: inspect a bzImage without payload" "$b" inspect "$tmp/nopayload.bz"
	# Good images that extract cannot use: still exit 2, one line.
	for c in good.elf nopayload.bz; do
		"$b" extract "$tmp/$c" -o "$tmp/out" 2>"$tmp/err"
		st=$?
		t_eq "$b: extract $c: exit 2, one line, no output" "2 1 no" \
			"$st $(wc -l <"$tmp/err") $([ -e "$tmp/out" ] && echo yes || echo no)"
	done
}

check_bad() { # bin case
	b=$1 c=$2
	want=$(cat "$tmp/$c.want")
	for cmd in inspect extract; do
		rm -f "$tmp/out"
		if [ $cmd = inspect ]; then
			"$b" inspect "$tmp/$c" >"$tmp/stdout" 2>"$tmp/err"
		else
			"$b" extract "$tmp/$c" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/err"
		fi
		st=$?
		lines=$(wc -l <"$tmp/err")
		msg=$(head -n 1 "$tmp/err")
		if [ $st != 2 ] || [ "$lines" != 1 ]; then
			fail "$b: $cmd $c" "exit $st, $lines stderr lines (want 2, 1): $(head -c 300 "$tmp/err" | tr '\n' ' ')"
		elif ! grep -qF -- "$want" "$tmp/err"; then
			fail "$b: $cmd $c names the field" "'$msg' lacks '$want'"
		elif [ -s "$tmp/stdout" ] || [ -e "$tmp/out" ]; then
			fail "$b: $cmd $c writes nothing" "output left behind"
		else
			pass "$b: $cmd $c: exit 2: $msg"
		fi
		[ $cmd = inspect ] && echo "$msg" | sed "s|$tmp/||" >>"$tmp/msgs.$(basename "$(dirname "$b")")"
	done
}

for b in $(t_bins); do
	echo "-- $b"
	if [ ! -x "$b" ]; then
		fail "$b: binary" "$b is missing; build it first (make test does)"
		continue
	fi
	check_good "$b"
	for c in $cases; do
		check_bad "$b" "$c"
	done
	m=$tmp/msgs.$(basename "$(dirname "$b")")
	t_eq "$b: every case has its own message" "" "$(sort "$m" | uniq -d)"
	t_run "$b: inspect --help" "$b" inspect --help
	t_run "$b: extract --help" "$b" extract --help
	t_status "$b: inspect without IMAGE is a usage error" 2 "$b" inspect
	t_status "$b: extract without -o is a usage error" 2 "$b" extract "$tmp/good.bz"
	t_status "$b: inspect of a missing file is a usage error" 2 "$b" inspect "$tmp/missing"
done
