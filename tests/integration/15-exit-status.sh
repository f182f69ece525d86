#!/bin/sh
# The exit statuses, and the one rule for every file argument (IMAGE,
# -i, -o, --disk, --qemu): a name that does not exist, is not a regular
# file or is not the user's to use is bad usage, 2; a host failure on a
# usable file (here ENOSPC, through /dev/full) is 3, as are no /dev/kvm
# and no qemu-system-x86_64 in PATH.  Every file argument is checked
# before anything runs.  A signal N that stops a run is 128+N.  A guest
# kernel that panics is 4, with its reason on stderr: Debian's cloud
# kernel with no initrd panics "VFS: Unable to mount root fs", on tcg
# here and on KVM in the nested harness (nested/panic).  (0, 1 and 124
# on tcg: 50-real-tcg's tiny guests.)
#
# DIRECTBOOT=path/directboot tests that binary alone; by default
# build/directboot and build-san/directboot (t_bins).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
bins=$(t_bins)
cloud=$(tests/fetch-kernels.sh cloud 2>/dev/null) || cloud=
. tests/real-boot.sh

t_tmpdir

rb_mkbz_reset "$T/reset.bz"
rb_mkbz "$T/spin.bz" eb fe  # jmp .
mkdir "$T/dir"
head -c 4096 /dev/zero >"$T/disk"
printf '#!/bin/sh\nexit 0\n' >"$T/notexec"
chmod 644 "$T/notexec"

R=$T/reset.bz
for b in $bins; do
	[ -x "$b" ] || { fail "$b: binary" "not built"; continue; }
	tag=$(basename "$(dirname "$b")")
	# 2: the name is wrong.
	for cmd in inspect plan run; do
		t_one_line "$tag: $cmd: IMAGE missing: 2" 2 "$T/none" "$b" $cmd "$T/none"
		t_one_line "$tag: $cmd: IMAGE a directory: 2" 2 "$T/dir" "$b" $cmd "$T/dir"
	done
	t_one_line "$tag: extract: IMAGE missing: 2" 2 "$T/none" "$b" extract "$T/none" -o "$T/o"
	for cmd in plan run; do
		t_one_line "$tag: $cmd: -i missing: 2" 2 "$T/none" "$b" $cmd "$R" -i "$T/none"
		t_one_line "$tag: $cmd: -i a directory: 2" 2 "$T/dir" "$b" $cmd "$R" -i "$T/dir"
	done
	for a in kvm auto; do
		t_one_line "$tag: run --accel $a: --disk missing: 2" 2 "--disk $T/none" \
			"$b" run "$R" --accel $a --disk "$T/none"
		t_one_line "$tag: run --accel $a: --disk a directory: 2" 2 "--disk $T/dir" \
			"$b" run "$R" --accel $a --disk "$T/dir"
	done
	t_one_line "$tag: run: --qemu missing: 2" 2 "--qemu $T/none" \
		"$b" run "$R" --accel tcg --qemu "$T/none"
	t_one_line "$tag: run: --qemu not executable: 2" 2 "not executable" \
		"$b" run "$R" --accel tcg --qemu "$T/notexec"
	t_one_line "$tag: run: --qemu a directory: 2" 2 "--qemu $T/dir" \
		"$b" run "$R" --accel tcg --qemu "$T/dir"
	t_one_line "$tag: run: --qemu NAME not in PATH: 2" 2 "in \$PATH" \
		"$b" run "$R" --accel tcg --qemu no-such-qemu-here
	# -o: a bzImage with a payload (reset.bz has none).
	k=$(tests/fetch-kernels.sh cloud 2>/dev/null) || k=
	if [ -n "$k" ]; then
		t_one_line "$tag: extract: -o in a missing directory: 2" 2 "$T/none/o" \
			"$b" extract "$k" -o "$T/none/o"
		t_one_line "$tag: extract: -o a directory: 2" 2 "$T/dir" \
			"$b" extract "$k" -o "$T/dir"
		t_eq "$tag: extract: the message names FILE, not its temporary name" \
			0 "$(grep -c "$T/dir\." "$T/err")"
		# 3: the host fails on a usable file.
		"$b" extract "$k" -o - >/dev/full 2>"$T/err"
		t_eq "$tag: extract -o - to a full disk (ENOSPC): 3" "3 1" \
			"$? $(wc -l <"$T/err")"
	else
		skip "$tag: extract -o" "no cloud kernel (fetch-kernels.sh failed)"
	fi
	# 3: the host lacks what the run needs.
	if [ ! -e /dev/kvm ]; then
		t_one_line "$tag: run --accel kvm without /dev/kvm: 3" 3 /dev/kvm \
			"$b" run "$R" --accel kvm
	else
		skip "$tag: run without /dev/kvm" "this host has /dev/kvm"
	fi
	t_one_line "$tag: run --accel tcg, no qemu-system-x86_64 in PATH: 3" 3 \
		"cannot run qemu-system-x86_64" \
		env PATH=/nonexistent "$b" run "$R" --accel tcg
	# 128+N: a signal stops the run.
	if command -v qemu-system-x86_64 >/dev/null 2>&1; then
		"$b" run "$T/spin.bz" --accel tcg -m 64M --timeout 60 \
			</dev/null >/dev/null 2>"$T/err" &
		pid=$!
		sleep 2
		kill -TERM $pid
		wait $pid
		t_eq "$tag: run stopped by SIGTERM: 128+15" 143 "$?"
	else
		skip "$tag: run stopped by SIGTERM" "no qemu-system-x86_64"
	fi
	# 4: the guest kernel panicked; the run ends at its last line.
	if [ -n "$cloud" ] && command -v qemu-system-x86_64 >/dev/null 2>&1; then
		t_one_line "$tag: a guest panic: 4" 4 \
			"guest panicked: VFS: Unable to mount root fs on unknown-block(0,0)" \
			timeout 150 "$b" run "$cloud" --accel tcg -m 256M --timeout 120
	else
		skip "$tag: a guest panic" "no cloud kernel or no qemu-system-x86_64"
	fi
done
