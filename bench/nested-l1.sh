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
