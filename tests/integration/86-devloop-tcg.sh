#!/bin/sh
# The kernel developer's loop under --accel tcg (docs/devloop.md):
# `directboot run KERNEL --rootfs DIR --modules TREE -- CMD` boots
# Debian's cloud kernel on DIR (virtio-fs through virtiofsd, as
# vhost-user-fs-pci on QEMU's memfd RAM), loads the modules it lacks from
# a lib/modules tree, runs CMD on ttyS0 and exits with CMD's status
# (isa-debugcon at DEVLOOP_STATUS_PORT).  Checked: the guest's release
# and status 7; CMD's argv exactly; the host's current directory;
# writes to the rootfs stay in the guest (checksum of the tree before and
# after); a guest panic (4) and a hang (--timeout, 124) with their
# messages; a modules tree without the modules (2, naming them); a
# --share at /mnt/TAG with TAG as its source, read-only when asked.
#
# The rootfs is a busybox tree (a guest of known content), then / once.
# Not checked here: stdin.  QEMU's stdio backend hands a pipe's bytes to
# COM1 as soon as it runs, and the guest's 8250 driver clears its FIFO
# when ttyS0 opens, so input that comes before CMD runs is lost under
# tcg (docs/devloop.md, Limits); the nested scenario checks it on kvm.
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)

t_need_qemu devloop-tcg
vfsd=
for p in "${DIRECTBOOT_VIRTIOFSD:-}" /usr/libexec/virtiofsd /usr/lib/qemu/virtiofsd; do
	[ -n "$p" ] && [ -x "$p" ] && { vfsd=$p; break; }
done
if [ -z "$vfsd" ]; then
	skip devloop-tcg "no virtiofsd (Debian 12: qemu-system-common; 13: virtiofsd)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	skip devloop-tcg "virtiofsd's sandbox needs root (CAP_SYS_ADMIN)"
	exit 0
fi
if ! kernel=$(tests/fetch-kernels.sh cloud) ||
	! mods=$(tests/fetch-kernels.sh cloud-modules) ||
	! bb=$(tests/fetch-kernels.sh busybox); then
	fail devloop-tcg "tests/fetch-kernels.sh could not fetch cloud, cloud-modules or busybox"
	exit 0
fi
release=$(basename "$mods")

t_tmpdir
R=$T/root
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root" "$R/mnt" "$R/dev" "$R/proc" \
	"$R/sys" "$R/run" "$R/work"
cp "$bb" "$R/bin/busybox"
for c in sh cat echo grep printf sleep uname rm sha256sum; do
	ln -s busybox "$R/bin/$c"
done
echo host >"$R/etc/motd"
mkdir -p "$T/share"
echo shared >"$T/share/f"
sum_tree() { (cd "$1" && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+%s && find . -type f -print0 | sort -z | xargs -0 cat) | sha256sum; }
before=$(sum_tree "$R")
share_before=$(sum_tree "$T/share")

first=$(basename "$(dirname "$(echo "$bins" | cut -d' ' -f1)")")
for b in $bins; do
	[ -x "$b" ] || { fail "$b: binary" "not built"; continue; }
	tag=$(basename "$(dirname "$b")")
	b=$PWD/$b
	run() { "$b" run "$kernel" --accel tcg --modules "$mods" --rootfs "$R" --timeout 120 "$@"; }

	run -- sh -c 'uname -r; exit 7' </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: -- sh -c 'uname -r; exit 7': the release, status 7" \
		"7|$release" "$?|$(cat "$T/out")"
	# virtiofsd's own warnings (fv_remove_watch's at each reset, "virtio_loop:
	# Unexpected poll revents") are for --debug only.
	t_eq "$tag: virtiofsd's own lines kept off stderr" 0 \
		"$(grep -c -e fv_remove_watch -e virtio_loop -e 'fuse_' "$T/err")"

	run -- printf '[%s]' 'a b' 'c"d' "e'f" '' '$HOME' </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: CMD's argv exactly (spaces, quotes, empty, \$)" \
		"0|[a b][c\"d][e'f][][\$HOME]" "$?|$(cat "$T/out")"

	# The rest once: each boot is seconds of QEMU's software CPU.
	[ "$tag" = "$first" ] || continue

	(cd "$T" && run -- sh -c 'pwd') </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: CMD runs in the host's directory when the guest has it" \
		"0|/" "$?|$(cat "$T/out")"
	(cd /tmp && run -- sh -c 'pwd') </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: ... /tmp, which it has" "0|/tmp" "$?|$(cat "$T/out")"

	run -- sh -c 'echo guest >/etc/motd && rm /bin/uname && echo new >/work/n && cat /etc/motd /work/n && grep -c "^overlay / overlay" /proc/mounts' \
		</dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: writes to the rootfs land in the guest's overlay" \
		"0|guest new 1" "$?|$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	t_eq "$tag: ... and the host's tree is unchanged (checksum)" \
		"$before" "$(sum_tree "$R")"

	run -- sh -c 'echo c >/proc/sysrq-trigger' </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: a guest panic: 4, its reason on stderr" \
		"4|1" "$?|$(grep -c 'guest panicked: sysrq triggered crash' "$T/err")"

	"$b" run "$kernel" --accel tcg --modules "$mods" --rootfs "$R" \
		--timeout 5 -- sleep 600 </dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: a hang: --timeout gives 124 and says so" \
		"124|1" "$?|$(grep -c 'timeout 5 s reached' "$T/err")"

	mkdir -p "$T/nomods/kernel"
	t_one_line "$tag: a --modules tree without the modules: 2, naming them" \
		2 "no module virtio_pci, virtiofs, overlay" \
		"$b" run "$kernel" --accel tcg --modules "$T/nomods" --rootfs "$R" -- true

	if ! "$b" run --help | grep -q -- '--share'; then
		skip "$tag: --share" "this build has no --share option"
		continue
	fi
	run --share "$T/share:data,ro" -- sh -c 'cat /mnt/data/f; grep -c "^data /mnt/data virtiofs ro" /proc/mounts; { echo x >/mnt/data/g; } 2>/dev/null || echo refused' \
		</dev/null >"$T/out" 2>"$T/err"
	t_eq "$tag: --share DIR:data,ro at /mnt/data, source data, EROFS" \
		"0|shared 1 refused" "$?|$(tr '\n' ' ' <"$T/out" | sed 's/ $//')"
	t_eq "$tag: ... the shared tree unchanged (checksum)" \
		"$share_before" "$(sum_tree "$T/share")"
done

# --rootfs /, the default with -- CMD (shared as a bind of / in
# directboot's own mount namespace, docs/devloop.md): issue 16's command,
# and no bind directory left behind.
b=$(echo "$bins" | cut -d' ' -f1)
if [ -x "$b" ]; then
	"$b" run "$kernel" --accel tcg --modules "$mods" --timeout 120 \
		-- sh -c 'uname -r; exit 7' </dev/null >"$T/out" 2>"$T/err"
	st=$?
	t_eq "--rootfs / (the default): issue 16's command, release and 7" "7|$release" \
		"$st|$(cat "$T/out")"
	sleep 0.5 # the child that removes the bind directory
	t_eq "--rootfs /: no bind directory left in ${TMPDIR:-/tmp}" "" \
		"$(ls -d "${TMPDIR:-/tmp}"/directboot-rootfs.* 2>/dev/null)"
fi
