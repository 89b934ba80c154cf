"""The routing state `leadrouter route --state FILE` carries from one batch run to the next.

Without it every run starts from a fresh rotation (30 daily files of one lead each gave the
first rep all 30). The file holds what the service keeps in its database: each pool's rotation
(cursor, turn scores, fairness period), each rep's load (open leads and new leads per day, week
and month, with the times of the last 24 hours' for rolling caps), the net-new companies and
who has them, and the earlier leads duplicates are found among. JSON, written to a temporary
file and renamed over the old one, so a run that dies leaves the previous state whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from leadrouter.codec import pool_state_json, pool_state_of
from leadrouter.errors import DataFileError, SourceError
from leadrouter.matching import KnownLead, LeadIndex
from leadrouter.model import CompanyClaim, RepLoad, RoutingState

FORMAT = 1


@dataclass(frozen=True, slots=True)
class BatchState:
    """The rotation state and the earlier leads (oldest first) a batch run starts from."""

    state: RoutingState
    known: tuple[KnownLead, ...] = ()

    def index(self) -> LeadIndex:
        """The earlier leads as an index a `LeadSequence` finds duplicates in."""
        index = LeadIndex()
        for known in self.known:
            index.add(known)
        return index


def load_state(path: Path) -> BatchState:
    """The state saved at `path`; a fresh one when the file does not exist yet."""
    if not path.exists():
        return BatchState(RoutingState())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown state format {data.get('format')!r}, expected {FORMAT}")
        return BatchState(_state(data), tuple(KnownLead(*row) for row in data.get("known", ())))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DataFileError(
            SourceError(str(path), 0, 0, f"not a leadrouter state file: {error}")
        ) from error


def save_state(path: Path, state: RoutingState, known: Iterable[KnownLead]) -> None:
    """Write `state` and the earlier leads to `path`, replacing it only once fully written."""
    data = {
        "format": FORMAT,
        "pools": {
            pool: {"cursor": s.cursor, "current": pool_state_json(s), "period": s.period}
            for pool, s in sorted(state.pools.items())
        },
        "loads": {rep: _load_dict(load) for rep, load in sorted(state.loads.items())},
        "companies": {
            domain: {"rep": claim.rep, "at": claim.at.isoformat()}
            for domain, claim in sorted(state.companies.items())
        },
        "known": [[k.id, k.owner, k.email_key, k.phone, k.name_key, k.account_id] for k in known],
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _load_dict(load: RepLoad) -> dict[str, Any]:
    return {
        "open": load.open,
        "today": load.today,
        "day": _day(load.day),
        "week_count": load.week_count,
        "week": _day(load.week),
        "month_count": load.month_count,
        "month": _day(load.month),
        "recent": list(load.recent),
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _state(data: Mapping[str, Any]) -> RoutingState:
    pools = {
        pool: pool_state_of(int(s["cursor"]), s["current"], s.get("period"))
        for pool, s in data.get("pools", {}).items()
    }
    loads = {
        rep: RepLoad(
            int(s["open"]),
            int(s["today"]),
            _date(s.get("day")),
            int(s.get("week_count", 0)),
            _date(s.get("week")),
            int(s.get("month_count", 0)),
            _date(s.get("month")),
            tuple(float(t) for t in s.get("recent", ())),
        )
        for rep, s in data.get("loads", {}).items()
    }
    companies = {
        domain: CompanyClaim(c["rep"], datetime.fromisoformat(c["at"]))
        for domain, c in data.get("companies", {}).items()
    }
    return RoutingState(
        MappingProxyType(pools), MappingProxyType(loads), MappingProxyType(companies)
    )
