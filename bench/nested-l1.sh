# bench/nested's part in L1: sourced by tests/nested/l1-init (as
# /nt/add/init.sh) after /nt/env and scenarios.sh.  nb_all runs the
# rounds and says each time in a line the host reads:
#
#   NT-BENCH ROUND LAUNCHER init|probe MS    (MS -1: no marker)
#   NT-BENCH-LOG TEXT                        anything worth seeing
NB=/nt/add
Q=$NB/qemu

# nb_time ROUND LAUNCHER FIGURE MARKER CMD...: one timed launch.  -k:
# QEMU does not exit on the guest's reboot -f (microvm has no reset
# line), so every launcher is killed at the marker; directboot has
# exited by then or soon after, which is not timed.
nb_time() {
	r=$1 l=$2 f=$3 m=$4
	shift 4
	line=$("$NB/launchtime" -t 120 -m "$m" -k -o "$W/out" -- "$@" 2>"$W/err")
	ms=$(echo "$line" | sed -n 's/^marker_ms=\([-0-9.]*\).*/\1/p')
	echo "NT-BENCH $r $l $f ${ms:--1}"
	case ${ms:--1} in
	-*) echo "NT-BENCH-LOG $l $f round $r: no '$m': $(nt_tail)" ;;
	esac
}

# QEMU through its own loader and libraries, its firmware with -L: a
# command, not a function, since launchtime runs it.  No spaces in it.
QEMU_CMD="$Q/lib/ld-linux-x86-64.so.2 --library-path $Q/lib $Q/qemu-system-x86_64 -L $Q/share"

nb_all() {
	. "$NB/rounds"
	export XDG_CACHE_HOME=/tmp/nb-cache
	mkdir -p "$XDG_CACHE_HOME"
	init="console=ttyS0 quiet nt=mark"
	probe="console=ttyS0 bench=launch"
	qargs="-accel kvm -cpu host -smp 1 -nodefaults -no-user-config -display none -serial stdio -no-reboot"
	# The warm cache: the decompressed ELF of the cloud kernel and of
	# the probe, once, untimed.
	"$DB" run "$K_cloud" --accel kvm -m 256M --timeout 120 \
		--decompress host --entry pvh -i "$RD" -a "$init" \
		</dev/null >"$W/out" 2>"$W/err" ||
		echo "NT-BENCH-LOG warming db-pvh: exit $?: $(nt_tail)"
	"$DB" run "$NB/probe.bzImage" --accel kvm -m 64M --timeout 60 \
		--decompress host --entry pvh -a "$probe" \
		</dev/null >"$W/out" 2>"$W/err" ||
		echo "NT-BENCH-LOG warming db-pvh probe: exit $?: $(nt_tail)"
	# shellcheck disable=SC2086 # $QEMU_CMD is several words
	echo "NT-BENCH-LOG $($QEMU_CMD -version 2>&1 | head -n 1)"
	r=0
	while [ $r -lt "$NB_ROUNDS" ]; do
		r=$((r + 1))
		nb_time "$r" db-64 init NT-MARK "$DB" run "$K_cloud" --accel kvm \
			-m 256M -i "$RD" -a "$init"
		nb_time "$r" db-pvh init NT-MARK "$DB" run "$K_cloud" --accel kvm \
			-m 256M --decompress host --entry pvh -i "$RD" -a "$init"
		# shellcheck disable=SC2086 # $QEMU_CMD, $qargs: several words
		nb_time "$r" q-microvm init NT-MARK $QEMU_CMD -M microvm,acpi=on \
			$qargs -m 256M -kernel "$K_cloud" -initrd "$RD" -append "$init"
		# shellcheck disable=SC2086
		nb_time "$r" q-pc init NT-MARK $QEMU_CMD -M pc $qargs \
			-m 256M -kernel "$K_cloud" -initrd "$RD" -append "$init"
		nb_time "$r" db-64 probe "PROBE END" "$DB" run "$NB/probe.bzImage" \
			--accel kvm -m 64M -a "$probe"
		nb_time "$r" db-pvh probe "PROBE END" "$DB" run "$NB/probe.bzImage" \
			--accel kvm -m 64M --decompress host --entry pvh -a "$probe"
		# shellcheck disable=SC2086
		nb_time "$r" q-microvm probe "PROBE END" $QEMU_CMD \
			-M microvm,acpi=on $qargs -m 64M -kernel "$NB/probe.bzImage" \
			-append "$probe"
		# shellcheck disable=SC2086
		nb_time "$r" q-pc probe "PROBE END" $QEMU_CMD -M pc $qargs \
			-m 64M -kernel "$NB/probe.bzImage" -append "$probe"
	done
}

# ---- nb_levers: count before cutting (issue 15) ------------------------
# Each directboot of $NB/levers (files db-NAME, in build order: a build
# per lever, see bench/nested's LEVERS=) and $DB as db-final boots the
# cloud kernel to init LEVER_ROUNDS times with `quiet` (time to NT-MARK
# and the guest's uptime there), once without it under printk.time=1
# (the kernel's timeline, the clock and timer lines, --timings' exit
# breakdown), on entry 64 and on PVH from a warm host-decompressed ELF,
# and runs the probe once with --timings.  QEMU pc boots the same
# verbose command line once, for the same dmesg lines.
#
#   NT-LEVER NAME ENTRY ROUND MARKER_MS UPTIME_S
#   NT-LEVER-T NAME WHAT: a --timings line
#   NT-LEVER-K NAME ENTRY: a kernel line worth reading
#   NT-LEVER-GAP NAME ENTRY MS: the longest pause between two printk
#                               lines, and the line after it
nb_lever_boot() { # NAME BIN ENTRY(64|64v|pvh|h64) ARGS...
	n=$1 b=$2 e=$3
	shift 3
	case $e in
	pvh) eo="--decompress host --entry pvh" ;;
	h64) eo="--decompress host --entry 64" ;;
	*) eo="--entry 64" ;;
	esac
	# shellcheck disable=SC2086 # $eo is several words
	"$NB/launchtime" -t 120 -m NT-MARK -o "$W/out" -- "$b" run "$K_cloud" \
		--accel kvm -m 256M -i "$RD" $eo "$@" 2>"$W/err" >"$W/line"
}

nb_lever_verbose() { # NAME BIN ENTRY
	nb_lever_boot "$1" "$2" "$3" --timings \
		-a "console=ttyS0 printk.time=1 nt=mark"
	sed "s/^directboot: /NT-LEVER-T $1 $3 /" "$W/err" | grep '^NT-LEVER-T'
	[ "$1" = final ] && tr -d '\r' <"$W/out" | sed "s/^/NT-LEVER-D $1 $3 /"
	tr -d '\r' <"$W/out" | grep -E '^\[ *[0-9]+\.[0-9]+\] .*(tsc|TSC|clocksource|APIC|apic|calibrat|Calibrat|kvm-clock|clockevent|lpj|BogoMIPS|x2apic|timer|hpet|PIT|pit|i8042|serial|ttyS0|Freeing unused|Run /init|smpboot|Memory:)' |
		sed "s/^/NT-LEVER-K $1 $3 /"
	tr -d '\r' <"$W/out" | awk -v n="$1" -v e="$3" '
		/^\[ *[0-9]+\.[0-9]+\]/ { s = $0; sub(/^\[ */, "", s); t = s + 0
			if (NR > 1 && t - last > gap) { gap = t - last; line = $0; prev = pl }
			last = t; pl = $0 }
		END { printf "NT-LEVER-GAP %s %s %.0f ms, after: %s\nNT-LEVER-GAP %s %s before: %s\n", n, e, gap * 1000, line, n, e, prev }'
}

nb_levers() {
	: "${LEVER_ROUNDS:=3}"
	export XDG_CACHE_HOME=/tmp/nb-cache
	mkdir -p "$XDG_CACHE_HOME"
	set --
	for f in "$NB"/levers/db-*; do [ -x "$f" ] && set -- "$@" "$f"; done
	set -- "$@" "$DB"
	for b in "$@"; do # the warm cache, untimed, each build its own key
		nb_lever_boot warm "$b" pvh -a "console=ttyS0 quiet nt=mark"
	done
	nb_lever_boot warm "$DB" h64 -a "console=ttyS0 quiet nt=mark"
	r=0
	while [ $r -lt "$LEVER_ROUNDS" ]; do
		r=$((r + 1))
		for b in "$@"; do
			n=${b##*/db-}; [ "$b" = "$DB" ] && n=final
			es="64 pvh 64v"
			[ "$n" = final ] && es="64 pvh h64 64v"
			for e in $es; do
				q=quiet
				[ $e = 64v ] && q=printk.time=1
				nb_lever_boot "$n" "$b" $e -a "console=ttyS0 $q nt=mark"
				ms=$(sed -n 's/^marker_ms=\([-0-9.]*\).*/\1/p' "$W/line")
				up=$(tr -d '\r' <"$W/out" | sed -n 's/^NT-MARK [^ ]* \([0-9.]*\).*/\1/p')
				echo "NT-LEVER $n $e $r ${ms:--1} ${up:--1}"
			done
		done
	done
	for b in "$@"; do
		n=${b##*/db-}; [ "$b" = "$DB" ] && n=final
		nb_lever_verbose "$n" "$b" 64
		nb_lever_verbose "$n" "$b" pvh
		"$NB/launchtime" -t 60 -m "PROBE END" -o "$W/out" -- "$b" run \
			"$NB/probe.bzImage" --accel kvm -m 64M --timings \
			-a "console=ttyS0 bench=launch" 2>"$W/err" >"$W/line"
		echo "NT-LEVER-T $n probe $(cat "$W/line")"
		sed "s/^directboot: /NT-LEVER-T $n probe /" "$W/err" | grep '^NT-LEVER-T'
	done
	# shellcheck disable=SC2086 # $QEMU_CMD is several words
	"$NB/launchtime" -t 120 -m NT-MARK -k -o "$W/out" -- $QEMU_CMD -M pc \
		-accel kvm -cpu host -smp 1 -nodefaults -no-user-config \
		-display none -serial stdio -no-reboot -m 256M -kernel "$K_cloud" \
		-initrd "$RD" -append "console=ttyS0 printk.time=1 nt=mark" \
		2>"$W/err" >"$W/line"
	echo "NT-LEVER q-pc 64 1 $(sed -n 's/^marker_ms=\([-0-9.]*\).*/\1/p' "$W/line") $(tr -d '\r' <"$W/out" | sed -n 's/.*NT-MARK [^ ]* \([0-9.]*\).*/\1/p')"
	tr -d '\r' <"$W/out" | grep -E '^\[ *[0-9]+\.[0-9]+\] .*(tsc|TSC|clocksource|APIC|apic|calibrat|Calibrat|kvm-clock|clockevent|lpj|BogoMIPS|x2apic|timer|hpet|PIT|pit|i8042|serial|ttyS0|Freeing unused|Run /init|smpboot|Memory:)' |
		sed "s/^/NT-LEVER-K q-pc 64 /"
}

# ---- nb_launch: bench/launch inside L1 ---------------------------------
nb_launch() {
	DIRECTBOOT=$DB PROBE=$NB/probe.bzImage LAUNCHTIME=$NB/launchtime \
		QEMU_CMD=$QEMU_CMD QEMU_ACCELS=kvm \
		sh "$NB/launch" -n "${NB_LAUNCH_RUNS:-11}" 2>&1 | sed 's/^/NT-LAUNCH /'
}

# ---- nb_density: bench/density's part ----------------------------------
# For each N of NB_DENSITY, N probe VMs started at once under directboot
# (each exits on the probe's reset) and under QEMU -M microvm (killed at
# PROBE END: no reset line), directboot first:
#
#   NT-DENSITY LAUNCHER N CPUS n=.. reached=.. wall_ms=.. ... (densitytime)
nb_density() {
	. "$NB/rounds"
	cpus=$(grep -c ^processor /proc/cpuinfo)
	probe="console=ttyS0 bench=launch"
	for n in $NB_DENSITY; do
		echo "NT-DENSITY db $n $cpus $("$NB/densitytime" -n "$n" -t 600 \
			-m "PROBE END" -- "$DB" run "$NB/probe.bzImage" --accel kvm \
			-m 64M -a "$probe" 2>"$W/err")"
		[ -s "$W/err" ] && echo "NT-BENCH-LOG density db $n: $(sort "$W/err" | uniq -c | head -n 3 | tr '\n' ' ')"
		sync
		# shellcheck disable=SC2086 # $QEMU_CMD is several words
		echo "NT-DENSITY q-microvm $n $cpus $("$NB/densitytime" -n "$n" \
			-t 600 -m "PROBE END" -k -- $QEMU_CMD -M microvm,acpi=on \
			-accel kvm -cpu host -smp 1 -nodefaults -no-user-config \
			-display none -serial stdio -no-reboot -m 64M \
			-kernel "$NB/probe.bzImage" -append "$probe" 2>"$W/err")"
		[ -s "$W/err" ] && echo "NT-BENCH-LOG density q-microvm $n: $(sort "$W/err" | uniq -c | head -n 3 | tr '\n' ' ')"
	done
	echo "NT-BENCH-LOG density: L1 $(grep MemTotal /proc/meminfo)"
}

# ---- nb_initcalls: issue 13 item 7, the pause on PVH --------------------
# The cloud kernel on entry 64 and on PVH (--decompress host, warm) with
# initcall_debug ignore_loglevel (its lines are KERN_DEBUG): every
# initcall that took 20 ms or more, and those that returned
# between "Switched to clocksource" and the next fs_initcall's line.
#
#   NT-INITCALL ENTRY LINE
nb_initcalls() {
	export XDG_CACHE_HOME=/tmp/nb-cache
	mkdir -p "$XDG_CACHE_HOME"
	for e in 64 pvh; do
		nb_lever_boot final "$DB" $e --timeout 300 \
			-a "console=ttyS0 printk.time=1 initcall_debug ignore_loglevel nt=mark"
		echo "NT-INITCALL $e $(cat "$W/line")"
		tr -d '\r' <"$W/out" | awk -v e="$e" '
			/returned .* after [0-9]+ usecs/ {
				n = $0; sub(/.* after /, "", n); sub(/ usecs.*/, "", n)
				if (n + 0 >= 20000) print "NT-INITCALL " e " " $0 }
			/Switched to clocksource kvm-clock/ { w = 1 }
			/VFS: Disk quotas/ { w = 0 }
			w && /returned/ { print "NT-INITCALL " e " window " $0 }'
	done
}

# ---- nb_pvhwhy: what makes the PVH guest slower (issue 13 item 7) -------
# Two rounds of the cloud kernel, verbose, on entry 64 as is, with
# no5lvl (4-level paging, as PVH has), with nokaslr (the kernel at its
# link address, as PVH and --decompress host have), on PVH and on
# --decompress host --entry 64:
#
#   NT-WHY ROUND ENTRY EXTRA up=UPTIME_AT_INIT init=[Run /init stamp] max_arch_pfn TO_INIT_MS
nb_pvhwhy() {
	export XDG_CACHE_HOME=/tmp/nb-cache
	mkdir -p "$XDG_CACHE_HOME"
	nb_lever_boot warm "$DB" pvh -a "console=ttyS0 quiet nt=mark"
	for r in 1 2; do
		for v in "64|" "64|no5lvl" "64|nokaslr" "pvh|" "h64|"; do
			e=${v%%|*} x=${v#*|}
			nb_lever_boot final "$DB" "$e" -a "console=ttyS0 printk.time=1 $x nt=mark"
			up=$(tr -d '\r' <"$W/out" | sed -n 's/.*NT-MARK [^ ]* \([0-9.]*\).*/\1/p')
			ri=$(tr -d '\r' <"$W/out" | grep 'Run /init' | cut -c1-16)
			pfn=$(tr -d '\r' <"$W/out" | grep -o 'max_arch_pfn = 0x[0-9a-f]*')
			echo "NT-WHY $r $e ${x:-none} up=$up init=$ri $pfn $(sed -n 's/^marker_ms=\([-0-9.]*\).*/\1/p' "$W/line")"
		done
	done
}

# ---- nb_devloop: bench/devloop --nested (issue 16) ----------------------
# NB_ROUNDS interleaved rounds of the kernel developer's loop, `-- true`,
# each timed by launchtime from start to exit (no marker):
#
#   db    directboot run K_cloud --accel kvm -m 256M --rootfs /
#         --modules MODS_cloud -- true
#   qemu  bench/devloop-qrun: virtiofsd on a read-only bind of /, then
#         QEMU -M microvm,acpi=on -accel kvm -cpu host, memfd RAM,
#         vhost-user-fs-device, the initramfs bench/devloop built (the
#         same devinit, its modules from the same tree), the status
#         byte on isa-debugcon 0x501, reboot=t and -no-reboot for the
#         exit
#
# both under nt_fsroot (L1's root is an initramfs), which is not timed.
# QEMU's virtio-mmio is a legacy (version 1) device unless told
# otherwise, and virtiofsd's libvhost-user refuses legacy devices
# ("virtio legacy devices aren't supported by libvhost-user", then it
# exits and the guest waits for its root forever): hence
# -global virtio-mmio.force-legacy=false.  microvm,acpi=on lists the
# virtio-mmio devices in its DSDT (LNRO0005), which the virtio_mmio
# module binds once devinit loads it; no virtio_mmio.device= needed.
# Should the QEMU side fail in round 1, it is run again with virtiofsd's
# debug log, then the next variant is tried: microvm with virtiofsd's
# chroot sandbox on / itself, then -M pc (vhost-user-fs-pci); the first
# that works is the one timed.
#
#   NT-DEVLOOP ROUND db EXIT_MS STATUS
#   NT-DEVLOOP ROUND qemu EXIT_MS STATUSBYTE/EXIT
#   NT-DEVLOOP-FAIL VARIANT ...             a variant that did not work
nb_devloop_q() { # VARIANT(microvm|microvm-chroot|pc) [LOG_LEVEL]
	case $1 in
	pc) m=pc dev=vhost-user-fs-pci rd=initrd-pc.cpio box=namespace ;;
	microvm-chroot) m=microvm,acpi=on dev=vhost-user-fs-device rd=initrd.cpio box=chroot ;;
	*) m=microvm,acpi=on dev=vhost-user-fs-device rd=initrd.cpio box=namespace ;;
	esac
	glob="-global virtio-mmio.force-legacy=false"
	[ "$1" = pc ] && glob=
	: >"$W/status"
	# shellcheck disable=SC2086 # $QEMU_CMD is several words
	QRUN_SANDBOX=$box QRUN_LOG=${2:-warn} nt_fsroot "$NB/launchtime" -t 90 \
		-o "$W/out" -- sh "$NB/devloop/devloop-qrun" "$qv" "$W/q" \
		$QEMU_CMD -M $m $glob -accel kvm -cpu host -smp 1 -m 256M -nodefaults \
		-no-user-config -display none -no-reboot \
		-object memory-backend-memfd,id=ram,size=256M,share=on \
		-machine memory-backend=ram \
		-chardev socket,id=fs,path="$W/q/vfs.sock" \
		-device $dev,chardev=fs,tag=rootfs \
		-chardev file,id=st,path="$W/status" \
		-device isa-debugcon,iobase=0x501,chardev=st \
		-serial stdio -kernel "$K_cloud" -initrd "$NB/devloop/$rd" \
		-append "console=ttyS0 quiet reboot=t" 2>"$W/err" >"$W/line"
	ms=$(sed -n 's/.*exit_ms=\([-0-9.]*\).*/\1/p' "$W/line")
	st=$(sed -n 's/.*status=\([-0-9]*\).*/\1/p' "$W/line")
	sb=$(od -An -tu1 -N1 "$W/status" | tr -d ' ')
	[ "${sb:-none}/${st:-none}" = 0/0 ]
}

nb_devloop() {
	. "$NB/rounds"
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] && { echo "NT-BENCH-LOG devloop: $why"; return; }
	qv=/usr/libexec/virtiofsd
	[ -x $qv ] || qv=/usr/lib/qemu/virtiofsd
	mkdir -p "$W/q"
	# shellcheck disable=SC2086 # $QEMU_CMD is several words
	echo "NT-BENCH-LOG devloop: $qv; $($QEMU_CMD -version 2>&1 | head -n 1)"
	variant=
	r=0
	while [ $r -lt "$NB_ROUNDS" ]; do
		r=$((r + 1))
		nt_fsroot "$NB/launchtime" -t 200 -o "$W/out" -- "$DB" run \
			"$K_cloud" --accel kvm -m 256M --timeout 120 --rootfs / \
			--modules "$MODS_cloud" -- true 2>"$W/err" >"$W/line"
		ms=$(sed -n 's/.*exit_ms=\([-0-9.]*\).*/\1/p' "$W/line")
		st=$(sed -n 's/.*status=\([-0-9]*\).*/\1/p' "$W/line")
		echo "NT-DEVLOOP $r db ${ms:--1} ${st:-none}"
		[ "${st:-none}" = 0 ] || echo "NT-BENCH-LOG devloop db round $r: $(cat "$W/line") $(nt_tail)"
		if [ -n "$variant" ]; then
			nb_devloop_q "$variant" ||
				echo "NT-BENCH-LOG devloop qemu round $r: $(cat "$W/line") $(tail -c 400 "$W/out" "$W/err" "$W/q/vfs.err" | tr -d '\r' | tr '\n' ' ')"
		else
			for v in microvm microvm-chroot pc; do
				nb_devloop_q $v && { variant=$v; break; }
				echo "NT-DEVLOOP-FAIL $v $(cat "$W/line") status byte '${sb:-none}': $(tail -c 600 "$W/out" "$W/err" "$W/q/vfs.err" | tr -d '\r' | tr '\n' ' ')"
				nb_devloop_q $v debug
				echo "NT-DEVLOOP-FAIL $v debug: $(cat "$W/line") virtiofsd: $(tail -c 1500 "$W/q/vfs.err" | tr -d '\r' | tr '\n' ' ')"
			done
			echo "NT-BENCH-LOG devloop: the QEMU side is ${variant:-none of microvm, microvm-chroot, pc}"
			[ -n "$variant" ] || variant=microvm
		fi
		echo "NT-DEVLOOP $r qemu ${ms:--1} ${sb:-none}/${st:-none}"
	done
}

# ---- nb_xsave: "XSAVE consistency problem" under which launcher ---------
# The cloud kernel, verbose, to NT-MARK under directboot (entry 64),
# QEMU microvm and QEMU pc (both -cpu host), and L1's own view:
#
#   NT-XSAVE WHO LINE    (its x86/fpu, xstate and XSAVE lines)
nb_xsave_lines() {
	tr -d '\r' <"$W/out" | grep -a -e 'x86/fpu' -e 'XSAVE' -e 'xstate' |
		sed "s/^/NT-XSAVE $1 /"
	echo "NT-XSAVE $1 $(cat "$W/line") consistency-lines=$(grep -ac 'XSAVE consistency problem' "$W/out")"
}

nb_xsave() {
	a="console=ttyS0 printk.time=1 nt=mark"
	q="-accel kvm -cpu host -smp 1 -m 256M -nodefaults -no-user-config -display none -serial stdio -no-reboot"
	dmesg | grep -a -e 'x86/fpu' -e 'XSAVE' | sed 's/^/NT-XSAVE L1 /'
	echo "NT-XSAVE L1 flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -e xsave -e avx -e mpx -e pku -e xfd | tr '\n' ' ')"
	"$NB/launchtime" -t 120 -m NT-MARK -k -o "$W/out" -- "$DB" run \
		"$K_cloud" --accel kvm -m 256M -i "$RD" -a "$a" 2>"$W/err" >"$W/line"
	nb_xsave_lines db
	# shellcheck disable=SC2086 # $QEMU_CMD, $q are several words
	"$NB/launchtime" -t 120 -m NT-MARK -k -o "$W/out" -- $QEMU_CMD \
		-M microvm,acpi=on $q -kernel "$K_cloud" -initrd "$RD" \
		-append "$a" 2>"$W/err" >"$W/line"
	nb_xsave_lines q-microvm
	# shellcheck disable=SC2086
	"$NB/launchtime" -t 120 -m NT-MARK -k -o "$W/out" -- $QEMU_CMD -M pc \
		$q -kernel "$K_cloud" -initrd "$RD" -append "$a" 2>"$W/err" \
		>"$W/line"
	nb_xsave_lines q-pc
}

# ---- nb_pvhcmp: is the PVH guest's slowness directboot's? (issue 13 item 7)
# The same cloud kernel, initramfs, 256 MiB and one vCPU, interleaved,
# NB_ROUNDS rounds, quiet (nt=mark: the guest's uptime at init):
#
#   q-pc       QEMU -M pc -accel kvm -cpu host, -kernel the bzImage
#   q-pc-nok   the same with nokaslr (the kernel at its link address)
#   q-pvh      QEMU -M pc, -kernel the vmlinux (its PVH note: QEMU's
#              PVH boot through the pvh.bin option ROM)
#   db-64 db-64-nok db-pvh   directboot --entry 64, with nokaslr, and
#              --decompress host --entry pvh (warm)
#
# The vmlinux is `directboot extract` of the bzImage, made in L1.
#
#   NT-PVHCMP ROUND LAUNCHER TO_INIT_MS UPTIME_S   (-1: no marker)
nb_pvhcmp_one() { # ROUND LAUNCHER CMD...
	r=$1 l=$2
	shift 2
	# The marker is the NT-MARK line's last word: QEMU writes the line a
	# byte at a time, and a kill at "NT-MARK" would cut the uptime off.
	line=$("$NB/launchtime" -t 120 -m apic-timer- -k -o "$W/out" -- "$@" 2>"$W/err")
	ms=$(echo "$line" | sed -n 's/^marker_ms=\([-0-9.]*\).*/\1/p')
	up=$(tr -d '\r' <"$W/out" | sed -n 's/.*NT-MARK [^ ]* \([0-9.]*\).*/\1/p' | head -n 1)
	echo "NT-PVHCMP $r $l ${ms:--1} ${up:--1}"
	[ -n "$up" ] || echo "NT-BENCH-LOG $l round $r: no NT-MARK: $(nt_tail)"
}

nb_pvhcmp() {
	. "$NB/rounds"
	export XDG_CACHE_HOME=/tmp/nb-cache
	mkdir -p "$XDG_CACHE_HOME"
	a="console=ttyS0 quiet nt=mark"
	qargs="-M pc -accel kvm -cpu host -smp 1 -m 256M -nodefaults -no-user-config -display none -serial stdio -no-reboot -initrd $RD"
	vml=/tmp/nb-vmlinux
	"$DB" extract "$K_cloud" -o $vml 2>"$W/err" ||
		echo "NT-BENCH-LOG extract: $(cat "$W/err")"
	nb_lever_boot warm "$DB" pvh -a "$a"
	# shellcheck disable=SC2086 # $QEMU_CMD is several words
	echo "NT-BENCH-LOG $($QEMU_CMD -version 2>&1 | head -n 1)"
	db="$DB run $K_cloud --accel kvm -m 256M -i $RD"
	r=0
	while [ $r -lt "$NB_ROUNDS" ]; do
		r=$((r + 1))
		# shellcheck disable=SC2086 # the commands are several words
		{
			nb_pvhcmp_one $r q-pc $QEMU_CMD $qargs -kernel "$K_cloud" -append "$a"
			nb_pvhcmp_one $r db-64 $db --entry 64 -a "$a"
			nb_pvhcmp_one $r q-pc-nok $QEMU_CMD $qargs -kernel "$K_cloud" -append "$a nokaslr"
			nb_pvhcmp_one $r db-64-nok $db --entry 64 -a "$a nokaslr"
			nb_pvhcmp_one $r q-pvh $QEMU_CMD $qargs -kernel $vml -append "$a"
			nb_pvhcmp_one $r db-pvh $db --decompress host --entry pvh -a "$a"
		}
	done
}

# ---- nb_smpcmp: L1 with -smp 2, directboot and QEMU (NESTED_SMP=2) ----
# NB_ROUNDS rounds, interleaved, of directboot --entry 64 and QEMU -M pc
# booting the cloud kernel to init: whether a soft lockup of L1 (seen
# under directboot with -smp 2) comes with either launcher.  Each boot
# says when it starts, so the console shows which one a lockup hit.
#
#   NT-PVHCMP ROUND LAUNCHER TO_INIT_MS UPTIME_S
nb_smpcmp() {
	. "$NB/rounds"
	a="console=ttyS0 quiet nt=mark"
	qargs="-M pc -accel kvm -cpu host -smp 1 -m 256M -nodefaults -no-user-config -display none -serial stdio -no-reboot -initrd $RD"
	echo "NT-BENCH-LOG smpcmp: L1 CPUs $(grep -c ^processor /proc/cpuinfo)"
	r=0
	while [ $r -lt "$NB_ROUNDS" ]; do
		r=$((r + 1))
		echo "NT-BENCH-LOG smpcmp $r db-64 starts, uptime $(cut -d' ' -f1 /proc/uptime)"
		nb_pvhcmp_one $r db-64 "$DB" run "$K_cloud" --accel kvm -m 256M \
			-i "$RD" -a "$a"
		echo "NT-BENCH-LOG smpcmp $r q-pc starts, uptime $(cut -d' ' -f1 /proc/uptime)"
		# shellcheck disable=SC2086 # $QEMU_CMD, $qargs: several words
		nb_pvhcmp_one $r q-pc $QEMU_CMD $qargs -kernel "$K_cloud" -append "$a"
	done
	echo "NT-BENCH-LOG smpcmp: done, uptime $(cut -d' ' -f1 /proc/uptime)"
}
