# Helpers for the shell tests.  Every tests/integration script starts
#
#	cd "$(dirname "$0")/../.." || exit 1
#	. tests/lib.sh
#
# then takes what it needs of t_bins, t_need_kvm and t_tmpdir.  Each
# check adds one line to $RESULTS ("pass NAME", "fail NAME: why" or
# "skip NAME: why"), which run-all.sh totals.
: "${RESULTS:=/dev/null}"
: "${TEST_CACHE:=$PWD/tests/.cache}"
export TEST_CACHE

# DIRECTBOOT=path/directboot, given by the caller, is the one build a
# script tests.  Without it, t_bins lists both builds and $DIRECTBOOT is
# the normal one, for the scripts that run one build only.
t_caller_bin=${DIRECTBOOT:-}
: "${DIRECTBOOT:=build/directboot}"

# t_bins: the directboot binaries a script runs against, on one line:
# the caller's $DIRECTBOOT alone, else build/directboot and
# build-san/directboot.  Whether they are built is the script's to check.
t_bins() {
	if [ -n "$t_caller_bin" ]; then
		echo "$t_caller_bin"
	else
		echo build/directboot build-san/directboot
	fi
}

# t_need_kvm NAME: where /dev/kvm cannot be opened read-write, one skip
# line for the whole script, and the script ends (status 0).
t_need_kvm() {
	if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		skip "$1" "no usable /dev/kvm on this host"
		exit 0
	fi
}

# t_need_qemu NAME: without qemu-system-x86_64 (the tcg accelerator's,
# and the peer the QEMU tests compare with), one skip line for the whole
# script, and the script ends (status 0).
t_need_qemu() {
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		skip "$1" "no qemu-system-x86_64 on this host (make deps installs qemu-system-x86)"
		exit 0
	fi
}

# t_tmpdir [VAR]: a private temporary directory, in $VAR (default T),
# removed when the script ends, however it ends (KEEP=1 keeps it, and
# says where).  It owns the EXIT trap: a script that has more to undo (a
# process to kill, a namespace to delete) says so with t_on_exit, never
# with trap.
t_tmpdir() {
	t_tmp=$(mktemp -d "${TMPDIR:-/tmp}/directboot-test.XXXXXX") || exit 1
	eval "${1:-T}=\$t_tmp"
	t_on_exit t_rm_tmpdir
	trap t_at_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# t_on_exit CMD: run CMD when the script ends, before what was asked
# earlier (the temporary directory goes last).
t_exit_cmds=
t_on_exit() { t_exit_cmds="$1${t_exit_cmds:+; $t_exit_cmds}"; }
t_at_exit() { eval "$t_exit_cmds"; }
t_rm_tmpdir() {
	if [ -n "${KEEP:-}" ]; then
		echo "  kept $t_tmp"
	else
		rm -rf "$t_tmp"
	fi
}

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

# t_one_line NAME WANT NEEDLE CMD...: CMD (stdin /dev/null) must exit
# WANT and say exactly one line on stderr, one that holds NEEDLE.  Its
# stdout is kept in $T/out, its stderr in $T/err (t_tmpdir first).
t_one_line() {
	name=$1 want=$2 needle=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	lines=$(wc -l <"$T/err")
	if [ "$got" = "$want" ] && [ "$lines" = 1 ] &&
		grep -qF -- "$needle" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $got (want $want), $lines lines: $(head -c 400 "$T/err" | tr '\n' ' ')"
	fi
}

# skip NAME WHY: only for tests that cannot run on this host, said aloud
skip() { echo "  skip $1: $2"; echo "skip $1: $2" >>"$RESULTS"; }
