#!/bin/sh
# directboot plan: text and --json on a synthetic bzImage (built here by
# python3, with an uncompressed vmlinux-like ELF as its payload), the
# refusals (exit 2, naming the limit), the --decompress host cache, and
# the real Debian cloud kernel's host-decompressed entry points checked
# against `directboot inspect`.
#
# DIRECTBOOT=path/directboot tests that binary and its -san sibling;
# by default build/directboot and build-san/directboot.
cd "$(dirname "$0")/../.." || exit 1
bins=
if [ -n "${DIRECTBOOT:-}" ]; then
	d=${DIRECTBOOT%/directboot}
	bins="$DIRECTBOOT"
	[ "$d" != "$DIRECTBOOT" ] && [ -x "$d-san/directboot" ] &&
		bins="$bins $d-san/directboot"
else
	bins="build/directboot build-san/directboot"
fi
. tests/lib.sh

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# A protocol 2.15 bzImage: setup_sects 4, relocatable, pref_address
# 16 MiB, init_size 4 MiB, cmdline_size 2047, XLF_KERNEL_64 and
# XLF_CAN_BE_LOADED_ABOVE_4G, and as payload an x86-64 ELF with one
# PT_LOAD at 16 MiB (e_entry 0x1000010) and a Xen PVH note (0x1000040).
python3 - "$tmp/k.bzImage" <<'PY' || { fail "plan: make the synthetic bzImage" "python3 failed"; exit 0; }
import struct, sys
elf = bytearray(0x2000)
struct.pack_into("<4sBBBB8xHHIQQQIHHHHHH", elf, 0, b"\x7fELF", 2, 1, 1, 0,
                 2, 62, 1, 0x1000010, 64, 0, 0, 64, 56, 2, 0, 0, 0)
struct.pack_into("<IIQQQQQQ", elf, 64, 1, 5, 0x1000, 0xffffffff81000000,
                 0x1000000, 0x1000, 0x5000, 0x200000)
struct.pack_into("<IIQQQQQQ", elf, 120, 4, 4, 0x100, 0, 0, 24, 0, 4)
struct.pack_into("<III4sQ", elf, 0x100, 4, 8, 18, b"Xen\0", 0x1000040)
elf[0x1000:0x2000] = b"\xcc" * 0x1000
setup, pm = 5 * 512, 0x1000 + len(elf)
img = bytearray(setup + pm)
def p(fmt, off, *v): struct.pack_into("<" + fmt, img, off, *v)
p("B", 0x1f1, 4); p("I", 0x1f4, pm // 16); p("H", 0x1fe, 0xaa55)
p("H", 0x200, 0x6aeb); p("I", 0x202, 0x53726448); p("H", 0x206, 0x20f)
p("B", 0x211, 1); p("I", 0x214, 0x100000); p("I", 0x22c, 0x7fffffff)
p("I", 0x230, 0x200000); p("B", 0x234, 1); p("B", 0x235, 21)
p("H", 0x236, 3); p("I", 0x238, 2047); p("I", 0x248, 0x1000)
p("I", 0x24c, len(elf)); p("Q", 0x258, 0x1000000); p("I", 0x260, 0x400000)
img[setup + 0x1000:] = elf
open(sys.argv[1], "wb").write(img)
PY
k=$tmp/k.bzImage
head -c 5000 /dev/zero >"$tmp/rd1"
head -c 3000 /dev/zero >"$tmp/rd2"
head -c $((70 << 20)) /dev/zero >"$tmp/big"
long=$(head -c 2048 /dev/zero | tr '\0' x)
export XDG_CACHE_HOME="$tmp/cache"

# jqv NAME EXPECTED FILTER JSON: one value of the JSON plan
jqv() { t_eq "$1" "$2" "$(jq -r "$3" "$4" 2>&1)"; }

# refuse NAME NEEDLE ARGS...: exit 2 and the message names NEEDLE
refuse() {
	name=$1; needle=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; st=$?
	if [ "$st" = 2 ] && grep -qF -- "$needle" "$tmp/err"; then pass "$name"
	else fail "$name" "exit $st, stderr: $(head -c 300 "$tmp/err")"; fi
}

for bin in $bins; do
	[ -x "$bin" ] || { fail "plan: $bin" "not built"; continue; }
	b=$(basename "$(dirname "$bin")")
	j=$tmp/p.json

	t_run "plan $b: text" "$bin" plan "$k" -m 64M -a "console=ttyS0"
	"$bin" plan "$k" -m 64M -a "console=ttyS0" >"$tmp/text" 2>&1
	t_eq "plan $b: text names the entry" 1 \
		"$(grep -c '^entry        64 (asked: auto)' "$tmp/text")"
	t_eq "plan $b: text shows type_of_loader" 1 \
		"$(grep -c 'type_of_loader=0xff' "$tmp/text")"

	"$bin" plan "$k" -m 64M -a "console=ttyS0" -i "$tmp/rd1" \
		-i "$tmp/rd2" --json >"$j" 2>"$tmp/err"
	t_run "plan $b: --json is JSON" python3 -m json.tool "$j"
	jqv "plan $b: entry 64" 64 .entry "$j"
	jqv "plan $b: kernel at pref_address" 16777216 .kernel_gpa "$j"
	jqv "plan $b: rip = load + 0x200" 16777728 .cpu.rip "$j"
	jqv "plan $b: rsi = boot_params" 28672 .cpu.rsi "$j"
	jqv "plan $b: long mode" "2147483665 32 1280" \
		'"\(.cpu.cr0) \(.cpu.cr4) \(.cpu.efer)"' "$j"
	jqv "plan $b: cs 64-bit" "16 1 0" \
		'"\(.cpu.cs.selector) \(.cpu.cs.l) \(.cpu.cs.db)"' "$j"
	jqv "plan $b: initrds concatenated" 8000 .initrd_size "$j"
	jqv "plan $b: initrd at the top of RAM" $(((64 << 20) - 8192)) \
		.initrd_gpa "$j"
	jqv "plan $b: cmdline_size is the kernel's" 2047 \
		.boot_params.cmdline_size "$j"
	jqv "plan $b: cmd_line_ptr" 131072 .boot_params.cmd_line_ptr "$j"
	jqv "plan $b: loadflags LOADED_HIGH|CAN_USE_HEAP" 129 \
		.boot_params.loadflags "$j"
	jqv "plan $b: e820 64 MiB" "0+654336:1 654336+394240:2 1048576+66060288:1" \
		'[.memory_map[] | "\(.start)+\(.size):\(.type)"] | join(" ")' "$j"
	jqv "plan $b: SETUP_RNG_SEED" "9:32" \
		'.boot_params.setup_data_chain[] | "\(.type):\(.len)"' "$j"

	"$bin" plan "$k" -m 3584M --json >"$j" 2>&1
	jqv "plan $b: e820 3584 MiB hole" "1048576+3220176896 4294967296+536870912" \
		'[.memory_map[2:][] | "\(.start)+\(.size)"] | join(" ")' "$j"

	"$bin" plan "$k" --memory=6G -i "$tmp/rd1" --json >"$j" 2>&1
	jqv "plan $b: 6G initrd above 4 GiB" "$(((7 << 30) - 8192)) 1" \
		'"\(.initrd_gpa) \(.boot_params.ext_ramdisk_image)"' "$j"
	"$bin" plan "$k" -m 6G -i "$tmp/rd1" --entry 32 --json >"$j" 2>&1
	jqv "plan $b: 32-bit keeps it below initrd_addr_max" \
		"$(((2 << 30) - 8192)) 0 32" \
		'"\(.initrd_gpa) \(.boot_params.ext_ramdisk_image) \(.cpu.mode)"' "$j"

	"$bin" plan "$k" --keep-segments --subarch 1 --subarch-data 0x1234 \
		--no-rng-seed --json >"$j" 2>&1
	jqv "plan $b: keep-segments, subarch, no seed" "193 1 4660 0" \
		'"\(.boot_params.loadflags) \(.boot_params.hardware_subarch) \(.boot_params.hardware_subarch_data) \(.boot_params.setup_data)"' "$j"

	refuse "plan $b: cmdline too long" "over the kernel's cmdline_size of 2047" \
		"$bin" plan "$k" -a "$long"
	refuse "plan $b: initrd too big" "initrd of 73400320 bytes does not fit" \
		"$bin" plan "$k" -m 64M -i "$tmp/big"
	refuse "plan $b: memory too small" "outside 2 MiB" "$bin" plan "$k" -m 1M
	refuse "plan $b: bad size" "--memory '12Q'" "$bin" plan "$k" -m 12Q
	refuse "plan $b: pvh needs the ELF" "--decompress host" \
		"$bin" plan "$k" --entry pvh
	refuse "plan $b: bad entry" "want auto, 32, 64, pvh or elf" \
		"$bin" plan "$k" --entry 16
	refuse "plan $b: unknown option" "unknown option '--frobnicate'" \
		"$bin" plan "$k" --frobnicate
	refuse "plan $b: missing initrd" "initrd $tmp/none" \
		"$bin" plan "$k" -i "$tmp/none"
	t_status "plan $b: --help" 0 "$bin" plan --help
	refuse "plan $b: missing value" "-m needs a SIZE" \
		"$bin" plan "$k" -m
	refuse "plan $b: bad --subarch" "want a 32-bit number" \
		"$bin" plan "$k" --subarch 0x100000000
	refuse "plan $b: bad --decompress" "want guest or host" \
		"$bin" plan "$k" --decompress=cpu
	refuse "plan $b: two images" "one IMAGE only" "$bin" plan "$k" "$k"
	refuse "plan $b: bad --cpus" "--cpus '0': want a number from 1 to 64" \
		"$bin" plan "$k" --cpus 0
	refuse "plan $b: --cpus 65" "--cpus '65': want a number from 1 to 64" \
		"$bin" plan "$k" --cpus=65
	# A single-dash word is never a letter and its value.
	refuse "plan $b: -m96" "'-m96': write '-m 96' or '--memory=96'" \
		"$bin" plan "$k" -m96
	refuse "plan $b: QEMU's -append" "'-append' is QEMU's; here it is -a" \
		"$bin" plan "$k" -append console=ttyS0
	refuse "plan $b: QEMU's -smp" "'-smp' is QEMU's; here it is -c N" \
		"$bin" plan "$k" -smp 2
	refuse "plan $b: a flag takes no value" "--json takes no value" \
		"$bin" plan "$k" --json=yes
	refuse "plan $b: run's option" "'--accel' is an option of 'directboot run'" \
		"$bin" plan "$k" --accel kvm
	"$bin" plan "$k" -c 4 --json >"$j" 2>&1
	jqv "plan $b: -c 4 places an MP table" "4 true" \
		'"\(.cpus) \(.mptable_gpa > 0)"' "$j"
	"$bin" plan "$k" --json >"$j" 2>&1
	jqv "plan $b: one vCPU still gets an MP table" "1 true" \
		'"\(.cpus) \(.mptable_gpa > 0)"' "$j"
	# Every spelling of a value: --opt=, bare MiB, --cmdline, lkvm's.
	"$bin" plan -m 96 --cmdline=a=b --decompress=guest --cpus=2 \
		-k "$k" --json >"$j" 2>&1
	jqv "plan $b: -m 96 --cmdline= --cpus= -k" "100663296 a=b guest 2" \
		'"\(.mem_size) \(.cmdline) \(.decompress) \(.cpus)"' "$j"
	"$bin" plan "$k" -p "p q" -c 3 --json >"$j" 2>&1
	jqv "plan $b: lkvm's -p" "p q 3" '"\(.cmdline) \(.cpus)"' "$j"
	"$bin" plan "$k" --memory 0x8000000 --append "x y" --json >"$j" 2>&1
	jqv "plan $b: --memory 0x.. --append" "134217728 x y" \
		'"\(.mem_size) \(.cmdline)"' "$j"

	# --decompress host: the payload's ELF, through the cache.
	rm -rf "$XDG_CACHE_HOME"
	"$bin" plan "$k" --decompress host --json >"$j" 2>&1
	jqv "plan $b: host: pvh, cache miss" "pvh miss" '"\(.entry) \(.cache)"' "$j"
	jqv "plan $b: host: EIP = the note's entry" 16777280 .cpu.rip "$j"
	jqv "plan $b: host: EBX = start_info" "$(jq .start_info_gpa "$j")" \
		.cpu.rbx "$j"
	jqv "plan $b: host: start_info magic, v1" "862897528 1" \
		'"\(.start_info.magic) \(.start_info.version)"' "$j"
	key=$(sha256sum "$k" | cut -d' ' -f1)
	t_eq "plan $b: cache file named by SHA-256" 8192 \
		"$(stat -c %s "$XDG_CACHE_HOME/directboot/$key.elf" 2>&1)"
	"$bin" plan "$k" --decompress host --entry 64 --json >"$j" 2>&1
	jqv "plan $b: host 64: cache hit, rip = e_entry" "hit 16777232" \
		'"\(.cache) \(.cpu.rip)"' "$j"
	"$bin" plan "$k" --decompress host --no-cache --json >"$j" 2>&1
	jqv "plan $b: --no-cache" off .cache "$j"
	printf 'not an ELF' >"$XDG_CACHE_HOME/directboot/$key.elf"
	"$bin" plan "$k" --decompress host --json >"$j" 2>&1
	jqv "plan $b: a bad cache entry is a miss" "miss pvh" \
		'"\(.cache) \(.entry)"' "$j"
	t_eq "plan $b: and is rewritten" 8192 \
		"$(stat -c %s "$XDG_CACHE_HOME/directboot/$key.elf" 2>&1)"
	# A kernel changed in place, mtime restored: still a new key.
	cp "$k" "$tmp/k2"
	"$bin" plan "$tmp/k2" --decompress host --json >"$j" 2>&1
	jqv "plan $b: copy: cache hit by content" hit .cache "$j"
	printf 'Z' | dd of="$tmp/k2" bs=1 seek=496 conv=notrunc 2>/dev/null
	touch -r "$k" "$tmp/k2"
	"$bin" plan "$tmp/k2" --decompress host --json >"$j" 2>&1
	jqv "plan $b: changed in place: miss" miss .cache "$j"
	t_eq "plan $b: two entries now" 2 \
		"$(ls "$XDG_CACHE_HOME/directboot/" | grep -c '\.elf$')"
	refuse "plan $b: host 32 refused" "decompressor" \
		"$bin" plan "$k" --decompress host --entry 32
done

# The probe guest, where this build has made it (make probe / probe-all):
# every entry path plans, and every payload format decompresses here.
for bin in $bins; do
	pd=$(dirname "$bin")/probe
	b=$(basename "$(dirname "$bin")")
	[ -f "$pd/probe.bzImage" ] || continue
	for e in auto 32 64; do
		t_run "plan $b: probe --entry $e" "$bin" plan "$pd/probe.bzImage" \
			--entry "$e" -m 64M -i "$tmp/rd1"
	done
	t_run "plan $b: probe.elf pvh" "$bin" plan "$pd/probe.elf" --entry pvh
	for f in "$pd"/probe-*.bzImage; do
		[ -f "$f" ] || continue
		"$bin" plan "$f" --decompress host --no-cache --json >"$j" 2>&1
		jqv "plan $b: $(basename "$f") host pvh" pvh .entry "$j"
	done
done

# The real Debian cloud kernel: host-decompressed entry points.
if real=$(tests/fetch-kernels.sh cloud 2>"$tmp/ferr"); then
	bin=${bins%% *}
	"$bin" inspect --json "$real" >"$tmp/i.json" 2>&1
	e=$(jq .payload.elf.entry "$tmp/i.json")
	pvh=$(jq .payload.elf.pvh_entry "$tmp/i.json")
	"$bin" plan "$real" --decompress host --json >"$j" 2>&1
	jqv "plan real: pvh at the note" "pvh $pvh" '"\(.entry) \(.cpu.rip)"' "$j"
	"$bin" plan "$real" --decompress host --entry 64 --json >"$j" 2>&1
	jqv "plan real: startup_64 = e_entry, physical" "64 $e 16777216" \
		'"\(.entry) \(.cpu.rip) \(.kernel_gpa)"' "$j"
	"$bin" plan "$real" -m 6G -i "$tmp/rd1" --json >"$j" 2>&1
	jqv "plan real: guest path 64, init_size reserved" \
		"64 $(jq .init_size "$tmp/i.json" 2>/dev/null)" \
		'"\(.entry) \(.kernel_size)"' "$j"
else
	skip "plan real" "tests/fetch-kernels.sh cloud failed: $(head -c 200 "$tmp/ferr")"
fi
