"""batch_reading.read_leads: the leads, dedupe keys and bad rows a child process reads are the
ones this process would read, in the same order."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadrouter import batch_reading
from leadrouter.batch import BadRow, Normalized, normalized_rows, read_rows
from leadrouter.batch_reading import CHUNK, read_leads
from leadrouter.matching import dedupe_keys
from leadrouter.model import FieldType

AT = datetime(2026, 11, 24, 15, tzinfo=UTC)
CUSTOM = {"pages_viewed": FieldType.NUMBER}
HEADER = "email,first_name,last_name,country,phone,employees,pages_viewed,created_at\n"


def _leads_csv(path: Path, count: int) -> Path:
    """`count` rows of dirty leads, with a blank row, rows of the wrong width and bad UTF-8."""
    lines = [HEADER.encode()]
    for i in range(count):
        lines.append(
            f"Jo.{i}+x@GoogleMail.com,jo,Doe{i % 7},{['USA', 'de', 'Atlantis', ''][i % 4]},"
            f"{['+1 415 555 0100', '030 1234567', 'n/a'][i % 3]},{['5k', '12', 'lots'][i % 3]},"
            f"{i % 9},{['2026-11-20T10:00:00Z', '', 'soon'][i % 3]}\n".encode()
        )
        if i % 97 == 5:
            lines.append(b"only,three,values\n")
        if i % 131 == 7:
            lines.append(b"\n")
        if i % 151 == 9:
            lines.append(b"x@y.com,Caf\xe9,Doe,US,,,,\n")
    path.write_bytes(b"".join(lines))
    return path


def _here(path: Path, replay: bool) -> tuple[list[Normalized], list[BadRow]]:
    bad: list[BadRow] = []
    leads = [
        (number, lead, now, dedupe_keys(lead))
        for number, lead, now, _ in normalized_rows(
            read_rows(path, bad.append), CUSTOM, AT, replay=replay
        )
    ]
    return leads, bad


def _in_a_fresh_interpreter(check: str, *args: object) -> None:
    """Run `check(*args)` of this module in a new interpreter of one thread, where
    `read_leads` forks its reader (a test runner's own threads would keep it from forking)."""
    call = ", ".join(repr(arg) for arg in args)
    code = f"from tests import test_batch_reading as t; t.{check}({call})"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def child_reads_as_here(folder: str, replay: bool) -> None:
    assert batch_reading._can_fork()  # one thread, Linux, two cores: the reader is a child
    path = _leads_csv(Path(folder) / "leads.csv", 3 * CHUNK + 17)
    bad: list[BadRow] = []

    leads = list(read_leads(path, CUSTOM, AT, bad.append, replay=replay))

    assert (leads, bad) == _here(path, replay)
    assert len(bad) > 3
    # Replayed leads route at their own times; the others at the very `at` given, as here.
    assert any(now != AT for *_, now, _ in leads) is replay
    assert all(lead.received_at is now for _, lead, now, _ in leads if now == AT)


def child_ends_when_stopped_early(folder: str) -> None:
    assert batch_reading._can_fork()
    leads = read_leads(
        _leads_csv(Path(folder) / "leads.csv", 20 * CHUNK), CUSTOM, AT, lambda bad: None
    )

    assert next(leads)[0] == 1
    assert len(multiprocessing.active_children()) == 1
    leads.close()  # type: ignore[attr-defined]

    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("replay", [False, True])
def test_read_leads__gives_what_this_process_reads_in_order(tmp_path: Path, replay: bool) -> None:
    _in_a_fresh_interpreter("child_reads_as_here", str(tmp_path), replay)


def test_read_leads__stopped_early_ends_the_child(tmp_path: Path) -> None:
    _in_a_fresh_interpreter("child_ends_when_stopped_early", str(tmp_path))


def test_read_leads__an_empty_file_gives_no_leads(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b"")

    assert list(read_leads(path, CUSTOM, AT, lambda bad: None)) == []
