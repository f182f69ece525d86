#!/bin/sh
# minimise.sh BUILD SECONDS NAME...: grow fuzz/regressions/NAME/ by what a
# short campaign finds beyond the seeds.  For each harness, one after the
# other (the machines are shared):
#   1. run $BUILD/fuzz/lf/fuzz_NAME for SECONDS from fresh seeds
#      (fuzz/seeds.sh) into an empty corpus, inputs at most MAX_LEN bytes
#      (default 16384: the regressions stay small).  The Debian kernels'
#      headers (kernel-*) are left out of this run: what is checked in
#      grows from our own bytes only (DESIGN.md: code from elsewhere
#      never goes into this project);
#   2. merge (-merge=1 -use_counters=0) that corpus into a directory
#      that already holds the seeds and the inputs checked in: libFuzzer
#      keeps, smallest first, only inputs that reach an edge none of
#      those reaches (hit counts are not new coverage here);
#   3. copy those new inputs, named by their SHA-1 as libFuzzer names
#      them, into fuzz/regressions/NAME/.
# A crash stops the harness's run: its input is under
# $BUILD/fuzz/minimise/artifacts/NAME/, and is not copied (a crash is
# fixed first, then its input checked in by hand).  Prints, per harness,
# the coverage (libFuzzer's cov:) of the seeds alone and of the seeds
# with the regressions, and what was added.
set -u
build=$1 secs=$2
shift 2
: "${MAX_LEN:=16384}"
root=$build/fuzz/minimise
rm -rf "$root"
mkdir -p "$root"
sh fuzz/seeds.sh "$build" "$root/seeds" >"$root/seeds.log" 2>&1 ||
	{ cat "$root/seeds.log"; exit 1; }

# Seeds are read whole (up to 64 KiB of a Debian kernel) when coverage
# is measured and merged; only what the campaign finds is bounded.
ALL_LEN=1048576

# cov BIN DIR...: the coverage libFuzzer reports after reading DIR...
cov() {
	bin=$1
	shift
	"$bin" -runs=0 -max_len=$ALL_LEN -rss_limit_mb=3072 "$@" 2>&1 |
		sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p' |
		tail -1
}

status=0
for h in "$@"; do
	bin=$build/fuzz/lf/fuzz_$h
	seeds=$root/seeds/$h corpus=$root/corpus/$h base=$root/base/$h
	art=$root/artifacts/$h/ reg=fuzz/regressions/$h
	own=$root/own/$h
	mkdir -p "$corpus" "$base" "$art" "$reg" "$own"
	cp "$seeds"/* "$own"/
	rm -f "$own"/kernel-*
	nice "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=3072 \
		-max_len="$MAX_LEN" -print_final_stats=1 \
		-artifact_prefix="$art" \
		"$corpus" "$own" >"$root/$h.log" 2>&1
	if [ $? -ne 0 ]; then
		status=1
		echo "minimise: $h: CRASH; input under $art"
		grep -m3 -E 'ERROR|SUMMARY|runtime error' "$root/$h.log"
		continue
	fi
	before=$(cov "$bin" "$seeds" "$reg")
	cp "$seeds"/* "$base"/
	[ -z "$(ls "$reg")" ] || cp "$reg"/* "$base"/
	ls "$base" | sort >"$root/$h.had"
	nice "$bin" -merge=1 -use_counters=0 -max_len=$ALL_LEN \
		-rss_limit_mb=3072 \
		"$base" "$corpus" >"$root/$h.merge.log" 2>&1 ||
		{ status=1; echo "minimise: $h: merge failed"; continue; }
	ls "$base" | sort | comm -13 "$root/$h.had" - >"$root/$h.new"
	while read -r f; do
		cp "$base/$f" "$reg/$f"
	done <"$root/$h.new"
	after=$(cov "$bin" "$seeds" "$reg")
	bytes=0
	while read -r f; do
		bytes=$((bytes + $(stat -c %s "$reg/$f")))
	done <"$root/$h.new"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$root/$h.log")
	echo "minimise: $h: ${execs:-?} executions in ${secs}s," \
		"corpus $(ls "$corpus" | wc -l); seeds and regressions:" \
		"$before -> $after; added $(wc -l <"$root/$h.new")" \
		"inputs, $bytes bytes"
done
exit $status
