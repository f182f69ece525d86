# The real-kernel scenarios of `directboot run --accel kvm`: one list,
# run inside the nested harness's L1 (tests/nested/l1-init) and by
# `make test-kvm-real` on hardware KVM (tests/kvm-real.sh).  POSIX sh
# that busybox's ash runs too.  Source it with these set:
#
#   DB        the directboot binary
#   K_cloud, K_generic   Debian's cloud (lz4) and generic (xz) kernels,
#             named vmlinuz-<release>, as Debian ships them
#   RD        the L2 initramfs (tests/nested/l2-init with busybox and the
#             cloud package's virtio modules)
#   RD_SHELL  `make run`'s initramfs (scripts/mkinitramfs.sh shell)
#   RD_DISK_<tag>, IMG_<tag>, TOK_<tag>   for tag 64, pvh, nocache, ro:
#             scripts/mkinitramfs.sh disk's initramfs writing TOK_<tag>,
#             and a fresh mkfs.ext4 image
#   TINY_UD2  a bzImage that triple-faults at once (tests/real-boot.sh)
#   W         a private scratch directory
#
# and these functions:
#   ok NAME SECONDS / bad NAME SECONDS WHY   a scenario's result
#   note NAME TEXT                          a fact recorded, not judged
#   token NAME IMAGE TOKEN                  the host reads IMAGE's
#             /directboot.txt with debugfs and wants TOKEN
#
# nt_all runs every scenario of the default list; nt_extra the ones that
# fail for a directboot bug not fixed yet (see each one's comment).

# ---- helpers -----------------------------------------------------------
nt_now() { cut -d' ' -f1 /proc/uptime; }
nt_secs() { awk -v a="$1" -v b="$(nt_now)" 'BEGIN { printf "%.1f", b - a }'; }

# nt_judge NAME WHY: pass when WHY is empty, with the scenario's time.
nt_judge() {
	if [ -z "$2" ]; then ok "$1" "$(nt_secs "$t0")"
	else bad "$1" "$(nt_secs "$t0")" "$2"; fi
}

# nt_boot IMAGE ARGS...: directboot run with the sandbox on (the
# default); status in $st, output in $W/out and $W/err.
nt_boot() {
	nb_img=$1
	shift
	: >"$W/out"
	[ -n "${NT_VERBOSE:-}" ] && { tail -f "$W/out" >&2 & } && tpid=$!
	nt_db run "$nb_img" --accel kvm -m 256M --timeout 120 "$@" \
		</dev/null >"$W/out" 2>"$W/err"
	st=$?
	[ -n "${NT_VERBOSE:-}" ] && kill $tpid && cat "$W/err" >&2
}

# nt_db ARGS...: directboot under a watchdog.  A run its own --timeout
# does not end would hang the whole L1; the watchdog's SIGKILL (exit
# 137) makes it one failed scenario instead, said as such.
nt_db() {
	timeout -s KILL 200 "$DB" "$@"
	nd_st=$?
	[ $nd_st = 137 ] && echo "nested: the watchdog killed directboot after 200 s" >&2
	return $nd_st
}

nt_tail() { tail -n 3 "$W/out" "$W/err" 2>/dev/null | tr -d '\r' | tr '\n' ' '; }

nt_entry() { # 64|32|pvh|host64: sets $entry to the options
	case $1 in
	64) entry="--entry 64" ;;
	32) entry="--entry 32" ;;
	pvh) entry="--decompress host --entry pvh" ;;
	host64) entry="--decompress host --entry 64" ;;
	esac
}

# nt_mark_why KERNEL CPUS END: why the marker run failed, or nothing.
# END is the kernel's last words ("Restarting system", "Power down").
nt_mark_why() {
	rel=${1##*/vmlinuz-}
	line=$(grep -a '^NT-MARK ' "$W/out" | tr -d '\r' | head -n 1)
	set -- "$2" "$3" $line
	if [ "$st" != 0 ]; then echo "exit $st: $(nt_tail)"
	elif [ "$4" != "$rel" ]; then echo "no 'NT-MARK $rel' line: $(nt_tail)"
	elif [ "$6" != "$1" ]; then echo "$6 CPUs online, not $1"
	elif ! grep -aq "reboot: $2" "$W/out"; then echo "exit 0 but no 'reboot: $2'"
	fi
}

# ---- scenarios ---------------------------------------------------------
# Each kernel on each entry path reaches init with its release and one CPU.
nt_entries() {
	for kind in cloud generic; do
		eval "k=\$K_$kind"
		for path in 64 32 pvh host64; do
			t0=$(nt_now)
			nt_entry $path
			# shellcheck disable=SC2086 # $entry is several words
			nt_boot "$k" $entry -i "$RD" -a "console=ttyS0 quiet nt=mark"
			nt_judge "$kind-$path" "$(nt_mark_why "$k" 1 'Restarting system')"
		done
	done
}

# The TSC-deadline timer: KVM has it, so the guest's CPUID must say so
# (vmm/cpuid.c), and the kernel must keep its LAPIC timer, also on two
# CPUs.  The generic kernel is the one that complained; with MPPARSE it
# finds both CPUs in the MP table, with --no-acpi.
nt_cpu() {
	t0=$(nt_now)
	nt_boot "$K_generic" --entry 64 --no-acpi -c 2 -i "$RD" \
		-a "console=ttyS0 quiet nt=flags"
	line=$(grep -a '^NT-FLAGS ' "$W/out" | tr -d '\r')
	why=
	if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
	elif [ "$line" != "NT-FLAGS yes 0 2" ]; then
		why="got '$line', want 'NT-FLAGS yes 0 2' (tsc_deadline_timer, LAPIC timer kept, 2 CPUs)"
	fi
	nt_judge tsc-deadline "$why"
}

# Every CPU comes up, with the defaults (ACPI on).  The cloud kernel
# has no CONFIG_X86_MPPARSE: it finds APs in ACPI's MADT only.  Each
# boot must also show what a PC's FADT keeps: an rtc0 (rtc_cmos through
# the DSDT's PNP0B00), the i8042's serio0 (PNP0303), the LAPIC as the
# clockevent (on KVM in TSC-deadline mode) and no "APIC timer
# disabled"; and reboot -f, with no
# reboot= given, ends the run with 0 through the FADT's reset register.
# What the cloud kernel sees with --no-acpi is only noted.
nt_smp() {
	for kind in cloud generic; do
		eval "k=\$K_$kind"
		for n in 1 2 4; do
			t0=$(nt_now)
			nt_boot "$k" --entry 64 -c $n -i "$RD" \
				-a "console=ttyS0 quiet nt=mark"
			why=$(nt_mark_why "$k" $n 'Restarting system')
			legacy=$(grep -a '^NT-MARK ' "$W/out" | tr -d '\r' |
				head -n 1 | cut -d' ' -f5-)
			# lapic-deadline: the LAPIC in TSC-deadline mode (cpuid.c).
			case $legacy in
			"rtc0 serio0 lapic apic-timer-ok" | \
			"rtc0 serio0 lapic-deadline apic-timer-ok") ;;
			*) [ -n "$why" ] || why="legacy devices '$legacy', want 'rtc0 serio0 lapic[-deadline] apic-timer-ok'" ;;
			esac
			nt_judge "$kind-smp$n" "$why"
		done
	done
	nt_boot "$K_cloud" --entry 64 --no-acpi -c 2 -i "$RD" \
		-a "console=ttyS0 quiet nt=mark"
	note cloud-smp2-noacpi "exit $st, CPUs online: $(grep -a '^NT-MARK ' "$W/out" | tr -d '\r' | cut -d' ' -f4)"
}

# The ext4 disk: diskinit (tests/tools/diskinit.c) mounts /dev/vda,
# writes the token, syncs and resets; the host reads it back.
nt_disk_one() { # tag extra-options...
	tag=$1
	shift
	t0=$(nt_now)
	eval "rd=\$RD_DISK_$tag img=\$IMG_$tag tok=\$TOK_$tag"
	nt_boot "$K_cloud" --acpi -i "$rd" -a "console=ttyS0 reboot=acpi" "$@"
	said=$(grep -a '^directboot-disk:' "$W/out" | tr -d '\r' | tr '\n' ' ')
	why=
	if [ "$st" != 0 ]; then why="exit $st: $said $(nt_tail)"
	elif ! grep -aq "directboot-disk: wrote $tok" "$W/out"; then why=$said
	fi
	nt_judge "disk-$tag" "$why"
	[ -z "$why" ] && token "disk-$tag-debugfs" "$img" "$tok"
}

nt_disk() {
	nt_disk_one 64 --entry 64 --disk "$IMG_64"
	nt_disk_one pvh --decompress host --entry pvh --disk "$IMG_pvh"
	nt_disk_one nocache --entry 64 --disk "$IMG_nocache,cache=none"
	# A read-only disk: the kernel refuses the read-write mount, and
	# the image keeps every byte.
	t0=$(nt_now)
	before=$(sha256sum "$IMG_ro" | cut -d' ' -f1)
	nt_boot "$K_cloud" --acpi -i "$RD_DISK_ro" --entry 64 \
		--disk "$IMG_ro,ro" -a "console=ttyS0 reboot=acpi"
	after=$(sha256sum "$IMG_ro" | cut -d' ' -f1)
	said=$(grep -a '^directboot-disk:' "$W/out" | tr -d '\r' | tr '\n' ' ')
	why=
	if [ "$st" != 0 ]; then why="exit $st: $said $(nt_tail)"
	elif ! grep -aqE 'directboot-disk: FAILED mount /dev/vda (13|30)' "$W/out"
	then why="the read-write mount was not refused (EACCES or EROFS): $said"
	elif [ "$before" != "$after" ]; then why="the image changed"
	fi
	nt_judge disk-ro "$why"
}

# virtio-net: a TAP in this machine at 10.0.2.1, busybox httpd serving
# 4 MiB of random bytes; the guest pings and fetches them.
nt_net() {
	t0=$(nt_now)
	ip tuntap add dev ntap0 mode tap 2>/dev/null || tunctl -t ntap0 >/dev/null
	ip addr add 10.0.2.1/24 dev ntap0
	ip link set ntap0 up
	mkdir -p "$W/www"
	head -c 4194304 /dev/urandom >"$W/www/blob"
	sum=$(sha256sum "$W/www/blob" | cut -d' ' -f1)
	httpd -f -p 10.0.2.1:8080 -h "$W/www" &
	hpid=$!
	nt_boot "$K_cloud" --acpi --entry 64 --net tap=ntap0 -i "$RD" \
		-a "console=ttyS0 quiet nt=net reboot=acpi"
	line=$(grep -a '^NT-NET ' "$W/out" | tr -d '\r')
	why=
	if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
	elif [ "$line" != "NT-NET ping ok sha $sum" ]; then
		why="got '$line', want ping ok and sha $sum"
	fi
	nt_judge net "$why"
	kill $hpid 2>/dev/null
	ip link del ntap0 2>/dev/null
}

# virtio console as the only console: a shell on hvc0 reads a command.
nt_hvc() {
	t0=$(nt_now)
	rm -f "$W/in"
	mkfifo "$W/in"
	nt_db run "$K_cloud" --accel kvm -m 256M --timeout 120 --acpi \
		--entry 64 --console virtio -i "$RD" \
		-a "console=hvc0 quiet nt=hvc reboot=acpi" \
		<"$W/in" >"$W/out" 2>"$W/err" &
	pid=$!
	exec 7>"$W/in"
	nt_wait_for '# ' 90
	echo 'echo NT-HVC-$((6 * 7))' >&7
	nt_wait_for 'NT-HVC-42' 20
	echo 'reboot -f' >&7
	wait $pid
	st=$?
	exec 7>&-
	why=
	if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
	elif ! grep -aq 'NT-HVC-42' "$W/out"; then why="no answer on hvc0: $(nt_tail)"
	fi
	nt_judge hvc-console "$why"
}

# nt_wait_for TEXT SECONDS: until $W/out holds TEXT.
nt_wait_for() {
	n=0
	while ! grep -aqF "$1" "$W/out" 2>/dev/null && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

nt_rng() {
	t0=$(nt_now)
	nt_boot "$K_cloud" --acpi --entry 64 --rng -i "$RD" \
		-a "console=ttyS0 quiet nt=rng reboot=acpi"
	line=$(grep -a '^NT-RNG ' "$W/out" | tr -d '\r')
	why=
	if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
	elif [ "${line%% 4096}" = "$line" ] || ! echo "$line" | grep -q '^NT-RNG virtio_rng'
	then why="got '$line', want NT-RNG virtio_rng.N 4096"
	fi
	nt_judge rng "$why"
}

# Reset through the keyboard controller and through port 0xcf9.
nt_reboot() {
	for how in k:i8042 pci:cf9; do
		t0=$(nt_now)
		nt_boot "$K_cloud" --entry 64 -i "$RD" \
			-a "console=ttyS0 quiet nt=mark reboot=${how%%:*}"
		nt_judge "reboot-${how#*:}" "$(nt_mark_why "$K_cloud" 1 'Restarting system')"
	done
}

# Exit statuses: 1 for a triple fault, 124 for --timeout, 143 for
# SIGTERM with the terminal it took back as it was.
nt_status() {
	t0=$(nt_now)
	nt_boot "$TINY_UD2" -m 64M
	why=
	[ "$st" = 1 ] || why="exit $st, want 1: $(nt_tail)"
	grep -q 'triple fault' "$W/err" || why="${why:-no 'triple fault' on stderr}"
	nt_judge triple-fault "$why"

	# Whether init ran by then depends on the load: not judged.
	t0=$(nt_now)
	nt_boot "$K_cloud" --entry 64 -i "$RD" --timeout 10 \
		-a "console=ttyS0 quiet nt=sleep"
	why=
	[ "$st" = 124 ] || why="exit $st, want 124: $(nt_tail)"
	grep -q -- '--timeout.* reached' "$W/err" || why="${why:-no '--timeout ... reached' on stderr}"
	nt_judge timeout "$why"

	nt_sigterm
}

# SIGTERM on a run whose stdin is a terminal ($NT_TTY): 143, and the
# terminal's settings as they were before the run put it in raw mode.
nt_sigterm() {
	t0=$(nt_now)
	tty=${NT_TTY:-}
	if [ -z "$tty" ] || ! stty -g <"$tty" >"$W/before" 2>/dev/null; then
		tty=/dev/null
		: >"$W/before"
	fi
	nt_sigterm_once
	# Once in about six full runs the first try saw nothing at all in
	# 90 s, not even directboot's own "stopping the guest" line, and
	# passed when run alone: not understood yet (the closing note of the
	# stop that added this says so).  One more try, said aloud.
	if [ "$st" = 143 ] && ! [ -s "$W/out" ] && ! [ -s "$W/err" ]; then
		if [ -e "$W/opened" ]; then where="directboot was started"
		else where="the shell never got past the redirections (<$tty)"; fi
		note sigterm-retry "first try: exit $st, no output in 90 s; $where"
		nt_sigterm_once
	fi
	why=
	if [ "$st" != 143 ]; then why="exit $st, want 143: $(nt_tail)"
	elif ! grep -aq '^NT-MARK' "$W/out"; then why="init never ran: $(nt_tail)"
	elif [ "$tty" != /dev/null ] && ! cmp -s "$W/before" "$W/after"; then
		why="stty before '$(cat "$W/before")' after '$(cat "$W/after")'"
	fi
	nt_judge sigterm "$why"
}

nt_sigterm_once() {
	# Not under nt_db: the signal must reach directboot itself.  The
	# file "opened" is written after the shell's redirections and just
	# before the exec, so a try that saw nothing tells whether it got
	# as far as starting directboot.
	rm -f "$W/opened"
	sh -c 'echo >"$0"; exec "$@"' "$W/opened" \
		"$DB" run "$K_cloud" --accel kvm -m 256M --timeout 120 --entry 64 \
		-i "$RD" -a "console=ttyS0 quiet nt=sleep" \
		<"$tty" >"$W/out" 2>"$W/err" &
	pid=$!
	nt_wait_for NT-MARK 90
	kill -TERM $pid
	wait $pid
	st=$?
	[ "$tty" = /dev/null ] || stty -g <"$tty" >"$W/after"
}

# ACPI power-off ends the run with 0: \_S5 and the FADT's PM1a_CNT
# (lib/acpi.c), which the launcher answers (devices/acpi_pm.c).  Before
# them the kernel only halted and the run waited for --timeout.
nt_poweroff() {
	t0=$(nt_now)
	nt_boot "$K_cloud" --acpi --entry 64 -i "$RD" --timeout 60 \
		-a "console=ttyS0 quiet nt=poweroff"
	nt_judge poweroff-acpi "$(nt_mark_why "$K_cloud" 1 'Power down')"
}

# `make run`'s initramfs, driven from a pipe: the prompt comes, a
# command runs, `exit` resets.
nt_interactive() {
	t0=$(nt_now)
	rm -f "$W/in"
	mkfifo "$W/in"
	nt_db run "$K_cloud" --accel kvm -m 512M --timeout 120 -i "$RD_SHELL" \
		-a "console=ttyS0 quiet" <"$W/in" >"$W/out" 2>"$W/err" &
	pid=$!
	exec 7>"$W/in"
	nt_wait_for 'busybox shell' 90
	nt_wait_for '# ' 20
	echo 'echo NT-IA-$((6 * 7))' >&7
	nt_wait_for 'NT-IA-42' 20
	echo 'exit' >&7
	wait $pid
	st=$?
	exec 7>&-
	why=
	if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
	elif ! grep -aq 'NT-IA-42' "$W/out"; then why="the command's answer never came: $(nt_tail)"
	fi
	nt_judge interactive "$why"
}

# Not a scenario: how long the launcher takes to exit after the guest's
# last line, with 1, 2 and 4 vCPUs (issue 13, item 5), for a reset
# (reboot -f through the FADT's reset register), an ACPI power-off and a
# halt (the halt watch); only noted.  The time is L1's, from the last
# line directboot wrote to its exit (nt_boot_stamped); it includes the
# guest's own shutdown after that line (stopping the other CPUs).
nt_exitlat() {
	for n in 1 2 4; do
		for m in mark:reboot poweroff halt; do
			nt_boot_stamped "$K_cloud" --entry 64 -c $n -i "$RD" \
				-a "console=ttyS0 quiet nt=${m%%:*}"
			note "exit-latency-${m#*:}-c$n" "exit $st, $lat s from the last line to the exit"
		done
	done
}

# What the kernel counts as memory must not depend on the entry
# (issue 13, item 6).  It seemed to: entry 64 reported 960K less than
# pvh and host64.  memblock=debug showed the one difference, the root of
# sparsemem's mem_section table: 1 MiB under 5-level paging against 16K
# under 4-level.  L1's KVM offers LA57, and only Linux's own
# decompressor (entry 64, 32) switches to 5-level paging; PVH and our
# host64 enter a kernel that keeps the 4-level tables it is given.  So
# the rule checked here: with no5lvl, entry 64 counts what pvh counts,
# give or take the 4K page of setup_data it also reserves; without it,
# the gap is about that 1 MiB when the guest runs 5-level paging (960K
# measured: the root's 1 MiB - 16K, less what the other tables save).
# The longest pause before init is noted (item 7).
nt_mem() {
	t0=$(nt_now)
	why= figs=
	for v in pvh 64:no5lvl 64; do
		nt_entry "${v%%:*}"
		opt=
		[ "$v" = 64:no5lvl ] && opt=no5lvl
		# shellcheck disable=SC2086 # $entry is several words
		nt_boot "$K_cloud" $entry -i "$RD" -a "console=ttyS0 quiet nt=mem $opt"
		kb=$(tr -d '\r' <"$W/out" | sed -n 's/^NT-MEM .*Memory: \([0-9]*\)K.*/\1/p')
		va=$(tr -d '\r' <"$W/out" | sed -n 's/^NT-PAGING \([45]\)-level.*/\1/p')
		[ "$st" = 0 ] && [ -n "$kb" ] && [ -n "$va" ] ||
			why="${why:-$v: exit $st, no Memory: or NT-PAGING line: $(nt_tail)}"
		figs="$figs $v=${kb:-?}K/${va:-?}-level;"
		note "mem-gap-$v" "$(grep -a '^NT-GAP' "$W/out" | tr -d '\r')"
		case $v in
		pvh) base=${kb:-0} ;;
		64:no5lvl) d=$((base - ${kb:-0}))
			[ "$va" = 4 ] && [ $d -ge 0 ] && [ $d -le 8 ] ||
				why="${why:-64 with no5lvl: ${kb}K at ${va}-level, want the ${base}K of pvh (0 to 8K less) at 4-level}" ;;
		64) d=$((base - ${kb:-0}))
			if [ "$va" = 5 ]; then lo=900 hi=1016; else lo=0 hi=8; fi
			[ $d -ge $lo ] && [ $d -le $hi ] ||
				why="${why:-64: ${kb}K at ${va}-level: ${d}K less than pvh, want $lo to $hi}" ;;
		esac
		case $v in
		pvh) [ "$va" = 4 ] || why="${why:-pvh runs ${va}-level paging, want 4}" ;;
		esac
	done
	note mem-accounting "$figs"
	nt_judge mem-accounting "$why"
}

# --accel auto picks kvm: L1's KVM is real (kvm_amd), only slow, and
# the calibration (vmm/calibrate.c) must tell it from an emulating one
# every time, so 10 runs, each judged on its stderr line.  The guest is
# the triple-faulting one: whichever accelerator is picked, the run
# ends at once.  Each run's figure and the calibration's cost are noted.
# It comes first in nt_all: the first runs of KVM in L1 are the slowest
# (33.6 instructions/us in one L1, then 103 to 253).
nt_auto() {
	t0=$(nt_now)
	why= figs= costs=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		nt_db run "$TINY_UD2" --accel auto -m 64M --timeout 60 --timings \
			</dev/null >"$W/out" 2>"$W/err"
		line=$(grep -- '--accel auto:' "$W/err" | head -n 1)
		fig=$(echo "$line" | sed -n 's/.* at \([0-9.]*\) instructions.*/\1/p')
		figs="$figs ${fig:-?}"
		costs="$costs $(grep 'accel calibration' "$W/err" | tr -s ' ' | cut -d' ' -f5)"
		case $line in
		*"--accel auto: kvm"*) ;;
		*) why="${why:-run $i: '${line:-no --accel auto line: $(nt_tail)}'}" ;;
		esac
	done
	note auto-mips "instructions/us:$figs; calibration ms:$costs"
	nt_judge accel-auto-kvm "$why"
}

nt_all() {
	nt_auto
	nt_entries
	nt_cpu
	nt_smp
	nt_disk
	nt_net
	nt_hvc
	nt_rng
	nt_reboot
	nt_status
	nt_poweroff
	nt_panic
	nt_interactive
	nt_mem
	nt_share
	nt_share_kill
	nt_loop
	nt_loop_stdin
	nt_halt
}

# A guest panic ends the run with 4 and the kernel's reason on stderr
# (accel/panic.h): the cloud kernel with no initrd cannot mount a root.
# Before, the kernel spun after its last line and the run waited for
# --timeout.
nt_panic() {
	t0=$(nt_now)
	nt_boot "$K_cloud" --entry 64 -a "console=ttyS0 quiet"
	why=
	if [ "$st" != 4 ]; then
		why="exit $st, want 4: $(nt_tail)"
	elif ! grep -q 'guest panicked: VFS: Unable to mount root fs' "$W/err"; then
		why="no 'guest panicked: VFS: ...' on stderr: $(tail -c 200 "$W/err")"
	fi
	nt_judge panic "$why"
}

# The ones that fail for a directboot bug not fixed yet (none now).
nt_extra() {
	:
}

# nt_names FN...: the results the scenario functions FN give, so that a
# missing one counts as a failure.
nt_names() {
	for fn in "$@"; do
		case $fn in
		nt_all) nt_names nt_auto nt_entries nt_cpu nt_smp nt_disk nt_net \
			nt_hvc nt_rng nt_reboot nt_status nt_poweroff nt_panic \
			nt_interactive nt_mem nt_share nt_share_kill nt_loop \
			nt_loop_stdin nt_halt ;;
		nt_halt) echo halt-poweroff-noacpi-cloud-c1 \
			halt-poweroff-noacpi-cloud-c2 \
			halt-poweroff-noacpi-generic-c2 halt-f-cloud-c1 \
			halt-cli-hlt-c1 halt-f-cloud-c2 halt-cli-hlt-c2 \
			halt-not-idle ;;
		nt_stress20) for k in cloud generic; do
				for n in 1 2 4; do echo "stress-$k-smp$n"; done
			done ;;
		nt_extra) ;;
		nt_entries)
			for k in cloud generic; do
				for p in 64 32 pvh host64; do echo "$k-$p"; done
			done
			;;
		nt_smp) echo cloud-smp1 cloud-smp2 cloud-smp4 generic-smp1 \
			generic-smp2 generic-smp4 ;;
		nt_disk) echo disk-64 disk-64-debugfs disk-pvh disk-pvh-debugfs \
			disk-nocache disk-nocache-debugfs disk-ro ;;
		nt_cpu) echo tsc-deadline ;;
		nt_net) echo net ;;
		nt_hvc) echo hvc-console ;;
		nt_rng) echo rng ;;
		nt_reboot) echo reboot-i8042 reboot-cf9 ;;
		nt_status) echo triple-fault timeout sigterm ;;
		nt_poweroff) echo poweroff-acpi ;;
		nt_panic) echo panic ;;
		nt_interactive) echo interactive ;;
		nt_mem) echo mem-accounting ;;
		nt_auto) echo accel-auto-kvm ;;
		nt_share) echo share-rw share-ro share-root-ro ;;
		nt_share_kill) echo share-kill ;;
		nt_loop) echo loop-cmd loop-rootfs loop-panic loop-timeout ;;
		nt_loop_stdin) echo loop-stdin ;;
		esac
	done | tr ' ' '\n'
}

# ---- virtio-fs (--share) -----------------------------------------------
# nt_fsroot CMD...: CMD in a mount namespace whose root is a bind of /.
# L1's root is its initramfs, which pivot_root(2) refuses to move, and
# virtiofsd's sandbox (-o sandbox=namespace) pivots into the share; a
# bind of / is a mount like any other, so under it the sandbox works as
# on a disk-rooted host.  The paths stay the same.
nt_fsroot() {
	if [ "$(awk '$2 == "/" { print $3; exit }' /proc/mounts)" != rootfs ]; then
		"$@"
		return
	fi
	mkdir -p "$W/fsroot"
	unshare -m sh -c 'mount --rbind / "$0" && cd "$0" &&
		exec chroot . "$@"' "$W/fsroot" "$@"
}

# nt_tree_sum DIR: one checksum of DIR's names and contents.
nt_tree_sum() {
	(cd "$1" && find . | LC_ALL=C sort &&
		find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum |
		cut -d' ' -f1
}

# nt_virtiofsd_why: why L1 cannot serve a share, or nothing.
nt_virtiofsd_why() {
	[ -x /usr/lib/qemu/virtiofsd ] || [ -x /usr/libexec/virtiofsd ] ||
		echo "no virtiofsd in L1 (the host has neither qemu-system-common's nor virtiofsd's)"
}

# Three shares of the cloud kernel's virtio-fs, served by virtiofsd over
# vhost-user: rw (the guest reads 1 MiB L1 wrote, by checksum, and
# writes a file L1 reads back), ro (writes fail with EROFS, and the
# tree's checksum in L1 is the same before and after), and L1's / as
# root,ro (virtiofsd's chroot sandbox: the guest lists L1's top
# directory, and cannot write there).  They show in /proc/mounts with
# their tag as the source.
nt_share() {
	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	rw=$W/share-rw ro=$W/share-ro
	rm -rf "$rw" "$ro"
	mkdir -p "$rw" "$ro/sub"
	head -c 1048576 /dev/urandom >"$rw/in.bin"
	sum=$(sha256sum "$rw/in.bin" | cut -d' ' -f1)
	echo one >"$ro/a.txt"
	head -c 65536 /dev/urandom >"$ro/sub/b.bin"
	before=$(nt_tree_sum "$ro")
	rel=${K_cloud##*/vmlinuz-}
	[ -n "$why" ] || {
		: >"$W/out"
		nt_fsroot timeout -s KILL 200 "$DB" run "$K_cloud" --accel kvm \
			-m 256M --timeout 120 --entry 64 -i "$RD" \
			--share "$rw:rw" --share "$ro:ro,ro" --share /:root,ro --timings \
			-a "console=ttyS0 quiet nt=fs nt.share=rw,ro,root" \
			</dev/null >"$W/out" 2>"$W/err"
		st=$?
		out=$(tr -d '\r' <"$W/out")
		if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
		elif ! echo "$out" | grep -q '^NT-FS-MOUNT rw /mnt/rw virtiofs '; then
			why="no 'rw /mnt/rw virtiofs' in /proc/mounts: $(echo "$out" | grep '^NT-FS' | tr '\n' ' ') $(tail -n 4 "$W/err" | tr '\n' ' ')"
		elif ! echo "$out" | grep -q '^NT-FS-MOUNT ro /mnt/ro virtiofs '; then
			why="no 'ro /mnt/ro virtiofs' in /proc/mounts: $(echo "$out" | grep '^NT-FS' | tr '\n' ' ')"
		elif ! echo "$out" | grep -qx "NT-FS-READ $sum"; then
			why="guest read $(echo "$out" | grep '^NT-FS-READ'), want $sum"
		elif ! echo "$out" | grep -qx 'NT-FS-WRITE ok' ||
			[ "$(cat "$rw/out.txt" 2>/dev/null)" != "from-l2 $rel" ]; then
			why="L1 read '$(cat "$rw/out.txt" 2>&1)', want 'from-l2 $rel'"
		fi
	}
	nt_judge share-rw "$why"
	note share-timings "$(grep -a -e 'virtiofsd connected' -e 'vm setup' -e 'exec to first KVM_RUN' "$W/err" | tr -s ' ' | tr '\n' ';')"

	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		after=$(nt_tree_sum "$ro")
		if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
		elif ! echo "$out" | grep -q '^NT-FS-RO .*Read-only file system'; then
			why="creating a file: '$(echo "$out" | grep '^NT-FS-RO ')', want EROFS"
		elif ! echo "$out" | grep -q '^NT-FS-RO-APPEND .*Read-only file system'; then
			why="appending: '$(echo "$out" | grep '^NT-FS-RO-APPEND')', want EROFS"
		elif [ "$before" != "$after" ] || [ -e "$ro/new.txt" ]; then
			why="the read-only tree changed: $before, then $after"
		fi
		note share "ro tree sha256 $before before and $after after"
	}
	nt_judge share-ro "$why"

	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		want="$(ls / | tr '\n' ' ')"
		if [ "$st" != 0 ]; then why="exit $st: $(nt_tail)"
		elif ! echo "$out" | grep -q '^NT-FS-MOUNT root /mnt/root virtiofs '; then
			why="no 'root /mnt/root virtiofs' in /proc/mounts: $(echo "$out" | grep '^NT-FS' | tr '\n' ' ')"
		elif ! echo "$out" | grep -qxF "NT-FS-ROOT $want"; then
			why="guest listed '$(echo "$out" | grep '^NT-FS-ROOT ')', want '$want'"
		elif ! echo "$out" | grep -q '^NT-FS-ROOT-RO .*Read-only file system' ||
			[ -e /nt-new.txt ]; then
			why="writing to / : '$(echo "$out" | grep '^NT-FS-ROOT-RO')', want EROFS"
		fi
	}
	nt_judge share-root-ro "$why"
}

# SIGKILL of directboot leaves no virtiofsd behind (PR_SET_PDEATHSIG:
# the daemon, then its sandboxed child).
nt_share_kill() {
	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		mkdir -p "$W/share-k"
		: >"$W/out"
		# nt_fsroot's command, inline, so that $! is the process that
		# becomes directboot (unshare, sh and chroot each exec the next;
		# where / is a real mount, the bind changes nothing).
		mkdir -p "$W/fsroot"
		unshare -m sh -c 'mount --rbind / "$0" && cd "$0" &&
			exec chroot . "$@"' "$W/fsroot" "$DB" run "$K_cloud" --accel kvm \
			-m 256M --timeout 120 --entry 64 -i "$RD" \
			--share "$W/share-k:k" -a "console=ttyS0 quiet nt=sleep" \
			</dev/null >"$W/out" 2>"$W/err" &
		pid=$!
		nt_wait_for NT-MARK 90
		n_before=$(pidof virtiofsd | wc -w)
		kill -KILL $pid
		wait $pid
		st=$?
		n=0
		while [ -n "$(pidof virtiofsd)" ] && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		left=$(pidof virtiofsd)
		if ! grep -aq NT-MARK "$W/out"; then why="init never ran: $(nt_tail)"
		elif [ "$n_before" -lt 1 ]; then why="no virtiofsd ran"
		elif [ "$st" != 137 ]; then why="exit $st, want 137"
		elif [ -n "$left" ]; then why="virtiofsd $left still running 5 s after SIGKILL"
		else note share-kill "$n_before virtiofsd processes, none left $((n / 10)).$((n % 10)) s after SIGKILL"
		fi
	}
	nt_judge share-kill "$why"
}

# ---- the kernel developer's loop (run --rootfs / -- CMD) ------------------
# nt_loop_run ARGS...: directboot run K_cloud --rootfs / --modules
# MODS_cloud ARGS... in nt_fsroot (virtiofsd pivots into /), stdin from
# $loop_in (default /dev/null); status in $st, output in $W/out, $W/err.
nt_loop_run() {
	: >"$W/out"
	nt_fsroot timeout -s KILL 200 "$DB" run "$K_cloud" --accel kvm \
		-m 256M --timeout 120 --rootfs / --modules "$MODS_cloud" "$@" \
		<"${loop_in:-/dev/null}" >"$W/out" 2>"$W/err"
	st=$?
}

# docs/devloop.md: L1's own root (its initramfs, busybox) as L2's root,
# read-only under a tmpfs overlay, the cloud kernel's virtio modules
# loaded by our init, CMD on hvc0 and its status out through the status
# port.  loop-cmd: issue 16's command prints the release alone and exits
# 7.  loop-rootfs: a --share at /mnt/TAG (source TAG), and a write to
# the rootfs stays in L2 (L1's file unchanged).  loop-panic,
# loop-timeout: 4 and 124, each with its message.
nt_loop() {
	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	rel=${K_cloud##*/vmlinuz-}
	[ -n "$why" ] || {
		nt_loop_run -- sh -c 'uname -r; exit 7'
		out=$(tr -d '\r' <"$W/out")
		if [ "$st" != 7 ] || [ "$out" != "$rel" ]; then
			why="exit $st (want 7), stdout '$out' (want '$rel'): $(tail -c 300 "$W/err" | tr '\n' ' ')"
		fi
		note loop-cmd "exit $st in $(nt_secs "$t0") s, stdout '$out'"
	}
	nt_judge loop-cmd "$why"

	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		mkdir -p "$W/loop-share"
		echo from-l1 >"$W/loop-share/f"
		echo l1 >/nt/loop-file
		nt_loop_run --share "$W/loop-share:data" -- sh -c \
			'cat /mnt/data/f; grep -c "^data /mnt/data virtiofs" /proc/mounts; echo l2 >/nt/loop-file; cat /nt/loop-file; hostname'
		out=$(tr -d '\r' <"$W/out" | tr '\n' ' ')
		if [ "$st" != 0 ] || [ "$out" != "from-l1 1 l2 directboot " ]; then
			why="exit $st, stdout '$out' (want 'from-l1 1 l2 directboot '): $(tail -c 300 "$W/err" | tr '\n' ' ')"
		elif [ "$(cat /nt/loop-file)" != l1 ]; then
			why="L1's /nt/loop-file is '$(cat /nt/loop-file)' after L2 wrote it, want l1"
		fi
	}
	nt_judge loop-rootfs "$why"


	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		nt_loop_run -- sh -c 'echo c >/proc/sysrq-trigger'
		[ "$st" = 4 ] && grep -q 'guest panicked: sysrq triggered crash' "$W/err" ||
			why="exit $st (want 4 and 'guest panicked: sysrq ...'): $(tail -c 300 "$W/err" | tr '\n' ' ')"
	}
	nt_judge loop-panic "$why"

	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		: >"$W/out"
		nt_fsroot timeout -s KILL 200 "$DB" run "$K_cloud" --accel kvm \
			-m 256M --timeout 20 --rootfs / --modules "$MODS_cloud" \
			-- sleep 600 </dev/null >"$W/out" 2>"$W/err"
		st=$?
		[ "$st" = 124 ] && grep -q 'timeout 20 s reached' "$W/err" ||
			why="exit $st (want 124 and the --timeout line): $(tail -c 300 "$W/err" | tr '\n' ' ')"
	}
	nt_judge loop-timeout "$why"
}

# A debugging aid for nt_loop, not in any list: the loop with --debug,
# the guest's virtio and init lines as notes.
nt_loop_debug() {
	nt_loop_run --debug -- sh -c 'uname -r; exit 7'
	note loop-debug "exit $st, stdout '$(tr -d '\r' <"$W/out" | tr '\n' ' ')'"
	tr -d '\r' <"$W/err" | grep -ai 'virtio\|fuse\|init\|directboot\|mmio\|LNRO\|overlay' | head -40 |
		while read -r l; do note loop-debug "$l"; done
}

# loop-stdin: CMD reads the launcher's stdin (a file here).  It failed
# (CMD's read got nothing, --timeout ended the run): directboot handed
# held input over as soon as virtio_console posted its receive buffers,
# and Linux's non-multiport console port discards what comes before
# init_port_console() sets guest_connected.  Now the init says when its
# console is open and set (DEVLOOP_READY_PORT), and only then does the
# launcher hand stdin over.
nt_loop_stdin() {
	t0=$(nt_now)
	why=$(nt_virtiofsd_why)
	[ -n "$why" ] || {
		printf 'typed-in\n' >"$W/loop-in"
		loop_in=$W/loop-in nt_loop_run -- sh -c 'read l; echo "got $l"'
		out=$(tr -d '\r' <"$W/out")
		[ "$st" = 0 ] && [ "$out" = "got typed-in" ] ||
			why="exit $st, stdout '$out' (want 'got typed-in'): $(tail -c 300 "$W/err" | tr '\n' ' ')"
	}
	nt_judge loop-stdin "$why"
}

# ---- the halt watch (issue 14) ----------------------------------------
# nt_boot_stamped IMAGE ARGS...: nt_boot, with the uptime of L1 when the
# guest's last line came in $W/last, when the run ended in $t_end, and
# the seconds between them in $lat.
nt_boot_stamped() {
	nbs_img=$1
	shift
	nt_now >"$W/last"
	{
		nt_db run "$nbs_img" --accel kvm -m 256M --timeout 120 "$@" \
			</dev/null 2>"$W/err"
		echo $? >"$W/st"
	} | while IFS= read -r l; do
		printf '%s\n' "$l"
		nt_now >"$W/last"
	done >"$W/out"
	t_end=$(nt_now)
	st=$(cat "$W/st")
	lat=$(awk -v a="$(cat "$W/last")" -v b="$t_end" 'BEGIN { printf "%.2f", b - a }')
}

# nt_halt_why CPUS END: why a run that should end on its own halt
# failed, or nothing (after nt_boot_stamped).  END is the guest's last
# line ("System halted").
nt_halt_why() {
	errl=$(wc -l <"$W/err")
	if [ "$st" != 0 ]; then echo "exit $st, want 0: $(nt_tail)"
	elif ! grep -aq "$2" "$W/out"; then echo "no '$2' on the console: $(nt_tail)"
	elif [ "$errl" != 1 ] || ! grep -q 'guest halted: every CPU stopped' "$W/err"
	then echo "stderr is not the one 'guest halted' line: $(tr '\n' ' ' <"$W/err")"
	elif awk -v l="$lat" 'BEGIN { exit !(l >= 1.0) }'; then
		echo "ended $lat s after the guest's last line, want under 1 s"
	elif [ -n "$1" ] && ! grep -aq "^NT-MARK [^ ]* [^ ]* $1 " "$W/out"; then
		echo "not $1 CPUs online: $(grep -a '^NT-MARK' "$W/out" | tr -d '\r')"
	fi
}

# A halt nothing can wake ends the run with 0 and one line on stderr,
# well under a second after the guest's last line (vmm/run.c's halt
# watch); before, the run waited for --timeout.  Linux's poweroff -f
# with no ACPI falls back to halt ("reboot: System halted"), on the
# cloud kernel (one CPU online; at -c 2 the AP is never started) and the
# generic one (the MP table's 2 CPUs, both halted); busybox's halt -f
# with ACPI; a tiny guest's cli; hlt (at -c 2 the AP never starts).  An
# idle guest (a shell sleeping, interrupts on) is not ended: it runs to
# --timeout.
nt_halt() {
	for n in 1 2; do
		t0=$(nt_now)
		nt_boot_stamped "$K_cloud" --entry 64 --no-acpi -c $n -i "$RD" \
			-a "console=ttyS0 quiet nt=poweroff"
		nt_judge "halt-poweroff-noacpi-cloud-c$n" "$(nt_halt_why 1 'reboot: System halted')"
		note "halt-poweroff-noacpi-cloud-c$n" "exit $st, $lat s after the last line"
	done
	t0=$(nt_now)
	nt_boot_stamped "$K_generic" --entry 64 --no-acpi -c 2 -i "$RD" \
		-a "console=ttyS0 quiet nt=poweroff"
	nt_judge halt-poweroff-noacpi-generic-c2 "$(nt_halt_why 2 'reboot: System halted')"
	note halt-poweroff-noacpi-generic-c2 "exit $st, $lat s after the last line"
	for n in 1 2; do
		t0=$(nt_now)
		nt_boot_stamped "$K_cloud" --entry 64 -c $n -i "$RD" \
			-a "console=ttyS0 quiet nt=halt"
		nt_judge "halt-f-cloud-c$n" "$(nt_halt_why $n 'reboot: System halted')"
		note "halt-f-cloud-c$n" "exit $st, $lat s after the last line"
		t0=$(nt_now)
		nt_boot_stamped "$TINY_HLT" -m 64M -c $n
		nt_judge "halt-cli-hlt-c$n" "$(nt_halt_why '' H)"
		note "halt-cli-hlt-c$n" "exit $st, $lat s after the last line"
	done
	t0=$(nt_now)
	nt_boot "$K_cloud" --entry 64 -c 2 -i "$RD" --timeout 20 \
		-a "console=ttyS0 quiet nt=sleep"
	why=
	if [ "$st" != 124 ]; then why="exit $st, want 124 (--timeout): $(nt_tail)"
	elif ! grep -aq '^NT-MARK' "$W/out"; then why="init never ran: $(nt_tail)"
	elif grep -q 'guest halted' "$W/err"; then why="an idle guest was taken as halted"
	fi
	nt_judge halt-not-idle "$why"
}

# Opt-in, not in nt_all (about 20 boots x 6 cases x 7 s): issue 14's
# "20 boots in a row and no hang" on the nested KVM.  nt_stress N boots
# the cloud and the generic kernel at -c 1, 2 and 4, in rounds of one
# boot per case, N rounds, and judges every boot as nt_smp does: exit 0
# on reboot -f, every CPU online, an rtc0, the i8042's serio0, the LAPIC
# as the clockevent and no "APIC timer disabled".  One result per case,
# "passed/rounds"; each failed boot is a note with its console's tail.
# NT_STRESS_BUDGET=SECONDS (set in a NESTED_ADD init.sh) stops before a
# round that would not fit, so that every case has had the same number
# of boots; the result says how many.  Run it with
#   NESTED_TIMEOUT=3600 sh tests/nested/run.sh nt_stress20
nt_stress() {
	ts0=$(nt_now)
	rounds=0
	for c in cloud-1 cloud-2 cloud-4 generic-1 generic-2 generic-4; do
		eval "good_${c%-*}_${c#*-}=0 first_${c%-*}_${c#*-}="
	done
	while [ $rounds -lt "$1" ]; do
		if [ -n "${NT_STRESS_BUDGET:-}" ] && [ $rounds -gt 0 ] &&
			awk -v s="$ts0" -v now="$(nt_now)" -v r=$rounds \
				-v b="$NT_STRESS_BUDGET" \
				'BEGIN { exit !(now - s + (now - s) / r > b) }'; then
			note stress-budget "stopped after $rounds rounds: one more would pass NT_STRESS_BUDGET=$NT_STRESS_BUDGET s"
			break
		fi
		rounds=$((rounds + 1))
		for kind in cloud generic; do
			eval "k=\$K_$kind"
			for n in 1 2 4; do
				nt_boot "$k" --entry 64 -c $n -i "$RD" \
					-a "console=ttyS0 quiet nt=mark"
				why=$(nt_stress_why "$k" $n)
				if [ -z "$why" ]; then
					eval "good_${kind}_$n=\$((good_${kind}_$n + 1))"
				else
					eval "[ -n \"\$first_${kind}_$n\" ] || first_${kind}_$n=\"round $rounds: \$why\""
					note "stress-$kind-smp$n-round$rounds" "$why; console: $(tail -n 5 "$W/out" | tr -d '\r' | tr '\n' '|')"
				fi
			done
		done
	done
	for kind in cloud generic; do
		for n in 1 2 4; do
			eval "good=\$good_${kind}_$n first=\$first_${kind}_$n"
			note "stress-$kind-smp$n" "$good/$rounds boots passed"
			t0=$ts0
			why=
			[ "$good" = "$rounds" ] && [ "$rounds" -gt 0 ] ||
				why="$good/$rounds passed; $first"
			nt_judge "stress-$kind-smp$n" "$why"
		done
	done
}

# nt_stress_why KERNEL CPUS: nt_smp's checks of one boot.
nt_stress_why() {
	why=$(nt_mark_why "$1" "$2" 'Restarting system')
	legacy=$(grep -a '^NT-MARK ' "$W/out" | tr -d '\r' | head -n 1 | cut -d' ' -f5-)
	case $legacy in
	"rtc0 serio0 lapic apic-timer-ok" | "rtc0 serio0 lapic-deadline apic-timer-ok") ;;
	*) [ -n "$why" ] || why="legacy devices '$legacy', want 'rtc0 serio0 lapic[-deadline] apic-timer-ok'" ;;
	esac
	echo "$why"
}

nt_stress20() { nt_stress 20; }
