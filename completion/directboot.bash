# bash completion for directboot(1).
# The options come from the installed program's own --help, so they
# cannot fall behind it; the values of the options that take a fixed set
# are listed here.

_directboot_words()
{
	"$1" "${@:2}" --help 2>/dev/null |
		grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ ,]*//' |
		sort -u
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
	case $prev in
	--entry) COMPREPLY=($(compgen -W "auto 32 64 pvh elf" -- "$cur")); return ;;
	--decompress) COMPREPLY=($(compgen -W "guest host" -- "$cur")); return ;;
	--accel) COMPREPLY=($(compgen -W "auto kvm tcg" -- "$cur")); return ;;
	--console) COMPREPLY=($(compgen -W "virtio" -- "$cur")); return ;;
	--net) COMPREPLY=($(compgen -W "tap tap=" -- "$cur")); return ;;
	--user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
	--chroot) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-i | --initrd | -o | --output | --disk | --qemu)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-m | --memory | -a | --append | --cmdline | --subarch | \
	--subarch-data | -c | --cpus | --timeout)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_directboot_words "$prog" "$cmd")" \
			-- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _directboot directboot
