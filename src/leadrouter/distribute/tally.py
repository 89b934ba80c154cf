"""The pool's fairness record after a pick: one more lead for the chosen member, numbered, and
absentees noted (distribute/fairness.py calibrates them when they come back).

Every strategy calls `tallied` when it builds the pool's new state, so the record is kept the
same way whatever the strategy, at the cost of two small dict copies per lead. Pure: returns a
new record, never mutates the one it is given.
"""

from __future__ import annotations

from leadrouter.model import Fairness, Reason, RepCheck

ABSENT = frozenset({Reason.REP_INACTIVE, Reason.REP_OUT_OF_OFFICE})


def tallied(fairness: Fairness, chosen: str, checks: tuple[RepCheck, ...]) -> Fairness:
    """The record after `chosen` got a lead, with the members `checks` found absent noted."""
    picks = fairness.picks + 1
    # copy(): a dict's, or a mapping proxy's dict's; far cheaper than {**proxy}. Fresh dicts
    # nobody else holds need no read-only proxy.
    counts = fairness.counts.copy()  # type: ignore[attr-defined]
    counts[chosen] = counts.get(chosen, 0) + 1
    last = fairness.last.copy()  # type: ignore[attr-defined]
    last[chosen] = picks
    away = fairness.away
    gone = [check.rep for check in checks if check.reason in ABSENT] if len(checks) > 1 else ()
    if gone or chosen in away:
        away = (away | frozenset(gone)) - {chosen}
    return Fairness(
        picks, last, counts, fairness.baseline, fairness.credit, away, fairness.splits,
        fairness.known,
    )  # fmt: skip
