#!/bin/sh
# --share HOSTDIR[:TAG][,ro]: the bounds that need no VM, checked before
# anything runs (no calibration, no plan: the image here is not even a
# kernel, so any refusal but the share's would show that something ran
# first).  A HOSTDIR that is missing or not a directory is bad usage
# (2); a virtiofsd that is not there ($DIRECTBOOT_VIRTIOFSD naming a
# missing file) is the host's fault (3), and the message names the
# Debian packages; without CAP_SYS_ADMIN, 3 and a message saying root.
# A bad TAG or suffix is refused by the option parser (2).
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)

t_tmpdir
printf 'not a kernel\n' >"$T/junk"
mkdir -p "$T/dir"
: >"$T/file"

# t_usage NAME NEEDLE CMD...: exit 2 and NEEDLE on stderr.
t_usage() {
	name=$1 needle=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" = 2 ] && grep -qF -- "$needle" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $got (want 2): $(head -c 300 "$T/err" | tr '\n' ' ')"
	fi
}

for b in $bins; do
	[ -x "$b" ] || { fail "$b: binary" "not built"; continue; }
	tag=$(basename "$(dirname "$b")")
	t_one_line "$tag: --share of a missing directory: 2" 2 \
		"--share $T/nope: No such file or directory" \
		"$b" run "$T/junk" --accel kvm --timings --share "$T/nope"
	t_one_line "$tag: --share of a file: 2" 2 \
		"--share $T/file: not a directory" \
		"$b" run "$T/junk" --accel kvm --timings --share "$T/file:f,ro"
	DIRECTBOOT_VIRTIOFSD=$T/no-virtiofsd t_one_line \
		"$tag: no virtiofsd: 3, naming the package" 3 \
		"no executable virtiofsd there (Debian's package virtiofsd, or qemu-system-common on Debian 12)" \
		"$b" run "$T/junk" --accel kvm --timings --share "$T/dir"
	t_usage "$tag: --share with a 37-byte tag: 2" "must be 1 to 36" \
		"$b" run "$T/junk" --accel kvm \
		--share "$T/dir:abcdefghijklmnopqrstuvwxyz0123456789a"
	t_usage "$tag: --share with a suffix other than ,ro: 2" \
		"unknown option 'rw'" "$b" run "$T/junk" --accel kvm \
		--share "$T/dir,rw"
	t_usage "$tag: two shares with one tag: 2" "two shares with one tag" \
		"$b" run "$T/junk" --accel kvm --share "$T/dir" \
		--share "$T/dir"
	t_usage "$tag: a ninth share: 2" "too many shares (8 at most)" \
		"$b" run "$T/junk" --accel kvm --share /:a --share /:b \
		--share /:c --share /:d --share /:e --share /:f --share /:g \
		--share /:h --share /:i
	# Without CAP_SYS_ADMIN (as nobody, when this runs as root).
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			test -x "$b"; then
		t_one_line "$tag: --share without CAP_SYS_ADMIN: 3, saying root" 3 \
			"need root (CAP_SYS_ADMIN)" \
			setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$b" run /dev/null --accel kvm --share /
	else
		skip "$tag: --share without CAP_SYS_ADMIN" \
			"not root, or no setpriv, or $b not reachable as nobody"
	fi
done
