"""`leadrouter users`: create (password from the environment), list, set-role, deactivate."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from leadrouter.cli import app

runner = CliRunner()


def test_users__create_list_set_role_and_deactivate(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'service.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    monkeypatch.setenv("LEADROUTER_USER_PASSWORD", "correct-horse-battery")
    made = runner.invoke(
        app, ["users", "create", "maria", "--name", "Maria", "--role", "manager", "--db", url]
    )
    assert made.exit_code == 0, made.output
    assert runner.invoke(app, ["users", "set-role", "maria", "admin", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["users", "deactivate", "maria", "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--db", url])
    assert "maria" in listed.output and "admin" in listed.output and " no " in listed.output
    bad = runner.invoke(app, ["users", "create", "x", "--name", "X", "--role", "root", "--db", url])
    assert bad.exit_code != 0 and "viewer" in bad.output
    missing = runner.invoke(app, ["users", "set-role", "nobody", "viewer", "--db", url])
    assert missing.exit_code != 0 and "no user" in missing.output
