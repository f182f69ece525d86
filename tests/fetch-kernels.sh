#!/bin/sh
# The one fetcher of Debian packages for the tests, the benches and
# `make run`.  It downloads with `apt-get download` (never installs) and
# unpacks with dpkg-deb into $TEST_CACHE (default tests/.cache), then
# prints one path per argument on stdout:
#
#   cloud    linux-image-cloud-amd64's kernel (6.1, lz4 payload): boot/vmlinuz-*
#   cloud-virtio  the same package's virtio modules (virtio, virtio_ring,
#            virtio_mmio, virtio_blk, virtio_net, virtio_console,
#            virtio-rng, and for virtio-fs fuse, virtiofs and overlay):
#            the directory lib/modules/<release>/kernel
#   cloud-modules  the same package's lib/modules/<release> tree as
#            `directboot run --modules` reads it (docs/devloop.md): its
#            modules.* index files and the modules of the kernel
#            developer's loop (virtio, virtio-mmio, virtio-pci,
#            virtio_console, fuse, virtiofs, overlay): lib/modules/<release>
#   generic  linux-image-amd64's kernel (6.1, xz payload):        boot/vmlinuz-*
#   generic-kvm  the same package's modules that the nested harness's L1
#            needs (tests/nested): irqbypass, kvm, ccp and kvm-amd for a
#            /dev/kvm, tun for virtio-net's TAP, and virtio-pci's and
#            virtio-blk's for the results disk: lib/modules/<release>/kernel
#   i386     linux-image-686's kernel (6.1, i386, xz payload):     boot/vmlinuz-*
#   busybox  busybox-static's bin/busybox
#   memtest  memtest86+'s boot/memtest86+x64.bin: a bzImage not built by
#            Linux (its syssize rounds up past the file's end); the
#            ia32 .bin and the .efi files sit beside it
#   ipxe     ipxe's boot/ipxe.lkrn: another bzImage from outside Linux
#            (protocol 2.07, syssize rounded up); boot/ipxe.efi, a
#            PE/COFF EFI application, sits beside it
#   source   linux-source-6.1's scripts/extract-vmlinux
#
# Kernel names are resolved through the metapackages, because the ABI
# number moves with every security update.  Each package is unpacked once,
# into a directory named after its name and version; a second call only
# asks apt-cache and prints the path.  `apt-get update` runs only when
# apt-cache cannot resolve a name; with no network and no lists, the last
# unpacked copy is used, said aloud on stderr.
#
# The host need not have i386 enabled: i386 names are resolved against
# package lists of our own, in $TEST_CACHE/apt-i386 (fetched by
# `apt-get update` under a private APT_CONFIG, refreshed daily, root not
# needed), so the system's apt state is never touched.
#
# Usage: tests/fetch-kernels.sh [--list] cloud|cloud-virtio|cloud-modules|generic|generic-kvm|i386|busybox|source|memtest|ipxe...
#   --list  print the package name and version each would use, fetch nothing
set -u

me=fetch-kernels
# A relative $TEST_CACHE is the caller's, not the repository root's.
case ${TEST_CACHE:-} in
"" | /*) ;;
*) TEST_CACHE=$PWD/$TEST_CACHE ;;
esac
cd "$(dirname "$0")/.." || exit 1
: "${TEST_CACHE:=$PWD/tests/.cache}"

say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"
}

# The metapackage or package behind each name, and the file we want.
meta_of() {
	case $1 in
	cloud | cloud-virtio | cloud-modules) echo linux-image-cloud-amd64 ;;
	generic | generic-kvm) echo linux-image-amd64 ;;
	i386) echo linux-image-686 ;;
	busybox) echo busybox-static ;;
	source) echo linux-source-6.1 ;;
	memtest) echo memtest86+ ;;
	ipxe) echo ipxe ;;
	*) return 1 ;;
	esac
}

# Print the concrete package behind a name (a kernel metapackage's
# linux-image-<abi> dependency; the others are themselves).
concrete() { # kind
	meta=$(meta_of "$1") || return 1
	case $1 in
	cloud | cloud-virtio | cloud-modules | generic | generic-kvm | i386)
		apt_for "$1" apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
			head -n 1
		;;
	*) echo "$meta" ;;
	esac
}

candidate() { # kind package
	apt_for "$1" apt-cache policy "$2" 2>/dev/null |
		sed -n 's/^ *Candidate: \(.*\)$/\1/p' | grep -v '(none)'
}

# The i386 lists: our own, never the system's.
i386_dir=$TEST_CACHE/apt-i386
i386_conf=$i386_dir/apt.conf

# apt_for KIND CMD...: run an apt command against the lists KIND needs.
apt_for() {
	kind_=$1
	shift
	case $kind_ in
	i386) APT_CONFIG=$i386_conf "$@" ;;
	*) "$@" ;;
	esac
}

# Fetch the private i386 lists when missing or a day old.  A list that
# fails (a mirror mid-sync) is only a warning: what resolves, resolves.
i386_update() { # force
	# apt dates the lists by the server's Last-Modified: keep our own.
	if [ -z "$1" ] && [ -n "$(find "$i386_dir/updated" -mtime -1 2>/dev/null)" ]; then
		return 0
	fi
	mkdir -p "$i386_dir/lists/partial" "$i386_dir/cache/archives/partial" || return 1
	cat >"$i386_conf" <<-EOF
	Dir::State::Lists "$i386_dir/lists";
	Dir::Cache "$i386_dir/cache";
	Dir::State::status "/dev/null";
	APT::Architecture "i386";
	APT::Architectures { "i386"; };
	EOF
	say "updating the private i386 package lists in $i386_dir"
	APT_CONFIG=$i386_conf apt-get update -qq 2>&1 |
		grep -v '^W: Download is performed unsandboxed' >&2
	touch "$i386_dir/updated"
}

# resolve KIND: sets pkg and ver, running `apt-get update` at most once
# (once more for the private i386 lists).
updated=
updated_i386=
resolve() {
	[ "$1" = i386 ] && { i386_update "" || return 1; }
	pkg=$(concrete "$1")
	ver=
	[ -n "$pkg" ] && ver=$(candidate "$1" "$pkg")
	[ -n "$ver" ] && return 0
	[ "$1" = i386 ] && [ -z "$updated_i386" ] && {
		updated_i386=1
		i386_update force
		resolve "$1"
		return
	}
	[ -n "$updated" ] && return 1
	updated=1
	if [ "$(id -u)" != 0 ]; then
		say "apt-cache cannot resolve $(meta_of "$1"); not root, so no apt-get update"
		return 1
	fi
	say "apt-cache cannot resolve $(meta_of "$1"); running apt-get update"
	apt-get update -qq >&2 || return 1
	resolve "$1"
}

# The file each kind's caller wants, inside the unpacked tree.
want_path() { # kind dir
	case $1 in
	cloud | generic | i386)
		set -- "$2"/boot/vmlinuz-*
		[ -f "$1" ] && echo "$1"
		;;
	cloud-virtio)
		set -- "$2"/lib/modules/*/kernel
		[ -f "$1/drivers/virtio/virtio_mmio.ko" ] &&
			[ -f "$1/fs/fuse/virtiofs.ko" ] && echo "$1"
		;;
	generic-kvm)
		set -- "$2"/lib/modules/*/kernel
		[ -f "$1/arch/x86/kvm/kvm-amd.ko" ] && echo "$1"
		;;
	cloud-modules)
		set -- "$2"/lib/modules/*
		[ -f "$1/modules.builtin" ] &&
			[ -f "$1/kernel/fs/fuse/virtiofs.ko" ] && echo "$1"
		;;
	busybox) [ -x "$2/bin/busybox" ] && echo "$2/bin/busybox" ;;
	source) [ -f "$2/scripts/extract-vmlinux" ] &&
		echo "$2/scripts/extract-vmlinux" ;;
	memtest) [ -f "$2/boot/memtest86+x64.bin" ] &&
		echo "$2/boot/memtest86+x64.bin" ;;
	ipxe) [ -f "$2/boot/ipxe.lkrn" ] && echo "$2/boot/ipxe.lkrn" ;;
	esac
}

# Unpack only what is used: a kernel package's modules are hundreds of MiB.
unpack() { # kind deb dest
	case $1 in
	cloud | generic | i386 | memtest | ipxe)
		dpkg-deb --fsys-tarfile "$2" | tar -x -C "$3" ./boot
		;;
	cloud-virtio)
		# The modules a virtio-mmio disk, network, console and
		# virtio-fs share (with an overlay on it) need, not the
		# package's other 2,000.
		dpkg-deb --fsys-tarfile "$2" | tar -x -C "$3" --wildcards \
			'./lib/modules/*/kernel/drivers/virtio/virtio.ko' \
			'./lib/modules/*/kernel/drivers/virtio/virtio_ring.ko' \
			'./lib/modules/*/kernel/drivers/virtio/virtio_mmio.ko' \
			'./lib/modules/*/kernel/drivers/block/virtio_blk.ko' \
			'./lib/modules/*/kernel/drivers/net/virtio_net.ko' \
			'./lib/modules/*/kernel/drivers/net/net_failover.ko' \
			'./lib/modules/*/kernel/net/core/failover.ko' \
			'./lib/modules/*/kernel/drivers/char/virtio_console.ko' \
			'./lib/modules/*/kernel/drivers/char/hw_random/virtio-rng.ko' \
			'./lib/modules/*/kernel/fs/fuse/fuse.ko' \
			'./lib/modules/*/kernel/fs/fuse/virtiofs.ko' \
			'./lib/modules/*/kernel/fs/overlayfs/overlay.ko'
		;;
	generic-kvm)
		# kvm-amd needs ccp (SEV) and kvm, kvm needs irqbypass.
		dpkg-deb --fsys-tarfile "$2" | tar -x -C "$3" --wildcards \
			'./lib/modules/*/kernel/virt/lib/irqbypass.ko' \
			'./lib/modules/*/kernel/arch/x86/kvm/kvm.ko' \
			'./lib/modules/*/kernel/arch/x86/kvm/kvm-amd.ko' \
			'./lib/modules/*/kernel/drivers/crypto/ccp/ccp.ko' \
			'./lib/modules/*/kernel/drivers/net/tun.ko' \
			'./lib/modules/*/kernel/drivers/virtio/virtio.ko' \
			'./lib/modules/*/kernel/drivers/virtio/virtio_ring.ko' \
			'./lib/modules/*/kernel/drivers/virtio/virtio_pci*.ko' \
			'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
		;;
	cloud-modules)
		# Debian ships no modules.dep (depmod writes it at install):
		# directboot then reads each module's own depends=.
		dpkg-deb --fsys-tarfile "$2" | tar -x -C "$3" --wildcards \
			'./lib/modules/*/modules.*' \
			'./lib/modules/*/kernel/drivers/virtio/*' \
			'./lib/modules/*/kernel/drivers/char/virtio_console.ko' \
			'./lib/modules/*/kernel/fs/fuse/*' \
			'./lib/modules/*/kernel/fs/overlayfs/*'
		;;
	busybox)
		dpkg-deb -x "$2" "$3"
		;;
	source)
		# The package holds one tarball of the tree; take the script.
		dpkg-deb --fsys-tarfile "$2" |
			tar -x -O ./usr/src/linux-source-6.1.tar.xz |
			tar -xJ -C "$3" --strip-components=1 \
				linux-source-6.1/scripts/extract-vmlinux
		;;
	esac
}

# apt-get download runs as the _apt user when we are root; give it a
# directory it may write, or apt warns and falls back to root.
download() { # kind package version dir
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$4" 2>/dev/null
	fi
	(cd "$4" && apt_for "$1" apt-get download -q "$2=$3" >&2) || return 1
	set -- "$4"/*.deb
	[ -f "$1" ] && echo "$1"
}

fetch() { # kind
	kind=$1
	link=$TEST_CACHE/$kind
	if ! resolve "$kind"; then
		path=$(want_path "$kind" "$TEST_CACHE/$(readlink "$link" 2>/dev/null)")
		[ -n "$path" ] || die "cannot resolve $(meta_of "$kind") and nothing is cached in $link"
		say "cannot resolve $(meta_of "$kind"); using the cached $(readlink "$link")"
		echo "$path"
		return 0
	fi
	# No epoch colon in the path: make and PATH-like lists split on it.
	dir=$TEST_CACHE/${pkg}_${ver#*:}
	[ "$kind" = cloud-virtio ] && dir=$dir+virtio
	[ "$kind" = generic-kvm ] && dir=$dir+kvm
	[ "$kind" = cloud-modules ] && dir=$dir+modules
	path=$(want_path "$kind" "$dir")
	if [ -z "$path" ]; then
		say "fetching $pkg $ver"
		# The download goes to the temporary directory, which _apt can
		# reach; the tree is unpacked beside its final place and renamed
		# into it, so an interrupted fetch never leaves half a tree.
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX") || exit 1
		chmod 755 "$tmp"
		mkdir "$tmp/dl"
		part=$dir.part
		rm -rf "$part"
		mkdir "$part" || exit 1
		deb=$(download "$kind" "$pkg" "$ver" "$tmp/dl") ||
			die "apt-get download $pkg=$ver failed"
		unpack "$kind" "$deb" "$part" || die "unpacking $deb failed"
		rm -rf "$dir"
		mv "$part" "$dir" || exit 1
		rm -rf "$tmp"
		tmp=
		part=
		path=$(want_path "$kind" "$dir")
		[ -n "$path" ] || die "$pkg $ver holds no $(want_path_name "$kind")"
	fi
	old=$(readlink "$link" 2>/dev/null)
	ln -sfn "${dir##*/}" "$link"
	# A security update replaced the package: drop the copy it replaced.
	case $old in
	"" | */* | .* | "${dir##*/}") ;;
	*_*) rm -rf "${TEST_CACHE:?}/$old" ;;
	esac
	echo "$path"
}

want_path_name() {
	case $1 in
	cloud | generic | i386) echo 'boot/vmlinuz-*' ;;
	cloud-virtio) echo 'lib/modules/*/kernel/drivers/virtio/virtio_mmio.ko' ;;
	generic-kvm) echo 'lib/modules/*/kernel/arch/x86/kvm/kvm-amd.ko' ;;
	cloud-modules) echo 'lib/modules/*/kernel/fs/fuse/virtiofs.ko' ;;
	busybox) echo bin/busybox ;;
	source) echo scripts/extract-vmlinux ;;
	memtest) echo boot/memtest86+x64.bin ;;
	ipxe) echo boot/ipxe.lkrn ;;
	esac
}

list=
case ${1:-} in
-h | --help) usage; exit 0 ;;
--list) list=1; shift ;;
esac
[ $# -gt 0 ] || { usage >&2; exit 2; }
for k in "$@"; do
	meta_of "$k" >/dev/null || { say "unknown name '$k'"; usage >&2; exit 2; }
done

mkdir -p "$TEST_CACHE" || exit 1
tmp=
part=
trap 'rm -rf ${tmp:+"$tmp"} ${part:+"$part"}' EXIT
trap 'exit 130' INT TERM
# Tests and engineers may fetch at the same time: one at a time.
exec 9>"$TEST_CACHE/.lock"
flock 9 2>/dev/null || true

for k in "$@"; do
	if [ -n "$list" ]; then
		resolve "$k" || die "cannot resolve $(meta_of "$k")"
		echo "$k $pkg $ver"
	else
		fetch "$k" || exit 1
	fi
done
