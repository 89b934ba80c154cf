"""`/metrics` in the Prometheus text exposition format (version 0.0.4), written by hand: a few
families do not justify a client library.

The counters (leads routed by rule and kind, the routing-latency histogram, SLA breaches) are
kept in the database by `reports.counters`, which a scrape first advances by the rows added
since the previous one; the two gauges (leads waiting per queue, notifications pending per
channel) are counts over indexed rows that stay small. So a scrape costs a few indexed reads
whatever the number of leads, and every server process reports the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import Float, String, cast, func, literal, select

from leadrouter.leads.models import LeadRow
from leadrouter.notify.models import PENDING, OutboxRow
from leadrouter.pools.models import PoolRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports import counters
from leadrouter.reports.counters import BREACHES, LATENCY, POOL_LEADS, ROUTED, label
from leadrouter.reports.fairness import pool_fairness
from leadrouter.store import Database


def _family(name: str, kind: str, help_: str, samples: Iterable[str]) -> Iterator[str]:
    yield f"# HELP {name} {help_}"
    yield f"# TYPE {name} {kind}"
    yield from samples


def _sample(name: str, labels: str, value: float) -> str:
    shown = int(value) if value == int(value) else value
    return f"{name}{{{labels}}} {shown}" if labels else f"{name} {shown}"


def _bound(labels: str) -> float:
    value = labels.removeprefix('le="').removesuffix('"')
    return float("inf") if value == "+Inf" else float(value)


def _gauges() -> tuple[counters.Part, ...]:
    waiting = (
        select(literal("queue"), QueueRow.id, literal(""), cast(func.count(LeadRow.id), Float))
        .outerjoin(LeadRow, (LeadRow.queue == QueueRow.id) & (LeadRow.kind == "queue"))
        .group_by(QueueRow.id)
    )
    backlog = (
        select(literal("outbox"), OutboxRow.channel, literal(""), cast(func.count(), Float))
        .where(OutboxRow.state == PENDING)
        .group_by(OutboxRow.channel)
    )
    # The pools' members and weights, for the fairness gauges: read in the same statement, so a
    # scrape stays one round trip when nothing is new.
    members = select(literal("members"), PoolRow.id, cast(PoolRow.members, String), literal(0.0))
    weights = select(literal("weights"), PoolRow.id, cast(PoolRow.weights, String), literal(0.0))
    return waiting, backlog, members, weights


GAUGES = _gauges()  # built once; a scrape runs them in the counters' statement


def render_metrics(db: Database, now: datetime) -> str:
    """Every metric family as one text body."""
    reading = counters.advance(db, now, extra=GAUGES)
    samples = reading.samples
    waiting = sorted((name, value) for part, name, _, value in reading.rows if part == "queue")
    backlog = sorted((name, value) for part, name, _, value in reading.rows if part == "outbox")

    def of(name: str) -> list[tuple[str, float]]:
        return sorted((labels, v) for (n, labels), v in samples.items() if n == name)

    buckets = sorted(of(f"{LATENCY}_bucket"), key=lambda s: _bound(s[0]))
    fairness = _fairness(of(POOL_LEADS), _pool_weights(reading.rows))
    lines = [
        *_family(
            ROUTED,
            "counter",
            "Leads routed, by the rule that decided and where they went (rep, queue, nurture,"
            " review); first decisions only.",
            (_sample(ROUTED, labels, v) for labels, v in of(ROUTED)),
        ),
        *_family(
            LATENCY,
            "histogram",
            "Seconds from a lead's arrival to its first decision.",
            (
                *(_sample(f"{LATENCY}_bucket", labels, v) for labels, v in buckets),
                _sample(f"{LATENCY}_sum", "", samples[f"{LATENCY}_sum", ""]),
                _sample(f"{LATENCY}_count", "", samples[f"{LATENCY}_count", ""]),
            ),
        ),
        *_family(
            "leadrouter_queue_leads",
            "gauge",
            "Leads waiting in each queue now.",
            (_sample("leadrouter_queue_leads", f'queue="{label(q)}"', n) for q, n in waiting),
        ),
        *_family(
            BREACHES,
            "counter",
            "Leads whose SLA deadline passed without a first touch.",
            (_sample(BREACHES, "", samples[BREACHES, ""]),),
        ),
        *_family(
            "leadrouter_outbox_pending",
            "gauge",
            "Notifications waiting to be delivered, per channel.",
            (_sample("leadrouter_outbox_pending", f'channel="{label(c)}"', n) for c, n in backlog),
        ),
        *_family(
            POOL_LEADS,
            "counter",
            "Leads each rep took through each pool (first decisions): fairness over any period"
            " is computed from its increase.",
            (_sample(POOL_LEADS, labels, v) for labels, v in of(POOL_LEADS)),
        ),
        *_family(
            "leadrouter_pool_fairness_max_deviation",
            "gauge",
            "Largest relative deviation of a member's share of the pool's leads from their"
            " weighted fair share, over every lead counted (0: exactly fair).",
            (
                _sample("leadrouter_pool_fairness_max_deviation", f'pool="{label(p)}"', round(d, 4))
                for p, d, _ in fairness
            ),
        ),
        *_family(
            "leadrouter_pool_fairness_gini",
            "gauge",
            "Gini coefficient of the pool members' leads per unit of weight (0: equal).",
            (
                _sample("leadrouter_pool_fairness_gini", f'pool="{label(p)}"', round(g, 4))
                for p, _, g in fairness
            ),
        ),
    ]
    return "\n".join(lines) + "\n"


def _pool_weights(rows: Iterable[tuple[str, str, str, float]]) -> dict[str, dict[str, int]]:
    """Each pool's members and their weights (1 where none is given), by pool id, from the rows
    of the `members` and `weights` parts (as `reports.queries.pool_weights` reads them)."""
    members: dict[str, list[str]] = {}
    weights: dict[str, dict[str, int]] = {}
    for part, pool, text, _ in rows:
        if part == "members":
            members[pool] = list(json.loads(text) or [])
        elif part == "weights":
            weights[pool] = dict(json.loads(text) or {})
    return {
        pool: {rep: int(weights.get(pool, {}).get(rep, 1)) for rep in reps}
        for pool, reps in sorted(members.items())
    }


def _fairness(
    samples: list[tuple[str, float]], weights: dict[str, dict[str, int]]
) -> list[tuple[str, float, float]]:
    """(pool, max deviation, Gini) of every pool that took leads, from the pool-leads counter."""
    received: dict[str, dict[str, int]] = {}
    for labels, value in samples:
        pool, rep = (part.split("=", 1)[1].strip('"') for part in labels.split('",', 1))
        received.setdefault(pool, {})[rep.rstrip('"')] = int(value)
    found = []
    for pool, counts in sorted(received.items()):
        if pool in weights:
            fair = pool_fairness(pool, weights[pool], counts)
            found.append((pool, fair.max_deviation, fair.gini))
    return found
