"""The documentation runs: every shell block of README.md and docs/*.md, and every policy example.

A block that works on its own runs as written, in a temporary folder that holds `examples/`
(the repository's own). A block that needs a running server (`serve` in one terminal, commands in
another) runs as written too, with the server started by the test on a free port: the port and
the `<id>` placeholder are the only substitutions, each listed in `SERVER_BLOCKS` (and, in
docs/connectors.md, the CRM's address: a local server that implements the CRM's API). A new shell
block fails `test_every_shell_block__is_run_by_this_module` until it is given a way to run here.
The README's first two commands are covered by running the steps of `./run demo` from a fresh
clone (`./run test` is the suite itself; `./run setup` would reinstall the shared venv).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import leadrouter
from leadrouter.cli import app

ROOT = Path(leadrouter.__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
SHELLS = {"sh", "bash", "shell", "console"}
_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    lang: str
    body: str

    @property
    def first(self) -> str:
        """The first command of the block: how this module recognizes it."""
        return next(
            line.strip() for line in self.body.splitlines() if line.strip() and line[0] != "#"
        )


def blocks(langs: set[str]) -> list[Block]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for fence in _FENCE.finditer(text):
            if fence["lang"] in langs:
                line = text.count("\n", 0, fence.start()) + 1
                found.append(Block(doc.name, line, fence["lang"], fence["body"]))
    return found


def shell_block(doc: str, first: str) -> Block:
    matches = [b for b in blocks(SHELLS) if b.doc == doc and b.first.startswith(first)]
    assert len(matches) == 1, f"{doc}: expected one shell block starting {first!r}"
    return matches[0]


# (document, start of the block's first command): the test that runs the block.
RUN_AS_WRITTEN = {
    ("README.md", "mkdir -p out"),
    ("experiments.md", "cp -r examples/acme draft"),
    ("experiments.md", "leadrouter whatif --workspace examples/acme"),
    ("dashboard.md", "leadrouter db upgrade"),
}
SERVER_BLOCKS = {
    ("README.md", "./run serve"),
    ("README.md", "createdb -h 127.0.0.1"),
    ("README.md", "leadrouter serve --demo"),
    ("notifications.md", "python -m aiosmtpd"),
    ("metrics.md", "curl -s -X POST http://127.0.0.1:8000/v1/keys"),
    ("experiments.md", "leadrouter serve --db sqlite:///ab-demo.db"),
    ("connectors.md", "leadrouter policy check examples/acme"),
    ("connectors.md", "export LEADROUTER_HUBSPOT_CLIENT_SECRET_FILE"),
    ("connectors.md", "export LEADROUTER_SALESFORCE_SHARED_SECRET_FILE"),
}
FRESH_CLONE = {("README.md", "./run demo")}


def test_every_shell_block__is_run_by_this_module():
    known = RUN_AS_WRITTEN | SERVER_BLOCKS | FRESH_CLONE
    unknown = [
        f"{b.doc}:{b.line}: {b.first}"
        for b in blocks(SHELLS)
        if not any(b.doc == doc and b.first.startswith(first) for doc, first in known)
    ]
    assert unknown == [], "shell blocks no test runs; add them to this module"


def env(**extra: str) -> dict[str, str]:
    """The environment of a reader who activated the venv: its `leadrouter` and `python` first."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("LEADROUTER_")}
    variables["PATH"] = f"{BIN}{os.pathsep}{variables.get('PATH', '')}"
    variables["PYTHONPATH"] = str(ROOT / "src")
    variables["NO_COLOR"] = "1"
    variables["COLUMNS"] = "200"
    return {**variables, **extra}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A reader's checkout: the examples, and `.venv` where the README says it is."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / ".venv").symlink_to(BIN.parent)
    return tmp_path


def bash(script: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_readme_demo_commands__run_as_written(folder: Path):
    block = shell_block("README.md", "mkdir -p out")
    done = bash(block.body, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: Acme inbound routing" in done.stdout
    assert " 0 failed" in done.stdout
    assert (folder / "out" / "matches.csv").stat().st_size > 0
    assert len((folder / "out" / "decisions.jsonl").read_text().splitlines()) > 9000
    assert "Traceback" not in done.stderr


def test_experiments_backtest_block__lists_the_failing_test_then_passes(folder: Path):
    block = shell_block("experiments.md", "cp -r examples/acme draft")
    done = bash(block.body, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit status 1" in done.stdout
    assert "a Japanese-speaking lead goes to the Japan team" in done.stderr
    assert "expected pool 'japan', got 'apac'" in done.stderr
    assert "Routing changes by rule" in done.stdout
    result = json.loads((folder / "backtest.json").read_text())
    assert result["tests"]["failed"] == []
    japanese = [c for c in result["changes"] if c["from_rule"] == "japanese-speakers"]
    assert japanese and japanese[0]["to_rule"] == "japanese-speakers"
    assert result["reshuffled"] > 0  # the APAC pool's turn moved: counted apart


def test_experiments_whatif_block__shows_who_absorbs_the_holiday_leads(folder: Path):
    block = shell_block("experiments.md", "leadrouter whatif --workspace examples/acme")
    done = bash(block.body, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Who absorbs the leads" in done.stdout
    assert "ooo amelia 2026-12-21..2027-01-01" in done.stdout
    assert "fatima" in done.stdout and "Traceback" not in done.stderr


def test_dashboard_users_commands__run_as_written(folder: Path):
    block = shell_block("dashboard.md", "leadrouter db upgrade")
    done = bash(block.body, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "maria" in done.stdout and "viewer" in done.stdout
    assert "Traceback" not in done.stderr


# -------------------------------------------------------------------- policy examples


def policy_examples() -> list[Block]:
    return [b for b in blocks({"yaml"}) if re.search(r"^rules:", b.body, re.MULTILINE)]


def test_policy_examples__are_found_in_readme_and_the_language_doc():
    assert {b.doc for b in policy_examples()} >= {"README.md", "policy-language.md"}


@pytest.mark.parametrize("example", policy_examples(), ids=lambda b: f"{b.doc}:{b.line}")
def test_policy_example__passes_check_and_its_own_tests(example: Block, tmp_path: Path):
    # The examples route to the example team's pools and queues, as the docs say.
    shutil.copy(ROOT / "examples" / "acme" / "team.yaml", tmp_path / "team.yaml")
    (tmp_path / "policy.yaml").write_text(example.body)
    runner = CliRunner()

    checked = runner.invoke(app, ["policy", "check", str(tmp_path)])
    tested = runner.invoke(app, ["policy", "test", str(tmp_path)])

    assert checked.exit_code == 0, checked.output
    assert tested.exit_code == 0, tested.output
    assert " 0 failed" in tested.output


def test_team_example__passes_check_with_a_minimal_policy(tmp_path: Path):
    (team,) = [
        b
        for b in blocks({"yaml"})
        if b.doc == "policy-language.md" and re.search(r"^reps:", b.body, re.MULTILINE)
    ]
    (tmp_path / "team.yaml").write_text(team.body)
    (tmp_path / "policy.yaml").write_text(
        'version: "1"\nfallback_queue: unrouted\nrules:\n  - id: all\n    route: pool na_west_smb\n'
    )

    checked = CliRunner().invoke(app, ["policy", "check", str(tmp_path)])

    assert checked.exit_code == 0, checked.output


# -------------------------------------------------------------------- blocks with a server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def server(
    command: str, cwd: Path, port: int, extra: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """`command` (a doc's serve line) running on `port` until the block is done (with `extra`
    variables: those the block exports before it)."""
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command} --port {port}"],
        cwd=cwd,
        env=env(**(extra or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240  # a guard against a server that never starts
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"{command} did not start:\n{output}")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def lines_after(body: str, first: str) -> str:
    """The block without its server line (run by `server` instead)."""
    kept = [line for line in body.splitlines() if not line.strip().startswith(first)]
    return "\n".join(kept) + "\n"


# A reader copies the id from the POST's answer; the block's curl calls keep every answer.
_KEEP_ANSWERS = """
curl() { command curl --fail-with-body "$@" | tee -a answers.txt; echo >> answers.txt; }
first_id() {
  head -1 answers.txt | python -c 'import json, sys; print(json.load(sys.stdin)["lead_id"])'
}
"""


def test_readme_service_block__runs_against_run_serve(folder: Path):
    block = shell_block("README.md", "./run serve")
    run_script = (ROOT / "run").read_text()
    assert 'serve) setup; exec "$VENV/bin/leadrouter" serve --workspace examples/acme' in run_script
    port = free_port()
    script = (
        lines_after(block.body, "./run serve")
        .replace("localhost:8000", f"localhost:{port}")
        .replace("<id>", "$(first_id)")
    )

    with server("leadrouter serve --workspace examples/acme", folder, port):
        done = bash(_KEEP_ANSWERS + script, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    answers_ = [json.loads(line) for line in (folder / "answers.txt").read_text().splitlines()]
    posted, decision, timeline, _unowned = answers_
    assert decision["lead_id"] == posted["lead_id"]
    assert decision["rule"] == posted["rule"] and timeline


def test_readme_postgresql_block__serves_a_database_it_was_told_to_create(folder: Path):
    block = shell_block("README.md", "createdb -h 127.0.0.1")
    name = f"lr_doc_{uuid.uuid4().hex[:10]}"
    create, serve = (
        line.replace("/leadrouter ", f"/{name} ").replace(" leadrouter\n", f" {name}\n")
        for line in block.body.splitlines(keepends=True)
    )
    assert create.strip() == f"createdb -h 127.0.0.1 -U postgres {name}"
    created = bash(create, folder)
    assert created.returncode == 0, created.stderr
    try:
        port = free_port()
        with server(serve.strip(), folder, port) as process:
            assert answers(port)
        output = process.stdout.read() if process.stdout else ""
        assert f"database: PostgreSQL database '{name}'" in output
        assert "seeded the database from examples/acme" in output
    finally:
        bash(f"dropdb -h 127.0.0.1 -U postgres --force {name}", folder)


def test_readme_dashboard_demo_block__serves_the_demo_and_reports_on_it(folder: Path):
    block = shell_block("README.md", "leadrouter serve --demo")
    serve = block.first
    port = free_port()

    with server(serve, folder, port):
        done = bash(lines_after(block.body, serve), folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Leads received" in done.stdout and "Conversion by rule" in done.stdout
    assert "database: SQLite file" in done.stderr


def test_notifications_demo_block__breaches_escalates_and_reassigns(folder: Path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Inbox(Sink):
        def __init__(self) -> None:
            self.mails: list[str] = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    body = shell_block("notifications.md", "python -m aiosmtpd").body
    serve_line = next(line for line in body.splitlines() if line.startswith("leadrouter serve"))
    worker_line = next(line for line in body.splitlines() if line.startswith("leadrouter worker"))
    # Step 3 (a key, then the policy version with the SLA, uploaded and activated), step 4
    # (the lead, whose answer alone is kept for the timeline's <id>).
    activate = body[body.index("KEY=$(") : body.index("# 4.")]
    send = body[body.index("# 4.") : body.index("# 5.")]
    timeline = next(line for line in body.splitlines() if "/timeline" in line)
    inbox = Inbox()
    smtp_port, port = free_port(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    worker = None
    try:
        with server(serve_line, folder, port):
            # Terminal 3; the key is kept in a file for the timeline, which comes at the end.
            active = bash(
                _KEEP_ANSWERS + activate.replace(":8000", f":{port}") + 'echo "$KEY" > .key',
                folder,
            )
            assert active.returncode == 0, active.stdout + active.stderr
            (folder / "answers.txt").unlink()
            script = _KEEP_ANSWERS + "KEY=$(cat .key)\n" + send
            sent = bash(script.replace(":8000", f":{port}"), folder)
            assert sent.returncode == 0, sent.stdout + sent.stderr
            worker = subprocess.Popen(
                ["bash", "-c", "exec " + worker_line.replace(":1025", f":{smtp_port}")],
                cwd=folder,
                env=env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 300  # a guard: the ladder takes ~10 s at --speed 60
            while len(inbox.mails) < 4:
                assert time.monotonic() < deadline, inbox.mails
                time.sleep(0.5)
            script = _KEEP_ANSWERS + "KEY=$(cat .key)\n" + timeline
            shown = bash(script.replace(":8000", f":{port}").replace("<id>", "$(first_id)"), folder)
            assert shown.returncode == 0, shown.stdout + shown.stderr
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        smtp.stop()

    recipients = [re.search(r"^To: (.*)$", mail, re.MULTILINE)[1] for mail in inbox.mails[:4]]
    assert ["anna" in r for r in recipients[:2]] == [True, True], recipients
    assert "henrik" in recipients[2] and "ethan" in recipients[3], recipients
    assert "SLA_BREACHED" in shown.stdout and "SLA_REASSIGNED" in shown.stdout


def test_metrics_block__gives_prometheus_a_key_that_scrapes_and_nothing_else(folder: Path):
    block = shell_block("metrics.md", "curl -s -X POST http://127.0.0.1:8000/v1/keys")
    port = free_port()
    db = "sqlite:///metrics-doc.db"
    with server(f"leadrouter serve --db {db} --workspace examples/acme", folder, port):
        script = (
            f"ADMIN_KEY=$(leadrouter keys create --db {db} --name admin --scope admin)\n"
            + block.body.replace(":8000", f":{port}")
            + "\nTOKEN=$(python -c 'import json,sys; print(json.load(sys.stdin)[\"token\"])'"
            " < answers.txt)\n"
            f'command curl -s -o /dev/null -w "%{{http_code}} " -H "Authorization: Bearer $TOKEN" '
            f"http://127.0.0.1:{port}/metrics\n"
            f'command curl -s -o /dev/null -w "%{{http_code}}" -H "Authorization: Bearer $TOKEN" '
            f"http://127.0.0.1:{port}/v1/leads/waiting\n"
        )
        done = bash(_KEEP_ANSWERS + script, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("200 403"), done.stdout


def test_experiments_abtest_of_strategies_block__reports_both_arms_of_the_pool(folder: Path):
    body = shell_block("experiments.md", "leadrouter serve --db sqlite:///ab-demo.db").body
    serve_line = next(line for line in body.splitlines() if line.startswith("leadrouter serve"))
    port = free_port()
    with server(serve_line, folder, port):
        done = bash(lines_after(body, serve_line).replace(":8000", f":{port}"), folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "round_robin takes 50%, load_balanced takes 50%" in done.stdout
    assert "global_follow_the_sun strategy" in done.stdout
    leads = re.search(r"leads \(share\)\D*([\d,]+) \(50%\)\D*([\d,]+) \(50%\)", done.stdout)
    assert leads and int(leads[1]) + int(leads[2]) == 30, done.stdout


# -------------------------------------------------------------------- CRM connectors


def _exports(body: str, folder: Path) -> dict[str, str]:
    """The variables a block exports, as its shell would set them in `folder`."""
    found = re.findall(r"^export (\w+)=(\S+)$", body, re.MULTILINE)
    return {name: value.replace("$PWD", str(folder)) for name, value in found}


def test_connectors_policy_check_block__accepts_the_acme_crm_file(folder: Path):
    block = shell_block("connectors.md", "leadrouter policy check examples/acme")
    done = bash(block.body, folder)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "crm.yaml hubspot" in done.stdout and "crm.yaml salesforce" in done.stdout


def test_connectors_crm_yaml_example__is_valid():
    from leadrouter.policy.crm import parse_crm

    (example,) = [b for b in blocks({"yaml"}) if b.doc == "connectors.md"]
    assert set(parse_crm(example.body, "connectors.md").sides) == {"hubspot", "salesforce"}


def test_connectors_hubspot_block__routes_contact_512_and_writes_its_owner_back(folder: Path):
    from ..connectors.crm_servers import HubSpotHandler, fixture, serve

    body = shell_block("connectors.md", "export LEADROUTER_HUBSPOT_CLIENT_SECRET_FILE").body
    serve_line = next(line for line in body.splitlines() if line.startswith("leadrouter serve"))
    (folder / "hubspot-client-secret").write_text("doc-client-secret\n")
    (folder / "hubspot-access-token").write_text("doc-access-token\n")
    contact = fixture("hubspot_contact.json")
    contact["properties"] |= {
        "email": "brian@northwind-traders.com",
        "company": "Northwind Traders",
        "state": "CA",
        "recent_conversion_event_name": "demo-request",
    }
    port = free_port()
    with serve(HubSpotHandler, "doc-access-token") as hubspot:
        hubspot.state.records["512"] = contact
        crm = {**_exports(body, folder), "LEADROUTER_HUBSPOT_BASE_URL": hubspot.url}
        with server(serve_line, folder, port, crm):
            script = lines_after(body, serve_line).replace(":8000", f":{port}")
            done = bash(script, folder, LEADROUTER_HUBSPOT_BASE_URL=hubspot.url)

    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = json.JSONDecoder().raw_decode(done.stdout)[0]["results"]
    owner = result["decision"]["owner"]
    assert owner and result["created"], result
    (write,) = hubspot.state.writes("PATCH")
    crm_yaml = (ROOT / "examples" / "acme" / "crm.yaml").read_text()
    owner_id = re.search(rf'^    {owner}: "(\d+)"', crm_yaml, re.MULTILINE)[1]
    assert write.body == {"properties": {"hubspot_owner_id": owner_id}}
    (task,) = hubspot.state.tasks  # acme's na-midmarket rule asks for a call today
    assert task["properties"]["hs_task_subject"].startswith("Call Brian Halligan")


def test_connectors_salesforce_block__routes_the_callouts_lead_and_writes_owner_id(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
):
    from ..connectors.crm_servers import SalesforceHandler, self_signed, serve

    body = shell_block("connectors.md", "export LEADROUTER_SALESFORCE_SHARED_SECRET_FILE").body
    serve_line = next(line for line in body.splitlines() if line.startswith("leadrouter serve"))
    (folder / "salesforce-shared-secret").write_text("doc-shared-secret\n")
    (folder / "salesforce-consumer-secret").write_text("doc-consumer-secret\n")
    org = type(
        "Org",
        (SalesforceHandler,),
        {"client_id": "3MVG9-your-consumer-key", "client_secret": "doc-consumer-secret"},
    )
    tls, certificate = self_signed(tmp_path_factory.mktemp("tls"))
    port = free_port()
    with serve(org, "00D5e000000AbCd!AQ0AQdoc", tls) as salesforce:
        lead = {"Id": "00Q5e00000AbCdEEAV", "OwnerId": "0055e0000000001AAA"}
        salesforce.state.records[lead["Id"]] = lead | {
            "LastModifiedDate": "2026-11-24T15:00:00+00:00"
        }
        crm = {
            **_exports(body, folder),
            "LEADROUTER_SALESFORCE_LOGIN_URL": salesforce.url,
            "REQUESTS_CA_BUNDLE": str(certificate),
        }
        with server(serve_line, folder, port, crm):
            script = (
                lines_after(body, serve_line)
                .replace(":8000", f":{port}")
                .replace("https://acme.my.salesforce.com", salesforce.url)
            )
            done = bash(script, folder, REQUESTS_CA_BUNDLE=str(certificate))

    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = json.JSONDecoder().raw_decode(done.stdout)[0]["results"]
    owner = result["decision"]["owner"]
    assert owner and result["created"], result
    crm_yaml = (ROOT / "examples" / "acme" / "crm.yaml").read_text()
    owner_id = re.search(rf"^    {owner}: (005\w+)$", crm_yaml, re.MULTILINE)[1]
    writes = salesforce.state.writes("PATCH")
    assert [w.body for w in writes] == [{"OwnerId": owner_id}]
    assert "routed 0 new Leads" in done.stdout  # the poll finds the Lead taken in already


# -------------------------------------------------------------------- a fresh clone


def test_fresh_clone__runs_the_steps_of_run_demo_and_run_help(tmp_path: Path):
    block = shell_block("README.md", "./run demo")
    assert [line.split()[0:2] for line in block.body.splitlines()] == [
        ["./run", "demo"],
        ["./run", "test"],
    ]
    clone = tmp_path / "leadrouter"
    cloned = subprocess.run(
        ["git", "clone", "--quiet", str(ROOT), str(clone)], capture_output=True, text=True
    )
    assert cloned.returncode == 0, cloned.stderr
    # `./run setup` would install into the shared venv; the clone borrows it instead.
    (clone / ".venv").symlink_to(BIN.parent)
    run_script = (clone / "run").read_text()
    demo = run_script[
        run_script.index("demo() {") : run_script.index("\n}\n", run_script.index("demo() {"))
    ]
    steps = f"VENV=.venv\n{demo}\n}}\ndemo\n"  # the function as `./run demo` calls it

    helped = subprocess.run(
        ["./run", "help"],
        cwd=clone,
        env=env(PYTHONPATH=str(clone / "src")),
        capture_output=True,
        text=True,
    )
    done = bash(steps, clone, PYTHONPATH=str(clone / "src"))

    assert helped.returncode == 0 and "./run setup" in helped.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout
    assert "Traceback" not in done.stderr
    for name in ("matches.csv", "decisions.jsonl", "rejects.csv"):
        assert (clone / "out" / name).stat().st_size > 0
