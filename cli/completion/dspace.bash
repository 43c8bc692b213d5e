# bash completion for dspace: verbs, then the space names found in $DSPACE_HOME.
_dspace() {
    local cur prev verb words cword
    _init_completion 2>/dev/null || { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }
    local verbs="setup config plugins create list status start stop pause resume rm copy import init up seed dump load reset down snapshot rollback migrate env exec shell logs"
    local globals="--help --version --verbose --quiet --plugin --plugin-dir"
    verb=""
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --plugin|--plugin-dir) ((i++)) ;;
            -*) ;;
            *) verb=${COMP_WORDS[i]}; break ;;
        esac
    done
    case $prev in
        --plugin) COMPREPLY=($(compgen -f -X '!*.so' -- "$cur")); return ;;
        --tool) COMPREPLY=($(compgen -W "liquibase flyway alembic" -- "$cur")); return ;;
        --changelog) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --plugin-dir|--folder) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$globals" -- "$cur"))
        else COMPREPLY=($(compgen -W "$verbs" -- "$cur")); fi
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--help --json $(dspace "$verb" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
        return
    fi
    case $verb in
        config) COMPREPLY=($(compgen -W "get set unset list" -- "$cur")) ;;
        snapshot) COMPREPLY=($(compgen -W "ls inspect rm cp verify $(ls "${DSPACE_HOME:-$HOME/.dataspace}/spaces" 2>/dev/null)" -- "$cur")) ;;
        setup|plugins) ;;
        import) COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "$(ls "${DSPACE_HOME:-$HOME/.dataspace}/spaces" 2>/dev/null)" -- "$cur")) ;;
        *)
            local home=${DSPACE_HOME:-$HOME/.dataspace}
            local spaces=$(ls "$home/spaces" 2>/dev/null)
            COMPREPLY=($(compgen -W "$spaces" -- "$cur")) ;;
    esac
}
complete -F _dspace dspace
