#!/bin/sh
# Synthetic payloads in all seven kernel formats, made with Debian's CLI
# compressors exactly as the issue names them (gzip -9, bzip2, lzma,
# xz --check=crc32, lzop, lz4 -l, zstd), fed on stdin as the kernel's
# build does, with the le32 size trailer appended (gzip's own ISIZE is
# its trailer), wrapped by mkbzimage in a protocol 2.15 bzImage.
#
# The "vmlinux" is a real x86-64 ELF, the directboot binary itself, and
# the "relocations" are 7.8 MB of text after it, so that the whole passes
# 8 MiB and lz4's legacy frame needs two blocks.  `extract --with-relocs`
# must give back both byte for byte, and plain `extract` the ELF alone.
# Then, per format, a corrupt stream and a wrong size trailer must each be
# refused with exit 2, one line on stderr naming the format and the rule,
# and no output file.  Run against the normal and the ASan/UBSan build.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot.  TEST_ELF=path uses another
# x86-64 ELF as the vmlinux stand-in.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)

first=${bins%% *}
mkbzimage=${first%/directboot}/tests/tools/mkbzimage
if [ ! -x "$first" ] || [ ! -x "$mkbzimage" ]; then
	fail "20-payload: setup" "$first or $mkbzimage is not built"
	exit 0
fi

t_tmpdir tmp

# le32 VALUE on stdout
le32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) \
		$((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}

# The vmlinux stand-in and its relocations.
cp "${TEST_ELF:-$first}" "$tmp/elf"
seq 1 1100000 >"$tmp/relocs"
cat "$tmp/elf" "$tmp/relocs" >"$tmp/all"
size=$(stat -c %s "$tmp/all")

formats="gzip bzip2 lzma xz lzo lz4 zstd"
compress() { # format: the stream on stdout, from "all" on stdin
	case $1 in
	gzip) gzip -9 ;;
	bzip2) bzip2 ;;
	lzma) lzma ;;
	xz) xz --check=crc32 ;;
	lzo) lzop ;;
	lz4) lz4 -l ;;
	zstd) zstd -q ;;
	esac <"$tmp/all"
}

for f in $formats; do
	compress $f >"$tmp/$f.stream" || fail "payload $f: compress" "exit $?"
	cp "$tmp/$f.stream" "$tmp/$f.payload"
	[ $f = gzip ] || le32 "$size" >>"$tmp/$f.payload"
	"$mkbzimage" "$tmp/$f.payload" "$tmp/$f.img" ||
		fail "payload $f: mkbzimage" "exit $?"
done

# refused NAME BIN IMG PATTERN: exit 2, one stderr line matching PATTERN
# (an extended regex), no output file.
refused() {
	rm -f "$tmp/out"
	"$2" extract "$3" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
	st=$? lines=$(wc -l <"$tmp/stderr")
	if [ $st != 2 ]; then
		fail "$1" "exit $st (want 2): $(head -3 "$tmp/stderr")"
	elif [ "$lines" != 1 ]; then
		fail "$1" "$lines lines on stderr: $(head -3 "$tmp/stderr")"
	elif ! grep -Eq "$4" "$tmp/stderr"; then
		fail "$1" "message lacks /$4/: $(cat "$tmp/stderr")"
	elif [ -e "$tmp/out" ]; then
		fail "$1" "an output file was left behind"
	else
		pass "$1"
	fi
}

# same NAME FILE1 FILE2
same() {
	if cmp -s "$2" "$3"; then pass "$1"
	else fail "$1" "$2 differs from $3 ($(stat -c %s "$2") vs $(stat -c %s "$3") bytes)"; fi
}

# A corrupt copy of a payload: 32 bytes of 0xff in the stream's middle
# (of zeros where those bytes were 0xff already); for lz4, which has no
# checksum, over its first block's first tokens.
corrupt() { # format out
	cp "$tmp/$1.payload" "$2"
	n=$(stat -c %s "$tmp/$1.stream")
	at=$((n / 2))
	[ "$1" = lz4 ] && at=8
	head -c 32 /dev/zero | tr '\0' '\377' |
		dd of="$2" bs=1 seek=$at conv=notrunc 2>/dev/null
	cmp -s "$2" "$tmp/$1.payload" &&
		head -c 32 /dev/zero |
		dd of="$2" bs=1 seek=$at conv=notrunc 2>/dev/null
	cmp -s "$2" "$tmp/$1.payload" && fail "payload $1: corrupt" "no change"
}

for bin in $bins; do
	if [ ! -x "$bin" ]; then
		fail "20-payload: $bin" "not built"
		continue
	fi
	for f in $formats; do
		t="payload $f ($bin)"
		rm -f "$tmp/out"
		if "$bin" extract "$tmp/$f.img" -o "$tmp/out" --with-relocs \
			2>"$tmp/stderr"; then
			same "$t: extract --with-relocs = ELF + relocs" \
				"$tmp/out" "$tmp/all"
		else
			fail "$t: extract --with-relocs" "$(cat "$tmp/stderr")"
		fi
		rm -f "$tmp/out"
		if "$bin" extract "$tmp/$f.img" -o "$tmp/out" 2>"$tmp/stderr"
		then
			same "$t: extract = the ELF" "$tmp/out" "$tmp/elf"
		else
			fail "$t: extract" "$(cat "$tmp/stderr")"
		fi
		got=$("$bin" inspect --json "$tmp/$f.img" 2>/dev/null |
			jq -r '[.payload.format, .payload.decompressed_size] | join(" ")')
		t_eq "$t: inspect --json names the format and size" \
			"$f $size" "$got"

		corrupt $f "$tmp/bad.payload"
		"$mkbzimage" "$tmp/bad.payload" "$tmp/bad.img"
		refused "$t: corrupt stream refused" "$bin" "$tmp/bad.img" \
			"payload: $f (stream|block [0-9]+|header|decompressed).*(corrupt|hash|truncated|more than|stray|trailer says)"

		cp "$tmp/$f.stream" "$tmp/bad.payload"
		if [ $f = gzip ]; then
			# gzip's trailer is its ISIZE, inside the stream:
			# zlib's own check refuses it.
			n=$(stat -c %s "$tmp/bad.payload")
			le32 $((size + 1)) |
				dd of="$tmp/bad.payload" bs=1 seek=$((n - 4)) \
					conv=notrunc 2>/dev/null
			want="gzip stream is corrupt: zlib says incorrect length check"
		else
			le32 $((size + 1)) >>"$tmp/bad.payload"
			want="$f decompressed $size bytes but the size trailer says $((size + 1))\$"
		fi
		"$mkbzimage" "$tmp/bad.payload" "$tmp/bad.img"
		refused "$t: wrong size trailer refused" "$bin" "$tmp/bad.img" \
			"$want"
	done

	# Four stray bytes between the xz stream and its trailer.
	{ cat "$tmp/xz.stream"; le32 0; le32 "$size"; } >"$tmp/bad.payload"
	"$mkbzimage" "$tmp/bad.payload" "$tmp/bad.img"
	refused "payload xz ($bin): stray bytes before the trailer refused" \
		"$bin" "$tmp/bad.img" "xz stream ends at byte [0-9]+ but the size trailer starts at byte [0-9]+: 4 stray bytes"

	# A trailer claiming 4 GiB: refused before any allocation.
	{ cat "$tmp/zstd.stream"; le32 4294967295; } >"$tmp/bad.payload"
	"$mkbzimage" "$tmp/bad.payload" "$tmp/bad.img"
	refused "payload zstd ($bin): a 4 GiB size trailer refused" \
		"$bin" "$tmp/bad.img" "says 4294967295 bytes, over the bound of 1073741824"
done
