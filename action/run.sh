#!/usr/bin/env bash
# The action's gate step: maps the action's inputs (INPUT_* variables, set by action.yml) to
# `health-gate check --json` flags, runs it, and hands its JSON verdict and exit code to
# action/report.py, which sets the step outputs, writes the job summary and picks the step's
# exit code. Progress lines of --wait go to stderr, straight into the job log.
#
# HEALTH_GATE_BIN     the CLI to run (default: health-gate on PATH); the tests put a fake here
# HEALTH_GATE_PYTHON  the Python that runs report.py (default: python3)
#
# Written for bash 3.2 too (macOS runners).
set -uo pipefail # no -e: the CLI's exit code is the verdict, not a failure of this script

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gate="${HEALTH_GATE_BIN:-health-gate}"
python="${HEALTH_GATE_PYTHON:-python3}"

args=(check --json)
input_error=""

trim() {
    local text="$1"
    text="${text#"${text%%[![:space:]]*}"}"
    printf '%s' "${text%"${text##*[![:space:]]}"}"
}

# A list input may be written "a,b", "a, b" or one item per line (a YAML block scalar).
as_list() {
    local item out="" items=()
    IFS=, read -r -a items <<<"${1//$'\n'/,}"
    for item in ${items[@]+"${items[@]}"}; do
        item="$(trim "$item")"
        if [[ -n "$item" ]]; then out="${out:+$out,}$item"; fi
    done
    printf '%s' "$out"
}

list_flag() { # FLAG VALUE
    local value
    value="$(as_list "$2")"
    if [[ -n "$value" ]]; then args+=("$1" "$value"); fi
}

value_flag() { # FLAG VALUE
    local value
    value="$(trim "$2")"
    if [[ -n "$value" ]]; then args+=("$1" "$value"); fi
}

# Prints true or false; records an input error for anything else.
boolean() { # INPUT-NAME VALUE DEFAULT
    local value
    value="$(trim "$2")"
    case "$value" in
        "") echo "$3" ;;
        true | True | TRUE) echo true ;;
        false | False | FALSE) echo false ;;
        *)
            echo "$3"
            return 1
            ;;
    esac
}

bool_flag() { # FLAG INPUT-NAME VALUE
    local value
    if ! value="$(boolean "$2" "$3" false)"; then
        input_error="the input $2 must be true or false, not '$3'"
    elif [[ "$value" == true ]]; then
        args+=("$1")
    fi
}

list_flag --regions "${INPUT_REGIONS:-}"
list_flag --services "${INPUT_SERVICES:-}"
list_flag --categories "${INPUT_CATEGORIES:-}"
list_flag --status-codes "${INPUT_STATUS_CODES:-}"
list_flag --ignore-event-types "${INPUT_IGNORE_EVENT_TYPES:-}"
bool_flag --organization organization "${INPUT_ORGANIZATION:-}"
list_flag --account-ids "${INPUT_ACCOUNT_IDS:-}"
value_flag --on-health-api-error "${INPUT_ON_HEALTH_API_ERROR:-}"
value_flag --source "${INPUT_SOURCE:-}"
bool_flag --wait wait "${INPUT_WAIT:-}"
value_flag --max-wait-minutes "${INPUT_MAX_WAIT_MINUTES:-}"
value_flag --poll-interval-seconds "${INPUT_POLL_INTERVAL_SECONDS:-}"
value_flag --params "${INPUT_PARAMS:-}"
value_flag --events-file "${INPUT_EVENTS_FILE:-}"
list_flag --extra-regions "${INPUT_EXTRA_REGIONS:-}"

if ! fail_on_blocked="$(boolean fail-on-blocked "${INPUT_FAIL_ON_BLOCKED:-}" true)"; then
    input_error="the input fail-on-blocked must be true or false, not '${INPUT_FAIL_ON_BLOCKED:-}'"
fi

report=("$python" "$here/report.py" --fail-on-blocked "$fail_on_blocked")
if [[ -n "$input_error" ]]; then
    exec "${report[@]}" --exit-code 2 --input-error "$input_error"
fi

verdict_file="$(mktemp)"
trap 'rm -f "$verdict_file"' EXIT

printf 'Running:'
printf ' %q' "$gate" "${args[@]}"
printf '\n'
"$gate" "${args[@]}" >"$verdict_file"
code=$?

"${report[@]}" --exit-code "$code" --verdict-file "$verdict_file"
status=$?
exit "$status"
