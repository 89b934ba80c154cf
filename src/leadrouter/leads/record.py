"""Recording a routing batch: its decisions inserted, its leads claimed and the rotation state
rows it changed updated, each only if still at the version routing read. Nothing committed.

On PostgreSQL this is one statement whatever the batch size: the rows travel as JSON documents
(`jsonb_to_recordset`) and data-modifying CTEs write the three tables. Routing's turn waits on
these writes, and a statement per row (several per lead) cost more client and server CPU than
the routing itself. On SQLite, in-process, a statement per table with many parameter sets costs
nothing more. Both return the same counts, which the caller checks (`leads/routing.py`).
State rows are given pools by id, then reps by id, and written in that order as far as the
database keeps it; a deadlock with another writer that it did not keep is retried whole by
`Database.write_core`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, literal, text, update
from sqlalchemy.dialects.postgresql import JSONB

from leadrouter.codec import decision_json
from leadrouter.leads.models import RECEIVED, ROUTED, DecisionRow, LeadRow
from leadrouter.matching import DedupeKeys
from leadrouter.model import Decision
from leadrouter.pools.models import PoolStateRow
from leadrouter.reps.models import RepLoadRow

_LEADS = LeadRow.__table__
_DECISIONS = DecisionRow.__table__
_POOLS = PoolStateRow.__table__
_LOADS = RepLoadRow.__table__

# What a decision row holds; the rest of a lead's record goes to its lead row.
_DECISION_COLUMNS = (
    "lead_id",
    "at",
    "cause",
    "kind",
    "owner",
    "queue",
    "rule",
    "policy_version",
    "fallback",
    "body",
)
_CLAIM_COLUMNS = (
    "kind",
    "owner",
    "queue",
    "pool",
    "rule",
    "account_id",
    "email_key",
    "phone",
    "name_key",
)


def lead_row(
    now: datetime,
    cause: str,
    lead_id: str,
    keys: DedupeKeys,
    decision: Decision,
    account_id: str | None,
) -> dict[str, Any]:
    """What `write` records of a lead: its decision row, and what its lead row takes of it."""
    return {
        "lead_id": lead_id,
        "at": now,
        "cause": cause,
        "kind": decision.kind.value,
        "owner": decision.owner,
        "queue": decision.queue,
        "rule": decision.rule,
        "policy_version": decision.policy_version,
        "fallback": decision.fallback,
        # Rule checks and scores the codec has met before come already encoded.
        "body": decision_json(decision),
        "pool": decision.pool,
        "account_id": account_id,
        "email_key": keys.email_key,
        "phone": keys.phone,
        "name_key": keys.name_key,
    }


@dataclass(frozen=True, slots=True)
class Written:
    """What the writes touched: the decision id of each lead claimed, and the state rows
    updated (those whose version had not moved)."""

    claimed: dict[str, int]
    pools: int
    loads: int


def write(
    connection: Connection,
    leads: Sequence[dict[str, Any]],
    pools: Sequence[dict[str, Any]],
    loads: Sequence[dict[str, Any]],
    *,
    new: bool,
) -> Written:
    """Insert each lead's decision and point the lead at it (with `new`, only while the lead is
    unrouted), and update the state rows. `leads`: `lead_row` of each; `pools`, `loads`: the
    state rows' new values with `b_key` (their id) and `b_version` (the version read)."""
    if connection.dialect.name == "postgresql":
        result = connection.execute(
            _WRITE_POSTGRES,
            {
                "b_leads": [lead | {"n": n} for n, lead in enumerate(leads)],
                "b_ids": [lead["lead_id"] for lead in leads],
                "b_pools": list(pools),
                "b_loads": list(loads),
                "b_new": new,
            },
        )
        claimed: dict[str, int] = {}
        counts = {"p": 0, "l": 0}
        for part, lead_id, number in result:
            if part == "c":
                claimed[lead_id] = number
            else:
                counts[part] = number
        return Written(claimed, counts["p"], counts["l"])
    ids = (
        connection.execute(
            _INSERT_DECISIONS, [{c: lead[c] for c in _DECISION_COLUMNS} for lead in leads]
        )
        .scalars()
        .all()
    )
    claims = [
        {c: lead[c] for c in _CLAIM_COLUMNS}
        | {"b_id": lead["lead_id"], "status": ROUTED, "decision_id": decision_id}
        for lead, decision_id in zip(leads, ids, strict=True)
    ]
    claimed_rows = connection.execute(_CLAIM[new], claims).rowcount
    counts = [
        connection.execute(query, list(rows)).rowcount if rows else 0
        for query, rows in ((_UPDATE_POOL, pools), (_UPDATE_LOAD, loads))
    ]
    # All or none count: the caller rolls back a batch that claimed fewer leads than it holds.
    claimed = {} if claimed_rows != len(leads) else {c["b_id"]: c["decision_id"] for c in claims}
    return Written(claimed, *counts)


# Many rows in one statement, their ids returned in the order given.
_INSERT_DECISIONS = _DECISIONS.insert().returning(_DECISIONS.c.id, sort_by_parameter_order=True)
_CLAIM = {
    # A new lead is claimed only while unrouted: a racing retry of the same request finds none.
    True: update(_LEADS).where(
        _LEADS.c.id == bindparam("b_id"), _LEADS.c.status == literal(RECEIVED)
    ),
    False: update(_LEADS).where(_LEADS.c.id == bindparam("b_id")),
}
_UPDATE_POOL = update(_POOLS).where(
    _POOLS.c.pool_id == bindparam("b_key"), _POOLS.c.version == bindparam("b_version")
)
_UPDATE_LOAD = update(_LOADS).where(
    _LOADS.c.rep_id == bindparam("b_key"), _LOADS.c.version == bindparam("b_version")
)

# The CTEs all run, whatever the others find; every row they write is visible to none of the
# others, hence the claim joins the inserted decisions (`d`) rather than reading the table. The
# decisions go in the order given (`n`, their place in the list), so their ids rise with it.
# The planner takes a JSON row set for a hundred rows whatever it holds; the claim names its
# leads by primary key too (`b_ids`, an array whose length it sees), or on a table of a few
# thousand leads it would rather scan them all.
_WRITE_POSTGRES = text(
    """
WITH x AS (
    SELECT * FROM jsonb_to_recordset(:b_leads) AS x(
        lead_id text, at timestamptz, cause text, kind text, owner text, queue text, rule text,
        policy_version text, fallback boolean, body jsonb, pool text, account_id text,
        email_key text, phone text, name_key text, n bigint)
), d AS (
    INSERT INTO decisions (lead_id, at, cause, kind, owner, queue, rule, policy_version,
                           fallback, body)
    SELECT lead_id, at, cause, kind, owner, queue, rule, policy_version, fallback, body
    FROM x ORDER BY n
    RETURNING id, lead_id
), c AS (
    UPDATE leads SET status = :b_routed, kind = x.kind, owner = x.owner, queue = x.queue,
        pool = x.pool, rule = x.rule, decision_id = d.id, account_id = x.account_id,
        email_key = x.email_key, phone = x.phone, name_key = x.name_key
    FROM x JOIN d ON d.lead_id = x.lead_id
    WHERE leads.id = x.lead_id AND leads.id = ANY(:b_ids)
      AND (leads.status = :b_received OR NOT :b_new)
    RETURNING leads.id, d.id AS decision_id
), p AS (
    UPDATE pool_states SET cursor = s.cursor, current = s.current, period = s.period,
        version = s.version
    FROM jsonb_to_recordset(:b_pools) AS s(b_key text, b_version integer, cursor integer,
                                           current jsonb, period text, version integer)
    WHERE pool_states.pool_id = s.b_key AND pool_states.version = s.b_version
    RETURNING 1
), l AS (
    UPDATE rep_loads SET open = s.open, today = s.today, day = s.day, periods = s.periods,
        version = s.version
    FROM jsonb_to_recordset(:b_loads) AS s(b_key text, b_version integer, open integer,
                                           today integer, day date, periods jsonb,
                                           version integer)
    WHERE rep_loads.rep_id = s.b_key AND rep_loads.version = s.b_version
    RETURNING 1
)
SELECT 'c', id, decision_id FROM c
UNION ALL SELECT 'p', NULL, count(*) FROM p
UNION ALL SELECT 'l', NULL, count(*) FROM l
"""
).bindparams(
    bindparam("b_leads", type_=JSONB),
    bindparam("b_pools", type_=JSONB),
    bindparam("b_loads", type_=JSONB),
    bindparam("b_routed", ROUTED),
    bindparam("b_received", RECEIVED),
)
