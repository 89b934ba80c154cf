"""Every benchmark script starts: `./run bench` runs them all, so one that dies at import (as
bench/dashboard.py once did, on a circular import) stops the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
# machine.py is the reference loop every other script imports; it takes no options.
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name != "machine.py")


@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script__answers_help(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:"), done.stdout
