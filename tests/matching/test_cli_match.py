import csv
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from leadrouter.cli import app

ACCOUNTS = """
id,name,domains,country,owner,type,parent
acme,Acme Ltd,acme.co.uk,GB,ana,customer,
acme,Acme Duplicate,,,,,
globex,Globex Corporation,globex.com;not..valid,US,bob,prospect,acme
"""

LEADS = """
email,company,country
jo@mail.acme.co.uk,,
max@gmail.com,Globex Corp,US
pat@gmail.com,n/a,
broken,row,with,too,many
kim@initech.io,Initech,US
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_match_command__writes_a_row_per_lead_and_a_summary(tmp_path: Path) -> None:
    accounts = write(tmp_path / "accounts.csv", ACCOUNTS)
    leads = write(tmp_path / "leads.csv", LEADS)
    out = tmp_path / "matches.csv"

    result = CliRunner().invoke(
        app, ["match", str(leads), "--accounts", str(accounts), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["row"], r["account_id"], r["method"], r["strong"]) for r in rows] == [
        ("1", "acme", "domain", "yes"),
        ("2", "globex", "name", "yes"),
        ("3", "", "", ""),
        ("5", "", "", ""),
    ]
    assert "domain acme.co.uk of the email belongs to Acme Ltd (acme)" in rows[0]["reason"]
    assert "company 'n/a' is a placeholder" in rows[2]["reason"]
    assert "4 leads matched against 2 accounts" in result.output
    assert "row 3: id: duplicate id 'acme'" in result.output
    assert "row 4: domains: 'not..valid' is not a domain" in result.output
    assert "row 4 (line 5)" in result.output


def test_match_command__an_unreadable_accounts_file_fails_with_its_reason(tmp_path: Path) -> None:
    accounts = write(tmp_path / "accounts.csv", "account,domain\nAcme,acme.com\n")
    leads = write(tmp_path / "leads.csv", LEADS)

    out = tmp_path / "matches.csv"

    result = CliRunner().invoke(
        app, ["match", str(leads), "--accounts", str(accounts), "--out", str(out)]
    )

    assert result.exit_code == 1
    assert "missing column(s) id, name" in result.output
    assert not out.exists()


LEADS_WITH_IDS = """
lead_id,email,company,country
L-7,jo@mail.acme.co.uk,,
L-9,max@gmail.com,Globex Corp,US
L-12,pat@gmail.com,Capgemini Portugal,PT
"""


def test_match_command__writes_each_lead_s_own_id_from_the_named_column(tmp_path: Path) -> None:
    accounts = write(tmp_path / "accounts.csv", ACCOUNTS)
    leads = write(tmp_path / "leads.csv", LEADS_WITH_IDS)
    out = tmp_path / "matches.csv"

    result = CliRunner().invoke(
        app,
        ["match", str(leads), "-a", str(accounts), "-o", str(out), "--id-column", "lead_id"],
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:3] == ["row", "lead_id", "email"]
    assert [(r["lead_id"], r["account_id"]) for r in rows] == [
        ("L-7", "acme"),
        ("L-9", "globex"),
        ("L-12", ""),
    ]


def test_match_command__an_id_column_the_file_lacks_is_a_usage_error(tmp_path: Path) -> None:
    accounts = write(tmp_path / "accounts.csv", ACCOUNTS)
    leads = write(tmp_path / "leads.csv", LEADS)

    result = CliRunner().invoke(
        app, ["match", str(leads), "-a", str(accounts), "--id-column", "lead_id"]
    )

    assert result.exit_code == 2
    assert "has no column 'lead_id' (--id-column)" in result.output


def test_match_command__summary_lists_the_methods_under_matched_not_under_not_matched(
    tmp_path: Path,
) -> None:
    accounts = write(tmp_path / "accounts.csv", ACCOUNTS)
    leads = write(tmp_path / "leads.csv", LEADS)

    result = CliRunner().invoke(
        app, ["match", str(leads), "-a", str(accounts), "-o", str(tmp_path / "m.csv")]
    )

    labels = [line.strip("│").split("│")[0].strip() for line in result.output.splitlines()]
    order = [
        label
        for label in labels
        if label in ("matched", "strong", "weak (grey zone)", "by domain", "by name", "not matched")
    ]
    assert order == ["matched", "strong", "weak (grey zone)", "by domain", "by name", "not matched"]
