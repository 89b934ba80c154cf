"""Reading and normalizing a CSV of leads in a second process while this one routes.

Normalizing a lead is pure and needs nothing routing has decided, so on a machine with a core
to spare a forked child reads the rows, normalizes them and works out their dedupe keys, and
sends them over a pipe in chunks; the parent routes them in file order, as `batch.route_rows`
would. The leads, warnings and bad rows are the same either way (tests hold them equal); only
the work moves. Where a fork is not possible or not safe (not Linux, one core, threads already
running in this process) the rows are read here, in this process.
This module never routes and never writes decisions.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from leadrouter.batch import BadRow, Normalized, normalized_rows, read_rows
from leadrouter.forking import fork_helps
from leadrouter.matching import dedupe_keys
from leadrouter.matching.readings import Readings, lead_from, readings_of
from leadrouter.model import FieldType

# Leads per message: big enough that a message's fixed cost (a system call, a pickle frame)
# is spread thin, small enough that routing starts at once and the pipe holds little.
CHUNK = 256

# A lead as it crosses the pipe: plain values, which pickle writes and reads in C (a Lead's
# mapping proxies cannot be pickled, and its frozen dataclasses would be read through Python).
_Sent = tuple[int, dict[str, Any], Readings, str | None, datetime | None]


def read_leads(
    path: Path,
    custom: Mapping[str, FieldType],
    at: datetime,
    bad: Callable[[BadRow], None],
    *,
    replay: bool = False,
) -> Iterator[Normalized]:
    """`normalized_rows(read_rows(path, bad), custom, at, replay=replay)`, with dedupe keys,
    from a child process when one can run beside this one. Call it before starting threads
    (a progress bar): the child is forked here, at once."""
    if not _can_fork():
        return normalized_rows(read_rows(path, bad), custom, at, replay=replay)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_send_leads, args=(sender, path, custom, at, replay), name="leadrouter-reader"
    )
    child.daemon = True  # never outlives an interrupted run
    child.start()
    sender.close()  # the child holds the writing end: its exit ends the pipe
    return _received(receiver, child, at, bad)


def _can_fork() -> bool:
    # A fork copies the locks other threads hold, held, into a child that has no such thread.
    return fork_helps() and threading.active_count() == 1


def _send_leads(
    sender: Connection,
    path: Path,
    custom: Mapping[str, FieldType],
    at: datetime,
    replay: bool,
) -> None:
    """The child: every lead and bad row of `path`, in order, in chunks, then the end."""
    bad: list[BadRow] = []
    chunk: list[_Sent] = []
    try:
        for number, lead, now, _ in normalized_rows(
            read_rows(path, bad.append), custom, at, replay=replay
        ):
            # `at` itself is not sent: the parent's own object stands for it (None).
            when = None if now is at else now
            readings = readings_of(lead, dedupe_keys(lead))
            chunk.append((number, dict(lead.raw), readings, lead.id, when))
            if len(chunk) >= CHUNK:
                sender.send_bytes(pickle.dumps(("leads", chunk, bad), pickle.HIGHEST_PROTOCOL))
                chunk.clear()
                bad.clear()
        sender.send_bytes(pickle.dumps(("end", chunk, bad), pickle.HIGHEST_PROTOCOL))
    except BaseException as error:  # handed to the parent, which raises it
        sender.send_bytes(pickle.dumps(("error", _picklable(error), []), pickle.HIGHEST_PROTOCOL))
    finally:
        sender.close()


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.dumps(error)
    except Exception:  # an exception holding what cannot cross a pipe: its words do
        return ChildProcessError(f"reading the leads failed: {error!r}")
    return error


def _received(
    receiver: Connection,
    child: multiprocessing.process.BaseProcess,
    at: datetime,
    bad: Callable[[BadRow], None],
) -> Iterator[Normalized]:
    """The parent: the child's leads rebuilt as `normalized_rows` gives them, bad rows told."""
    try:
        while True:
            try:
                kind, chunk, bad_rows = pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise ChildProcessError(
                    f"the process reading the leads stopped (exit code {child.exitcode})"
                ) from None
            if kind == "error":
                raise chunk
            for row in bad_rows:
                bad(row)
            for number, raw, readings, lead_id, when in chunk:
                now = at if when is None else when
                lead, keys = lead_from(raw, readings, lead_id, now)
                yield number, lead, now, keys
            if kind == "end":
                return
    finally:
        receiver.close()
        if child.is_alive():  # the caller stopped early: nobody will read the rest
            child.terminate()
        child.join()
