"""batch.read_rows: well-formed rows in order, the others reported with their row number."""

from __future__ import annotations

from pathlib import Path

from leadrouter.batch import BadRow, read_rows


def _read(tmp_path: Path, data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[BadRow]]:
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    bad: list[BadRow] = []
    return list(read_rows(path, bad.append)), bad


def test_read_rows__skips_blank_rows_but_counts_them(tmp_path: Path) -> None:
    rows, bad = _read(tmp_path, b"email,company\n , \t\n\na@x.com,X\n")

    assert rows == [(3, {"email": "a@x.com", "company": "X"})]
    assert bad == []


def test_read_rows__reports_a_row_of_the_wrong_width(tmp_path: Path) -> None:
    rows, bad = _read(tmp_path, b"email,company\na@x.com\nb@x.com,B\n")

    assert [number for number, _ in rows] == [2]
    assert bad == [BadRow(1, 2, "(row)", "has 1 values but the header has 2 columns")]


def test_read_rows__reports_the_field_that_is_not_utf8(tmp_path: Path) -> None:
    rows, bad = _read(tmp_path, b"email,company\na@x.com,Caf\xe9\nb@x.com,B\n")

    assert [number for number, _ in rows] == [2]
    assert bad == [BadRow(1, 2, "company", "not valid UTF-8 text")]


def test_with_propensity__is_replace_with_every_other_field_kept() -> None:
    from dataclasses import fields, replace
    from datetime import UTC, datetime

    from leadrouter.model import Decision, Effects, Kind, Propensity, Trace
    from leadrouter.sequence import _with_propensity

    decision = Decision(
        Kind.REP, "rep1", "q", "r1", "v1", datetime(2026, 1, 1, tzinfo=UTC), Trace(),
        Effects(assigned_rep="rep1"), True, "pool1", Propensity(0.5, ("rep2",), "a", "x"),
    )  # fmt: skip
    chance = Propensity(1.0, ("rep1",), None, None)

    made = _with_propensity(decision, chance)

    assert made == replace(decision, propensity=chance)
    assert [f.name for f in fields(Decision)][-1] == "propensity"
