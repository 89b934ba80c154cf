"""`policy check` keeps what it printed for a workspace that passed, and says the same again only
while every file it reads, leadrouter's code and the installed libraries are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrouter.cli import app
from leadrouter.cli.check_cache import CACHE_DIR, check_key
from leadrouter.workspace import workspace_files

ACME = Path(__file__).parents[2] / "examples" / "acme"
runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    for name in ("policy.yaml", "team.yaml", "accounts.csv", "crm.yaml"):
        shutil.copy(ACME / name, tmp_path / name)
    return tmp_path


def check(workspace: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["policy", "check", str(workspace)])
    return result.exit_code, result.output


def test_check__kept_for_the_same_files_prints_the_same_lines(workspace: Path) -> None:
    first = check(workspace)
    assert (workspace / CACHE_DIR / ".gitignore").read_text().endswith("*\n")

    assert check(workspace) == first
    assert first[0] == 0 and "ok: Acme inbound routing" in first[1]


@pytest.mark.parametrize("name", ["policy.yaml", "team.yaml", "accounts.csv", "crm.yaml"])
def test_key__changes_with_every_file_the_check_reads(workspace: Path, name: str) -> None:
    before = check_key(workspace_files(workspace))
    with (workspace / name).open("a") as file:
        file.write("\n# edited\n" if name.endswith(".yaml") else "\n")

    assert check_key(workspace_files(workspace)) != before


def test_check__after_a_pass_still_finds_a_problem_added_to_the_team(workspace: Path) -> None:
    assert check(workspace)[0] == 0
    team = (workspace / "team.yaml").read_text()
    (workspace / "team.yaml").write_text(team.replace("max_per_day: 10", "max_per_day: ten", 1))

    code, output = check(workspace)

    assert code == 1
    assert "team.yaml:" in output and "expected a whole number" in output


def test_check__that_fails_keeps_nothing(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text("version: 1\n")

    assert check(workspace)[0] == 1
    assert not (workspace / CACHE_DIR).exists()


def test_check__never_writes_through_a_cache_folder_that_is_a_link(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (workspace / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)

    assert check(workspace)[0] == 0
    assert list(elsewhere.iterdir()) == []
