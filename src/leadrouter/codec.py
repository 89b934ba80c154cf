"""Decision ⇄ JSON-ready dict: the one stable wire and storage format of a decision.

Hand-written rather than `dataclasses.asdict` because it runs once per routed lead in batch and
API paths, and because the format is a contract: fields are renamed or added here, deliberately,
never by accident of a dataclass change. Accounts are reduced to the fields a reader needs.
`json_line` writes such dicts with orjson, a tenth of the stdlib encoder's cost on a decision,
and `decision_json` encodes a decision for it reusing the encoded rule checks, traces of rule
checks and scores of earlier ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

import orjson

from leadrouter.memo import IdentityMemo
from leadrouter.model import (
    Account,
    AccountMatch,
    AccountType,
    DataWarning,
    Decision,
    Effects,
    Fairness,
    Kind,
    Note,
    PoolState,
    Propensity,
    Reason,
    RepCheck,
    RuleCheck,
    Score,
    ScoreLine,
    Trace,
    plain_dict,
)

# The key under which a pool's fairness record rides in its `current` JSON (rep ids never hold
# "~"), so the rotation row and decision bodies need no other column or field.
_FAIRNESS_KEY = "~"


def pool_state_json(state: PoolState) -> dict[str, Any]:
    """A pool state's `current` as stored: the smooth-weighted scores, and the fairness record
    (last assignments, counts, calibration, splits) under "~" once the pool has one."""
    current = plain_dict(state.current)
    fairness = state.fairness
    if fairness.picks or fairness.baseline or fairness.splits:
        record: dict[str, Any] = {"n": fairness.picks}
        for key, value in (
            ("last", fairness.last),
            ("count", fairness.counts),
            ("base", fairness.baseline),
            ("split", fairness.splits),
        ):
            if value:
                record[key] = plain_dict(value)
        if fairness.credit:
            record["credit"] = {rep: list(pair) for rep, pair in fairness.credit.items()}
        if fairness.away:
            record["away"] = sorted(fairness.away)
        current[_FAIRNESS_KEY] = record
    return current


def pool_state_of(
    cursor: int, current: Mapping[str, Any] | None, period: str | None = None
) -> PoolState:
    """The pool state that `pool_state_json` stored (a `current` without "~": no record yet)."""
    scores = dict(current or {})
    record = scores.pop(_FAIRNESS_KEY, None)
    if not record:
        return PoolState(cursor, scores, period=period)
    fairness = Fairness(
        record.get("n", 0),
        record.get("last", {}),
        record.get("count", {}),
        record.get("base", {}),
        {rep: (pair[0], pair[1]) for rep, pair in record.get("credit", {}).items()},
        frozenset(record.get("away", ())),
        record.get("split", {}),
    )
    return PoolState(cursor, scores, fairness, period)


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """A JSON-serializable dict of the decision, trace and effects."""
    return _decision_dict(decision, _rules_to_list, _score_to_dict)


def decision_json(decision: Decision) -> dict[str, Any]:
    """`decision_to_dict` for `json_line` only: the same JSON, with the parts it has met before
    (rule checks, scores) already encoded. Put in a record as it is, it is encoded with the
    record in one go."""
    return _decision_dict(decision, _rules_json, _score_json)


def json_line(record: Mapping[str, Any]) -> bytes:
    """`record` (JSON-ready, as `decision_to_dict` makes) as one line of compact UTF-8 JSON."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def _decision_dict(
    decision: Decision,
    rule_checks: Callable[[tuple[RuleCheck, ...]], Any],
    score: Callable[[Score | None], Any],
) -> dict[str, Any]:
    trace = decision.trace
    effects = decision.effects
    effects_dict = {
        "pools": {
            pool: {"cursor": s.cursor, "current": pool_state_json(s)}
            for pool, s in effects.pools.items()
        },
        "assigned_rep": effects.assigned_rep,
        "day": effects.day.isoformat() if effects.day else None,
    }
    if effects.sla is not None:  # only then: decisions without an SLA keep their format
        effects_dict["sla"] = effects.sla
    # Likewise written only when they differ from their defaults.
    if not effects.new_lead:
        effects_dict["new_lead"] = False
    if effects.rolling:
        effects_dict["rolling"] = True
    if effects.company is not None:
        effects_dict["company"] = effects.company
    for pool, s in effects.pools.items():
        if s.period is not None:
            effects_dict["pools"][pool]["period"] = s.period
    # str() of a StrEnum member is its value, without the Python property `.value` is: these
    # run for every reason code of every decision.
    return {
        "kind": str(decision.kind),
        "owner": decision.owner,
        "queue": decision.queue,
        "pool": decision.pool,
        "rule": decision.rule,
        "policy_version": decision.policy_version,
        "at": _isoformat(decision.at),
        "fallback": decision.fallback,
        "trace": {
            "warnings": [
                {"field": w.field, "code": str(w.code), "message": w.message, "raw": w.raw}
                for w in trace.warnings
            ],
            "match": _match_to_dict(trace.match),
            "score": score(trace.score),
            "rules": rule_checks(trace.rules),
            "reps": [
                {"rep": c.rep, "pool": c.pool, "reason": str(c.reason), "detail": c.detail}
                for c in trace.reps
            ],
            "notes": [
                {"code": str(n.code), "message": n.message, "data": _jsonable(plain_dict(n.data))}
                for n in trace.notes
            ],
        },
        "effects": effects_dict,
        **_propensity_dict(decision.propensity),
    }


def _propensity_dict(propensity: Propensity | None) -> dict[str, Any]:
    # Only when set: decisions of the engine alone (`explain`, policy tests) keep their format.
    if propensity is None:
        return {}
    found: dict[str, Any] = {
        "probability": propensity.probability,
        "eligible": list(propensity.eligible),
    }
    if propensity.arm is not None:
        found["arm"] = propensity.arm
        found["experiment"] = propensity.experiment
    return {"propensity": found}


def _propensity_from_dict(data: dict[str, Any] | None) -> Propensity | None:
    if data is None:
        return None
    return Propensity(
        data["probability"], tuple(data["eligible"]), data.get("arm"), data.get("experiment")
    )


def decision_from_dict(data: dict[str, Any]) -> Decision:
    """The inverse of `decision_to_dict` (accounts come back with the stored fields only)."""
    trace = data["trace"]
    effects = data["effects"]
    return Decision(
        kind=Kind(data["kind"]),
        owner=data["owner"],
        queue=data["queue"],
        pool=data.get("pool"),
        rule=data["rule"],
        policy_version=data["policy_version"],
        at=datetime.fromisoformat(data["at"]),
        fallback=data["fallback"],
        trace=Trace(
            warnings=tuple(
                DataWarning(w["field"], Reason(w["code"]), w["message"], w["raw"])
                for w in trace["warnings"]
            ),
            match=_match_from_dict(trace["match"]),
            score=_score_from_dict(trace["score"]),
            rules=tuple(
                RuleCheck(
                    r["rule"],
                    r["matched"],
                    r["clause"],
                    tuple(r["missing"]),
                    tuple(r["values"].items()),
                )
                for r in trace["rules"]
            ),
            reps=tuple(
                RepCheck(c["rep"], c["pool"], Reason(c["reason"]), c["detail"])
                for c in trace["reps"]
            ),
            notes=tuple(Note(Reason(n["code"]), n["message"], n["data"]) for n in trace["notes"]),
        ),
        effects=Effects(
            pools={
                pool: pool_state_of(s["cursor"], s["current"], s.get("period"))
                for pool, s in effects["pools"].items()
            },
            assigned_rep=effects["assigned_rep"],
            day=date.fromisoformat(effects["day"]) if effects["day"] else None,
            sla=effects.get("sla"),
            new_lead=effects.get("new_lead", True),
            rolling=effects.get("rolling", False),
            company=effects.get("company"),
        ),
        propensity=_propensity_from_dict(data.get("propensity")),
    )


def _account_to_dict(account: Account | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        "id": account.id,
        "name": account.name,
        "type": account.type.value,
        "owner": account.owner,
        "segment": account.segment,
        "country": account.country,
        "parent": account.parent,
        "domains": list(account.domains),
    }


def _account_from_dict(data: dict[str, Any] | None) -> Account | None:
    if data is None:
        return None
    return Account(
        id=data["id"],
        name=data["name"],
        type=AccountType(data["type"]),
        owner=data["owner"],
        segment=data["segment"],
        country=data["country"],
        parent=data["parent"],
        domains=tuple(data["domains"]),
    )


def _match_to_dict(match: AccountMatch | None) -> dict[str, Any] | None:
    if match is None:
        return None
    return {
        "account": _account_to_dict(match.account),
        "confidence": match.confidence,
        "method": match.method,
        "reason": match.reason,
        "strong": match.strong,
        "ultimate_parent": _account_to_dict(match.ultimate_parent),
        "runner_up": _account_to_dict(match.runner_up),
    }


def _match_from_dict(data: dict[str, Any] | None) -> AccountMatch | None:
    if data is None:
        return None
    account = _account_from_dict(data["account"])
    assert account is not None
    return AccountMatch(
        account=account,
        confidence=data["confidence"],
        method=data["method"],
        reason=data["reason"],
        strong=data["strong"],
        ultimate_parent=_account_from_dict(data["ultimate_parent"]),
        runner_up=_account_from_dict(data["runner_up"]),
    )


def _score_to_dict(score: Score | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "total": score.total,
        "fit": score.fit,
        "behavior": score.behavior,
        "mql": score.mql,
        "lines": [{"kind": s.kind, "label": s.label, "points": s.points} for s in score.lines],
    }


def _score_from_dict(data: dict[str, Any] | None) -> Score | None:
    if data is None:
        return None
    lines = tuple(ScoreLine(s["kind"], s["label"], s["points"]) for s in data["lines"])
    return Score(data["total"], data["fit"], data["behavior"], lines, data["mql"])


def _rule_to_dict(check: RuleCheck) -> dict[str, Any]:
    return {
        "rule": check.rule,
        "matched": check.matched,
        "clause": check.clause,
        "missing": list(check.missing),
        "values": {k: v if type(v) in _PLAIN else _jsonable(v) for k, v in check.values},
    }


def _rules_to_list(checks: tuple[RuleCheck, ...]) -> list[dict[str, Any]]:
    return [_rule_to_dict(check) for check in checks]


class _Encoded(IdentityMemo[Any, bytes]):
    """The JSON of immutable trace values (`memo.py`).

    A lead's trace holds a RuleCheck per rule tried, mostly the same objects lead after lead (the
    policy remembers them), often the very tuple of them an earlier lead had (the policy's scan
    remembers those too), and often a remembered Score, so each is encoded once, and a tuple of
    rule checks met for the first time is joined from its checks' JSON.
    """

    __slots__ = ()

    def array(self, values: tuple[Any, ...]) -> bytes:
        """The JSON array of `values`, each encoded or remembered here."""
        encoded = self._made
        try:  # map over C functions: no bytecode per value when every one is remembered
            joined = b",".join(map(encoded.__getitem__, map(id, values)))
        except KeyError:
            # `or`: encoded JSON is never empty bytes, so only values not seen yet are added.
            joined = b",".join([encoded.get(id(value)) or self._add(value) for value in values])
        return b"[" + joined + b"]"


_encoded_rules = _Encoded(lambda check: orjson.dumps(_rule_to_dict(check)), size=16384)
# A few KB each: about as many as the policy's scan remembers at its busiest nodes.
_encoded_traces = _Encoded(_encoded_rules.array, size=4096)
_encoded_scores = _Encoded(lambda score: orjson.dumps(_score_to_dict(score)), size=4096)


# A batch or a burst of leads shares one `at`: its text is kept for the next decision.
_last_at: list[tuple[datetime, str]] = [(datetime.min, datetime.min.isoformat())]


def _isoformat(at: datetime) -> str:
    last = _last_at[0]
    if last[0] is at:
        return last[1]
    text = at.isoformat()
    _last_at[0] = (at, text)
    return text


def _rules_json(checks: tuple[RuleCheck, ...]) -> orjson.Fragment:
    return orjson.Fragment(_encoded_traces.of(checks))


def _score_json(score: Score | None) -> orjson.Fragment | None:
    return None if score is None else orjson.Fragment(_encoded_scores.of(score))


# Types JSON takes as they are: the common case of a trace value, tested first by exact type.
_PLAIN = frozenset({str, float, bool, int, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
