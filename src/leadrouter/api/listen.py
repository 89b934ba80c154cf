"""Listening sockets for `serve --workers N`: one per worker process, bound with SO_REUSEPORT.

uvicorn's workers share one listening socket, and the worker that wakes first accepts every
connection of a burst: with a CRM's or a proxy's pool of keep-alive connections (or a load
test's), one process serves them all while the others idle. With a socket of its own in each
worker, the kernel spreads new connections across workers.

uvicorn hands its supervisor's sockets to each worker by pickling them; `ReusePortListener` is
the placeholder the supervisor holds, and unpickling it in a worker binds that worker's socket.
"""

from __future__ import annotations

import socket
from typing import Any

BACKLOG = 2048  # uvicorn's default


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port that other processes may bind too (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


class ReusePortListener(socket.socket):
    """Stands for the socket a worker will listen on; becomes it when unpickled there."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__()  # never bound: the supervisor must not take connections itself
        self.address = (host, port)

    def __reduce__(self) -> tuple[Any, ...]:
        return (listen, self.address)


def check_free(host: str, port: int) -> None:
    """Raise OSError now, in the supervisor, if host:port cannot be bound."""
    listen(host, port).close()
