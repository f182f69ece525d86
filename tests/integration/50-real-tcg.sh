#!/bin/sh
# directboot run --accel tcg: boot plans on QEMU's software CPU through
# our reset-vector trampoline (tcg/).
#
# 1. Real Debian 6.1 kernels, the cloud one (lz4 payload) and the
#    generic one (xz), each over four paths: the bzImage's 64-bit entry,
#    its 32-bit entry, and --decompress host through the ELF's PVH note
#    and through its 64-bit startup.  The initramfs's /init prints a
#    marker with the kernel release and resets the guest (`reboot -f`,
#    through the i8042); the run must exit 0 and the console must show
#    the marker, the release the image's file names, and the reset.  A
#    power-off is not tried: without firmware there is no ACPI, so the
#    kernel can only halt.
# 2. The probe (issue 4) under tcg on each entry path, judged by its
#    checker: the trampoline must hand over exactly the plan's state,
#    including RAM above 4 GiB (6G) and the 3 GiB hole (3584M).
# 3. The exit statuses, with tiny hand-made guests: 0 for a reset through
#    the i8042, 1 for a triple fault, 124 for --timeout, 2 for a --qemu
#    that is not there (15-exit-status has the rest of the file rule).
# 4. make run's script on tcg: the cloud kernel to the busybox shell,
#    which answers a command and resets on `reboot -f`.
#
# The full matrix runs on build/directboot; the ASan/UBSan build boots one
# real kernel, the probe and the tiny guests.  DIRECTBOOT=path runs only
# that build, in full.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir
# A private cache: --decompress host must decompress here, not reuse an
# engineer's cached ELF.
export XDG_CACHE_HOME="$T/xdg"

# shellcheck disable=SC2046 # one word per binary
set -- $(t_bins)
FULL=$1 SMALL=${2:-}

t_need_qemu real-tcg

. tests/real-boot.sh

rb_mkbz_reset "$T/reset.bz"
rb_mkbz "$T/ud2.bz" 0f 0b   # no IDT: #UD, #GP, #DF, triple fault
rb_mkbz "$T/spin.bz" eb fe  # jmp .

tiny() { # BIN TAG
	bin=$1; tag=$2
	for e in 32 64; do
		out=$("$bin" run "$T/reset.bz" --accel tcg --entry $e -m 64M \
			--timeout 60 </dev/null 2>"$T/err")
		st=$?
		t_eq "$tag/tiny-reset-$e-status" 0 "$st"
		t_eq "$tag/tiny-reset-$e-output" R "$out"
	done
	t_status "$tag/tiny-triple-fault" 1 "$bin" run "$T/ud2.bz" \
		--accel tcg -m 64M --timeout 60
	t_status "$tag/tiny-timeout" 124 "$bin" run "$T/spin.bz" \
		--accel tcg -m 64M --timeout 2
	t_status "$tag/tiny-no-qemu" 2 "$bin" run "$T/reset.bz" \
		--accel tcg -m 64M --qemu "$T/no-such-qemu"
	# The plan's RAM above 4 GiB must be QEMU's too.
	t_status "$tag/tiny-reset-6G" 0 "$bin" run "$T/reset.bz" \
		--accel tcg -m 6G --timeout 60
}

# ---- the probe ---------------------------------------------------------
PCMD='console=ttyS0 probe.case=tcg msg="a b" path=/x\y end'
head -c 4096 /dev/urandom >"$T/initrd-4k"

# probe BIN TAG NAME IMAGE MEM ENTRY [OPTS...]
probe() {
	bin=$1; tag=$2; name=$3; img=$4; mem=$5; kind=$6; shift 6
	out=$T/$tag-$name.out
	chk=$(dirname "$bin")/tests/probe_check
	ks=
	case " $* " in *" --keep-segments "*) ks=--keep-segments ;; esac
	if ! [ -f "$img" ] || ! [ -x "$chk" ]; then
		fail "$tag/probe-$name" "no $img or $chk (make probe-all probe-check)"
		return
	fi
	"$bin" run "$img" --accel tcg --timeout 120 -m "$mem" -a "$PCMD" \
		-i "$T/initrd-4k" "$@" </dev/null >"$out" 2>"$T/err"
	st=$?
	if [ $st -ne 0 ]; then
		fail "$tag/probe-$name" "exit $st: $(tail -3 "$T/err" | tr '\n' ' ')"
		return
	fi
	# shellcheck disable=SC2086 # $ks is one word or none
	if "$chk" --transcript "$out" --entry "$kind" --mem "$mem" \
		--cmdline "$PCMD" --initrd "$T/initrd-4k" $ks \
		>"$T/check" 2>&1; then
		pass "$tag/probe-$name"
	else
		fail "$tag/probe-$name" "$(grep -ivE '^ *(ok|pass)' "$T/check" |
			head -4 | tr '\n' ' ')"
	fi
}

probes() { # BIN TAG
	P=$(dirname "$1")/probe
	probe "$1" "$2" 32-64M "$P/probe.bzImage" 64M 32 --entry 32
	probe "$1" "$2" 32-3584M-keepseg "$P/probe.bzImage" 3584M 32 \
		--entry 32 --keep-segments
	probe "$1" "$2" 64-6G "$P/probe.bzImage" 6G 64 --entry 64
	probe "$1" "$2" pvh-64M "$P/probe.elf" 64M pvh
	probe "$1" "$2" host-zstd-64-64M "$P/probe-zstd.bzImage" 64M 64 \
		--decompress host --entry 64
}

# ---- real kernels ------------------------------------------------------
rb_fetch

# make run's script (scripts/run.sh, forced to tcg): /init's version and
# uptime line, then the interactive shell, fed through a FIFO once its
# banner is out: it must compute, and `reboot -f` must end the run with 0.
make_run() { # BIN TAG
	bin=$1; tag=$2
	name=$tag/make-run-shell
	if [ -z "$cloud" ] || [ -z "$busybox" ]; then
		fail "$name" "tests/fetch-kernels.sh could not fetch cloud or busybox"
		return
	fi
	rm -f "$T/in"
	mkfifo "$T/in" || { fail "$name" "mkfifo failed"; return; }
	sh scripts/run.sh "$bin" --accel tcg --timeout 120 <"$T/in" \
		>"$T/shell.out" 2>"$T/shell.err" &
	pid=$!
	exec 8>"$T/in"
	i=0
	while [ $i -lt 600 ] && ! grep -aq "Enter 'help'" "$T/shell.out"; do
		kill -0 $pid 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	# shellcheck disable=SC2016 # the guest's shell expands it
	printf 'echo SUM-$((6*7))\nreboot -f\n' >&8
	wait $pid
	st=$?
	exec 8>&-
	rel=${cloud##*/vmlinuz-}
	if [ $st -ne 0 ]; then
		fail "$name" "exit $st: $(tail -3 "$T/shell.out" "$T/shell.err" | tr '\n' ' ')"
	elif ! grep -aq "^directboot: Linux $rel, up [0-9.]* s" "$T/shell.out"; then
		fail "$name" "no 'directboot: Linux $rel, up N s' line"
	elif ! grep -aq '^SUM-42' "$T/shell.out"; then
		fail "$name" "the shell did not answer: $(tail -3 "$T/shell.out" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# The i386 vmlinux (ELFCLASS32, no PVH note), extracted from Debian's 686
# bzImage, planned without --entry: auto enters it at e_entry in 32-bit
# protected mode with ESI = boot_params, as its decompressor does.  No
# initramfs: the kernel boots to "VFS: Unable to mount root fs", and
# panic=-1 turns the panic into a reset, exit 0.
i386_elf() { # BIN TAG
	if ! i386=$(tests/fetch-kernels.sh i386); then
		fail "$2/i386-elf" "tests/fetch-kernels.sh i386 failed"
		return
	fi
	"$1" extract "$i386" -o "$T/i386.elf" || {
		fail "$2/i386-elf" "extract failed"
		return
	}
	"$1" run "$T/i386.elf" --accel tcg -m 256M -a "console=ttyS0 panic=-1" \
		--timeout 120 </dev/null >"$T/i386.out" 2>"$T/i386.err"
	t_eq "$2/i386-elf: auto entry boots the ELF32 vmlinux to its root fs panic" \
		"0|1|1" "$?|$(grep -c 'Linux version 6\.1' "$T/i386.out")|$(grep -c 'VFS: Unable to mount root fs' "$T/i386.out")"
}

# memtest86+ (a bzImage from outside Linux's build, its syssize rounded
# up past the file's end): with console=ttyS0,115200 it draws its screen
# on COM1 within seconds at 64M (at 512M nothing shows within 20 s under
# tcg), and runs until stopped: 124 and its banner.
memtest() { # BIN TAG
	if ! mt=$(tests/fetch-kernels.sh memtest); then
		fail "$2/memtest" "tests/fetch-kernels.sh memtest failed"
		return
	fi
	"$1" run "$mt" --accel tcg -m 64M -a "console=ttyS0,115200" \
		--timeout 10 </dev/null >"$T/mt.out" 2>"$T/mt.err"
	t_eq "$2/memtest: memtest86+ draws its screen on COM1 (124 at --timeout)" \
		"124|1" "$?|$(grep -c 'Memtest86+ v6\.' "$T/mt.out")"
}

for bin in $FULL $SMALL; do
	if ! [ -x "$bin" ]; then
		fail "real-tcg-built" "no $bin (make; make SAN=1)"
		continue
	fi
	tag=$(basename "$(dirname "$bin")")
	tiny "$bin" "$tag"
	probes "$bin" "$tag"
	if [ "$bin" = "$SMALL" ]; then
		rb_real "$bin" "$tag" tcg cloud 64
		continue
	fi
	make_run "$bin" "$tag"
	for kind in cloud generic; do
		for path in 64 32 pvh host64; do
			rb_real "$bin" "$tag" tcg "$kind" "$path"
		done
	done
	# The plan's MP table (the generic kernel has CONFIG_X86_MPPARSE;
	# the cloud one has not and would need ACPI's MADT), the APs
	# started by the kernel's INIT/SIPI with no firmware behind them.
	rb_real "$bin" "$tag" tcg generic host64 2
	i386_elf "$bin" "$tag"
	memtest "$bin" "$tag"
done
