#!/usr/bin/env bash
# Creates bench/.venv with OR-Tools (CP-SAT) from PyPI. Idempotent: re-running
# only installs what is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import ortools' 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet 'ortools>=9.10'
fi
"$venv/bin/python" -c 'import ortools; print("ortools", ortools.__version__)'
