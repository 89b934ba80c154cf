"""Recently verified API keys, so most requests skip the key lookup (a pooled connection, a
transaction and a query: more than the rest of an intake's reads together).

A revoked key must stop working everywhere at once. A key revoked through this process is
forgotten at once. On PostgreSQL, every revocation also sends a notification on the
`REVOKED_CHANNEL` in its transaction (`keys.service.revoke`), which PostgreSQL delivers at
commit to every listening connection: each process keeps one (a thread, shared by the caches of
one database) and forgets every key the moment one arrives, whichever process or CLI revoked it.
While that connection is down (and on SQLite, where one process serves), a key revoked elsewhere
stops working within `ttl` seconds, the bound; the listener forgets everything when it
reconnects, since it may have missed a revocation. Only known keys are kept: a key created
elsewhere works at once, and guessing tokens cannot fill the cache.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url

from leadrouter.keys.service import REVOKED_CHANNEL, Principal, hash_token

log = logging.getLogger("leadrouter.keys")
RECHECK_SECONDS = 30.0  # how often an idle listener checks that its connection still works
RECONNECT_SECONDS = 1.0  # the first wait before connecting again after a failure
MAX_RECONNECT_SECONDS = 30.0


class VerifiedKeys:
    def __init__(
        self,
        ttl: float,
        *,
        size: int = 1024,
        clock: Callable[[], float] = time.monotonic,
        database_url: str | None = None,
    ) -> None:
        """`database_url`: listen for revocations on that database (PostgreSQL only)."""
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._known: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        if database_url is not None and ttl > 0 and database_url.startswith("postgresql"):
            _watch(database_url, self)

    @property
    def generation(self) -> int:
        """Moves at every `forget_all`: read it before a lookup, pass it to `put`."""
        return self._generation

    def get(self, token: str) -> Principal | None:
        """The principal of `token` if it was verified less than `ttl` seconds ago."""
        entry = self._known.get(hash_token(token))
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def put(self, token: str, principal: Principal, since: int | None = None) -> None:
        """Remember a verified key; `since`: the `generation` read before the lookup began, so
        that a lookup that raced a revocation is not remembered."""
        with self._lock:
            if since is not None and since != self._generation:
                return
            if len(self._known) >= self.size:
                self._known.clear()  # a burst of distinct keys: start over rather than track age
            self._known[hash_token(token)] = (principal, self._clock() + self.ttl)

    def forget_all(self) -> None:
        """Drop every entry (a key was revoked)."""
        with self._lock:
            self._known.clear()
            self._generation += 1


class _Listener:
    """One LISTEN connection per process and database, telling every cache of that database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
        self.caches: weakref.WeakSet[VerifiedKeys] = weakref.WeakSet()
        self.listening = threading.Event()  # set while the connection listens (for tests)
        self._thread = threading.Thread(target=self._run, name="key-revocations", daemon=True)

    def _forget(self) -> None:
        for cache in list(self.caches):
            cache.forget_all()

    def _needed(self) -> bool:
        """Whether a cache still listens; if none does, this listener leaves the registry (under
        its lock, so a cache watching at that moment gets a new listener)."""
        with _LISTENERS_LOCK:
            if self.caches:
                return True
            _LISTENERS.pop((os.getpid(), self.url), None)
            return False

    def _run(self) -> None:
        wait = RECONNECT_SECONDS
        while self._needed():  # a process whose caches are all gone stops listening
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {REVOKED_CHANNEL}")
                    self._forget()  # whatever was revoked while nobody listened
                    self.listening.set()
                    wait = RECONNECT_SECONDS
                    while self.caches:
                        for _ in connection.notifies(timeout=RECHECK_SECONDS):
                            self._forget()
                        connection.execute("SELECT 1")  # a dead connection raises here
            except psycopg.Error as error:
                self._forget()
                if self.listening.is_set() or wait == RECONNECT_SECONDS:  # once per outage
                    log.warning("key revocations: not listening (%s); retrying", error)
                self.listening.clear()
                time.sleep(wait)
                wait = min(wait * 2, MAX_RECONNECT_SECONDS)
        self.listening.clear()


_LISTENERS: dict[tuple[int, str], _Listener] = {}
_LISTENERS_LOCK = threading.Lock()


def _listener(url: str) -> _Listener:
    """The process's listener for `url` (created, not started, if there is none)."""
    # Keyed by process too: a forked server worker inherits the dict but not the thread.
    key = (os.getpid(), url)
    with _LISTENERS_LOCK:
        if key not in _LISTENERS:
            _LISTENERS[key] = _Listener(url)
        return _LISTENERS[key]


def _watch(url: str, cache: VerifiedKeys) -> None:
    listener = _listener(url)
    with _LISTENERS_LOCK:
        if _LISTENERS.get((os.getpid(), url)) is not listener:  # it stopped in between
            listener = _LISTENERS[os.getpid(), url] = _Listener(url)
        listener.caches.add(cache)
        if not listener._thread.is_alive() and listener._thread.ident is None:
            listener._thread.start()
