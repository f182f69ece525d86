#!/bin/sh
# make install into a temporary DESTDIR, then use that tree as another
# program would: the soname, the exported symbols (exactly the export
# list: any other is a leak), examples/plan.c built with pkg-config
# (dynamic and static) and run on the probe, its output checked against
# 'directboot plan --json', and make uninstall leaving nothing behind.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

# What gets installed is the plain build: an ASan library would need the
# ASan runtime loaded first by every program that links it.
b=$(dirname "$DIRECTBOOT")
b=${b%-san}
t_tmpdir work
dest=$work/dest
lib=$dest/usr/lib

t_run install make -s --no-print-directory SAN=0 BUILD="$b" \
	DESTDIR="$dest" PREFIX=/usr install

missing=
for f in usr/bin/directboot usr/lib/libdirectboot.so.0.1.0 \
	usr/lib/libdirectboot.so.0 usr/lib/libdirectboot.so \
	usr/lib/libdirectboot.a usr/lib/pkgconfig/libdirectboot.pc \
	usr/include/directboot/plan.h usr/include/directboot/version.h \
	usr/include/directboot/directboot.h \
	usr/share/man/man1/directboot.1 usr/share/man/man3/libdirectboot.3 \
	usr/share/bash-completion/completions/directboot; do
	[ -e "$dest/$f" ] || missing="$missing $f"
done
t_eq install-files "" "$missing"
t_eq install-no-internal-headers "" \
	"$(ls "$dest/usr/include/directboot" | grep -E 'mptable|virtio')"
t_eq so-symlinks "libdirectboot.so.0.1.0 libdirectboot.so.0" \
	"$(readlink "$lib/libdirectboot.so.0") $(readlink "$lib/libdirectboot.so")"
t_eq soname "libdirectboot.so.0" "$(readelf -d "$lib/libdirectboot.so.0.1.0" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"

# The leak check: the .so's defined dynamic symbols against the map's
# global list, and the map against the DB_EXPORT marks in the headers.
want=$(sed -n '/global:/,/local:/p' lib/libdirectboot.map |
	sed -n 's/^[[:space:]]*\([a-z_0-9]*\);$/\1/p' | sort)
got=$(nm -D --defined-only "$lib/libdirectboot.so.0.1.0" |
	awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort)
t_eq exports-are-the-list "$want" "$got"
marked=$(grep -h -A1 '^DB_EXPORT' include/directboot/*.h |
	sed -n 's/^[^(]*[ *]\([a-z_0-9]*\)(.*/\1/p' | sort)
t_eq exports-are-marked "$want" "$marked"
t_eq exports-count 16 "$(echo "$got" | wc -l)"

pc() {
	PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$lib/pkgconfig \
	PKG_CONFIG_LIBDIR=$lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 \
	pkg-config "$@" libdirectboot
}
t_eq pkg-config-version 0.1.0 "$(pc --modversion)"
t_eq pkg-config-libs "-L$lib -ldirectboot" "$(pc --libs | sed 's/ *$//')"
t_eq pkg-config-cflags "-I$dest/usr/include" "$(pc --cflags | cut -d' ' -f1)"
t_eq pkg-config-static-codecs "-lbz2 -lz -llzma -llzo2 -llz4 -lzstd" \
	"$(pc --static --libs | grep -o -- '-l\(z\|lzma\|lzo2\|lz4\|zstd\|bz2\)\b' |
	paste -sd' ')"
# shellcheck disable=SC2046
t_run example-build-dynamic ${CC:-cc} -Wall -Wextra -Werror -o "$work/plan" \
	examples/plan.c $(pc --cflags --libs)
# shellcheck disable=SC2046
t_run example-build-static ${CC:-cc} -static -Wall -Wextra -Werror \
	-o "$work/plan-static" examples/plan.c $(pc --static --cflags --libs)
# libdirectboot(3)'s example, as printed, against the installed tree.
sed -n '/^\.EX$/,/^\.EE$/p' docs/libdirectboot.3 | sed '/^\.E[XE]$/d' |
	sed '/^cc /d; s/\\-/-/g; s/\\e/\\/g' >"$work/man3.c"
# shellcheck disable=SC2046
t_run man3-example-builds ${CC:-cc} -Wall -Wextra -Werror -o "$work/man3" \
	"$work/man3.c" $(pc --cflags --libs)
t_eq example-needs-soname "libdirectboot.so.0" \
	"$(readelf -d "$work/plan" 2>/dev/null |
	sed -n 's/.*(NEEDED).*\[\(libdirectboot.*\)\]/\1/p')"

probe=$b/probe/probe.bzImage
if [ ! -f "$probe" ]; then
	fail example-on-probe "no $probe: run 'make BUILD=$b probe'"
	exit 0
fi
initrd=examples/plan.c
cmd="console=ttyS0 quiet"
# plan_options zeroed, as in the example, has the ACPI tables, which the
# CLI adds only with --acpi.
"$DIRECTBOOT" plan "$probe" -i "$initrd" -a "$cmd" --acpi --json \
	>"$work/plan.json"
python3 - "$work/plan.json" >"$work/expect" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
c = p["cpu"]
print("entry", p["entry"])
for r in p["memory_map"]:
	print("region start=%#x size=%#x type=%d" % (r["start"], r["size"], r["type"]))
for pl in p["placements"]:
	print("placement gpa=%#x size=%#x mem_size=%#x what=%s"
	      % (pl["gpa"], pl["size"], pl["mem_size"], pl["what"]))
print("cpu mode=%d rip=%#x rsp=%#x rflags=%#x" % (c["mode"], c["rip"], c["rsp"], c["rflags"]))
print("cpu rsi=%#x rbx=%#x cr0=%#x cr3=%#x cr4=%#x efer=%#x"
      % (c["rsi"], c["rbx"], c["cr0"], c["cr3"], c["cr4"], c["efer"]))
print("cpu gdt=%#x/%#x idt=%#x/%#x" % (c["gdt_base"], c["gdt_limit"], c["idt_base"], c["idt_limit"]))
for s in ("cs", "ds", "ss", "tr"):
	g = c[s]
	print("seg %s selector=%#x base=%#x limit=%#x type=%d present=%d l=%d db=%d"
	      % (s, g["selector"], g["base"], g["limit"], g["type"], g["present"], g["l"], g["db"]))
PY
for bin in plan plan-static; do
	LD_LIBRARY_PATH=$lib "$work/$bin" "$probe" "$initrd" "$cmd" \
		>"$work/$bin.out" 2>&1
	t_eq "example-$bin-version" "libdirectboot 0.1.0 (boot protocol 2.00-2.15)" \
		"$(head -1 "$work/$bin.out")"
	t_eq "example-$bin-matches-plan-json" "$(cat "$work/expect")" \
		"$(sed 1d "$work/$bin.out")"
done
t_eq man3-example-runs "entry 64 rip 0x1000200" "$(LD_LIBRARY_PATH=$lib \
	"$work/man3" "$probe" "$initrd" | tail -1)"
t_eq example-places-initrd 1 "$(grep -c 'what=initrd$' "$work/plan.out")"
t_status example-bad-kernel 1 env LD_LIBRARY_PATH="$lib" "$work/plan" \
	"$initrd"

t_run uninstall make -s --no-print-directory SAN=0 BUILD="$b" \
	DESTDIR="$dest" PREFIX=/usr uninstall
t_eq uninstall-leaves-no-files "" "$(find "$dest" ! -type d)"
