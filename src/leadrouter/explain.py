"""Human wording of decisions: what a RevOps person reads to learn why a lead went where it did.

Reason codes stay in the trace; sentences are made here, at the edge, so that wording can change
without touching the engine or stored decisions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadrouter.memo import IdentityMemo
from leadrouter.model import TIME_FIELDS, Decision, FieldType, Kind, Reason, RepCheck, RuleCheck

# Account-matching notes are shown under "Account" rather than among the other notes.
ACCOUNT_CODES = frozenset(
    {Reason.ACCOUNT_MATCHED, Reason.ACCOUNT_NOT_MATCHED, Reason.ACCOUNT_AMBIGUOUS}
)

_REP_WORDS: dict[Reason, str] = {
    Reason.REP_SELECTED: "selected",
    Reason.ASSIGNED_ANYWAY: "assigned anyway",
    Reason.REP_INACTIVE: "skipped: inactive",
    Reason.REP_UNKNOWN: "skipped: not on the team",
    Reason.REP_OUT_OF_OFFICE: "skipped: out of office",
    Reason.OUTSIDE_WORKING_HOURS: "skipped: outside working hours",
    Reason.CAPACITY_FULL: "skipped: at capacity",
    Reason.DAILY_CAP_REACHED: "skipped: daily cap reached",
    Reason.WEEKLY_CAP_REACHED: "skipped: weekly cap reached",
    Reason.MONTHLY_CAP_REACHED: "skipped: monthly cap reached",
    Reason.NOT_NEXT_IN_TURN: "available, not next in turn",
    Reason.HIGHER_LOAD: "available, higher load",
    Reason.COMPANY_STICKY: "selected: same net-new company",
    Reason.OWNER_NOT_ELIGIBLE: "skipped: does not meet the rule's owner terms",
    Reason.ASSIGNED_MORE_RECENTLY: "available, assigned more recently",
    Reason.REP_NOT_ELIGIBLE: "skipped: not eligible for this lead",
    Reason.REP_FILTERED: "skipped: does not take this lead",
    Reason.OTHER_PREFERRED: "available, another member prefers this lead",
    Reason.LOWER_PRIORITY: "available, lower priority tier",
}


def headline(decision: Decision) -> str:
    """One sentence: where the lead went and by which rule."""
    if decision.kind is Kind.REP:
        where = f"assigned to rep {decision.owner}"
        if decision.pool:
            where += f" from pool {decision.pool}"
    elif decision.kind is Kind.QUEUE:
        where = f"sent to queue {decision.queue}"
    else:
        where = f"sent to {decision.kind.value} (queue {decision.queue})"
    by = f"by rule '{decision.rule}'" if decision.rule else "because routing failed"
    alert = " (fallback: needs attention)" if decision.fallback else ""
    return f"{where.capitalize()} {by} (policy {decision.policy_version}){alert}."


def describe_rule(check: RuleCheck) -> str:
    return _worded.of(check)


def _word_rule(check: RuleCheck) -> str:
    if check.matched:
        return f"rule '{check.rule}': matched"
    text = f"rule '{check.rule}': no — {check.clause} is false"
    if check.missing:
        text += f" ({', '.join(check.missing)} missing)"
    elif check.values:
        text += " (" + ", ".join(f"{k} = {_show_field(k, v)}" for k, v in check.values) + ")"
    return text


# The engine hands out the same RuleCheck objects lead after lead (its policy remembers them), so
# most leads' rules are worded once.
_worded: IdentityMemo[RuleCheck, str] = IdentityMemo(_word_rule, size=16384)


def describe_rep(check: RepCheck) -> str:
    words = _REP_WORDS.get(check.reason, check.reason.value)
    where = f" in pool {check.pool}" if check.pool else ""
    detail = f" — {check.detail}" if check.detail else ""
    return f"rep {check.rep}{where}: {words}{detail}"


def why(decision: Decision) -> tuple[str, ...]:
    """The short why, for people who act on the lead (its messages, the queue page).

    With an owner: the headline, the rule that matched and the pick. Without one (a queue): what
    kept it from an owner, i.e. the whole story but the rules that matched.
    """
    if decision.owner is None:
        lines = describe(decision)
        return tuple(line for line in lines if not line.endswith(": matched")) or tuple(lines)
    lines = [headline(decision)]
    lines += [describe_rule(r) for r in decision.trace.rules if r.matched]
    lines += [describe_rep(c) for c in decision.trace.reps if c.rep == decision.owner]
    return tuple(lines)


def describe(decision: Decision) -> list[str]:
    """The whole decision as plain sentences, in the order things happened."""
    trace = decision.trace
    lines = [headline(decision)]
    lines += [f"data: {w.field}: {w.message}" for w in trace.warnings]
    if trace.match is not None:
        m = trace.match
        strength = "strong" if m.strong else "weak"
        lines.append(
            f"account: {m.account.name} ({m.account.id}), {strength} {m.method} match "
            f"{m.confidence:.2f}: {m.reason}"
        )
    if trace.score is not None:
        s = trace.score
        parts = ", ".join(f"{line.label} {line.points:+g}" for line in s.lines) or "no points"
        lines.append(
            f"score: {s.total:g} (fit {s.fit:g}, behavior {s.behavior:g}; {parts})"
            + (" — MQL" if s.mql else " — below MQL")
        )
    lines += [describe_rule(r) for r in trace.rules]
    lines += [describe_rep(c) for c in trace.reps]
    lines += [f"note: {n.message}" for n in trace.notes]
    return lines


def _show_field(name: str, value: Any) -> str:
    """A value as the trace shows it; times (seconds in the context) as people read them."""
    kind = TIME_FIELDS.get(name)
    if kind is FieldType.DATETIME and isinstance(value, float):
        return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
    if kind is FieldType.DURATION and isinstance(value, float):
        return _duration(value)
    return _show(value)


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days" + (f" {hours % 24} hours" if hours % 24 else "")


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
