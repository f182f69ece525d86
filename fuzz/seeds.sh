#!/bin/sh
# seeds.sh BUILD OUT: write the seed corpora of the fuzz harnesses into
# OUT/<harness>/, from what the build made and the test cache holds:
#   - the probe's bzImages (all seven payload formats) and probe.elf;
#   - synthetic bzImages from tests/tools/mkbzimage at each protocol
#     version the parser gates on, and with syssize rounded up past the
#     file's end;
#   - the first 64 KiB (the setup and the start of the payload, never a
#     whole kernel) of the Debian kernels tests/fetch-kernels.sh fetched;
#     said aloud and skipped when they cannot be had;
#   - small streams in each payload format, from the CLI compressors.
# Nothing here is committed: seeds are remade at every run.
set -eu
build=$1 out=$2
probe=$build/probe
mk=$build/tests/tools/mkbzimage
formats="gzip bzip2 lzma xz lzo lz4 zstd"

mkdir -p "$out/image" "$out/payload" "$out/plan" "$out/tmp"
tmp=$out/tmp

# le BYTES N: N as BYTES little-endian bytes, through printf escapes.
le() {
	i=0 s=
	while [ $i -lt "$1" ]; do
		s="$s$(printf '\\%03o' $(($2 >> (8 * i) & 255)))"
		i=$((i + 1))
	done
	printf "$s"
}

# The kernels' headers.
kernels=
for k in cloud generic; do
	if d=$(tests/fetch-kernels.sh "$k" 2>/dev/null) && [ -n "$d" ]; then
		for f in $d/boot/vmlinuz-* $d; do
			[ -f "$f" ] || continue
			head -c 65536 "$f" >"$tmp/kernel-$k.head"
			kernels="$kernels $tmp/kernel-$k.head"
			break
		done
	fi
done
[ -n "$kernels" ] ||
	echo "seeds: no Debian kernel headers (fetch-kernels.sh failed)" >&2

# Small payload streams, each with its size trailer.
head -c 3000 "$probe/probe.elf" >"$tmp/small.elf"
for f in $formats; do
	sh probe/compress.sh "$f" "$tmp/small.elf" "$tmp/small-$f.bin"
done

# Synthetic bzImages around a small payload, at each version gate.
n=0
for v in 2.00 2.01 2.02 2.03 2.05 2.06 2.08 2.10 2.12 2.15; do
	"$mk" --protocol $v "$tmp/small-gzip.bin" "$out/image/mk-$v" \
		>/dev/null 2>&1 && n=$((n + 1))
done
"$mk" --no-kernel-info "$tmp/small-xz.bin" "$out/image/mk-noki" >/dev/null
"$mk" --signature 64 "$tmp/small-lz4.bin" "$out/image/mk-sig" >/dev/null
# syssize rounded up past the file's end: accepted up to 15 bytes short.
for s in 1 15 16; do
	"$mk" --short $s "$tmp/small-zstd.bin" "$out/image/mk-short$s" >/dev/null
done

for f in $probe/probe-*.bzImage $probe/probe.elf $kernels; do
	cp "$f" "$out/image/$(basename "$f")"
done

# payload: one selector byte (the output bound), then the stream.
for f in $formats; do
	{ le 1 0; cat "$tmp/small-$f.bin"; } >"$out/payload/small-$f"
	{ le 1 3; cat "$probe/$f/payload.bin"; } >"$out/payload/probe-$f"
done
{ le 1 0; cat "$tmp/small.elf"; } >"$out/payload/elf"

# plan: the 19-byte option header of fuzz_plan.c, then the image.
# plan_seed NAME MEM FLAGS SUBARCH CMDLEN INITRD CPUS IMAGE [ELF]
# ($VIRTIO devices, 0 unless set)
plan_seed() {
	sz=$(wc -c <"$8")
	{ le 1 "$2"; le 1 "$3"; le 1 "$4"; le 2 "$5"; le 4 "$6"; le 1 "$7"
	  le 4 0; le 4 "$sz"; le 1 "${VIRTIO:-0}"
	  cat "$8"; [ -z "${9:-}" ] || cat "$9"
	} >"$out/plan/$1"
}
for f in $formats; do
	plan_seed "$f-auto" 0 0 0 20 4096 1 "$probe/probe-$f.bzImage"
	plan_seed "$f-host" 0 0x20 0 20 0 1 "$probe/probe-$f.bzImage"
done
plan_seed 32-keep 0 0x09 1 100 0 1 "$probe/probe.bzImage"
plan_seed 64-hole 5 0x02 0 0 16777216 2 "$probe/probe.bzImage"
plan_seed 64-6g 7 0x02 0 0 4096 4 "$probe/probe.bzImage"
plan_seed pvh-elf 0 0x03 0 10 4096 1 "$probe/probe.elf"
plan_seed elf-6g 7 0x04 0 10 4096 1 "$probe/probe.elf"
plan_seed host-elf 0 0x63 0 10 0 1 "$probe/probe.bzImage" "$probe/probe.elf"
plan_seed norng 1 0x10 0 2048 0 1 "$probe/probe.bzImage"
plan_seed mk 0 0 0 0 0 1 "$out/image/mk-2.15"
VIRTIO=4 plan_seed virtio-smp 0 0x02 0 20 4096 4 "$probe/probe.bzImage"
VIRTIO=8 plan_seed virtio-8-hole 5 0x03 0 0 0 2 "$probe/probe.elf"
VIRTIO=9 plan_seed virtio-9 0 0 0 0 0 1 "$probe/probe.bzImage"
for k in $kernels; do
	plan_seed "$(basename "$k")" 0 0x02 0 10 0 1 "$k"
done
# virtqueue: the 24-byte header of fuzz_virtqueue.c, then guest RAM from
# gpa 0: descriptors at 0, the avail ring at 0x100, the used ring at
# 0x200.  Each seed breaks (or keeps) one rule of the split ring.
mkdir -p "$out/virtqueue"
# at FILE OFFSET BYTES N: write N as BYTES little-endian bytes at OFFSET
at() {
	le "$3" "$4" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}
# desc FILE I ADDR LEN FLAGS NEXT: descriptor I of the table at gpa 0
desc() {
	o=$((24 + 16 * $2))
	at "$1" $o 4 $(($3 & 0xffffffff))
	at "$1" $((o + 4)) 4 $(($3 >> 32))
	at "$1" $((o + 8)) 4 "$4"
	at "$1" $((o + 12)) 2 "$5"
	at "$1" $((o + 14)) 2 "$6"
}
# vq NAME NUMMAXSEL NUM FLAGS AVAILIDX HEADS...: header, avail ring
vq() {
	f=$out/virtqueue/$1
	head -c $((24 + 0x300)) /dev/zero >"$f"
	at "$f" 0 1 "$2"
	at "$f" 1 2 "$3"
	at "$f" 3 1 "$4"
	at "$f" 4 4 0
	at "$f" 8 4 0x100
	at "$f" 12 4 0x200
	at "$f" 16 4 0x03000000    # ops: pop, pop, pop, notify
	at "$f" 20 4 0x00040100    # ops: pop, pop+unpop, idx+1, pop
	at "$f" $((24 + 0x102)) 2 "$5"
	shift 5
	i=0
	for h in "$@"; do
		at "$f" $((24 + 0x104 + 2 * i)) 2 "$h"
		i=$((i + 1))
	done
}
vq chain 0 8 0 2 0 2
desc "$out/virtqueue/chain" 0 0x1000 16 1 1
desc "$out/virtqueue/chain" 1 0x2000 512 2 0
desc "$out/virtqueue/chain" 2 0xfff0 0x20 0 0      # straddles two regions
vq event-idx 0 8 1 1 0
desc "$out/virtqueue/event-idx" 0 0x3000 64 2 0
vq loop 0 8 0 1 0
desc "$out/virtqueue/loop" 0 0x1000 16 1 1
desc "$out/virtqueue/loop" 1 0x2000 16 1 0
vq outside 0 8 0 1 0
desc "$out/virtqueue/outside" 0 0x20000 16 0 0
vq past-ram-end 0 8 0 1 0
desc "$out/virtqueue/past-ram-end" 0 0x13ff0 0x20 2 0
vq high 0 8 0 1 0
desc "$out/virtqueue/high" 0 0xfffffffffffff000 0x2000 2 0
vq len-4g 0 8 0 1 0
desc "$out/virtqueue/len-4g" 0 0x1000 0xfffffff0 2 0
vq write-then-read 0 8 0 1 0
desc "$out/virtqueue/write-then-read" 0 0x1000 16 3 1
desc "$out/virtqueue/write-then-read" 1 0x2000 16 0 0
vq next-past-num 0 8 0 1 0
desc "$out/virtqueue/next-past-num" 0 0x1000 16 1 200
vq head-past-num 0 8 0 1 9
vq num-6 0 6 0 1 0
vq num-over-max 1 16 0 1 0
vq num-32768 3 32768 0 1 0
vq idx-jump 0 8 0 0x8000 0
vq indirect-not-negotiated 0 8 0 1 0
desc "$out/virtqueue/indirect-not-negotiated" 0 0x1000 16 4 0
# An indirect table of three at 0x40 (descriptors 4-6 of the direct
# table's memory): header out, data in, status in.
vq indirect 0 8 2 1 0
desc "$out/virtqueue/indirect" 0 0x40 48 4 0
desc "$out/virtqueue/indirect" 4 0x1000 16 1 1
desc "$out/virtqueue/indirect" 5 0x2000 512 3 2
desc "$out/virtqueue/indirect" 6 0x3000 1 2 0
vq indirect-loop 0 8 2 1 0
desc "$out/virtqueue/indirect-loop" 0 0x40 32 4 0
desc "$out/virtqueue/indirect-loop" 4 0x1000 16 1 1
desc "$out/virtqueue/indirect-loop" 5 0x2000 16 1 0
vq indirect-nested 0 8 2 1 0
desc "$out/virtqueue/indirect-nested" 0 0x40 16 4 0
desc "$out/virtqueue/indirect-nested" 4 0x40 16 4 0

# virtio_blk: the operations of fuzz_virtio_blk.c that a driver makes to
# bring a queue of 8 up (rings as above) and notify it, then one request
# in RAM: header at 0x1000, data at 0x2000, status at 0x3000.
mkdir -p "$out/virtio_blk"
blk_ops="0:0x70:1 0:0x70:3 0:0x24:1 0:0x20:1 0:0x70:0xb 0:0x30:0
0:0x38:8 0:0x80:0 0:0x90:0x100 0:0xa0:0x200 0:0x44:1 0:0x70:0xf
0:0x50:0 1:0x70:0"
# blk NAME FLAGS TYPE SECTOR DATALEN DATAFLAGS
blk() {
	f=$out/virtio_blk/$1
	nops=$(echo $blk_ops | wc -w)
	ram=$((2 + 8 * nops))
	head -c $((ram + 0x4000)) /dev/zero >"$f"
	at "$f" 0 1 "$2"
	at "$f" 1 1 "$nops"
	i=0
	for o in $blk_ops; do
		k=${o%%:*} r=${o#*:}
		v=${r#*:} r=${r%%:*}
		at "$f" $((2 + 8 * i)) 1 "$k"
		at "$f" $((3 + 8 * i)) 1 2
		at "$f" $((4 + 8 * i)) 2 "$r"
		at "$f" $((6 + 8 * i)) 4 "$v"
		i=$((i + 1))
	done
	at "$f" $((ram)) 8 0x1000
	at "$f" $((ram + 8)) 4 16
	at "$f" $((ram + 12)) 2 1
	at "$f" $((ram + 14)) 2 1
	at "$f" $((ram + 16)) 8 0x2000
	at "$f" $((ram + 24)) 4 "$5"
	at "$f" $((ram + 28)) 2 $((1 | $6))
	at "$f" $((ram + 30)) 2 2
	at "$f" $((ram + 32)) 8 0x3000
	at "$f" $((ram + 40)) 4 1
	at "$f" $((ram + 44)) 2 2
	at "$f" $((ram + 0x102)) 2 1
	at "$f" $((ram + 0x1000)) 4 "$3"
	at "$f" $((ram + 0x1008)) 8 "$4"
	at "$f" $((ram + 0x2000)) 8 0x4c41455245444956
}
blk out 0 1 2 512 0
blk in 0 0 3 1024 2
blk flush 0 4 0 0 0
blk get-id 0 8 0 20 2
blk discard 0 11 0 16 0
at "$out/virtio_blk/discard" $((2 + 8 * 14 + 0x2000)) 8 4
at "$out/virtio_blk/discard" $((2 + 8 * 14 + 0x2008)) 4 8
blk unknown-type 0 77 0 512 0
blk past-capacity 0 1 127 1024 0
blk ro-write 1 1 2 512 0
blk ro-read 1 0 2 512 2

rm -rf "$tmp"
echo "seeds: image $(ls "$out/image" | wc -l), payload" \
	"$(ls "$out/payload" | wc -l), plan $(ls "$out/plan" | wc -l)," \
	"virtqueue $(ls "$out/virtqueue" | wc -l)," \
	"virtio_blk $(ls "$out/virtio_blk" | wc -l)" \
	"(mkbzimage versions: $n)"
