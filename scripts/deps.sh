#!/bin/sh
# Install everything directboot needs to build, test and run, from
# Debian's archive.  Run as root (or with sudo available).  Nothing else
# in the build installs anything.
set -e
PKGS="gcc libc6-dev make binutils pkg-config
zlib1g-dev libbz2-dev liblzma-dev liblzo2-dev liblz4-dev libzstd-dev
libcmocka-dev libseccomp-dev nettle-dev
clang libclang-rt-dev
gzip bzip2 xz-utils lzop lz4 zstd cpio jq
qemu-system-x86 busybox-static
apt-utils dpkg-dev ca-certificates groff-base man-db python3
acpica-tools e2fsprogs"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Skip the network when every package is already there.
missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $PKGS 2>/dev/null |
	awk '$1 != "ii" {print $2}')
for p in $PKGS; do
	dpkg-query -W "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$(echo $missing)" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
echo "deps: installing:" $missing
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $PKGS >/dev/null
echo "deps: done"
