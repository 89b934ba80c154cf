"""`/metrics` in the Prometheus text exposition format (version 0.0.4), written by hand: a few
families do not justify a client library.

Every figure is read from the database at scrape time, so all server processes report the same
numbers and nothing is lost on restart. Leads routed count the leads received in the last 30 days
(from the daily rollups: call `rollups.refresh` first); routing latency is the time from a lead's
arrival to its first decision, as stored; SLA breaches come from the SLA clocks where they run.
Reads only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.notify.models import PENDING, OutboxRow
from leadrouter.queues.models import QueueRow
from leadrouter.reports import queries
from leadrouter.reports.rollups import load_window
from leadrouter.reports.window import ALL

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LATENCY_WINDOW = timedelta(hours=1)  # the histogram covers leads routed in the last hour
SLA_WINDOW = timedelta(days=1)
ROUTED_WINDOW = timedelta(days=30)  # leads routed: those received this recently


def _label(value: str) -> str:
    return value.replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def _family(name: str, kind: str, help_: str, samples: Iterable[str]) -> Iterator[str]:
    yield f"# HELP {name} {help_}"
    yield f"# TYPE {name} {kind}"
    yield from samples


def histogram(name: str, values: Sequence[float], buckets: Sequence[float]) -> Iterator[str]:
    """The sample lines of a histogram: cumulative buckets, +Inf, sum and count."""
    for bound in buckets:
        yield f'{name}_bucket{{le="{bound}"}} {sum(1 for v in values if v <= bound)}'
    yield f'{name}_bucket{{le="+Inf"}} {len(values)}'
    yield f"{name}_sum {sum(values)}"
    yield f"{name}_count {len(values)}"


def render_metrics(session: Session, now: datetime, sla_target: timedelta) -> str:
    """Every metric family as one text body."""
    routed: Counter[tuple[str, str]] = Counter()
    for group in load_window(session, now - ROUTED_WINDOW, now, now, sla_target).groups:
        if group.kind is not None:
            routed[group.rule or "", group.kind] += group.leads
    latency = [
        s
        for (s,) in session.execute(
            select(queries.seconds_between(DecisionRow.at, LeadRow.received_at, session))
            .join(LeadRow, LeadRow.id == DecisionRow.lead_id)
            .where(DecisionRow.cause == "new", DecisionRow.at >= now - LATENCY_WINDOW)
        )
    ]
    sizes = session.execute(
        select(QueueRow.id, func.count(LeadRow.id))
        .outerjoin(LeadRow, (LeadRow.queue == QueueRow.id) & (LeadRow.kind == "queue"))
        .group_by(QueueRow.id)
        .order_by(QueueRow.id)
    )
    sla = load_window(session, now - SLA_WINDOW, now, now, sla_target).sla()[ALL]
    backlog = session.execute(
        select(OutboxRow.channel, func.count())
        .where(OutboxRow.state == PENDING)
        .group_by(OutboxRow.channel)
        .order_by(OutboxRow.channel)
    )
    lines = [
        *_family(
            "leadrouter_leads_routed",
            "gauge",
            "Leads received in the last 30 days by the rule that decided and where they went"
            " (rep, queue, nurture, review).",
            (
                f'leadrouter_leads_routed{{rule="{_label(rule)}",kind="{_label(kind)}"}} {n}'
                for (rule, kind), n in sorted(routed.items())
            ),
        ),
        *_family(
            "leadrouter_routing_latency_seconds",
            "histogram",
            "Seconds from arrival to first decision, leads routed in the last hour.",
            histogram("leadrouter_routing_latency_seconds", latency, LATENCY_BUCKETS),
        ),
        *_family(
            "leadrouter_queue_leads",
            "gauge",
            "Leads waiting in each queue now.",
            (f'leadrouter_queue_leads{{queue="{_label(q)}"}} {n}' for q, n in sizes),
        ),
        *_family(
            "leadrouter_sla_breaches",
            "gauge",
            "Leads received in the last 24 hours whose first touch came late or not at all.",
            (f"leadrouter_sla_breaches {sla.breached}",),
        ),
        *_family(
            "leadrouter_outbox_pending",
            "gauge",
            "Notifications waiting to be delivered, per channel.",
            (f'leadrouter_outbox_pending{{channel="{_label(c)}"}} {n}' for c, n in backlog),
        ),
    ]
    return "\n".join(lines) + "\n"
