"""What each dashboard page shows, read from the store into plain values the templates render.

One function per page, each taking a read session and `now`; the figures come from `reports`, so
the dashboard and `leadrouter report` never disagree. Nothing here writes, renders HTML or reads
the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrouter.errors import PolicyError
from leadrouter.leads.models import LeadRow
from leadrouter.policies import service as policies
from leadrouter.policies.models import PolicyActivationRow, PolicyVersionRow
from leadrouter.policies.snapshot import active_version
from leadrouter.policy.yaml_values import read_yaml
from leadrouter.reports import queries
from leadrouter.reports.figures import Conversion, FairShare, SlaCompliance, SpeedToLead
from leadrouter.reports.rollups import load_window
from leadrouter.reports.summary import Report, report_of
from leadrouter.reports.window import ALL, Dimension
from leadrouter.reps.models import RepLoadRow, RepRow
from leadrouter.reps.service import availability
from leadrouter.sla.timeline import timeline as lead_timeline

WINDOW = timedelta(days=30)
OVERVIEW_DIMENSIONS = (Dimension.SEGMENT, Dimension.SOURCE)  # the conversion tables it shows
SEARCH_LIMIT = 50
SEARCH_COMPANY_WINDOW = timedelta(days=90)  # company search reads leads this recent only


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: str
    leads: int
    median: float | None


@dataclass(frozen=True, slots=True)
class Overview:
    today: int
    week: int
    report: Report
    trend: tuple[DayPoint, ...]


@dataclass(frozen=True, slots=True)
class RepLine:
    id: str
    name: str
    open: int
    capacity: int | None
    available: bool
    why_not: str
    share: FairShare | None
    sla: SlaCompliance | None
    conversion: Conversion | None


@dataclass(frozen=True, slots=True)
class RuleLine:
    rule: str
    in_policy: bool
    conversion: Conversion
    speed: SpeedToLead | None
    stands_out: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    what: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LeadFound:
    id: str
    email: str
    company: str
    received_at: datetime
    where: str


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: str
    name: str
    created_at: datetime
    created_by: str
    activated: tuple[datetime, ...]
    diff: tuple[str, ...] = field(default=())  # against the version before it


@dataclass(frozen=True, slots=True)
class PolicyPage:
    active: str | None
    text: str
    versions: tuple[PolicyVersion, ...]


def overview(session: Session, now: datetime, sla_target: timedelta) -> Overview:
    """Leads today and this week, the 30-day report, and a daily trend for the charts."""
    start = now - WINDOW
    window = load_window(session, start, now, now, sla_target)
    counts = {c.key: c.leads for c in window.conversion(Dimension.DAY)}
    speed = window.speed_to_lead(Dimension.DAY)
    days = [(start + timedelta(days=i + 1)).strftime("%Y-%m-%d") for i in range(WINDOW.days)]
    trend = tuple(
        DayPoint(day, counts.get(day, 0), speed[day].median if day in speed else None)
        for day in days
    )
    return Overview(
        today=counts.get(now.strftime("%Y-%m-%d"), 0),
        week=queries.count_leads(session, now - timedelta(days=7), now),
        report=report_of(session, window, now, WINDOW, sla_target, OVERVIEW_DIMENSIONS),
        trend=trend,
    )


def reps(session: Session, now: datetime, sla_target: timedelta) -> tuple[RepLine, ...]:
    """Each rep's load, capacity, availability now, fair share, SLA compliance and conversion."""
    window = load_window(session, now - WINDOW, now, now, sla_target)
    loads = {row.rep_id: row for row in session.scalars(select(RepLoadRow))}
    shares = {
        share.rep: share
        for pool_shares in window.fairness(queries.pool_weights(session)).values()
        for share in pool_shares
    }
    sla = window.sla(Dimension.REP)
    conversion = {c.key: c for c in window.conversion(Dimension.REP)}
    lines = []
    for row in session.scalars(select(RepRow).order_by(RepRow.name)):
        load, why_not = availability(row, loads.get(row.id), now)
        lines.append(
            RepLine(
                row.id,
                row.name,
                load.open,
                row.max_open,
                not why_not,
                why_not,
                shares.get(row.id),
                sla.get(row.id),
                conversion.get(row.id),
            )
        )
    return tuple(lines)


def policy_rules(text: str) -> tuple[str, ...]:
    """The rule ids of a policy's text, in order (none when it cannot be read)."""
    try:
        document = read_yaml(text, "policy")
    except PolicyError:
        return ()
    rules = document.get("rules", []) if isinstance(document, dict) else []
    return tuple(str(r["id"]) for r in rules if isinstance(r, dict) and "id" in r)


def rules(session: Session, now: datetime, sla_target: timedelta) -> tuple[RuleLine, ...]:
    """Each rule of the active policy (then any other rule that routed leads in the window),
    with leads matched, speed to lead and conversion, flagging the ones that do badly."""
    window = load_window(session, now - WINDOW, now, now, sla_target)
    active = active_version(session)
    text = session.scalar(select(PolicyVersionRow.text).where(PolicyVersionRow.version == active))
    in_policy = policy_rules(text or "")
    conversion = {c.key: c for c in window.conversion(Dimension.RULE)}
    speed = window.speed_to_lead(Dimension.RULE)
    overall = window.speed_to_lead()[ALL]
    total = Conversion(
        ALL,
        *(sum(getattr(c, f) for c in conversion.values()) for f in ("leads", "qualified", "won")),
    )
    order = list(in_policy) + sorted(set(conversion) - set(in_policy))
    return tuple(
        RuleLine(
            rule,
            rule in in_policy,
            conversion.get(rule, Conversion(rule, 0, 0, 0)),
            speed.get(rule),
            _stands_out(conversion.get(rule), speed.get(rule), total, overall),
        )
        for rule in order
    )


def _stands_out(
    rule: Conversion | None, speed: SpeedToLead | None, total: Conversion, overall: SpeedToLead
) -> tuple[str, ...]:
    """Why a rule deserves a look: much slower, or converting much worse, than all leads."""
    flags = []
    if speed and speed.median and overall.median and speed.median > 2 * overall.median:
        flags.append("slow first touch")
    rate, baseline = (rule.qualification_rate if rule else None), total.qualification_rate
    if rule and rule.leads >= 10 and rate is not None and baseline and rate < baseline / 2:
        flags.append("low qualification")
    return tuple(flags)


def search_leads(session: Session, text: str, now: datetime) -> tuple[LeadFound, ...]:
    """Latest leads whose email starts with `text`, or, among those of the last
    SEARCH_COMPANY_DAYS, whose company contains it."""
    needle = text.strip().lower()
    if not needle:
        return ()
    company = func.lower(LeadRow.raw["company"].as_string())
    columns = select(
        LeadRow.id, LeadRow.raw, LeadRow.received_at, LeadRow.kind, LeadRow.owner, LeadRow.queue
    )
    latest = (LeadRow.received_at.desc(), LeadRow.id)
    # Two queries rather than one OR: each can use its own index (email prefix; arrival time),
    # where an OR over a JSON expression would read every lead.
    by_email = columns.where(LeadRow.email_key.startswith(needle, autoescape=True))
    by_company = columns.where(
        LeadRow.received_at >= now - SEARCH_COMPANY_WINDOW,
        company.contains(needle, autoescape=True),
    )
    found = {
        row.id: row
        for query in (by_email, by_company)
        for row in session.execute(query.order_by(*latest).limit(SEARCH_LIMIT))
    }
    rows = sorted(found.values(), key=lambda r: r.received_at, reverse=True)[:SEARCH_LIMIT]
    return tuple(
        LeadFound(
            lead_id,
            str(raw.get("email", "")),
            str(raw.get("company", "")),
            received,
            owner if kind == "rep" else f"{kind}: {queue}",
        )
        for lead_id, raw, received, kind, owner, queue in rows
    )


def timeline(session: Session, lead_id: str) -> tuple[LeadRow | None, tuple[Event, ...]]:
    """The lead and everything that happened to it, in time order (`sla.timeline`)."""
    lead = session.get(LeadRow, lead_id)
    if lead is None:
        return None, ()
    entries = lead_timeline(session, lead_id)
    return lead, tuple(Event(e.at, e.title, e.lines) for e in entries)


def policy_page(session: Session) -> PolicyPage:
    """The active version's text, and every version with its activations and diff."""
    activations: dict[str, list[datetime]] = {}
    for version, at in session.execute(
        select(PolicyActivationRow.version, PolicyActivationRow.at).order_by(PolicyActivationRow.id)
    ):
        activations.setdefault(version, []).append(at)
    rows: Sequence[PolicyVersionRow] = session.scalars(
        select(PolicyVersionRow).order_by(PolicyVersionRow.created_at)
    ).all()
    versions = []
    previous: PolicyVersionRow | None = None
    for row in rows:
        diff = (
            tuple(policies.diff(session=session, old=previous.version, new=row.version).diff)
            if previous
            else ()
        )
        versions.append(
            PolicyVersion(
                row.version,
                row.name,
                row.created_at,
                row.created_by,
                tuple(activations.get(row.version, ())),
                diff,
            )
        )
        previous = row
    active = active_version(session)
    text = next((r.text for r in rows if r.version == active), "")
    return PolicyPage(active, text, tuple(reversed(versions)))


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """The values the explorer's filters offer: known rules, reps, pools, queues, sources."""

    rules: tuple[str, ...]
    reps: tuple[tuple[str, str], ...]
    pools: tuple[str, ...]
    queues: tuple[str, ...]
    segments: tuple[str, ...]


def filter_choices(session: Session) -> FilterChoices:
    """Rules come from the policy versions (cheap, unlike scanning leads); the rest from the
    team tables."""
    from leadrouter.accounts.models import AccountRow
    from leadrouter.pools.models import PoolRow
    from leadrouter.queues.models import QueueRow

    rules: list[str] = []
    for text in session.scalars(select(PolicyVersionRow.text)):
        rules += [r for r in policy_rules(text) if r not in rules]
    segments = session.scalars(select(AccountRow.segment).distinct())
    return FilterChoices(
        tuple(sorted({*rules, "manual"})),
        tuple((r.id, r.name) for r in session.scalars(select(RepRow).order_by(RepRow.name))),
        tuple(session.scalars(select(PoolRow.id).order_by(PoolRow.id))),
        tuple(session.scalars(select(QueueRow.id).order_by(QueueRow.id))),
        tuple(sorted(s for s in segments if s)),
    )


REP_CSV_HEADER = (
    "rep",
    "name",
    "open_leads",
    "capacity",
    "available_now",
    "why_not",
    "received_30d",
    "fair_share_30d",
    "sla_met",
    "sla_breached",
    "qualification_rate",
    "win_rate",
)


def rep_csv_row(line: RepLine) -> tuple[object, ...]:
    return (
        line.id,
        line.name,
        line.open,
        "" if line.capacity is None else line.capacity,
        "yes" if line.available else "no",
        line.why_not,
        line.share.received if line.share else "",
        round(line.share.fair_share, 2) if line.share else "",
        line.sla.met if line.sla else "",
        line.sla.breached if line.sla else "",
        _rate(line.conversion.qualification_rate if line.conversion else None),
        _rate(line.conversion.win_rate if line.conversion else None),
    )


RULE_CSV_HEADER = (
    "rule",
    "in_active_policy",
    "leads_30d",
    "median_seconds_to_first_touch",
    "qualification_rate",
    "win_rate",
    "look_at",
)


def rule_csv_row(line: RuleLine) -> tuple[object, ...]:
    median = line.speed.median if line.speed else None
    return (
        line.rule,
        "yes" if line.in_policy else "no",
        line.conversion.leads,
        "" if median is None else round(median),
        _rate(line.conversion.qualification_rate),
        _rate(line.conversion.win_rate),
        "; ".join(line.stands_out),
    )


def _rate(value: float | None) -> object:
    return "" if value is None else round(value, 4)
