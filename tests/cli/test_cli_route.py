import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrouter.cli import app
from tests.factories import POLICY, TEAM, dedent

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "team.yaml").write_text(dedent(TEAM))
    (tmp_path / "policy.yaml").write_text(dedent(POLICY))
    return tmp_path


def test_policy_check__prints_ok_with_counts(workspace: Path):
    result = runner.invoke(app, ["policy", "check", str(workspace / "policy.yaml")])

    assert result.exit_code == 0, result.output
    assert "ok: Test policy version t-1: 7 rules, 6 reps, 3 pools, 3 queues" in result.output


def test_policy_check__names_file_line_and_column_of_each_problem(workspace: Path):
    broken = (
        dedent(POLICY)
        .replace("route: pool na\n", "route: pool nowhere\n")
        .replace("when: country in EMEA", 'when: country in EMEA and employees > "big"')
    )
    (workspace / "policy.yaml").write_text(broken)
    result = runner.invoke(app, ["policy", "check", str(workspace)])

    assert result.exit_code == 1
    lines = broken.splitlines()
    pool_line = next(i for i, line in enumerate(lines, 1) if "pool nowhere" in line)
    expr_line = next(i for i, line in enumerate(lines, 1) if '"big"' in line)
    assert f"policy.yaml:{pool_line}:" in result.output
    assert "nowhere" in result.output
    assert f"policy.yaml:{expr_line}:" in result.output
    assert "2 problems found" in result.output


def test_policy_test__fails_with_the_trace_of_a_failing_case(workspace: Path):
    cases = """
    tests:
      - name: germans go to lea
        lead: {email: a@b.de, country: Germany, form: demo_request}
        expect: {rule: emea, owner: lea}
      - name: wrong on purpose
        lead: {email: a@b.de, country: Germany, form: demo_request}
        expect: {owner: bob}
    """
    (workspace / "policy.yaml").write_text(dedent(POLICY) + dedent(cases))
    result = runner.invoke(app, ["policy", "test", str(workspace)])

    assert result.exit_code == 1
    assert "PASS germans go to lea" in result.output
    assert "FAIL wrong on purpose" in result.output
    assert "expected owner 'bob', got 'lea'" in result.output
    assert "Rules tried" in result.output
    assert "1 passed, 1 failed" in result.output


def test_route__routes_good_rows_and_reports_bad_ones(workspace: Path, tmp_path: Path):
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "Email,Country,Employees,Form\n"
        "ana@initech.com,USA,5k,demo_request\n"
        "broken,row,with,too,many\n"
        'kim@globex.de,Deutschland,"1,000-5,000",demo_request\n'
        "lee@x.io,Untied States,lots,demo_request\n"
    )
    out = tmp_path / "decisions.jsonl"
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        app,
        [
            "route",
            str(leads),
            "--workspace",
            str(workspace),
            "--out",
            str(out),
            "--at",
            "2026-11-24T15:00:00Z",
            "--rejects",
            str(rejects),
        ],
    )

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["row"] for r in records] == [1, 3, 4]
    assert [r["decision"]["owner"] for r in records] == ["ana", "lea", "bob"]
    assert "1 bad rows were not routed" in result.output and str(rejects) in result.output
    assert "3 leads routed" in result.output
    assert rejects.read_text().splitlines()[1].startswith("2,3,(row),has 5 values")
    warnings = records[2]["decision"]["trace"]["warnings"]
    assert {w["field"] for w in warnings} >= {"employees"}


def test_route__lists_bad_rows_when_no_rejects_file_is_asked_for(workspace: Path, tmp_path: Path):
    leads = tmp_path / "leads.csv"
    leads.write_text("Email,Country\nana@initech.com,USA\nbroken,row,extra\n")
    out = tmp_path / "decisions.jsonl"
    result = runner.invoke(
        app, ["route", str(leads), "--workspace", str(workspace), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert "row 2 (line 3): (row): has 3 values but the header has 2 columns" in result.output


def test_explain__shows_rules_and_reps(workspace: Path):
    lead = '{"email": "jo@initech.com", "country": "Singapore", "form": "demo_request"}'
    result = runner.invoke(
        app, ["explain", lead, "--workspace", str(workspace), "--at", "2026-11-24T15:00:00Z"]
    )

    assert result.exit_code == 0, result.output
    assert "Sent to queue unrouted by rule 'apac'" in result.output
    assert "outside working hours" in result.output


def test_explain__malformed_json_names_line_and_column(workspace: Path):
    result = runner.invoke(app, ["explain", '{"email": ', "--workspace", str(workspace)])

    assert result.exit_code == 2
    assert "lead JSON: line 1 column" in result.output


def test_route__carries_least_recent_order_and_splits_from_lead_to_lead(tmp_path: Path):
    (tmp_path / "team.yaml").write_text(
        dedent(
            """
            reps:
              - {id: ana, name: Ana, email: ana@x.example, languages: [en, de]}
              - {id: bob, name: Bob, email: bob@x.example}
              - {id: cat, name: Cat, email: cat@x.example}
            pools:
              - {id: inbound, members: [ana, bob, cat], strategy: least_recently_assigned}
              - {id: east, members: [ana]}
              - {id: west, members: [bob, cat]}
            queues:
              - {id: unrouted, name: Unrouted, fallback: true}
            """
        )
    )
    (tmp_path / "policy.yaml").write_text(
        dedent(
            """
            version: "c1"
            fallback_queue: unrouted
            distribution:
              seed: 11
              splits:
                both: {east: 1, west: 2}
            rules:
              - {id: split, when: source == "split", route: split both}
              - {id: all, route: pool inbound}
            """
        )
    )
    leads = tmp_path / "leads.csv"
    rows = [f"p{n}@c{n}.com,{'split' if n % 2 else 'web'}" for n in range(12)]
    leads.write_text("Email,Source\n" + "\n".join(rows) + "\n")
    out = tmp_path / "decisions.jsonl"
    args = [
        "route",
        str(leads),
        "-w",
        str(tmp_path),
        "-o",
        str(out),
        "--at",
        "2026-01-05T15:00:00Z",
    ]
    assert runner.invoke(app, args).exit_code == 0
    decisions = [json.loads(line)["decision"] for line in out.read_text().splitlines()]
    pooled = [d["owner"] for d in decisions if d["rule"] == "all"]
    assert sorted(pooled[:3]) == sorted(pooled[3:]) == ["ana", "bob", "cat"]
    assert pooled[:3] == pooled[3:]
    teams = [d["pool"] for d in decisions if d["rule"] == "split"]
    assert teams.count("east") == 2 and teams.count("west") == 4
    runner.invoke(app, args)
    again = [json.loads(line)["decision"]["owner"] for line in out.read_text().splitlines()]
    assert again == [d["owner"] for d in decisions]  # the seed, not the clock, breaks ties
