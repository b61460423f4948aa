#!/usr/bin/env bash
# The action's install step: health-gate in a virtualenv of its own under the runner's temp
# folder, so the job's Python and its packages are left alone. Sets the step outputs `python`
# (the virtualenv's interpreter) and `bin` (its health-gate command).
#
# INPUT_PACKAGE  what pip installs (default: the action's own checkout, GITHUB_ACTION_PATH)
# INPUT_PYTHON   the interpreter that creates the virtualenv, 3.11 or newer (default: python3)
set -euo pipefail

: "${GITHUB_OUTPUT:?run this as a GitHub Actions step: GITHUB_OUTPUT is not set}"
python="${INPUT_PYTHON:-python3}"
package="${INPUT_PACKAGE:-}"
if [[ -z "$package" ]]; then
    package="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set and the input package is empty}"
fi
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/health-gate-venv"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "::error title=health-gate::'$python' does not run Python 3.11 or newer: set the input" \
        "python, or run actions/setup-python before this action"
    exit 2
fi

echo "Installing $package into $venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package"
"$venv/bin/health-gate" --version 2>/dev/null || true # the version, where the CLI has --version

{
    echo "python=$venv/bin/python"
    echo "bin=$venv/bin/health-gate"
} >>"$GITHUB_OUTPUT"
