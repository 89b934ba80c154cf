"""`leadrouter report` gives each pool's fairness in one figure beside the per-rep shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadrouter.reports.figures import SlaCompliance, SpeedToLead, fair_shares
from leadrouter.reports.summary import Report, report_rows


def test_report_rows__have_each_pools_max_deviation_and_gini():
    now = datetime(2026, 11, 24, tzinfo=UTC)
    report = Report(
        start=now - timedelta(days=30),
        end=now,
        sla_target=timedelta(minutes=15),
        leads=100,
        speed=SpeedToLead(0, None, None),
        sla=SlaCompliance(0, 0, 0),
        fallback=(),
        fairness={"na": fair_shares({"ana": 60, "bob": 40}, {"ana": 3, "bob": 1})},
        conversion={},
    )

    rows = {(r.section, r.key, r.metric): r.value for r in report_rows(report)}

    assert rows["pool_fairness", "na", "leads"] == 100
    assert round(rows["pool_fairness", "na", "max_deviation"], 6) == 0.6
    assert 0 < rows["pool_fairness", "na", "gini"] < 1
