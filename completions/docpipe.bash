# bash completion for docpipe (installed as
# share/bash-completion/completions/docpipe). Format names come from the
# installed docpipe itself (--list-input-formats / --list-output-formats).
_docpipe() {
  local cur prev cmd i
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      --plugin-dir|--formats-dir|--agency-aliases) ((i++)) ;;
      -*) ;;
      *) cmd="${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
    -f|--from)
      COMPREPLY=($(compgen -W "auto $(docpipe --list-input-formats 2>/dev/null)" -- "$cur")); return ;;
    -t|--to)
      # a comma-separated list: complete the name after the last comma
      local done="" last="$cur"
      [[ "$cur" == *,* ]] && done="${cur%,*}," && last="${cur##*,}"
      COMPREPLY=($(compgen -P "$done" -W "$(docpipe --list-output-formats 2>/dev/null)" -- "$last")); return ;;
    --overrides|--agency-aliases)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output|-i|--input|--plugin-dir|--formats-dir|--csv)
      if [[ "$cmd" == run || "$cmd" == merge || "$prev" == --plugin-dir || "$prev" == --formats-dir || ( "$cmd" == convert && "$prev" != -i && "$prev" != --input ) ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      return ;;
    -j|--jobs|--memory-mb|--name|-O|--output-option|--shard) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    if [[ "$cur" == -* ]]; then
      COMPREPLY=($(compgen -W "--help --version --plugin-dir --formats-dir --agency-aliases --list-input-formats --list-output-formats" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "convert formats inspect validate run merge status review" -- "$cur"))
    fi
    return
  fi
  local opts=""
  case "$cmd" in
    convert) opts="-i --input -o --output -f --from -t --to -O --output-option --name --memory-mb --overrides --help" ;;
    formats) opts="-v --verbose --help" ;;
    inspect) opts="-f --from --model --help" ;;
    validate) opts="-f --from --overrides --help" ;;
    run) opts="-i --input -o --output -j --jobs --dry-run --force --known-failures-ok --no-limits --rebuild-ledger --overrides --shard --help" ;;
    merge) opts="-o --output --help" ;;
    status|review) opts="--csv --help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ "$cmd" == status || "$cmd" == review || "$cmd" == merge ]]; then
    COMPREPLY=($(compgen -d -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _docpipe docpipe
