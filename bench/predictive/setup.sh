#!/usr/bin/env bash
# Creates (or reuses) bench/.venv, shared with the other benches, and installs scikit-learn,
# fairlearn and NumPy from PyPI at pinned versions, and onnx (its checker and reference evaluator
# check the ONNX file the project writes itself). Idempotent: re-running only installs what is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv"
SKLEARN_VERSION=1.9.1
FAIRLEARN_VERSION=0.15.0
NUMPY_VERSION=2.3.4
ONNX_VERSION=1.23.2
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" - "$SKLEARN_VERSION" "$FAIRLEARN_VERSION" "$ONNX_VERSION" <<'PY' 2>/dev/null
import sys, importlib.metadata as m
assert m.version("scikit-learn") == sys.argv[1]
assert m.version("fairlearn") == sys.argv[2]
assert m.version("onnx") == sys.argv[3]
import numpy, sklearn, fairlearn, onnx
PY
then
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "scikit-learn==$SKLEARN_VERSION" \
        "fairlearn==$FAIRLEARN_VERSION" "numpy==$NUMPY_VERSION" "onnx==$ONNX_VERSION"
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print(*(f"{p} {m.version(p)}" for p in ("scikit-learn", "fairlearn", "numpy", "scipy", "onnx")))'
