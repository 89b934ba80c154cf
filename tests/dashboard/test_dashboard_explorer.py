"""Drill-down: every overview figure opens the leads behind it (the same count), the explorer's
filters, sorting, the previous-period comparison, and CSV exports of every list."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from leadrouter.dashboard.views import WINDOW
from leadrouter.leads.models import LeadRow
from leadrouter.reports.summary import DEFAULT_SLA, build_report

from .conftest import NOW


def _total(html: str) -> int:
    match = re.search(r'<b id="total">(\d+)</b>', html)
    assert match, html[:2000]
    return int(match.group(1))


def _link(html: str, element_id: str) -> str:
    match = re.search(rf'href="([^"]+)" id="{element_id}"', html) or re.search(
        rf'id="{element_id}"><a href="([^"]+)"', html
    )
    assert match, element_id
    return match.group(1).replace("&amp;", "&")


def test_overview__each_sla_figure_opens_exactly_the_leads_it_counts(client, db):
    html = client.get("/").text
    with db.read() as session:
        report = build_report(session, NOW, WINDOW, DEFAULT_SLA)
    for state, expected in (
        ("met", report.sla.met),
        ("breached", report.sla.breached),
        ("pending", report.sla.pending),
    ):
        listed = client.get(_link(html, f"sla-{state}")).text
        assert _total(listed) == expected, state


def test_overview__leads_today_and_last_7_days_open_their_leads(client):
    html = client.get("/").text
    today = re.search(r'id="leads-today"><a href="([^"]+)">(\d+)<', html)
    week = re.search(r'id="leads-week"><a href="([^"]+)">(\d+)<', html)
    assert _total(client.get(today.group(1)).text) == int(today.group(2))
    assert _total(client.get(week.group(1)).text) == int(week.group(2))


def test_explorer__filters_by_rule_and_rep_and_compares_with_the_period_before(client, db):
    html = client.get("/leads", params={"period": "30d", "rule": "smb", "rep": "bob"}).text
    with db.read() as session:
        expected = session.scalar(
            select(func.count())
            .select_from(LeadRow)
            .where(
                LeadRow.rule == "smb", LeadRow.owner == "bob", LeadRow.received_at >= NOW - WINDOW
            )
        )
    assert _total(html) == expected
    assert "the period before" in html


def test_explorer__waiting_for_review_lists_the_review_queue(client, db):
    html = client.get("/leads", params={"waiting": "review"}).text
    with db.read() as session:
        review = session.scalar(select(func.count()).where(LeadRow.kind == "review"))
    assert _total(html) == review


def test_explorer__sorts_by_a_column_both_ways(client):
    ascending = client.get(
        "/leads", params={"period": "30d", "sort": "received", "order": "asc"}
    ).text
    descending = client.get(
        "/leads", params={"period": "30d", "sort": "received", "order": "desc"}
    ).text

    def first(html: str) -> str:
        table = html[html.index('id="results"') :]
        return re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d UTC)", table)[0]

    assert first(ascending) < first(descending)
    assert 'aria-sort="ascending"' in ascending


def test_explorer__exports_the_filtered_leads_as_csv(client):
    answer = client.get("/leads", params={"period": "30d", "sla": "breached", "format": "csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][0] == "lead_id" and "received_at_utc" in rows[0]
    html = client.get("/leads", params={"period": "30d", "sla": "breached"}).text
    assert len(rows) - 1 == _total(html)


def test_lists__reps_rules_and_work_queues_export_csv(client):
    for path in ("/reps?format=csv", "/rules?format=csv", "/queue?list=breached&format=csv"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert len(answer.text.splitlines()) > 1, path


def test_pages__every_time_names_its_zone(client):
    for path in ("/leads?period=30d", "/queue", "/reps/ana"):
        html = client.get(path).text
        times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?! UTC)\b", html)
        assert not times, (path, times[:3])
