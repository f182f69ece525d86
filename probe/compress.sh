#!/bin/sh
# compress.sh FORMAT IN OUT: compress IN the way Linux's
# arch/x86/boot/compressed/Makefile compresses vmlinux.bin, and append
# the decompressed size as le32 (gzip's own ISIZE field already is it).
set -e
fmt=$1 in=$2 out=$3

size_le32() {
	n=$(wc -c <"$1")
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) \
		$((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)))"
}

case $fmt in
gzip) gzip -9 -n -c <"$in" >"$out.tmp" ;;
bzip2) { bzip2 -9 -c <"$in"; size_le32 "$in"; } >"$out.tmp" ;;
lzma) { lzma -9 -c <"$in"; size_le32 "$in"; } >"$out.tmp" ;;
xz) { xz --check=crc32 --x86 --lzma2=dict=1MiB -c <"$in";
	size_le32 "$in"; } >"$out.tmp" ;;
lzo) { lzop -9 -c <"$in"; size_le32 "$in"; } >"$out.tmp" ;;
lz4) { lz4 -l -9 -c <"$in"; size_le32 "$in"; } >"$out.tmp" ;;
zstd) { zstd -19 -q -c <"$in"; size_le32 "$in"; } >"$out.tmp" ;;
*) echo "compress.sh: unknown format '$fmt'" >&2; exit 2 ;;
esac
mv "$out.tmp" "$out"
