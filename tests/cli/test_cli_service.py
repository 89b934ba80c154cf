"""The service commands from a terminal: which database they use, one-line errors instead of
tracebacks, keys list/revoke, policy load, and two `serve` start-ups at once on PostgreSQL."""

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from leadrouter.audit.models import AuditRow
from leadrouter.cli import COMMANDS, app
from leadrouter.cli.serve import start_up
from leadrouter.keys.schemas import Scope
from leadrouter.policies.snapshot import active_version
from leadrouter.reps.models import RepRow
from leadrouter.settings import Settings
from leadrouter.store import Database
from tests.factories import POLICY, TEAM, dedent
from tests.store.databases import POSTGRES, extensions_in_public, postgres_or_skip

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "team.yaml").write_text(dedent(TEAM))
    (folder / "policy.yaml").write_text(dedent(POLICY))
    return folder


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    return url


@pytest.fixture
def empty_schema() -> Iterator[str]:
    """A PostgreSQL schema with no tables at all: what a new deployment starts from."""
    postgres_or_skip()
    schema = f"lr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        extensions_in_public(connection)
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_help__lists_every_command_with_its_own_first_line_of_help():
    result = runner.invoke(app, ["--help"])

    assert result.exit_code == 0
    for name, (_module, line) in COMMANDS.items():
        command = app_command(name)
        assert (command.help or "").split("\n")[0].strip() == line, name
        assert name in result.output


def app_command(name: str):
    import click
    import typer.main

    group = typer.main.get_command(app)
    return group.get_command(click.Context(group), name)  # type: ignore[attr-defined]


def test_keys_scopes__are_the_apis_scopes():
    from leadrouter.cli.keys import SCOPES

    assert tuple(s.value for s in Scope) == SCOPES


def test_report_default_sla__is_the_reports_default():
    from leadrouter.cli.report import _DEFAULT_SLA_MINUTES
    from leadrouter.reports.summary import DEFAULT_SLA

    assert DEFAULT_SLA.total_seconds() == _DEFAULT_SLA_MINUTES * 60


def test_report__refuses_a_missing_sqlite_file_in_one_line_and_creates_nothing(tmp_path: Path):
    missing = tmp_path / "leadrouter.db"
    result = runner.invoke(app, ["report", "--db", f"sqlite:///{missing}"])

    assert result.exit_code == 1
    assert f"error: no database at {missing}" in result.output
    assert "Traceback" not in result.output
    assert not missing.exists()


def test_keys_create__refuses_a_missing_database_instead_of_making_one(tmp_path: Path):
    missing = tmp_path / "elsewhere.db"
    result = runner.invoke(
        app, ["keys", "create", "--name", "n", "--scope", "admin", "--db", f"sqlite:///{missing}"]
    )

    assert result.exit_code == 1
    assert "no database at" in result.output
    assert not missing.exists()


def test_commands__name_the_database_they_use(db_url: str, tmp_path: Path):
    result = runner.invoke(app, ["keys", "list", "--db", db_url])

    assert result.exit_code == 0, result.output
    assert f"database: SQLite file {tmp_path / 'service.db'}" in result.output


def test_a_missing_postgresql_database__is_one_line_saying_to_create_it():
    postgres_or_skip()
    name = f"lr_missing_{uuid.uuid4().hex[:8]}"
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    result = runner.invoke(app, ["keys", "list", "--db", url])

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert f'database "{name}" does not exist' in errors[0]
    assert f"createdb -h 127.0.0.1 -U postgres {name}" in errors[0]
    assert "Traceback" not in result.output


def test_a_postgres_url__is_read_as_psycopg():
    settings = Settings(db="postgres://u@h:5432/leads")

    assert settings.db == "postgresql+psycopg://u@h:5432/leads"


def test_a_postgres_url__opens_the_database(empty_schema: str):
    url = empty_schema.replace("postgresql+psycopg://", "postgres://")
    result = runner.invoke(app, ["db", "upgrade", "--db", url])

    assert result.exit_code == 0, result.output
    assert "database is up to date" in result.output


def test_an_unknown_kind_of_database__is_one_line():
    result = runner.invoke(app, ["report", "--db", "mysql://h/leads"])

    assert result.exit_code == 1
    assert "error: --db 'mysql://h/leads': leadrouter stores its data in SQLite or PostgreSQL" in (
        result.output
    )


def test_keys__create_list_and_revoke_by_name_or_id(db_url: str):
    created = runner.invoke(
        app, ["keys", "create", "--name", "crm", "--scope", "leads:write", "--db", db_url]
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("lr_")

    listed = runner.invoke(app, ["keys", "list", "--db", db_url])
    assert listed.exit_code == 0
    assert "crm" in listed.output and "leads:write" in listed.output and token[:10] in listed.output

    revoked = runner.invoke(app, ["keys", "revoke", "crm", "--db", db_url])
    assert revoked.exit_code == 0, revoked.output
    assert "key 'crm' revoked at" in revoked.output
    again = runner.invoke(app, ["keys", "revoke", "1", "--db", db_url])
    assert "key 'crm' was already revoked at" in again.output

    database = Database(db_url)
    with database.read() as session:
        actions = session.scalars(select(AuditRow.action).where(AuditRow.entity == "key")).all()
    database.dispose()
    assert actions == ["create", "revoke"]


def test_keys_revoke__an_unknown_key_is_one_line(db_url: str):
    result = runner.invoke(app, ["keys", "revoke", "nobody", "--db", db_url])

    assert result.exit_code == 1
    assert "error: no API key with id or name 'nobody'" in result.output


def test_keys_create__an_unknown_scope_names_the_choices(db_url: str):
    args = ["keys", "create", "--name", "x", "--scope", "root", "--db", db_url]
    result = runner.invoke(app, args)

    assert result.exit_code == 2
    assert (
        "choose from leads:read, leads:write, config:read, config:write, metrics:read, admin"
        in result.output
    )


def test_start_up__seeds_an_empty_database_then_says_a_second_workspace_was_not_loaded(
    db_url: str, workspace: Path
):
    database = Database(db_url)
    first = start_up(database, workspace=workspace, demo=False)
    second = start_up(database, workspace=workspace, demo=False)
    database.dispose()

    assert first == [f"seeded the database from {workspace}"]
    assert "already has a team and policies (active policy: t-1)" in second[0]
    assert "was not loaded" in second[0]
    assert f"leadrouter policy load {workspace}" in second[1]


def test_policy_load__stores_a_new_version_and_activates_it_with_an_audit(
    db_url: str, workspace: Path
):
    database = Database(db_url)
    start_up(database, workspace=workspace, demo=False)
    policy = workspace / "policy.yaml"
    policy.write_text(policy.read_text().replace('version: "t-1"', 'version: "t-2"'))

    stored = runner.invoke(app, ["policy", "load", str(workspace), "--db", db_url])
    assert stored.exit_code == 0, stored.output
    assert "stored policy t-2" in stored.output and "active: t-1" in stored.output
    activated = runner.invoke(app, ["policy", "load", str(policy), "--activate", "--db", db_url])
    assert activated.exit_code == 0, activated.output
    assert "policy t-2" in activated.output and "is active (was: t-1)" in activated.output

    with database.read() as session:
        assert active_version(session) == "t-2"
        audit = session.execute(
            select(AuditRow.action, AuditRow.actor).where(AuditRow.entity_id == "t-2")
        ).all()
    database.dispose()
    assert sorted(audit) == [("activate", "cli"), ("create", "cli")]


def test_policy_load__refuses_a_policy_that_does_not_fit_the_databases_team(
    db_url: str, workspace: Path
):
    database = Database(db_url)
    start_up(database, workspace=workspace, demo=False)
    database.dispose()
    policy = workspace / "policy.yaml"
    broken = policy.read_text().replace('version: "t-1"', 'version: "t-3"')
    policy.write_text(broken.replace("route: pool na\n", "route: pool nowhere\n"))

    result = runner.invoke(app, ["policy", "load", str(workspace), "--db", db_url])

    assert result.exit_code == 1
    assert str(policy) in result.output and "nowhere" in result.output


def test_two_serve_nodes_started_at_once_on_postgresql__one_seeds_the_other_says_so_and_serves(
    empty_schema: str, workspace: Path
):
    def node() -> subprocess.Popen[str]:
        command = [
            str(Path(sys.executable).with_name("leadrouter")),
            "serve",
            "--db",
            empty_schema,
            "--workspace",
            str(workspace),
            "--port",
            str(free_port()),
        ]
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ
        )

    nodes = [node(), node()]
    outputs = []
    try:
        for process in nodes:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:  # until it serves, or ends
                lines.append(line)
                if "Uvicorn running on" in line:
                    break
            outputs.append("".join(lines))
    finally:
        for process in nodes:
            process.terminate()
            process.wait(timeout=60)

    for output in outputs:
        assert "Uvicorn running on" in output, output
        assert "Traceback" not in output, output
    seeded = [o for o in outputs if f"seeded the database from {workspace}" in o]
    found_done = [o for o in outputs if "the database already has a team and policies" in o]
    assert len(seeded) == 1 and len(found_done) == 1, outputs
    database = Database(empty_schema)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(RepRow)) == 6
        assert active_version(session) == "t-1"
    database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_report_durations__read_as_people_write_them():
    from leadrouter.cli.report import human_seconds

    shown = [human_seconds(s) for s in (None, 42.4, 245, 8160, 522960)]

    assert shown == ["-", "42s", "4m 05s", "2h 16m", "6d 1h"]


def test_report_figures_for_csv__have_no_float_noise():
    from leadrouter.cli.report import clean

    assert [clean(v) for v in (None, 7, 0.1 + 0.2, 2.0, 1 / 3)] == [None, 7, 0.3, 2, 0.3333]
