"""codec: the JSON lines of `leadrouter route` carry exactly what `decision_to_dict` says."""

from __future__ import annotations

import json
from datetime import timedelta

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.codec import decision_json, decision_to_dict, json_line
from leadrouter.engine import route
from tests.factories import TUESDAY_15_UTC, snapshot

_LEADS = st.fixed_dictionaries(
    {},
    optional={
        "email": st.sampled_from(["jo@initech.com", "ana@gmail.com", "not an email"]),
        "country": st.sampled_from(["USA", "Germany", "Singapore", "Brasil", "Atlantis"]),
        "employees": st.sampled_from(["5k", "12", "n/a", "lots"]),
        "form": st.sampled_from(["demo_request", "newsletter"]),
        "estimated_value": st.sampled_from(["80000", "$1k", "soon"]),
        "company": st.sampled_from(["Initech", "Zürich Versicherung", ""]),
    },
)


def test_json_line__is_compact_utf8_json_ending_in_a_newline() -> None:
    line = json_line({"company": "Zürich", "employees": 5000.0, "tags": ("a", "b")})

    assert line == '{"company":"Zürich","employees":5000.0,"tags":["a","b"]}\n'.encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(_LEADS, min_size=1, max_size=8), st.integers(min_value=0, max_value=6))
def test_decision_json__encodes_what_decision_to_dict_says_for_any_leads(
    leads: list[dict[str, str]], days: int
) -> None:
    snap = snapshot()
    at = TUESDAY_15_UTC + timedelta(days=days)
    for lead in leads:
        decision = route(lead, snap, at)

        encoded = json_line({"row": 1, "decision": decision_json(decision)})

        expected = json.loads(json.dumps(decision_to_dict(decision)))
        assert orjson.loads(encoded) == {"row": 1, "decision": expected}


def test_decision_json__a_rule_check_seen_before_is_written_the_same() -> None:
    lead = {"email": "jo@initech.com", "country": "USA", "employees": "12"}
    first = route(lead, snapshot(), TUESDAY_15_UTC)
    again = route(lead, snapshot(), TUESDAY_15_UTC)

    assert bytes(json_line(decision_json(again))) == bytes(json_line(decision_json(first)))
    assert orjson.loads(json_line(decision_json(again)))["trace"]["rules"] == json.loads(
        json.dumps(decision_to_dict(first)["trace"]["rules"])
    )
