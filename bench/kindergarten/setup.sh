#!/usr/bin/env bash
# Creates (or reuses) bench/.venv, shared with the roster bench, and installs OpenFisca-Core and
# NumPy (and pandas, for reading the export) from PyPI at pinned versions. Idempotent: re-running only installs what is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv"
OPENFISCA_VERSION=46.0.1
NUMPY_VERSION=2.4.6
# run_openfisca.py reads the export with pandas (not a dependency of openfisca-core).
PANDAS_VERSION=3.1.1
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" - "$OPENFISCA_VERSION" <<'PY' 2>/dev/null
import sys, importlib.metadata as m
assert m.version("openfisca-core") == sys.argv[1]
import numpy, openfisca_core, pandas
PY
then
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "openfisca-core==$OPENFISCA_VERSION" "numpy==$NUMPY_VERSION" "pandas==$PANDAS_VERSION"
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("openfisca-core", m.version("openfisca-core"), "numpy", m.version("numpy"), "pandas", m.version("pandas"))'
