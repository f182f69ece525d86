# The payloads of tests/nested/scenarios.sh, built on the host, for the
# nested harness's L1 (tests/nested/run.sh) and for `make test-kvm-real`
# (tests/kvm-real.sh).  Source it from the repository root after
# tests/lib.sh and tests/real-boot.sh.
#
# nt_payloads DIR DIRECTBOOT DISKINIT: fills DIR with the kernels, the
# initramfses, fresh ext4 images (DIR/img), a triple-faulting tiny
# guest, and DIR/env, which sets the variables scenarios.sh reads, as
# paths under $NT (DIR on the host, /nt in L1).  Says what failed on
# stderr and returns 1.

nt_payloads() {
	d=$1 db=$2 diskinit=$3
	mkdir -p "$d/img" || return 1
	cloud=$(tests/fetch-kernels.sh cloud) &&
		generic=$(tests/fetch-kernels.sh generic) &&
		mods=$(tests/fetch-kernels.sh cloud-virtio) &&
		busybox=$(tests/fetch-kernels.sh busybox) || {
		echo "nested: tests/fetch-kernels.sh failed" >&2
		return 1
	}
	cp "$db" "$d/directboot" && cp "$cloud" "$generic" "$d/" &&
		cp tests/nested/scenarios.sh "$d/" || return 1
	nt_l2_initramfs "$d/l2.gz" "$busybox" "$mods" || return 1
	sh scripts/mkinitramfs.sh "$busybox" "$d/shell.gz" shell || return 1
	rb_mkbz "$d/ud2.bz" 0f 0b # no IDT: #UD, #GP, #DF, triple fault
	rb_mkbz_halt "$d/hlt.bz"
	{
		echo "K_cloud=\$NT/${cloud##*/}"
		echo "K_generic=\$NT/${generic##*/}"
		echo "RD=\$NT/l2.gz RD_SHELL=\$NT/shell.gz TINY_UD2=\$NT/ud2.bz"
		echo "DB=\$NT/directboot"
		echo "TINY_HLT=\$NT/hlt.bz"
	} >"$d/env"
	# The kernel developer's loop (nt_loop): the cloud kernel's
	# lib/modules tree, for run --modules.
	loopmods=$(tests/fetch-kernels.sh cloud-modules) &&
		mkdir -p "$d/modules" && cp -R "$loopmods" "$d/modules/" &&
		echo "MODS_cloud=\$NT/modules/${loopmods##*/}" >>"$d/env" ||
		return 1
	for tag in 64 pvh nocache ro; do
		tok=$tag-$$-$(date +%s)
		sh scripts/mkinitramfs.sh "$diskinit" "$d/disk-$tag.gz" disk \
			"$mods" "$tok" || return 1
		rm -f "$d/img/$tag.img"
		truncate -s 32M "$d/img/$tag.img"
		mkfs.ext4 -q -F "$d/img/$tag.img" || return 1
		echo "RD_DISK_$tag=\$NT/disk-$tag.gz IMG_$tag=\$NT/img/$tag.img TOK_$tag=$tok"
	done >>"$d/env"
}

# nt_l1_virtiofsd ROOT: the host's virtiofsd (--share), and the shared
# libraries ldd says it loads, at their own paths under ROOT: L1 has no
# other libraries.  Nothing when the host has none (nt_share says so).
nt_l1_virtiofsd() {
	for v in /usr/libexec/virtiofsd /usr/lib/qemu/virtiofsd ""; do
		[ -x "$v" ] && break
	done
	[ -n "$v" ] || return 0
	for f in "$v" $(ldd "$v" | sed -n 's|.*=> \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/[^ ]*\) (.*|\1|p'); do
		mkdir -p "$1${f%/*}" && cp -L "$f" "$1$f" || return 1
	done
}

# nt_l2_initramfs OUT BUSYBOX MODULES: tests/nested/l2-init as /init,
# busybox, and the cloud package's virtio modules (and fuse, virtiofs
# and overlay).
nt_l2_initramfs() {
	l2r=$(mktemp -d) || return 1
	mkdir -p "$l2r/bin" "$l2r/proc" "$l2r/sys" "$l2r/dev" "$l2r/tmp" "$l2r/lib/modules"
	cp "$2" "$l2r/bin/busybox" && ln -s busybox "$l2r/bin/sh" &&
		cp tests/nested/l2-init "$l2r/init" && chmod 755 "$l2r/init" &&
		for m in drivers/virtio/virtio_ring drivers/virtio/virtio \
			drivers/virtio/virtio_mmio drivers/block/virtio_blk \
			net/core/failover drivers/net/net_failover \
			drivers/net/virtio_net drivers/char/virtio_console \
			drivers/char/hw_random/virtio-rng fs/fuse/fuse \
			fs/fuse/virtiofs fs/overlayfs/overlay; do
			cp "$3/$m.ko" "$l2r/lib/modules/" || return 1
		done &&
		(cd "$l2r" && find . | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$1"
	st=$?
	rm -rf "$l2r"
	return $st
}
