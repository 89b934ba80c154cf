"""Recently verified API keys, so most requests skip the key lookup (a pooled connection, a
transaction and a query: more than the rest of an intake's reads together).

A key revoked through this process is forgotten at once; one revoked through another process
(or the CLI) stops working there within `ttl` seconds. Only known keys are kept: a key created
elsewhere works at once, and guessing tokens cannot fill the cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from leadrouter.keys.service import Principal, hash_token


class VerifiedKeys:
    def __init__(
        self,
        ttl: float,
        *,
        size: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._known: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        """The principal of `token` if it was verified less than `ttl` seconds ago."""
        entry = self._known.get(hash_token(token))
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def put(self, token: str, principal: Principal) -> None:
        with self._lock:
            if len(self._known) >= self.size:
                self._known.clear()  # a burst of distinct keys: start over rather than track age
            self._known[hash_token(token)] = (principal, self._clock() + self.ttl)

    def forget_all(self) -> None:
        """Drop every entry (a key was revoked)."""
        with self._lock:
            self._known.clear()
