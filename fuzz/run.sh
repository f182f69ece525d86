#!/bin/sh
# run.sh BUILD SECONDS NAME...: run each harness $BUILD/fuzz/lf/fuzz_NAME
# for SECONDS, one after the other (never two at once: the machines are
# shared), on its corpus $BUILD/fuzz/corpus/NAME grown from fresh seeds.
# Prints one line per harness with its executions; a crash leaves its
# input under $BUILD/fuzz/artifacts/NAME/ and makes the exit status 1.
set -u
build=$1 secs=$2
shift 2
root=$build/fuzz
sh fuzz/seeds.sh "$build" "$root/seeds" || exit 1
status=0
for h in "$@"; do
	bin=$root/lf/fuzz_$h
	corpus=$root/corpus/$h art=$root/artifacts/$h/ log=$root/$h.log
	seeds=$root/seeds/$h
	mkdir -p "$corpus" "$art" "$seeds"
	t0=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=3072 \
		-print_final_stats=1 -artifact_prefix="$art" \
		"$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	n=$(ls "$corpus" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz: $h: ${execs:-?} executions in ${t}s, $cov," \
			"corpus $n, no crash"
	else
		status=1
		echo "fuzz: $h: CRASH after ${execs:-?} executions (exit $rc);" \
			"input: $(ls -t "$art" | head -1 | sed "s|^|$art|")"
		grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log"
	fi
done
exit $status
