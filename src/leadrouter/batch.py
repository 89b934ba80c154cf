"""Routing a CSV of leads in one go: the batch shell around the engine.

Rows are read, normalized and routed one by one through the one routing loop
(`sequence.LeadSequence`), whose rotation state and known-lead index move forward with every
decision, exactly as the service moves them.
A structurally broken row (wrong number of values, undecodable) is reported with its row number
and kept out of routing, never silently dropped; every other row is routed, with data-quality
warnings in its trace. The engine stays pure: this module owns the state between leads.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from leadrouter.codec import decision_json, json_line
from leadrouter.engine import Snapshot, route
from leadrouter.matching import DedupeKeys, KnownLead
from leadrouter.model import Decision, FieldType, Kind, Lead
from leadrouter.normalize import normalize_lead
from leadrouter.policy.lead_time import created_at_of, grace_due
from leadrouter.sequence import LeadSequence

# Form exports carry long free-text fields; the csv default (128 KiB) would reject them.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class BadRow:
    row: int  # 1-based data row number (the header is row 0)
    line: int  # line in the file where the row ends
    field: str
    problem: str


@dataclass(frozen=True, slots=True)
class Routed:
    row: int
    lead: Lead
    decision: Decision
    known: KnownLead | None = None  # how later leads (and later runs) remember this one


@dataclass(slots=True)
class Summary:
    """Counts a RevOps person looks at after a batch run."""

    routed: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    by_destination: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    fallback: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    def add(self, routed: Routed) -> None:
        decision = routed.decision
        self.routed += 1
        self.by_rule[decision.rule or "(routing failed)"] += 1
        self.by_kind[decision.kind.value] += 1
        if decision.kind is Kind.REP:
            self.by_destination[f"rep {decision.owner}"] += 1
        else:
            self.by_destination[f"{decision.kind.value} {decision.queue}"] += 1
        self.fallback += decision.fallback
        for warning in routed.lead.warnings:
            self.warnings[warning.field] += 1


def json_record(routed: Routed) -> bytes:
    """The JSON line `leadrouter route` writes for a routed row: ids, email, company, decision."""
    fields = routed.lead.fields
    return json_line(
        {
            "row": routed.row,
            "lead_id": routed.lead.id,
            "email": fields.get("email"),
            "company": fields.get("company"),
            "decision": decision_json(routed.decision),
        }
    )


def open_decisions(path: Path) -> BinaryIO:
    """The file `leadrouter route` writes `json_record` lines to, opened for writing.

    Decisions run to a few KB each, so the default 8 KiB buffer would make a system call every
    other decision, costing a fifth as much as encoding them; 1 MiB makes it one per few hundred.
    """
    return path.open("wb", buffering=1 << 20)


def read_rows(path: Path, bad: Callable[[BadRow], None]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) for each well-formed row; report the others through `bad`."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        width = len(header)
        row_number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row_number += 1
                bad(BadRow(row_number, reader.line_num, "(row)", f"unreadable CSV: {exc}"))
                continue
            row_number += 1
            # The row's text in one string: blank when that is, undecodable where that is.
            text = "".join(values)
            if not text or text.isspace():
                continue
            if len(values) != width:
                problem = f"has {len(values)} values but the header has {width} columns"
                bad(BadRow(row_number, reader.line_num, "(row)", problem))
                continue
            if "\ufffd" in text:
                broken = next(h for h, v in zip(header, values, strict=True) if "\ufffd" in v)
                bad(BadRow(row_number, reader.line_num, broken, "not valid UTF-8 text"))
                continue
            yield row_number, dict(zip(header, values, strict=True))


def created_at(row: Mapping[str, Any]) -> datetime | None:
    """The lead's own creation time, when the row has one we can read."""
    return created_at_of(row)


# A row read and normalized: its number, the lead, the time it routes at (before any grace
# delay) and its dedupe keys when the reader worked them out already (None: the sequence will).
Normalized = tuple[int, Lead, datetime, DedupeKeys | None]


def normalized_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    custom: Mapping[str, FieldType],
    at: datetime,
    *,
    replay: bool = False,
) -> Iterator[Normalized]:
    """Each row normalized, routed at `at` or, with `replay`, at its own creation time when it
    has one. Pure and independent of routing, so `batch_reading` may run it in another process."""
    for number, row in rows:
        now = (created_at(row) or at) if replay else at
        yield number, normalize_lead(row, custom, id=f"row-{number}", received_at=now), now, None


def route_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    snapshot: Snapshot,
    at: datetime,
    *,
    replay: bool = False,
    sequence: LeadSequence | None = None,
    by_score: bool = False,
) -> Iterator[Routed]:
    """Route rows in order through one `LeadSequence` (state and earlier leads carried).

    With `replay`, each lead is routed at its own creation time (when it has one), as it would
    have been on arrival; otherwise every lead is routed at `at`. See `route_leads`.
    """
    leads = normalized_rows(rows, snapshot.policy.custom_fields, at, replay=replay)
    return route_leads(leads, snapshot, sequence=sequence, by_score=by_score)


def route_leads(
    leads: Iterable[Normalized],
    snapshot: Snapshot,
    *,
    sequence: LeadSequence | None = None,
    by_score: bool = False,
) -> Iterator[Routed]:
    """Route normalized rows in order through one `LeadSequence`.

    A lead the policy's grace delay holds routes at its `created_at + delay` when that is later.
    `sequence`: one to continue (a state carried over from earlier runs). With `by_score`, the
    leads are routed highest score first (equal scores in file order), so scarce capacity goes
    to the best leads.
    """
    sequence = sequence if sequence is not None else LeadSequence(snapshot)
    grace = snapshot.policy.grace
    held = []
    for number, lead, now, keys in leads:
        due = grace_due(lead, grace, now) if grace is not None else None
        held.append((number, lead, due if due is not None and due > now else now, keys))
        if not by_score:
            yield _routed(sequence, *held.pop())
    if by_score:
        start = sequence.snapshot
        ranked = sorted(held, key=lambda item: -_score(item[1], start, item[2]))
        for item in ranked:
            yield _routed(sequence, *item)


def _routed(
    sequence: LeadSequence, number: int, lead: Lead, now: datetime, keys: DedupeKeys | None
) -> Routed:
    routed = sequence.route(lead, now, keys)
    return Routed(number, lead, routed.decision, routed.known)


def _score(lead: Lead, snapshot: Snapshot, now: datetime) -> float:
    """The lead's score as routing computes it (matching and all), for `by_score`."""
    score = route(lead, snapshot, now).trace.score
    return score.total if score is not None else 0.0
