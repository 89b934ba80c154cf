"""Fairness as a monitored metric: `/metrics` counts each rep's leads per pool and exports each
pool's largest deviation from weighted fair share and its Gini coefficient."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from leadrouter.keys.schemas import Scope
from leadrouter.leads.models import DecisionRow, LeadRow
from leadrouter.reports.fairness import pool_fairness
from leadrouter.reports.queries import pool_weights
from leadrouter.settings import Settings

from .conftest import FixedClock
from .server import dashboard_app


def test_metrics__export_pool_leads_and_fairness_per_pool(demo):
    db, tokens = demo
    client = TestClient(dashboard_app(Settings(db=db.url), db, FixedClock()))
    text = client.get(
        "/metrics", headers={"Authorization": f"Bearer {tokens[Scope.METRICS_READ]}"}
    ).text

    counted = {
        (m[1], m[2]): int(m[3])
        for m in re.finditer(
            r'^leadrouter_pool_leads_total\{pool="([^"]+)",rep="([^"]*)"\} (\d+)$', text, re.M
        )
    }
    with db.read() as session:
        stored = dict(
            session.execute(
                select(LeadRow.pool, func.count())
                .join(DecisionRow, DecisionRow.lead_id == LeadRow.id)
                .where(
                    DecisionRow.cause == "new", DecisionRow.kind == "rep", LeadRow.pool.is_not(None)
                )
                .group_by(LeadRow.pool)
            ).all()
        )
        weights = pool_weights(session)
    assert counted and sum(counted.values()) == sum(stored.values())
    for pool in {p for p, _ in counted}:
        fair = pool_fairness(
            pool, weights[pool], {r: n for (p, r), n in counted.items() if p == pool}
        )
        shown = re.search(
            rf'^leadrouter_pool_fairness_max_deviation\{{pool="{pool}"\}} (\S+)$', text, re.M
        )
        assert shown and float(shown[1]) == round(fair.max_deviation, 4)
        assert f'leadrouter_pool_fairness_gini{{pool="{pool}"}}' in text
