# bash completion for dspace. Everything it offers comes from dspace itself (verbs from --help, spaces from
# `dspace list --names`, flavours and tools from `dspace plugins --names`), so it sees the same home and plugins.
_dspace() {
    local cur prev verb cword
    _init_completion 2>/dev/null || { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }
    local globals="--help --version --verbose --quiet --plugin --plugin-dir"
    local -a global_args=()
    verb=""
    local i space=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --plugin|--plugin-dir) global_args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}"); ((i++)) ;;
            -*) ;;
            *) verb=${COMP_WORDS[i]}; break ;;
        esac
    done
    # The first word after the verb that is not an option (the space, for most verbs).
    for ((i = i + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) space=${COMP_WORDS[i]}; break ;;
        esac
    done
    local ds=(command dspace "${global_args[@]}")
    case $prev in
        --plugin) COMPREPLY=($(compgen -f -X '!*.so' -- "$cur")); return ;;
        --tool) COMPREPLY=($(compgen -W "liquibase flyway alembic" -- "$cur")); return ;;
        --changelog) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --plugin-dir|--folder) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --flavour|-f) COMPREPLY=($(compgen -W "$("${ds[@]}" plugins --names flavour 2>/dev/null)" -- "$cur")); return ;;
        --snapshotter) COMPREPLY=($(compgen -W "$("${ds[@]}" plugins --names snapshotter 2>/dev/null)" -- "$cur")); return ;;
        --migrator) COMPREPLY=($(compgen -W "$("${ds[@]}" plugins --names migrator 2>/dev/null)" -- "$cur")); return ;;
        --tool) COMPREPLY=($(compgen -W "$("${ds[@]}" plugins --names migrator 2>/dev/null)" -- "$cur")); return ;;
        --format)
            if [[ $verb == export || $verb == create ]]; then COMPREPLY=($(compgen -W "pgdata tar dump" -- "$cur"))
            else COMPREPLY=($(compgen -W "shell dotenv json" -- "$cur")); fi
            return ;;
        --from) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --to|--snap|--snapshot)
            if [[ $verb == export && $prev == --to ]]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
            local snaps=$("${ds[@]}" snapshot ls "$space" --json 2>/dev/null | sed -n 's/^ *"name": "\(.*\)",\{0,1\}$/\1/p')
            COMPREPLY=($(compgen -W "$snaps" -- "$cur")); return ;;
        --from-snapshot)
            local pairs=$("${ds[@]}" snapshot ls 2>/dev/null | awk 'NR > 1 { print $1 "/" $2 }')
            COMPREPLY=($(compgen -W "$pairs" -- "$cur")); return ;;
    esac
    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$globals" -- "$cur"))
        else COMPREPLY=($(compgen -W "$("${ds[@]}" --help 2>/dev/null | awk '/^Verbs:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')" -- "$cur")); fi
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--help $("${ds[@]}" "$verb" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
        return
    fi
    local spaces=$("${ds[@]}" list --names 2>/dev/null)
    case $verb in
        config) COMPREPLY=($(compgen -W "get set unset list" -- "$cur")) ;;
        cache) COMPREPLY=($(compgen -W "ls clear" -- "$cur")) ;;
        snapshot) COMPREPLY=($(compgen -W "ls list inspect rm cp prune verify $spaces" -- "$cur")) ;;
        plugins)
            if [[ $prev == install ]]; then COMPREPLY=($(compgen -f -- "$cur"))
            elif [[ $prev == plugins ]]; then COMPREPLY=($(compgen -W "install rm" -- "$cur")); fi ;;
        setup|gc) ;;
        import) COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "$spaces" -- "$cur")) ;;
        export)
            if [[ -z $space ]]; then COMPREPLY=($(compgen -W "$spaces" -- "$cur"))
            else COMPREPLY=($(compgen -W "$("${ds[@]}" snapshot ls "$space" --json 2>/dev/null | sed -n 's/^ *"name": "\(.*\)",\{0,1\}$/\1/p')" -- "$cur")); fi ;;
        *) COMPREPLY=($(compgen -W "$spaces" -- "$cur")) ;;
    esac
}
complete -F _dspace dspace
