"""What the CLI imports to start: a command pays only for the libraries it uses.

Behaviour, not timing: each case runs the command in a fresh interpreter and lists the heavy
modules it left in `sys.modules`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ACME = Path(__file__).parents[2] / "examples" / "acme"

_RUN = """
import sys
from leadrouter.cli import app
sys.argv = ["leadrouter", *sys.argv[1:]]
try:
    app()
except SystemExit:
    pass
heavy = ("numpy", "sqlalchemy", "fastapi", "uvicorn", "alembic", "tldextract", "requests",
         "yaml", "ruamel.yaml", "rich.markdown", "markdown_it", "rapidfuzz", "scipy", "statsmodels",
         "rich._emoji_codes")
print("imported:", " ".join(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


def _imported(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, timeout=120
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("imported:"))
    return set(line.removeprefix("imported:").split())


def test_help__imports_no_engine_service_yaml_or_rich_help_library() -> None:
    assert _imported("--help") == set()


def test_policy_check__imports_no_matcher_or_service_stack(tmp_path: Path) -> None:
    workspace = shutil.copytree(ACME, tmp_path / "acme", ignore=shutil.ignore_patterns(".*"))

    imported = _imported("policy", "check", str(workspace))

    assert "yaml" in imported  # it does read the YAML
    assert not imported & {"numpy", "ruamel.yaml", "sqlalchemy", "fastapi", "uvicorn", "alembic"}
    assert not imported & {"scipy", "statsmodels"}
    assert "rich._emoji_codes" not in imported  # its messages print ":name:" as written


def test_policy_check__of_files_checked_before_imports_no_compiler_library(tmp_path: Path) -> None:
    workspace = shutil.copytree(ACME, tmp_path / "acme", ignore=shutil.ignore_patterns(".*"))
    _imported("policy", "check", str(workspace))

    assert _imported("policy", "check", str(workspace)) == set()
