#!/bin/sh
# Fail with the names of missing Debian -dev packages; install nothing.
CC=${CC:-cc}
missing=
check() { # header package
	printf '#include <%s>\n' "$1" | $CC -E -x c - >/dev/null 2>&1 ||
		missing="$missing $2"
}
check zlib.h zlib1g-dev
check bzlib.h libbz2-dev
check lzma.h liblzma-dev
check lzo/lzo1x.h liblzo2-dev
check lz4.h liblz4-dev
check zstd.h libzstd-dev
check seccomp.h libseccomp-dev
check nettle/sha2.h nettle-dev
check "stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h" libcmocka-dev
if [ -n "$missing" ]; then
	echo "directboot: missing Debian packages:$missing" >&2
	echo "directboot: install them with 'make deps' (apt-get install -y$missing)" >&2
	exit 1
fi
