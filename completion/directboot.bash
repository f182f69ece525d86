# bash completion for directboot(1).
# The options, and the words of those that take a fixed set (shown in
# --help as "--accel auto|kvm|tcg"), come from the installed program's
# own --help, which cli/options.c's one table prints: they cannot fall
# behind it.

_directboot_words()
{
	"$1" "${@:2}" --help 2>/dev/null |
		grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ ,]*//' |
		sort -u
}

# The fixed words of option $3, from "  --opt a|b|c" in the help.
_directboot_values()
{
	"$1" "$2" --help 2>/dev/null |
		sed -n "s/^ *\(-[a-z], \)\{0,1\}$3 \([a-z0-9]*|[a-z0-9|]*\)\( .*\)\{0,1\}\$/\2/p" |
		tr '|' ' '
}

_directboot()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local prog=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null |
			sed -n 's/^  \([a-z][a-z]*\) .*/\1/p') --help --version" \
			-- "$cur"))
		return
	fi
	local words
	words=$(_directboot_values "$prog" "$cmd" "$prev")
	if [ -n "$words" ]; then
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	case $prev in
	--net) COMPREPLY=($(compgen -W "tap tap=" -- "$cur")); return ;;
	--user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
	--chroot) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	-i | --initrd | -o | --output | -k | --kernel | --disk | --qemu)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	-m | --memory | -a | --append | --cmdline | -p | --params | --subarch | \
	--subarch-data | -c | --cpus | --timeout)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_directboot_words "$prog" "$cmd")" \
			-- "$cur"))
	else
		# One name a line: a path with spaces stays one word.
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -o filenames -F _directboot directboot
