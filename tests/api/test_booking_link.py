"""The owner's booking link (team.yaml / the rep's `booking_url`) comes back with the intake
answer, so a form can show "book a time with Ana" at once."""

from __future__ import annotations

from leadrouter.policy import parse_team


def test_intake_answer__carries_the_owners_booking_link(seeded):
    for rep in ("ana", "bob", "carl"):
        changed = seeded.patch(
            f"/v1/reps/{rep}", json={"booking_url": f"https://meet.acme.example/{rep}"}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["booking_url"] == f"https://meet.acme.example/{rep}"

    answer = seeded.post("/v1/leads", json={"lead": {"email": "jo@initech.com"}}).json()

    assert answer["booking_url"] == f"https://meet.acme.example/{answer['owner']}"


def test_lead_in_a_queue__has_no_booking_link(seeded):
    answer = seeded.post("/v1/leads", json={"lead": {"name": "Jo"}}).json()

    assert answer["queue"] and answer["booking_url"] is None


def test_booking_link__must_be_a_url_in_team_yaml_and_the_api(seeded):
    import pytest

    from leadrouter.errors import PolicyError

    team = "reps:\n  - {id: ana, name: Ana, email: ana@a.example, booking_url: calendly}\n"
    with pytest.raises(PolicyError) as error:
        parse_team(team, "team.yaml")
    assert "'calendly' is not an http(s) URL" in str(error.value)
    assert seeded.patch("/v1/reps/ana", json={"booking_url": "calendly"}).status_code == 422
