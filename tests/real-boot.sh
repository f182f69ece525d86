# Shared by tests/integration/50-real-tcg.sh and tests/kvm-real.sh
# (make test-kvm-real): boot real Debian kernels and tiny hand-made
# guests with directboot run.  Source it after tests/lib.sh, with $T a
# private temporary directory.

# ---- tiny guests -------------------------------------------------------
rb_poke() {
	f=$1; off=$2; shift 2
	for b in "$@"; do printf "\\$(printf %03o "0x$b")"; done |
		dd of="$f" bs=1 seek=$((off)) conv=notrunc status=none
}

# rb_mkbz FILE HEX...: a protocol 2.15 bzImage whose 32-bit entry
# (offset 0) and 64-bit entry (0x200) both hold the given code.
rb_mkbz() {
	f=$1; shift
	head -c 2048 /dev/zero >"$f"
	rb_poke "$f" 0x1f1 01                      # setup_sects
	rb_poke "$f" 0x1f4 40 00 00 00             # syssize: 1 KiB
	rb_poke "$f" 0x1fe 55 aa                   # boot_flag
	rb_poke "$f" 0x202 48 64 72 53             # "HdrS"
	rb_poke "$f" 0x206 0f 02                   # version 2.15
	rb_poke "$f" 0x211 01                      # LOADED_HIGH
	rb_poke "$f" 0x214 00 00 10 00             # code32_start
	rb_poke "$f" 0x22c ff ff ff 7f             # initrd_addr_max
	rb_poke "$f" 0x230 00 00 20 00             # kernel_alignment 2 MiB
	rb_poke "$f" 0x234 01 15 03 00             # relocatable, min_align, xlf
	rb_poke "$f" 0x238 ff 00 00 00             # cmdline_size
	rb_poke "$f" 0x258 00 00 00 01 00 00 00 00 # pref_address 16 MiB
	rb_poke "$f" 0x260 00 00 10 00             # init_size 1 MiB
	rb_poke "$f" 0x400 "$@"
	rb_poke "$f" 0x600 "$@"
}

# mov $0x3f8,%dx; mov $'R',%al; out %al,(%dx); mov $0xfe,%al;
# out %al,$0x64; hlt: says R on COM1, then resets through the i8042.
rb_mkbz_reset() { rb_mkbz "$1" 66 ba f8 03 b0 52 ee b0 fe e6 64 f4; }

# mov $0x3f8,%dx; mov $'H',%al; out %al,(%dx); mov $'\n',%al;
# out %al,(%dx); cli; 1: hlt; jmp 1b: says H, then halts for good.
rb_mkbz_halt() { rb_mkbz "$1" 66 ba f8 03 b0 48 ee b0 0a ee fa f4 eb fd; }

# ---- real kernels ------------------------------------------------------
# rb_fetch: sets busybox, cloud and generic (empty when a fetch failed).
# shellcheck disable=SC2034 # rb_real reads cloud and generic by eval
rb_fetch() {
	busybox=$(tests/fetch-kernels.sh busybox) || busybox=
	cloud=$(tests/fetch-kernels.sh cloud) || cloud=
	generic=$(tests/fetch-kernels.sh generic) || generic=
}

# rb_real BIN TAG ACCEL KIND PATH [CPUS]: boot Debian's KIND (cloud,
# generic) kernel on PATH (64, 32, pvh, host64) with a busybox initramfs
# whose /init prints a marker with the kernel release and the CPUs
# online, and resets the guest.  The run must exit 0 and show the
# marker, the release the image's file name gives, CPUS CPUs (default 1)
# and the kernel's "Restarting system".
rb_real() {
	bin=$1; tag=$2; accel=$3; kind=$4; path=$5; cpus=${6:-1}
	name=$tag/real-$accel-$kind-$path
	[ "$cpus" = 1 ] || name=$name-${cpus}cpus
	eval "img=\$$kind"
	if [ -z "$img" ] || [ -z "$busybox" ]; then
		fail "$name" "tests/fetch-kernels.sh could not fetch $kind or busybox (no network and no cache?)"
		return
	fi
	case $path in
	64) set -- --entry 64 ;;
	32) set -- --entry 32 ;;
	pvh) set -- --decompress host --entry pvh ;;
	host64) set -- --decompress host --entry 64 ;;
	esac
	rel=${img##*/vmlinuz-}
	mark="DIRECTBOOT-$accel-$kind-$path"
	sh scripts/mkinitramfs.sh "$busybox" "$T/rd.gz" marker "$mark" reboot
	"$bin" run "$img" --accel "$accel" --timeout 180 -m 512M -c "$cpus" \
		-a "console=ttyS0 quiet loglevel=3" -i "$T/rd.gz" "$@" \
		</dev/null >"$T/out" 2>"$T/err"
	st=$?
	line=$(grep -a "^$mark " "$T/out" | tr -d '\r')
	got=$(echo "$line" | cut -d' ' -f2)
	ncpu=$(echo "$line" | cut -d' ' -f4)
	if [ $st -ne 0 ]; then
		fail "$name" "exit $st: $(tail -3 "$T/out" "$T/err" | tr '\n' ' ')"
	elif [ "$got" != "$rel" ]; then
		fail "$name" "no '$mark $rel' line: $(tail -3 "$T/out" | tr '\n' ' ')"
	elif [ "$ncpu" != "$cpus" ]; then
		fail "$name" "$ncpu CPUs online, not $cpus"
	elif ! grep -aq 'reboot: Restarting system' "$T/out"; then
		fail "$name" "exit 0 but no 'reboot: Restarting system'"
	else
		pass "$name"
	fi
}
