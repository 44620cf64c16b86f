"""Run every benchmark in turn (``make bench``); each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["screening.py", "--quick"],
    ["deploy.py"],
    ["study.py"],
    ["lifetime.py"],
    ["risk_audit.py"],
    ["environment.py"],  # pyssem's side only when benchmarks/pyssem/setup.sh made .venv-pyssem
    ["slots.py"],
]

if __name__ == "__main__":
    failed = 0
    for args in BENCHMARKS:
        script = HERE / args[0]
        if not script.is_file():
            print(f"== {args[0]}: missing, skipped")
            continue
        print(f"== {' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(script), *args[1:]])
    sys.exit(failed)
