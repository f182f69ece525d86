#!/bin/sh
# No data lost: a virtio-blk write the guest saw complete, followed by a
# FLUSH it saw complete, survives the launcher's SIGKILL and a simulated
# power cut.  The evil probe's blk_*_hold cases (evil/evil_virtio.c)
# write 4 KiB of "DATALOSS" at sector 32, flush, print "EVIL HOLD" and
# stop; the test then
#   1. kills the launcher with SIGKILL;
#   2. drops the file's pages from the page cache (posix_fadvise
#      DONTNEED, through dd iflag=nocache count=0), and once the whole
#      page cache too where /proc/sys/vm/drop_caches is writable (it is,
#      as root, on the development machines), and checks
#      with fincore that none of the file is resident any more;
#   3. reads the sectors back with O_DIRECT (dd iflag=direct), from the
#      storage below the page cache.
# A real power cut would also lose the disk's volatile write cache; that
# is the host's to flush on fdatasync() and is not simulated here.
#
# Both cache modes, each with one 4 KiB-aligned buffer and with three
# buffers at odd addresses and lengths:
#   - cache=none opens a second descriptor with O_DIRECT (fdinfo flags
#     show 040000): the aligned write bypasses the page cache (0 pages
#     resident before the kill), the unaligned one falls back to the
#     buffered descriptor (EINVAL from O_DIRECT) and still lands;
#   - cache=writeback (the default) has no O_DIRECT descriptor.
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm data-loss
t_tmpdir
bins=$(t_bins)
# The launcher held at its flush, should the script end while it is.
pid=
t_on_exit '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null'

if ! command -v fincore >/dev/null; then
	skip data-loss "no fincore (util-linux) to see the page cache"
	exit 0
fi

i=0
while [ $i -lt 512 ]; do printf DATALOSS; i=$((i + 1)); done >"$T/want"

# resident FILE: bytes of FILE in the page cache
resident() { fincore -n -b -o RES "$1" | tr -d ' '; }

# O_DIRECT descriptors the launcher holds on FILE
direct_fds() {
	n=0
	for fd in /proc/$1/fd/*; do
		[ "$(readlink "$fd")" = "$2" ] || continue
		fl=$(sed -n 's/^flags:[[:space:]]*//p' \
			"/proc/$1/fdinfo/${fd##*/}")
		[ $((0$fl & 040000)) -ne 0 ] && n=$((n + 1))
	done
	echo $n
}

dropped_all=no
for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	E=$(dirname "$bin")/evil
	for c in blk_aligned_hold blk_unaligned_hold; do
	for mode in writeback none; do
		name=$tag/$c-cache-$mode
		rm -f "$T/disk.img" "$T/out"
		truncate -s 1M "$T/disk.img"
		"$bin" run "$E/evil-$c.elf" --accel kvm -m 64M --timeout 100 \
			--disk "$T/disk.img,cache=$mode" </dev/null \
			>"$T/out" 2>"$T/err" &
		pid=$!
		n=0
		while ! grep -q '^EVIL HOLD' "$T/out" 2>/dev/null &&
			[ $n -lt 600 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		t_eq "$name-flush-seen" "EVIL FLUSHED status=0x0" \
			"$(grep '^EVIL FLUSHED' "$T/out")"
		want=0
		[ $mode = none ] && want=1
		t_eq "$name-o-direct-fds" $want \
			"$(direct_fds $pid "$T/disk.img")"
		if [ $mode = none ] && [ $c = blk_aligned_hold ]; then
			t_eq "$name-bypassed-page-cache" 0 \
				"$(resident "$T/disk.img")"
		fi
		kill -9 $pid
		wait $pid 2>/dev/null
		pid=
		dd if="$T/disk.img" iflag=nocache count=0 status=none
		# Once per script: the machine is shared.
		if [ $dropped_all = no ] &&
		   (echo 1 >/proc/sys/vm/drop_caches) 2>/dev/null; then
			dropped_all=yes
		fi
		t_eq "$name-page-cache-dropped" 0 "$(resident "$T/disk.img")"
		dd if="$T/disk.img" iflag=direct bs=4096 skip=4 count=1 \
			status=none >"$T/got"
		cmp -s "$T/want" "$T/got" && pass "$name-survives-kill-and-drop" ||
			fail "$name-survives-kill-and-drop" \
			"$(head -c 16 "$T/got" | od -c | head -1)"
	done
	done
done
echo "  (the whole page cache was dropped too: $dropped_all)"
