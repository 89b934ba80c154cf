"""Several Core statements of one transaction sent to the database together, in one round trip.

A transaction that others wait for (routing's turn) spends most of its time waiting for answers
it could have asked for all at once: each statement is a trip to the server and back, and on a
busy machine each answer also waits for a core and for the GIL. On PostgreSQL the statements go
in one psycopg pipeline: the server runs them in order, each seeing what the earlier ones did
(each statement of a READ COMMITTED transaction takes its own snapshot, so a read sent after a
lock sees what the lock's holder committed), and the answers come back together. On SQLite,
an in-process library with no round trips, they simply run one after the other.

Statements are SQLAlchemy Core, as everywhere else: on PostgreSQL each is compiled once per set
of parameter names and its parameters converted by the column types, exactly what
`Connection.execute` does; only the sending differs. No expanding (IN-list) parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Pipeline
from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import Compiled

Params = Mapping[str, Any]
Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Step:
    """A statement and its parameters."""

    statement: Executable
    params: Params | None = None


@dataclass(frozen=True, slots=True)
class Done:
    """What a step returned: its rows, and the rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int


def run(connection: Connection, steps: Sequence[Step]) -> list[Done]:
    """Execute `steps` in order within the connection's transaction; one `Done` per step."""
    if connection.dialect.name != "postgresql" or not Pipeline.is_supported():
        # SQLite; or a libpq older than 14 under psycopg, which has no pipeline mode.
        return [_run_one(connection, step) for step in steps]
    driver = connection.connection.driver_connection
    plans = [_plan(connection.dialect, step) for step in steps]
    cursors = [driver.cursor() for _ in steps]
    try:
        with driver.pipeline():
            for cursor, plan, step in zip(cursors, plans, steps, strict=True):
                cursor.execute(plan.sql, plan.bind(step.params or {}))
        return [_done(cursor, plan) for cursor, plan in zip(cursors, plans, strict=True)]
    except driver.Error as error:
        # As Connection.execute would raise it: callers (Database's retries) look for DBAPIError.
        raise DBAPIError.instance(
            None, None, error, type(driver).Error, dialect=connection.dialect
        ) from error
    finally:
        for cursor in cursors:
            cursor.close()


def _run_one(connection: Connection, step: Step) -> Done:
    result = connection.execute(step.statement, step.params)
    rows = [tuple(row) for row in result] if result.returns_rows else []
    return Done(rows, len(rows) if result.returns_rows else result.rowcount)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement compiled for PostgreSQL with one set of parameter names."""

    sql: str
    compiled: Compiled
    binds: dict[str, Processor]  # converters of the parameters that have one
    results: tuple[Processor | None, ...] | None  # per returned column; None: none converts
    returns: bool

    def bind(self, params: Params) -> dict[str, Any]:
        values = self.compiled.construct_params(dict(params))
        for name, convert in self.binds.items():
            if values.get(name) is not None:
                values[name] = convert(values[name])
        return values


# Statements are module constants, so this stays small; the entry keeps its statement alive,
# which keeps its id from being reused.
_PLANS: dict[tuple[int, str, frozenset[str]], tuple[Executable, _Plan]] = {}


def _plan(dialect: Dialect, step: Step) -> _Plan:
    names = frozenset(step.params or ())
    key = (id(step.statement), dialect.name, names)
    found = _PLANS.get(key)
    if found is not None:
        return found[1]
    # column_keys: the columns an INSERT or UPDATE without .values() sets, as execute infers them.
    compiled = step.statement.compile(dialect=dialect, column_keys=sorted(names))  # type: ignore[attr-defined]
    binds = {
        name: convert
        for name, bind in compiled.binds.items()
        if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    }
    # A SELECT's columns, or what an INSERT or UPDATE returns (none without RETURNING).
    columns = tuple(step.statement.exported_columns)  # type: ignore[attr-defined]
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    plan = _Plan(compiled.string, compiled, binds, results if any(results) else None, bool(columns))
    _PLANS[key] = (step.statement, plan)
    return plan


def _done(cursor: Any, plan: _Plan) -> Done:
    if not plan.returns:
        return Done([], cursor.rowcount)
    rows: list[tuple[Any, ...]] = cursor.fetchall()
    if plan.results is not None:
        converters = plan.results
        rows = [
            tuple(
                v if f is None or v is None else f(v) for f, v in zip(converters, row, strict=True)
            )
            for row in rows
        ]
    return Done(rows, len(rows))
