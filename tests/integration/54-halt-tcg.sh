#!/bin/sh
# A halt nothing can wake ends the run on --accel tcg, as on KVM: exit 0,
# one line on stderr ("guest halted: every CPU stopped with interrupts
# off, nothing can wake it"), well under a second after the guest's last
# line (tcg/halt.c asks QEMU's QMP monitor for each CPU's HLT and IF).
# Before, the run waited for --timeout (124).  The cases: Linux's
# `poweroff -f` with --no-acpi, which falls back to halt ("reboot: System
# halted"), on the generic kernel with the MP table's 2 CPUs; busybox's
# `halt -f` on the cloud kernel with ACPI and 2 CPUs; a tiny guest's
# cli; hlt at -c 2, whose AP never starts.  And the negative: a guest
# that only idles (a shell sleeping, interrupts on) runs on to
# --timeout.
#
# One build boots, $DIRECTBOOT (build/directboot unless the caller sets
# it): each boot is a few seconds of TCG.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/real-boot.sh
t_tmpdir

t_need_qemu halt-tcg
cloud=$(tests/fetch-kernels.sh cloud) || cloud=
generic=$(tests/fetch-kernels.sh generic) || generic=
busybox=$(tests/fetch-kernels.sh busybox) || busybox=
if [ -z "$cloud" ] || [ -z "$generic" ] || [ -z "$busybox" ]; then
	fail halt-tcg "tests/fetch-kernels.sh could not fetch cloud, generic or busybox"
	exit 0
fi

mkdir -p "$T/root/bin" "$T/root/proc"
cp "$busybox" "$T/root/bin/busybox"
ln -s busybox "$T/root/bin/sh"
cat >"$T/root/init" <<'INIT'
#!/bin/sh
b=/bin/busybox
$b mount -t proc proc /proc
echo "HALTTEST cpus $($b grep -c ^processor /proc/cpuinfo)"
case $($b cat /proc/cmdline) in
*halttest=idle*) while :; do $b sleep 60; done ;;
*halttest=halt*) $b halt -f ;;
*) $b poweroff -f ;;
esac
INIT
chmod +x "$T/root/init"
(cd "$T/root" && find . | cpio -o -H newc 2>/dev/null) | gzip >"$T/rd.gz"
rb_mkbz_halt "$T/hlt.bz"

# ms: milliseconds of the monotonic clock (through /proc/uptime).
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# run ARGS...: directboot run on tcg with --timeout 120; sets st, the
# milliseconds from the guest's last line to the end ($lat) and in all
# ($total); the console in $T/out, stderr in $T/err.
run() {
	start=$(ms)
	ms >"$T/last"
	{
		timeout 200 "$bin" run --accel tcg --timeout 120 "$@" \
			</dev/null 2>"$T/err"
		echo $? >"$T/st"
	} | while IFS= read -r l; do
		printf '%s\n' "$l"
		ms >"$T/last"
	done >"$T/out"
	end=$(ms)
	st=$(cat "$T/st")
	lat=$((end - $(cat "$T/last")))
	total=$((end - start))
}

# judge NAME LAST-LINE CPUS: the run ended on its halt.
judge() {
	why=
	if [ "$st" != 0 ]; then why="exit $st, want 0: $(tail -n 2 "$T/out" "$T/err" | tr '\n' ' ')"
	elif ! grep -aq "$2" "$T/out"; then why="no '$2' on the console: $(tail -n 2 "$T/out" | tr '\n' ' ')"
	elif [ "$(wc -l <"$T/err")" != 1 ] ||
		! tr -d '\r' <"$T/err" | grep -q '^directboot: guest halted: every CPU stopped with interrupts off, nothing can wake it$'
	then why="stderr is not the one 'guest halted' line: $(tr '\n' '|' <"$T/err")"
	elif [ -n "$3" ] && ! grep -aq "^HALTTEST cpus $3" "$T/out"; then
		why="not $3 CPUs: $(grep -a HALTTEST "$T/out" | tr -d '\r')"
	elif [ "$lat" -ge 1500 ]; then
		why="ended $lat ms after the guest's last line, want well under a second (bound 1500 ms)"
	elif [ "$total" -ge 60000 ]; then why="took $total ms, half the --timeout"
	fi
	if [ -z "$why" ]; then pass "$1 ($lat ms after the last line, $total ms in all)"
	else fail "$1" "$why"; fi
}

for bin in $DIRECTBOOT; do
	tag=$(dirname "$bin")
	run "$generic" --no-acpi -c 2 -m 256M -i "$T/rd.gz" \
		-a "console=ttyS0 quiet halttest=poweroff"
	judge "$tag/halt-tcg: poweroff -f with --no-acpi, generic, 2 CPUs" \
		'reboot: System halted' 2
	run "$cloud" -c 2 -m 256M -i "$T/rd.gz" \
		-a "console=ttyS0 quiet halttest=halt"
	judge "$tag/halt-tcg: halt -f, cloud, ACPI, 2 CPUs" \
		'reboot: System halted' 2
	run "$T/hlt.bz" -c 2 -m 64M
	judge "$tag/halt-tcg: a tiny guest's cli; hlt, 2 CPUs (the AP never starts)" H ''
	# Idle, not halted: the watch must leave it to --timeout.
	timeout 200 "$bin" run "$cloud" --accel tcg -c 2 -m 256M -i "$T/rd.gz" \
		-a "console=ttyS0 quiet halttest=idle" --timeout 25 \
		</dev/null >"$T/out" 2>"$T/err"
	st=$?
	t_eq "$tag/halt-tcg: an idle guest runs to --timeout (exit 124, init ran, not taken as halted)" \
		"124|HALTTEST cpus 2|0" \
		"$st|$(grep -a -m1 HALTTEST "$T/out" | tr -d '\r')|$(grep -c 'guest halted' "$T/err")"
done
