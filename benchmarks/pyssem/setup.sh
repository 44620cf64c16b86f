#!/usr/bin/env bash
# Create (or reuse) a virtualenv with MIT ARCLab's pyssem (MOCAT-SSEM) for the pyssem-vs-orbitdc benchmark.
#   usage: bash setup.sh DIR        -> DIR/bin/python can run run_pyssem.py
# Idempotent: an existing venv in DIR that already imports pyssem is left as it is.
# Only PyPI is needed.  pyssem's run-time Google-Drive download of a launch/initial-population
# file is avoided by run_pyssem.py, which writes that file itself.
set -euo pipefail

DIR="${1:?usage: setup.sh VENV_DIR}"
PY="${PYTHON:-python3}"
# pyssem 0.1.dev465 was checked with CPython 3.11; pin it for reproducible benchmark numbers
# (override with PYSSEM_SPEC="pyssem" to take the newest).
PYSSEM_SPEC="${PYSSEM_SPEC:-pyssem==0.1.dev465}"

if [ -x "$DIR/bin/python" ] && "$DIR/bin/python" -c "import pyssem.model, seaborn" >/dev/null 2>&1; then
    echo "pyssem venv already usable at $DIR ($("$DIR/bin/python" -c 'from importlib.metadata import version; print(version("pyssem"))'))"
    exit 0
fi

"$PY" -m venv "$DIR"
"$DIR/bin/python" -m pip install --quiet --upgrade pip
# seaborn: imported by pyssem.model (via utils/plotting/SEPDataExport.py) but not declared by the package.
"$DIR/bin/python" -m pip install --quiet "$PYSSEM_SPEC" seaborn
"$DIR/bin/python" -c "import pyssem.model, seaborn; from importlib.metadata import version; print('pyssem', version('pyssem'), 'ready in $DIR')"
