#!/bin/sh
# Hostile virtio drivers: the evil probe's virtio-blk cases
# (evil/evil_virtio.c) under directboot run --accel kvm --disk, the
# sandbox on, in both builds (ASan/UBSan included).  For each way of
# breaking the virtio 1.x rules (a descriptor chain that loops, buffers
# outside RAM or straddling the end of a RAM range (64 MiB; 3 GiB below
# the 32-bit hole with -m 3584M), a 4 GiB length, queue sizes that are
# not a power of two or over QueueNumMax, a ring outside RAM, avail->idx
# jumping by 1000, registers written in the wrong state and width,
# status bits cleared, indirect tables not negotiated, looping or
# nested), the device must:
#   - set DEVICE_NEEDS_RESET in its Status (the probe reads it back) and
#     say why on stderr, and never crash or hang the launcher;
#   - keep the rest of the VM running: the probe goes on, resets the
#     device, writes sector 16 properly and flushes, and both succeed;
#   - have put exactly that sector, and nothing of the bad request, in
#     the file.
# used->idx scribbled on by the driver is not a rule the device can see
# broken (it keeps its own copy): there the request must just complete.
# Nor is a buffer across 0x9fc00: the e820 map reserves [0x9fc00, 1 MiB),
# but it is guest memory in the VM's first slot, so the device may use
# it like any DMA-able guest page (vq_straddle_low).
# The same walker serves virtio-rng (buffers outside RAM, 4 GiB long) and
# virtio-console (a looping transmit chain, a buffer across RAM's end):
# each must be marked and then, after a reset, deliver 64 random bytes
# or print its line on stdout.  The blk case vq_loop also runs beside a
# virtio-rng, which must not be disturbed (the VM runs on).
#
# DIRECTBOOT=path runs one build; by default both build/ and build-san/.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_need_kvm hostile-virtio
t_tmpdir
bins=$(t_bins)

# What the probe writes to sector 16: "EVILSECT" 64 times.
i=0
while [ $i -lt 64 ]; do printf EVILSECT; i=$((i + 1)); done >"$T/want"

BREAKING="vq_loop vq_outside vq_straddle vq_straddle_hole
vq_len4g vq_num vq_ring_outside
vq_idx_jump vq_state vq_clear_bit vq_indirect_unneg vq_indirect_loop
vq_indirect_nested"

for bin in $bins; do
	tag=$(basename "$(dirname "$bin")")
	E=$(dirname "$bin")/evil
	for c in $BREAKING vq_used_jump vq_straddle_low; do
		rm -f "$T/disk.img"
		truncate -s 1M "$T/disk.img"
		mem=64M
		[ $c = vq_straddle_hole ] && mem=3584M
		timeout 120 "$bin" run "$E/evil-$c.elf" --accel kvm -m $mem \
			--timeout 100 --disk "$T/disk.img" </dev/null \
			>"$T/out" 2>"$T/err"
		t_eq "$tag/$c-status" 0 $?
		want=0x1
		case $c in vq_used_jump|vq_straddle_low) want=0x0 ;; esac
		t_eq "$tag/$c-needs-reset" "EVIL NEEDS_RESET=$want" \
			"$(grep -a '^EVIL NEEDS_RESET=' "$T/out")"
		if [ $want = 0x1 ]; then
			grep -q 'DEVICE_NEEDS_RESET' "$T/err" &&
				pass "$tag/$c-reason-on-stderr" ||
				fail "$tag/$c-reason-on-stderr" "$(tail -2 "$T/err")"
		fi
		[ $c = vq_used_jump ] && t_eq "$tag/$c-completed" \
			"EVIL USED_JUMP_COMPLETED=0x1" \
			"$(grep -a '^EVIL USED_JUMP_COMPLETED' "$T/out")"
		t_eq "$tag/$c-recovered-write" "EVIL RECOVERED status=0x0" \
			"$(grep -a '^EVIL RECOVERED' "$T/out")"
		t_eq "$tag/$c-recovered-flush" "EVIL FLUSHED status=0x0" \
			"$(grep -a '^EVIL FLUSHED' "$T/out")"
		dd if="$T/disk.img" bs=512 skip=16 count=1 status=none \
			>"$T/got"
		cmp -s "$T/want" "$T/got" && pass "$tag/$c-sector-on-disk" ||
			fail "$tag/$c-sector-on-disk" "$(head -c 16 "$T/got" | od -c | head -1)"
		# The bad request's data ("BADBYTES") must not be in the file;
		# vq_used_jump's request was good, and went to sector 17.
		bad=$(grep -ac 'BADBYTES' "$T/disk.img")
		if [ $c = vq_used_jump ]; then
			dd if="$T/disk.img" bs=512 skip=17 count=1 status=none |
				grep -q '^\(BADBYTES\)*$' &&
				pass "$tag/$c-good-request-written" ||
				fail "$tag/$c-good-request-written" "sector 17"
		elif [ "$bad" -gt 0 ]; then
			fail "$tag/$c-bad-request-not-written" "BADBYTES in the file"
		else
			pass "$tag/$c-bad-request-not-written"
		fi
		if grep -Eq 'AddressSanitizer|runtime error|sandbox: refused' "$T/err"
		then
			fail "$tag/$c-clean" "$(grep -Em2 'Sanitizer|runtime error|refused' "$T/err")"
		else
			pass "$tag/$c-clean"
		fi
	done

	for c in rng_outside rng_len4g con_loop con_outside vq_loop; do
		case $c in
		rng_*) dev="--rng" want="EVIL RNG RECOVERED len=0x40" ;;
		con_*) dev="--console virtio"
		       want="EVIL CONSOLE RECOVERED used=0x1" ;;
		*) rm -f "$T/disk.img"; truncate -s 1M "$T/disk.img"
		   dev="--rng --disk $T/disk.img"
		   want="EVIL FLUSHED status=0x0" ;;
		esac
		name=$tag/$c-$(echo $dev | sed 's/ .*//; s/^--//')
		timeout 120 "$bin" run "$E/evil-$c.elf" --accel kvm -m 64M \
			--timeout 100 $dev </dev/null >"$T/out" 2>"$T/err"
		t_eq "$name-status" 0 $?
		t_eq "$name-needs-reset" "EVIL NEEDS_RESET=0x1" \
			"$(grep -a '^EVIL NEEDS_RESET=' "$T/out")"
		grep -aq "^$want\$" "$T/out" && pass "$name-recovered" ||
			fail "$name-recovered" "$(grep -a EVIL "$T/out" | tr '\n' ' ')"
		case $c in
		con_*) grep -aq '^EVIL CONSOLE OK$' "$T/out" &&
			pass "$name-hvc0-line" || fail "$name-hvc0-line" \
			"$(tail -c 200 "$T/out")" ;;
		esac
		if grep -Eq 'AddressSanitizer|runtime error|sandbox: refused' "$T/err"
		then
			fail "$name-clean" "$(grep -Em2 'Sanitizer|runtime error|refused' "$T/err")"
		else
			pass "$name-clean"
		fi
	done
done
