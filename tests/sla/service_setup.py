"""A service database with a small team, an active policy with SLA rules and a worker on a fake
clock, with real receivers (SMTP sink, signed-webhook server) as its channels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import httpx

# Imported for their tables: `wipe` empties every table registered on the metadata.
import leadrouter.notify.models
import leadrouter.sla.models  # noqa: F401
from leadrouter.leads import intake
from leadrouter.leads import service as leads
from leadrouter.leads.schemas import Channel as TouchChannel
from leadrouter.leads.schemas import LeadCreate, TouchCreate
from leadrouter.notify.deliver import Deliverer, Endpoints
from leadrouter.notify.retry import RetryPolicy
from leadrouter.notify.smtp import SmtpConfig
from leadrouter.notify.templates import Templates
from leadrouter.notify.webhook import WebhookConfig
from leadrouter.policies import service as policies
from leadrouter.policies.snapshot import ConfigCache
from leadrouter.pools import service as pools
from leadrouter.pools.schemas import PoolCreate
from leadrouter.queues import service as queues
from leadrouter.queues.schemas import QueueCreate
from leadrouter.reps import service as reps
from leadrouter.reps.schemas import RepCreate, ShiftIn
from leadrouter.store import Database
from leadrouter.worker import Worker

from ..api.conftest import FakeClock
from ..notify.servers import SECRET, HttpReceiver, MailSink, http_receiver, smtp_sink

POLICY = """\
version: "s1"
name: SLA test
fallback_queue: unrouted
rules:
  - id: smb
    when: employees < 1000
    route: pool smb
  - id: catch-all
    route: queue unrouted
"""

SLAS = """\
sla:
  - id: standard
    first_touch: 5m
    escalation:
      - {at: 50%, do: remind owner}
      - {at: 100%, do: alert manager}
      - {after: 10m, do: reassign next}
      - {after: 1h, do: recycle shared}
"""
NINE_TO_FIVE = [ShiftIn(weekday=d, start=time(9), end=time(17)) for d in range(5)]


def seed(
    db: Database,
    now: datetime,
    hours: list[ShiftIn] | None = NINE_TO_FIVE,
    policy: str = POLICY + SLAS,
) -> None:
    """Reps ana and bob (pool smb) managed by maria, in New York; queues unrouted and shared."""
    with db.session() as session:
        for rep_id, manager in (("maria", None), ("ana", "maria"), ("bob", "maria")):
            reps.create(
                session=session,
                rep_in=RepCreate(
                    id=rep_id,
                    name=rep_id.title(),
                    email=f"{rep_id}@acme.example",
                    timezone="America/New_York",
                    working_hours=hours,
                    manager=manager,
                ),
                actor="test",
                now=now,
            )
        for queue_id, fallback in (("unrouted", True), ("shared", False)):
            queues.create(
                session=session,
                queue_in=QueueCreate(id=queue_id, name=queue_id, fallback=fallback),
                actor="test",
                now=now,
            )
        pools.create(
            session=session,
            pool_in=PoolCreate(id="smb", name="SMB", members=["ana", "bob"]),
            actor="test",
            now=now,
        )
        version = policies.upload(session=session, text=policy, actor="test", now=now).version
        policies.activate(session=session, version=version, actor="test", now=now)


@dataclass
class Service:
    db: Database
    clock: FakeClock
    worker: Worker
    mail: MailSink
    hooks: HttpReceiver
    cache: ConfigCache

    def new_lead(self, **fields: Any) -> str:
        body = {"email": "jo@tiny.io", "name": "Jo Park", "company": "Tiny IO", "employees": "50"}
        body.update(fields)
        now = self.clock.now()
        ((answer, _),) = intake.store_and_route(
            db=self.db, cache=self.cache, intakes=[intake.Intake(LeadCreate(lead=body), None, now)]
        )
        return answer.lead_id

    def touch(self, lead_id: str) -> None:
        with self.db.session() as session:
            leads.add_touch(
                session=session,
                lead_id=lead_id,
                touch_in=TouchCreate(channel=TouchChannel.CALL),
                now=self.clock.now(),
            )

    def run_until(self, end: datetime, step: timedelta) -> None:
        """Move the clock to `end` in steps, running the worker after each."""
        while self.clock.now() < end:
            self.clock.advance(min(step, end - self.clock.now()))
            self.worker.run_once()


@contextmanager
def service(
    db: Database, start: datetime, *, policy: str = POLICY + SLAS, **worker: Any
) -> Iterator[Service]:
    seed(db, start, policy=policy)
    clock = FakeClock(start)
    with (
        smtp_sink() as (mail, port),
        http_receiver(now=clock.now) as hooks,
        httpx.Client(timeout=5) as client,
    ):
        endpoints = Endpoints(
            smtp=SmtpConfig("127.0.0.1", port, "routing@acme.example"),
            webhook=WebhookConfig(f"{hooks.url}/hook", SECRET),
        )
        options: dict[str, Any] = {
            "retry": RetryPolicy(max_attempts=4, base=timedelta(seconds=30)),
            **worker,
        }
        runner = Worker(
            db,
            clock=clock,
            deliverer=Deliverer(endpoints, client),
            templates=Templates(),
            name="test-worker",
            **options,
        )
        yield Service(db, clock, runner, mail, hooks, ConfigCache())
