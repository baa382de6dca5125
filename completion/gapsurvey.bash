# bash completion for gapsurvey: commands, subcommands, each command's
# options, and the values that live in the database (form ids from
# `gapsurvey form list`, unit codes from `gapsurvey unit list`, wave names
# from `gapsurvey wave list`), read with the --db the line already names.
# Installed as share/bash-completion/completions/gapsurvey; for a checkout,
# `. completion/gapsurvey.bash`.

_gapsurvey_db_list()   # what ("form", "unit", "wave"): first column, no header
{
    local db=() i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
        --db) db=(--db "${COMP_WORDS[i + 1]}") ;;
        --db=*) db=("${COMP_WORDS[i]}") ;;
        esac
    done
    gapsurvey "${db[@]}" --lang en "$1" list 2>/dev/null | awk 'NR > 1 && $1 != "" { print $1 }'
}

_gapsurvey()
{
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="init form unit wave token run serve import export simulate analyze report demo db help"

    # the command: the first word that is neither a global option nor its value
    cmd=""
    local ci=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --db | --lang) ((i++)) ;;
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; ci=$i; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        case $prev in
        --db) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --lang) COMPREPLY=($(compgen -W "zh en" -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--db --lang --quiet --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    # option values
    case $prev in
    --form) COMPREPLY=($(compgen -W "$(_gapsurvey_db_list form)" -- "$cur")); return ;;
    --unit) COMPREPLY=($(compgen -W "$(_gapsurvey_db_list unit)" -- "$cur")); return ;;
    --wave | --compare-wave) COMPREPLY=($(compgen -W "$(_gapsurvey_db_list wave)" -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "zh en" -- "$cur")); return ;;
    --by) COMPREPLY=($(compgen -W "unit category parent" -- "$cur")); return ;;
    --encoding) COMPREPLY=($(compgen -W "auto utf-8 gb18030" -- "$cur")); return ;;
    --format)
        if [[ $cmd == import ]]; then
            COMPREPLY=($(compgen -W "auto plain kobo wjx" -- "$cur"))
        elif [[ $cmd == report ]]; then
            COMPREPLY=($(compgen -W "html md docx all html,docx html,md,docx" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "plain csv json sav dta xlsx" -- "$cur"))
        fi
        return ;;
    --out | --csv | --each-unit) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o | --output | --slips | --rejects | --tls-cert | --tls-key | --admin-token | --sealed | --key)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --count | --units | --staff | --seed | --threads | --timeout | --max-body | --rate | --min-n | \
        --min-diff | --fdr | --comment-min | --missing | --careless | --factors | --unit-effects | --plant | \
        --overclaim | --token | \
        --verify | --resume | --listen | --base-url | --unit-column | --crosstab)
        return ;;
    esac

    local opts=""
    case $cmd in
    init | form | unit) opts="--help" ;;
    wave) opts="--sealed --key --help" ;;
    token) opts="--form --unit --count --wave --base-url --slips --help" ;;
    run) opts="--unit --token --resume --entry --verify --lang --help" ;;
    serve) opts="--listen --threads --tls-cert --tls-key --admin-token --timeout --max-body --rate --help" ;;
    import) opts="--form --format --wave --encoding --unit-column --create-units --skip-invalid --rejects --dry-run --again --help" ;;
    export) opts="--form --wave --all-waves --format --labels --unit-info --wave-column --scores -o --output --help" ;;
    simulate) opts="--units --staff --seed --wave --plant --overclaim --missing --careless --unit-effects --unbiased-self --help" ;;
    analyze) opts="--form --wave --by --compare-wave --min-n --min-diff --fdr --comment-min --allow-small-groups --validity --factors --drivers --screen --exclude-careless --crosstab --items --json --csv --help" ;;
    report) opts="--out --form --wave --by --lang --compare-wave --min-n --min-diff --fdr --comment-min --allow-small-groups --validity --factors --drivers --screen --exclude-careless --crosstab --no-plots --format --unit --each-unit --help" ;;
    demo) opts="--out --lang --help" ;;
    db) opts="--help" ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # positional words
    local sub=${COMP_WORDS[ci + 1]}
    case $cmd in
    form)
        if ((COMP_CWORD == ci + 1)); then
            COMPREPLY=($(compgen -W "check add list" -- "$cur"))
        elif [[ $sub == check || $sub == add ]]; then
            COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur") $(compgen -d -- "$cur"))
        fi ;;
    unit)
        if ((COMP_CWORD == ci + 1)); then
            COMPREPLY=($(compgen -W "import list remove" -- "$cur"))
        elif [[ $sub == import ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        elif [[ $sub == remove ]]; then
            COMPREPLY=($(compgen -W "$(_gapsurvey_db_list unit)" -- "$cur"))
        fi ;;
    wave)
        if ((COMP_CWORD == ci + 1)); then
            COMPREPLY=($(compgen -W "add close list" -- "$cur"))
        elif [[ $sub == close ]]; then
            COMPREPLY=($(compgen -W "$(_gapsurvey_db_list wave)" -- "$cur"))
        fi ;;
    token)
        ((COMP_CWORD == ci + 1)) && COMPREPLY=($(compgen -W "issue list" -- "$cur")) ;;
    run)
        ((COMP_CWORD == ci + 1)) && COMPREPLY=($(compgen -W "$(_gapsurvey_db_list form)" -- "$cur")) ;;
    import)
        if ((COMP_CWORD == ci + 1)); then
            COMPREPLY=($(compgen -W "list undo" -- "$cur") $(compgen -f -- "$cur"))
        elif [[ $sub != undo ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        fi ;;
    db)
        if ((COMP_CWORD == ci + 1)); then
            COMPREPLY=($(compgen -W "copy" -- "$cur"))
        elif [[ $sub == copy ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))   # a file, or type a postgresql:// URI
        fi ;;
    esac
}
complete -F _gapsurvey gapsurvey
