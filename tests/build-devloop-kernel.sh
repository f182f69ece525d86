#!/bin/sh
# The kernel developer's loop on a kernel that has everything it needs
# built in (issue 16: "a kernel built from a tree where they are built
# in"), checked end to end.  Debian's kernels have virtio-fs, FUSE,
# overlayfs and the virtio transports as modules, which --modules
# serves; this builds Debian's own linux-source-6.1 with
# tests/kernels/devloop-builtin.config (tinyconfig plus those drivers,
# =y, no modules at all) and runs `directboot run bzImage --accel tcg
# -- sh -c 'uname -r; exit 7'` on it, on the host's own / with no
# --modules.  Not part of `make test`: the build takes 10 to 25 minutes
# on two cores.  Needs flex, bison, bc and libelf-dev besides the
# project's dependencies (apt-get install -y flex bison bc libelf-dev).
#
# Usage: tests/build-devloop-kernel.sh [DIRECTBOOT]
#   TEST_CACHE  where the source and the build go (default tests/.cache)
set -eu
cd "$(dirname "$0")/.."
: "${TEST_CACHE:=$PWD/tests/.cache}"
db=${1:-$PWD/build/directboot}
frag=$PWD/tests/kernels/devloop-builtin.config
dir=$TEST_CACHE/devloop-builtin
mkdir -p "$dir"
cd "$dir"
if ! [ -f linux-source-6.1/Makefile ]; then
	apt-get download linux-source-6.1 >/dev/null
	dpkg-deb --fsys-tarfile linux-source-6.1_*.deb |
		tar -x -O ./usr/src/linux-source-6.1.tar.xz | tar -xJ
fi
cd linux-source-6.1
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s olddefconfig >/dev/null
for o in VIRTIO_FS FUSE_FS OVERLAY_FS VIRTIO_PCI VIRTIO_MMIO VIRTIO_CONSOLE DEVPORT; do
	grep -q "^CONFIG_$o=y" .config || { echo "CONFIG_$o is not =y" >&2; exit 1; }
done
grep -q '^CONFIG_MODULES=y' .config && { echo "CONFIG_MODULES is on" >&2; exit 1; }
make -s -j"$(nproc)" bzImage
release=$(make -s kernelrelease)
st=0
out=$(cd / && "$db" run "$dir/linux-source-6.1/arch/x86/boot/bzImage" \
	--accel tcg --timeout 300 -- sh -c 'uname -r; exit 7' </dev/null) ||
	st=$?
echo "devloop-builtin: release $release: stdout '$out', status $st"
[ "$out" = "$release" ] && [ $st = 7 ]
