"""The worker: starts SLA clocks from new decisions, fires due ladder steps and delivers the
outbox, in a loop over the service database.

A small table-based loop rather than a task queue: every SLA step is recorded in the transaction
that claims its timer (exactly once, or rolled back and still due), and messages are outbox rows
written in those same transactions, so the only at-least-once edge is the gap between a channel
accepting a message and the worker marking it sent. Several workers may run on PostgreSQL (rows
are claimed with SKIP LOCKED); on SQLite, run one. Time comes from an injected clock, so tests
run a week of SLA time in milliseconds. Never sends outside `deliver`.

It also sweeps: a lead still `received` a little while after it arrived (its intake failed on
the database, or it came while no policy was active) is routed through the service's own intake
path (`leads.intake.sweep`), so none is left unrouted for good; routing itself stays there.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from leadrouter.clock import Clock
from leadrouter.connectors.alerts import alert_failed_writeback
from leadrouter.errors import LeadRouterError
from leadrouter.experiments import abtest
from leadrouter.leads import intake as leads
from leadrouter.notify import outbox
from leadrouter.notify.deliver import Deliverer
from leadrouter.notify.message import Channel, DeliveryFailed, Message
from leadrouter.notify.models import DEAD, PENDING, SENT
from leadrouter.notify.retry import RetryPolicy
from leadrouter.notify.templates import Templates
from leadrouter.policies import splits
from leadrouter.policies.snapshot import ConfigCache, compile_version
from leadrouter.policy.compiled import CompiledPolicy
from leadrouter.policy.crm import CrmConfig
from leadrouter.reports import drift
from leadrouter.sla import service as sla
from leadrouter.store import Database

# How long a lead may stay `received` before the sweep routes it: far longer than an intake
# takes (milliseconds), so the sweep never races a request that is routing its lead; a race
# would be harmless anyway (routing claims a lead only while it is `received`).
SWEEP_AFTER = timedelta(seconds=10)
FAIRNESS_EVERY = timedelta(hours=1)  # how often the worker looks for pools unfair for days
GUARD_EVERY = timedelta(minutes=5)  # how often it applies a running A/B test's guard rail


@dataclass(frozen=True, slots=True)
class Pass:
    """What one pass of the loop did."""

    swept: int = 0  # leads left `received` and routed now
    started: int = 0  # decisions taken in (clocks started, alerts raised)
    stopped: int = 0  # clocks stopped by a touch
    fired: int = 0  # timers fired
    sent: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def busy(self) -> bool:
        return any(
            (self.swept, self.started, self.stopped, self.fired, self.sent, self.retried, self.dead)
        )


class ScaledClock:
    """Real time running `speed` times faster from `start` (1 = the system clock), for demos."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)


def default_name() -> str:
    """host:pid, unique among running workers and readable in the outbox's claimed_by."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock,
        deliverer: Deliverer,
        templates: Templates,
        name: str | None = None,
        retry: RetryPolicy = RetryPolicy(),
        rng: random.Random | None = None,
        batch: int = 500,
        lease: timedelta = timedelta(minutes=2),
        sweep_after: timedelta = SWEEP_AFTER,
        crm: CrmConfig | None = None,
        senders: int = 8,
    ) -> None:
        self.db = db
        self.clock = clock
        self.deliverer = deliverer
        self.templates = templates
        self.name = name or default_name()
        self.retry = retry
        self.rng = rng or random.Random()
        self.batch = batch
        self.lease = lease
        self.sweep_after = sweep_after
        self.crm = crm
        self.senders = senders  # messages delivered at once
        self._senders: ThreadPoolExecutor | None = None
        self.cache = ConfigCache()
        # Earlier policy versions, compiled against the team of a config version, for decisions
        # routed before the last activation: their SLAs are the ones those versions define.
        self._versions: dict[tuple[int, str], CompiledPolicy | None] = {}
        self._fairness_checked: datetime | None = None
        self._guard_checked: datetime | None = None

    def _context(self, session: Session) -> sla.Context:
        config = self.cache.get(session)
        channels = self.deliverer.endpoints.channels
        now = self.clock.now()
        return sla.Context(
            config, self.templates, channels, now, self.name, self._policy_of, self.crm
        )

    def _policy_of(self, session: Session, version: str) -> CompiledPolicy | None:
        config = self.cache.get(session)
        key = (config.version, version)
        if key not in self._versions:
            if len(self._versions) > 16:
                self._versions.clear()
            try:
                self._versions[key] = compile_version(session, version, config.team)
            except LeadRouterError:  # not stored, or no longer valid for today's team
                self._versions[key] = None
        return self._versions[key]

    def run_once(self) -> Pass:
        """Route leads left unrouted, take in new decisions and touches, fire every due timer,
        deliver due messages."""
        swept = self.sweep()
        started = self._drain(sla.intake)
        # The decisions' write-backs and notices go before the timers' turn: behind two more
        # write transactions (each waiting for SQLite's one write lock), a CRM owner took a
        # second longer to be written at 100 leads/s.
        sent, retried, dead = self.deliver_due() if started else (0, 0, 0)
        stopped = self._drain(sla.stop_touched)
        fired = self._drain(sla.fire_due)
        self.watch_fairness()
        self.guard_abtest()
        more = self.deliver_due()
        sent, retried, dead = sent + more[0], retried + more[1], dead + more[2]
        return Pass(swept, started, stopped, fired, sent, retried, dead)

    def watch_fairness(self) -> list[str]:
        """Alert on pools unfair for days (`reports/drift.py`), at most once an hour; the pools
        alerted (each at most once a day: the outbox skips a key it has)."""
        now = self.clock.now()
        if self._fairness_checked is not None and now - self._fairness_checked < FAIRNESS_EVERY:
            return []
        self._fairness_checked = now
        channels = self.deliverer.endpoints.channels
        if not channels:
            return []
        return self.db.write(lambda session: drift.alert_drift(session, now, channels))

    def guard_abtest(self) -> str | None:
        """Apply the running A/B test's SLA guard rail (`experiments/abtest.py`) every few
        minutes; the arm stopped, if it stopped one now."""
        now = self.clock.now()
        if self._guard_checked is not None and now - self._guard_checked < GUARD_EVERY:
            return None
        self._guard_checked = now

        def check(session: Session) -> str | None:
            row = splits.running(session)
            if row is None or row.stopped_arm is not None or not row.start <= now:
                return None
            found = abtest.enforce_guard(session, row, now, abtest.DEFAULT_SLA)
            return found.test.stopped_arm

        return self.db.write(check)

    def sweep(self) -> int:
        """Route the leads still `received` `sweep_after` after they arrived; how many."""
        now = self.clock.now()
        received_by = now - self.sweep_after
        return leads.sweep(db=self.db, cache=self.cache, received_by=received_by, now=now)

    def _drain(self, step: Callable[..., int]) -> int:
        """Run `step` in batches, one transaction each, until a batch comes back short."""
        # A configuration that changed is built in a read first: built inside the write, it
        # held SQLite's one write lock for a second or more while the API's intake waited.
        with self.db.read() as session:
            self.cache.get(session)
        total = 0
        while True:
            done = self.db.write(lambda s: step(s, self._context(s), limit=self.batch))
            total += done
            if done < self.batch:
                return total

    def deliver_due(self) -> tuple[int, int, int]:
        """Deliver leased batches of due messages; (sent, scheduled for retry, dead-lettered)."""
        sent = retried = dead = 0
        while True:
            now = self.clock.now()
            claimed = self.db.write(
                partial(outbox.claim, worker=self.name, now=now, lease=self.lease, limit=self.batch)
            )
            # CRM write-backs (each waits ~5-50 ms on its CRM, and their order does not matter)
            # go several at once, so a burst does not queue behind one another; notifications
            # keep their order (a reminder before the alert), one after another.
            crm = [c for c in claimed if c[1].channel is Channel.CRM]
            written = {r[0]: r for r in self._pool().map(self._deliver_one, crm)}
            results = [written[c[0]] if c[0] in written else self._deliver_one(c) for c in claimed]
            states = self.db.write(partial(self._record, results=results))
            sent += states.count(SENT)
            retried += states.count(PENDING)
            dead += states.count(DEAD)
            if len(claimed) < self.batch:
                return sent, retried, dead

    def _deliver_one(
        self, claimed: tuple[int, Message]
    ) -> tuple[int, Message, DeliveryFailed | None]:
        row_id, message = claimed
        try:
            self.deliverer.deliver(message, self.clock.now())
        except DeliveryFailed as error:
            return row_id, message, error
        return row_id, message, None

    def _pool(self) -> ThreadPoolExecutor:
        if self._senders is None:
            self._senders = ThreadPoolExecutor(self.senders, thread_name_prefix="deliver")
        return self._senders

    def _record(
        self, session: Session, results: list[tuple[int, Message, DeliveryFailed | None]]
    ) -> list[str | None]:
        now = self.clock.now()
        # One statement for every delivery: one UPDATE each held SQLite's write lock a row at
        # a time while the API's intake waited for it.
        done = [row_id for row_id, _, error in results if error is None]
        marked = outbox.mark_sent(session, done, worker=self.name, now=now)
        states: list[str | None] = []
        for row_id, message, error in results:
            if error is None:
                states.append(SENT if row_id in marked else None)
            else:
                states.append(
                    outbox.mark_failed(
                        session,
                        row_id,
                        worker=self.name,
                        error=str(error),
                        retryable=error.retryable,
                        retry_after=error.retry_after,
                        now=now,
                        retry=self.retry,
                        rng=self.rng,
                    )
                )
                if states[-1] == DEAD and message.channel is Channel.CRM:
                    alert_failed_writeback(
                        session,
                        row_id,
                        message,
                        error,
                        templates=self.templates,
                        channels=self.deliverer.endpoints.channels,
                        now=now,
                    )
        return states

    def run(self, *, should_stop: Callable[[], bool], idle_seconds: float = 0.5) -> None:
        """Loop until `should_stop()`; sleep between passes only when a pass found nothing."""
        while not should_stop():
            if not self.run_once().busy:
                time.sleep(idle_seconds)
