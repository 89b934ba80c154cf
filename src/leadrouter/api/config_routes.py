"""The HTTP routes every configuration table has (reps, pools, queues): list, get one, create,
change (PATCH), each in one transaction, each answering the table's read model.

A domain's `api.py` passes its service functions and its models; the routes keep the names they
would have written by hand (`list_reps`, `get_rep`, path parameter `rep_id`), so the API's
description is the same. Any other route of a domain stays explicit in its own `api.py`.
"""

# No `from __future__ import annotations`: FastAPI reads these handlers' annotations, which
# name the domain's models held in the closure, so they must be evaluated where defined.

from types import ModuleType

from fastapi import APIRouter, status
from pydantic import BaseModel

from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import path_key


def add_config_routes(
    router: APIRouter,
    name: str,
    service: ModuleType,
    models: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    *,
    get_one: bool = True,
) -> None:
    """Add the routes of the table whose rows are `name`s ("rep") to `router`; `models` are its
    read, create and update models; `get_one` False: no route for one row. `service` has the
    house signatures: `list_(session=)`, `get_or_raise(session=, <name>_id=)`, `read(session=,
    row=)`, `create(session=, <name>_in=, actor=, now=)` and `update(session=, <name>_id=,
    <name>_in=, actor=, now=)`."""
    read_model, create_model, update_model = models
    key = path_key(f"{name}_id")
    key_arg, body_arg = f"{name}_id", f"{name}_in"

    def list_rows(svc: Svc, _: ConfigRead) -> list[read_model]:  # type: ignore[valid-type]
        with svc.db.read() as session:
            rows = service.list_(session=session)
            return [service.read(session=session, row=row) for row in rows]

    router.add_api_route("", list_rows, methods=["GET"], name=f"list_{name}s")

    if get_one:

        def get_row(row_id: key, svc: Svc, _: ConfigRead) -> read_model:  # type: ignore[valid-type]
            with svc.db.read() as session:
                row = service.get_or_raise(session=session, **{key_arg: row_id})
                return service.read(session=session, row=row)

        router.add_api_route(f"/{{{name}_id}}", get_row, methods=["GET"], name=f"get_{name}")

    def create_row(body: create_model, svc: Svc, who: ConfigWrite) -> read_model:  # type: ignore[valid-type]
        now = svc.clock.now()
        with svc.db.session() as session:
            row = service.create(session=session, **{body_arg: body}, actor=who.name, now=now)
            return service.read(session=session, row=row)

    router.add_api_route(
        "",
        create_row,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        name=f"create_{name}",
    )

    def update_row(row_id: key, body: update_model, svc: Svc, who: ConfigWrite) -> read_model:  # type: ignore[valid-type]
        now = svc.clock.now()
        with svc.db.session() as session:
            change = {key_arg: row_id, body_arg: body}
            row = service.update(session=session, **change, actor=who.name, now=now)
            return service.read(session=session, row=row)

    router.add_api_route(f"/{{{name}_id}}", update_row, methods=["PATCH"], name=f"update_{name}")
