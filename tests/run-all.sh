#!/bin/sh
# Runs every default test: the cmocka unit tests of both builds (normal
# and ASan/UBSan), then each integration script under tests/integration,
# against both builds where the script asks for it.  Ends with the total
# line "N passed, M failed".
cd "$(dirname "$0")/.." || exit 1
RESULTS=$(mktemp)
export RESULTS
failed_bins=0

for build in build build-san; do
	for t in $build/tests/unit/test_*; do
		[ -x "$t" ] || continue
		echo "== $t"
		if "$t"; then echo "pass $t" >>"$RESULTS"
		else echo "fail $t" >>"$RESULTS"; fi
	done
done

for s in tests/integration/*.sh; do
	[ -f "$s" ] || continue
	echo "== $s"
	sh "$s" || echo "fail $s: script exited $?" >>"$RESULTS"
done

p=$(grep -c '^pass' "$RESULTS")
f=$(grep -c '^fail' "$RESULTS")
s=$(grep -c '^skip' "$RESULTS")
if [ "$f" -gt 0 ]; then
	echo "== failures:"
	grep '^fail' "$RESULTS"
fi
[ "$s" -gt 0 ] && { echo "== skipped:"; grep '^skip' "$RESULTS"; }
rm -f "$RESULTS"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
