"""Fairness drift: an alert, through the outbox, when a pool has stayed unfair for days.

Each of the last `days` whole UTC days, every pool's fairness is judged from the leads its
members took through it (`reports.fairness`); a pool whose largest deviation from weighted fair
share exceeded `threshold` on each of those days is drifting, and one message per channel goes
to the outbox (Slack and webhook: email needs a person to write to), at most once per pool and
day (the outbox skips a key it has). One unlucky hour never alerts; a newcomer nobody gives
leads to does. Reads leads and pools; writes only outbox rows, in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.leads.models import LeadRow
from leadrouter.notify.message import Channel, Message
from leadrouter.notify.outbox import enqueue
from leadrouter.reports.fairness import drifting, pool_fairness
from leadrouter.reports.queries import pool_weights, utc_day

THRESHOLD = 0.5  # a member at 1.5x (or half) their fair share
DAYS = 3
EVENT = "fairness_drift"


def daily_fairness(
    session: Session, now: datetime, days: int
) -> dict[str, list[tuple[date, float]]]:
    """Per pool, (day, largest deviation) for each of the last `days` whole UTC days with leads."""
    today = datetime.combine(now.date(), time(0), now.tzinfo)
    start = today - timedelta(days=days)
    day = utc_day(LeadRow.received_at, session)
    rows = session.execute(
        select(day, LeadRow.pool, LeadRow.owner, func.count())
        .where(
            LeadRow.received_at >= start,
            LeadRow.received_at < today,
            LeadRow.kind == "rep",
            LeadRow.pool.is_not(None),
        )
        .group_by(day, LeadRow.pool, LeadRow.owner)
    )
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for on, pool, owner, n in rows:
        counts[pool][str(on)][owner] = n
    weights = pool_weights(session)
    found: dict[str, list[tuple[date, float]]] = {}
    for pool, by_day in counts.items():
        if pool not in weights:
            continue
        found[pool] = sorted(
            (date.fromisoformat(on), pool_fairness(pool, weights[pool], received).max_deviation)
            for on, received in by_day.items()
        )
    return found


def messages(
    pool: str,
    figures: Iterable[tuple[date, float]],
    threshold: float,
    on: date,
    channels: Iterable[Channel],
) -> list[Message]:
    """The alert for a drifting pool, one per channel that needs no recipient."""
    shown = ", ".join(f"{day:%b %d} {value:.0%}" for day, value in figures)
    subject = f"Pool {pool} has been unfair for days"
    text = (
        f"Pool {pool}: a member's share of leads strayed more than {threshold:.0%} from their "
        f"weighted fair share on each of the last days ({shown}). Check absences, caps and weights."
    )
    data = {"pool": pool, "threshold": threshold, "days": [[d.isoformat(), v] for d, v in figures]}
    return [
        Message(
            f"{EVENT}:{pool}:{on.isoformat()}:{channel}", channel, EVENT, subject, text, "", data
        )
        for channel in sorted(channels)
        if channel is not Channel.EMAIL
    ]


def alert_drift(
    session: Session,
    now: datetime,
    channels: Iterable[Channel],
    *,
    threshold: float = THRESHOLD,
    days: int = DAYS,
) -> list[str]:
    """Enqueue an alert for every pool drifting over the last `days`; the pools alerted."""
    channels = list(channels)
    alerted = []
    for pool, figures in sorted(daily_fairness(session, now, days).items()):
        if len(figures) == days and drifting(figures, threshold, days):
            enqueue(
                session,
                messages(pool, figures, threshold, now.date(), channels),
                lead_id=None,
                now=now,
            )
            alerted.append(pool)
    return alerted
