# Helpers for the shell tests.  Source it; each check adds one line to
# $RESULTS ("pass NAME" or "fail NAME: why"), which run-all.sh totals.
: "${RESULTS:=/dev/null}"
: "${DIRECTBOOT:=build/directboot}"
: "${TEST_CACHE:=$PWD/tests/.cache}"
export TEST_CACHE

pass() { echo "  ok   $1"; echo "pass $1" >>"$RESULTS"; }
fail() { echo "  FAIL $1${2:+: $2}"; echo "fail $1: $2" >>"$RESULTS"; }

# t_eq NAME EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# t_run NAME CMD...: the command must exit 0
t_run() {
	name=$1; shift
	if "$@" >/tmp/t_run.$$ 2>&1; then pass "$name"
	else fail "$name" "exit $? from $*: $(tail -3 /tmp/t_run.$$ | tr '\n' ' ')"; fi
	rm -f /tmp/t_run.$$
}

# t_status NAME STATUS CMD...: the command must exit with STATUS
t_status() {
	name=$1; want=$2; shift 2
	"$@" >/tmp/t_st.$$ 2>&1; got=$?
	if [ "$got" = "$want" ]; then pass "$name"
	else fail "$name" "exit $got (want $want) from $*: $(tail -3 /tmp/t_st.$$ | tr '\n' ' ')"; fi
	rm -f /tmp/t_st.$$
}

# skip NAME WHY: only for tests that cannot run on this host, said aloud
skip() { echo "  skip $1: $2"; echo "skip $1: $2" >>"$RESULTS"; }
