"""What the CLI imports to start: a command pays only for the libraries it uses.

Behaviour, not timing: each case runs the command in a fresh interpreter and lists the heavy
modules it left in `sys.modules`.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrouter.cli import app

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
         "rich._emoji_codes", "click")
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
    assert not imported & {"rapidfuzz", "click"}  # fuzzy lookups only for a mistake; typer's click
    assert "rich._emoji_codes" not in imported  # its messages print ":name:" as written


def test_policy_check__of_files_checked_before_imports_no_compiler_library(tmp_path: Path) -> None:
    workspace = shutil.copytree(ACME, tmp_path / "acme", ignore=shutil.ignore_patterns(".*"))
    _imported("policy", "check", str(workspace))

    assert _imported("policy", "check", str(workspace)) == set()


def test_policy_check__pauses_the_cycle_collector_only_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leadrouter.cli.policy as policy_cli

    collector_on: list[bool] = []
    checked = policy_cli._checked
    monkeypatch.setattr(
        policy_cli, "_checked", lambda path: collector_on.append(gc.isenabled()) or checked(path)
    )
    workspace = shutil.copytree(ACME, tmp_path / "acme", ignore=shutil.ignore_patterns(".*"))

    result = CliRunner().invoke(app, ["policy", "check", str(workspace)])

    assert result.exit_code == 0, result.output
    assert collector_on == [False]  # paused while the policy and accounts are built
    assert gc.isenabled()  # and back on for whatever runs next
