#!/bin/sh
# The man pages render cleanly, and directboot(1) lists exactly the
# options the program's --help texts list: each subcommand's options in
# that subcommand's section (.SS "directboot CMD"), the top-level ones
# in OPTIONS, and nothing that no --help has.  Both sides are parsed, so
# an option added to a --help without the man page fails here.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
t_tmpdir

man1=docs/directboot.1
man3=docs/libdirectboot.3

for page in $man1 $man3; do
	t_eq "groff-ww-$(basename $page)" "" \
		"$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)"
	if command -v man >/dev/null; then
		t_eq "man-l-$(basename $page)" "" \
			"$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)"
	fi
done

# Option words (-x, --long-name) in text: not part of a longer word.
opts() {
	grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[^-]//' | sort -u
}

# The roff source of one section of directboot.1, with \- as -, fonts off.
# $1 matches the .SH/.SS line that starts it.
man_section() {
	awk -v want="$1" '/^\.S[HS] /{ on = ($0 == want) ; next } on' "$man1" |
		grep -v '^\.\\"' | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\%//g'
}

check() { # NAME HELP-TEXT MAN-TEXT
	h=$(printf '%s\n' "$2" | opts)
	m=$(printf '%s\n' "$3" | opts)
	t_eq "help-in-man-$1" "" "$(printf '%s\n' "$h" | grep -vxF -e "$m")"
	t_eq "man-in-help-$1" "" "$(printf '%s\n' "$m" | grep -vxF -e "$h")"
	[ -n "$h" ] || fail "help-has-options-$1" "no options parsed from --help"
}

all_help=$("$DIRECTBOOT" --help)
check directboot "$all_help" "$(man_section '.SH OPTIONS')"
# The subcommands, as --help lists them; none would make the checks
# below that loop over them pass on nothing.
cmds=$("$DIRECTBOOT" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$cmds" ] || fail help-lists-commands "no command parsed from --help"
for cmd in $cmds; do
	help=$("$DIRECTBOOT" "$cmd" --help)
	all_help="$all_help
$help"
	check "$cmd" "$help" "$(man_section ".SS \"directboot $cmd\"")"
done
# Anywhere in the page (synopsis, exit status, examples): no option that
# no --help knows.
whole=$(grep -v '^\.\\"' "$man1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | opts)
t_eq man-page-options-all-known "" \
	"$(printf '%s\n' "$whole" | grep -vxF -e "$(printf '%s\n' "$all_help" | opts)")"
t_eq man-covers-every-command "" "$(for c in $cmds; do
	grep -qxF ".SS \"directboot $c\"" "$man1" || echo "$c"; done)"

v=$("$DIRECTBOOT" --version)
t_eq version-line "directboot 0.1.0 (boot protocol 2.00-2.15)" \
	"$(printf '%s\n' "$v" | sed -n 1p)"
t_eq version-library "libdirectboot 0.1.0 (boot protocol 2.00-2.15)" \
	"$(printf '%s\n' "$v" | sed -n 2p)"

# Bash completion: the commands, then each command's options as its
# --help has them.
comp() { # WORDS...: what completing the last word offers
	bash -c '. completion/directboot.bash
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_directboot; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		comp "$@"
}
if command -v bash >/dev/null; then
	t_eq completion-commands "--help --version extract inspect plan run" \
		"$(comp "$DIRECTBOOT" '' | paste -sd' ')"
	t_eq completion-version "--version" "$(comp "$DIRECTBOOT" --v)"
	for cmd in inspect extract plan run; do
		t_eq "completion-options-$cmd" \
			"$("$DIRECTBOOT" "$cmd" --help | opts | paste -sd' ')" \
			"$(comp "$DIRECTBOOT" "$cmd" x.img - | paste -sd' ')"
	done
	t_eq completion-accel "auto kvm tcg" \
		"$(comp "$DIRECTBOOT" run x --accel '' | paste -sd' ')"
	t_eq completion-entry "pvh" "$(comp "$DIRECTBOOT" plan x --entry p)"
	t_eq completion-console "serial virtio" \
		"$(comp "$DIRECTBOOT" run x --console '' | paste -sd' ')"
	# A path with spaces is one word, whole.
	sp=$T/completion; mkdir -p "$sp"
	: >"$sp/my kernel.img"
	t_eq completion-path-with-spaces "$sp/my kernel.img" \
		"$(comp "$DIRECTBOOT" run "$sp/my")"
	t_eq completion-initrd-with-spaces "$sp/my kernel.img" \
		"$(comp "$DIRECTBOOT" run x -i "$sp/my")"
else
	skip completion "no bash on this host"
fi
