"""One report over a time window: every figure gathered in one value, and flattened into rows
for the terminal, CSV and JSON.

`leadrouter report` prints it and the dashboard's Overview shows the same value, so both always
agree. Reads only, through the session it is given (call `rollups.refresh` first to make it
fast); `now` is an argument, never the clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from leadrouter.reports import queries
from leadrouter.reports.fairness import PoolFairness, pool_fairness
from leadrouter.reports.figures import (
    Conversion,
    FairShare,
    QueueAge,
    SlaCompliance,
    SpeedToLead,
)
from leadrouter.reports.rollups import load_window
from leadrouter.reports.window import ALL, Dimension, Window

# Where no SLA clock runs (no worker, or no `sla:` in the policy), compliance is judged against
# one wall-clock first-touch target instead of each clock's own deadline.
DEFAULT_SLA = timedelta(minutes=15)
CONVERSION_DIMENSIONS = (Dimension.RULE, Dimension.SEGMENT, Dimension.SOURCE, Dimension.REP)


@dataclass(frozen=True, slots=True)
class Report:
    start: datetime
    end: datetime
    sla_target: timedelta | None  # None: compliance comes from the SLA clocks' own deadlines
    leads: int
    speed: SpeedToLead
    sla: SlaCompliance
    fallback: tuple[QueueAge, ...]
    fairness: Mapping[str, tuple[FairShare, ...]]
    conversion: Mapping[Dimension, tuple[Conversion, ...]]


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of a report: `section` and `key` say what it is about, `metric` which figure."""

    section: str
    key: str
    metric: str
    value: float | int | None


def build_report(
    session: Session,
    now: datetime,
    since: timedelta,
    sla_target: timedelta = DEFAULT_SLA,
    dimensions: Sequence[Dimension] = CONVERSION_DIMENSIONS,
) -> Report:
    """Every figure over the leads received in the `since` before `now`, with conversion split
    by each of `dimensions`."""
    window = load_window(session, now - since, now, now, sla_target)
    return report_of(session, window, now, since, sla_target, dimensions)


def report_of(
    session: Session,
    window: Window,
    now: datetime,
    since: timedelta,
    sla_target: timedelta,
    dimensions: Sequence[Dimension],
) -> Report:
    """The report of a window already loaded (a page that shows more of it loads it once)."""
    return Report(
        start=now - since,
        end=now,
        sla_target=None if queries.has_sla_clocks(session) else sla_target,
        leads=window.count(),
        speed=window.speed_to_lead()[ALL],
        sla=window.sla()[ALL],
        fallback=queries.fallback_queues(session, now),
        fairness=window.fairness(queries.pool_weights(session), queries.pool_calibration(session)),
        conversion={d: window.conversion(d) for d in dimensions},
    )


def pool_figures(report: Report) -> dict[str, PoolFairness]:
    """Each pool's fairness in one figure (largest deviation from fair share, Gini)."""
    return {
        pool: pool_fairness(
            pool, {s.rep: s.weight for s in shares}, {s.rep: s.received for s in shares}
        )
        for pool, shares in report.fairness.items()
    }


def report_rows(report: Report) -> Iterator[Row]:
    """The report as flat rows, in the order a reader scans it."""
    yield Row("leads", ALL, "received", report.leads)
    yield Row("speed_to_lead", ALL, "touched", report.speed.touched)
    yield Row("speed_to_lead", ALL, "median_seconds", report.speed.median)
    yield Row("speed_to_lead", ALL, "p90_seconds", report.speed.p90)
    if report.sla_target is not None:
        yield Row("sla", ALL, "target_seconds", report.sla_target.total_seconds())
    yield Row("sla", ALL, "met", report.sla.met)
    yield Row("sla", ALL, "breached", report.sla.breached)
    yield Row("sla", ALL, "pending", report.sla.pending)
    yield Row("sla", ALL, "compliance", report.sla.rate)
    for queue in report.fallback:
        yield Row("fallback_queue", queue.queue, "size", queue.size)
        yield Row("fallback_queue", queue.queue, "oldest_seconds", queue.oldest)
        yield Row("fallback_queue", queue.queue, "median_age_seconds", queue.median)
    for pool, shares in report.fairness.items():
        for share in shares:
            key = f"{pool}/{share.rep}"
            yield Row("fairness", key, "received", share.received)
            yield Row("fairness", key, "fair_share", share.fair_share)
            yield Row("fairness", key, "ratio", share.ratio)
            if share.calibration:
                yield Row("fairness", key, "calibration", share.calibration)
    for pool, fair in pool_figures(report).items():
        yield Row("pool_fairness", pool, "leads", fair.leads)
        yield Row("pool_fairness", pool, "max_deviation", fair.max_deviation)
        yield Row("pool_fairness", pool, "gini", fair.gini)
    for dimension, rows in report.conversion.items():
        for row in rows:
            section = f"conversion_by_{dimension.value}"
            yield Row(section, row.key, "leads", row.leads)
            yield Row(section, row.key, "qualification_rate", row.qualification_rate)
            yield Row(section, row.key, "win_rate", row.win_rate)
