#!/bin/sh
# Runs every default test: the cmocka unit tests of both builds (normal
# and ASan/UBSan), then each integration script under tests/integration,
# against both builds where the script asks for it.  Ends with the total
# line "N passed, M failed, K skipped".  A build without unit tests, and
# a script that ends without one check said, count as failures: nothing
# run is not a pass.
cd "$(dirname "$0")/.." || exit 1
RESULTS=$(mktemp)
export RESULTS
trap 'rm -f "$RESULTS"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for build in build build-san; do
	n=0
	for t in $build/tests/unit/test_*; do
		[ -x "$t" ] || continue
		n=$((n + 1))
		echo "== $t"
		if "$t"; then echo "pass $t" >>"$RESULTS"
		else echo "fail $t" >>"$RESULTS"; fi
	done
	[ $n -gt 0 ] ||
		echo "fail $build/tests/unit: no unit test built (make unit)" >>"$RESULTS"
done

for s in tests/integration/*.sh; do
	[ -f "$s" ] || continue
	echo "== $s"
	before=$(wc -l <"$RESULTS")
	sh "$s" || echo "fail $s: script exited $?" >>"$RESULTS"
	[ "$(wc -l <"$RESULTS")" -gt "$before" ] ||
		echo "fail $s: ended without a pass, fail or skip" >>"$RESULTS"
done

p=$(grep -c '^pass' "$RESULTS")
f=$(grep -c '^fail' "$RESULTS")
s=$(grep -c '^skip' "$RESULTS")
if [ "$f" -gt 0 ]; then
	echo "== failures:"
	grep '^fail' "$RESULTS"
fi
[ "$s" -gt 0 ] && { echo "== skipped:"; grep '^skip' "$RESULTS"; }
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
