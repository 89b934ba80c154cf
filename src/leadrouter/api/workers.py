"""`serve --workers N`: a supervisor process accepts every connection and deals them in turn to N
worker processes, each serving the app on its own event loop.

Why deal: with one listening socket shared by the workers, the worker that wakes first accepts a
whole burst of connections while the others idle; with a socket per worker (SO_REUSEPORT), the
kernel hashes each connection to a worker, and 16 keep-alive connections (a CRM's pool, a proxy's,
a load test's) split 11/5 about as often as 8/8. Then one worker's requests queue behind its
batches while the other has CPU to spare: `bench/api.py` measured 340 leads/s at a 63/37 split of
the work and 450 at 50/50. Dealt in turn, the workers' counts differ by one at most.

The supervisor only accepts: it passes each connection on (SCM_RIGHTS over a Unix socket pair) and
the worker serves it as if it had accepted it itself; no byte of a request goes through the
supervisor. A worker that dies is replaced, its share going to the others meanwhile; one that
fails to start (its app's startup failed) stops the service, as it would fail again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import signal
import socket
import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("uvicorn.error")  # where uvicorn tells of its workers too

BACKLOG = 2048  # uvicorn's default
_SPAWN = multiprocessing.get_context("spawn")  # as uvicorn: no state forked from the supervisor


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port; OSError if it cannot be bound."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    feed: socket.socket  # the supervisor's end of the pair the connections go through


class Supervisor:
    """Runs `config.workers` processes serving config's app on the connections to its host:port;
    OSError if that cannot be bound."""

    def __init__(self, config: uvicorn.Config) -> None:
        self.config = config
        self.listener = listen(config.host, config.port)
        self.workers: list[_Worker] = []
        self.stop = threading.Event()
        self.failed = False

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM (0) or a worker's failed start (STARTUP_FAILURE)."""
        before = {
            signum: signal.signal(signum, lambda *_: self.stop.set())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self.workers = [self._start(n) for n in range(self.config.workers)]
            threading.Thread(target=self._deal, name="deal", daemon=True).start()
            log.info(
                "serving on http://%s:%d with %d worker processes",
                self.config.host,
                self.config.port,
                len(self.workers),
            )
            while not self.stop.wait(0.5):
                self._replace_dead()
        finally:
            self.stop.set()
            with contextlib.suppress(OSError):  # wakes the dealing thread from its accept
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            for worker in self.workers:
                worker.process.terminate()
            for worker in self.workers:
                worker.process.join()
                worker.feed.close()
            for signum, handler in before.items():
                signal.signal(signum, handler)
        return STARTUP_FAILURE if self.failed else 0

    def _start(self, n: int) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = _SPAWN.Process(target=_serve, args=(self.config, theirs), name=f"worker-{n}")
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _replace_dead(self) -> None:
        for n, worker in enumerate(self.workers):
            code = worker.process.exitcode
            if code is None:
                continue
            if code == STARTUP_FAILURE:
                log.error("worker %s failed to start: stopping", worker.process.pid)
                self.failed = True
                self.stop.set()
                return
            log.warning("worker %s died (exit code %s): starting another", worker.process.pid, code)
            self.workers[n] = self._start(n)
            worker.feed.close()

    def _deal(self) -> None:
        turn = itertools.count()
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError as error:
                if self.stop.is_set():
                    return
                # Out of file descriptors, say: the kernel keeps the connection queued.
                log.warning("cannot accept a connection: %s", error)
                self.stop.wait(0.1)
                continue
            with connection:  # the worker has its own copy once passed
                if connection.family in (socket.AF_INET, socket.AF_INET6):
                    # Answers are small writes, each awaited by its client: never hold them back.
                    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if not any(self._pass(connection, next(turn)) for _ in self.workers):
                    log.warning("no worker could take a connection: closed")

    def _pass(self, connection: socket.socket, turn: int) -> bool:
        """Hand `connection` to the worker whose turn it is; False if it cannot take it."""
        worker = self.workers[turn % len(self.workers)]
        try:
            socket.send_fds(worker.feed, [b"c"], [connection.fileno()], socket.MSG_DONTWAIT)
        except OSError:  # dead, or too far behind to take more: the next one
            return False
        return True


def _serve(config: uvicorn.Config, feed: socket.socket) -> None:
    """A worker process: serve the connections that come through `feed`."""
    config.configure_logging()
    with contextlib.suppress(KeyboardInterrupt):  # the supervisor stops its workers itself
        _Server(config, feed).run()


class _Server(uvicorn.Server):
    """A uvicorn server without a listening socket of its own: its connections come from the
    supervisor."""

    def __init__(self, config: uvicorn.Config, feed: socket.socket) -> None:
        super().__init__(config)
        self.feed = feed
        self.connecting: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app's startup; no socket to listen on

        def protocol() -> asyncio.Protocol:  # as uvicorn makes one per accepted connection
            return self.config.http_protocol_class(  # type: ignore[call-arg]
                config=self.config, server_state=self.server_state, app_state=self.lifespan.state
            )

        self.feed.setblocking(False)
        asyncio.get_running_loop().add_reader(self.feed, self._take, protocol)

    def _take(self, protocol: Any) -> None:
        try:
            _, fds, _, _ = socket.recv_fds(self.feed, 1, 1)
        except BlockingIOError:
            return
        loop = asyncio.get_running_loop()
        if not fds:  # the supervisor is gone: nobody will send more, or stop this worker
            loop.remove_reader(self.feed)
            self.should_exit = True
            return
        connection = socket.socket(fileno=fds[0])
        task = loop.create_task(loop.connect_accepted_socket(protocol, connection))
        self.connecting.add(task)
        task.add_done_callback(self.connecting.discard)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().remove_reader(self.feed)
        self.feed.close()
        await super().shutdown(sockets)
