#!/bin/sh
# Limits: each request the launcher cannot honour ends with one clear
# line naming the size or kind at fault, the exit status DESIGN.md gives
# (2: the request itself is bad; 3: the host cannot supply it), nothing
# on the guest console (no guest ran), and nothing half-done left behind
# (no temporary file in the ELF cache; no cache at all without
# --decompress host, whose finished entries are valid whatever follows):
#   - memory beyond the plan's 512 GiB bound (-m 100T): 2;
#   - memory the host cannot reserve (-m 6G under ulimit -v 3 GB): 3;
#   - an initrd larger than the RAM below its limit: 2, sizes named;
#   - an image over 2 GiB (sparse, as kernel and as initrd): 2;
#   - more than 64 vCPUs (-c 65): 2;
#   - a non-regular kernel or initrd (/dev/null, a FIFO, a directory):
#     2, and never a hang (a FIFO with no writer once blocked open()).
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
# The ulimit case runs on the optimised build only: ASan reserves
# terabytes of shadow address space at start, which ulimit -v forbids.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm limits
t_tmpdir
bins=$(t_bins)

truncate -s 100M "$T/initrd-100m"
truncate -s 3G "$T/huge"
mkfifo "$T/fifo"
mkdir "$T/dir"
export XDG_CACHE_HOME="$T/cache"

# refused NAME STATUS PATTERN ARGS...: directboot run ARGS exits STATUS
# within 30 s, says PATTERN on stderr, prints nothing on stdout and
# leaves the cache empty.
refused() {
	name=$1 want=$2 pat=$3
	shift 3
	rm -rf "$T/cache"
	timeout 30 "$bin" run "$@" --accel kvm --timeout 20 </dev/null \
		>"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "$tag/$name" "exit $got (want $want): $(head -c 300 "$T/err")"
	elif ! grep -Eq "$pat" "$T/err"; then
		fail "$tag/$name" "stderr lacks /$pat/: $(head -c 300 "$T/err")"
	elif [ -s "$T/out" ]; then
		fail "$tag/$name" "the guest console printed: $(head -c 100 "$T/out")"
	elif [ -n "$(find "$T/cache" -name '.*' -type f 2>/dev/null)" ]; then
		fail "$tag/$name" "left a temporary file in the cache"
	elif ! echo "$*" | grep -q -- '--decompress host' &&
	     [ -e "$T/cache" ]; then
		fail "$tag/$name" "made a cache: $(find "$T/cache")"
	elif [ "$(wc -l <"$T/err")" -gt 2 ]; then
		fail "$tag/$name" "more than one line of error: $(head -c 300 "$T/err")"
	else
		pass "$tag/$name"
	fi
}

for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	P=$(dirname "$bin")/probe/probe.bzImage
	[ -f "$P" ] || { fail "$tag/probe" "no $P"; continue; }
	cp "$P" "$T/huge-kernel"
	truncate -s 3G "$T/huge-kernel"

	refused mem-100T 2 '109951162777600 bytes .*512 GiB' "$P" -m 100T
	refused mem-1T 2 '1099511627776 bytes' "$P" -m 1T --decompress host
	refused mem-zero 2 'memory' "$P" -m 0
	if [ "$tag" = build-san ] || nm "$bin" 2>/dev/null | grep -q __asan_init; then
		:
	else
		(ulimit -v 3000000 && refused mem-over-host-6G 3 \
			'cannot map [0-9]+ MiB of guest RAM' "$P" -m 6G)
	fi
	refused initrd-100M-in-64M 2 \
		'initrd of 104857600 bytes does not fit .*64 MiB' \
		"$P" -m 64M -i "$T/initrd-100m"
	refused initrd-two-add-up 2 'initrd of 209715200 bytes' \
		"$P" -m 128M -i "$T/initrd-100m" -i "$T/initrd-100m"
	refused image-3G 2 'size 3221225472, over the limit of 2147483648' \
		"$T/huge"
	refused image-3G-with-kernel 2 'size 3221225472, over the limit' \
		"$T/huge-kernel" --decompress host
	refused initrd-3G 2 'initrd .*at most 2147483648 bytes' \
		"$P" -m 8G -i "$T/huge"
	refused cpus-65 2 "cpus.*'65'" "$P" -c 65
	refused cpus-1000 2 "cpus.*'1000'" "$P" --cpus 1000
	refused kernel-dev-null 2 '/dev/null is not a regular file' /dev/null
	refused kernel-fifo 2 'fifo is not a regular file' "$T/fifo"
	refused kernel-dir 2 'is a directory' "$T/dir"
	refused initrd-dev-null 2 'initrd /dev/null: not a regular file' \
		"$P" -i /dev/null
	refused initrd-fifo 2 'initrd .*fifo: not a regular file' \
		"$P" -i "$T/fifo"
done
