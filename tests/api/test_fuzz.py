"""The service fuzzed from its own OpenAPI description (schemathesis): every operation, valid and
invalid inputs, every built-in check, on SQLite and PostgreSQL. No input may give a 5xx, a status
the description does not list, or an answer its schema does not describe; invalid input must be
refused and valid input accepted.

Bounded and derandomized, so a run is reproducible and fits the suite's time budget; the tally
of cases and failures by kind is printed (`-s`) for the record.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup

from leadrouter.keys import service as keys
from leadrouter.keys.schemas import KeyCreate, Scope
from leadrouter.store import Database

from .conftest import TUESDAY_3PM

EXAMPLES = 8  # per operation and mode
REVOKE = ("DELETE", "/v1/keys/{key_id}")
INT32_MAX = 2**31 - 1  # key ids are PostgreSQL integers
# Valid by the schema yet refused with a 422 for a reason a JSON Schema cannot state: what the
# text of a policy or CSV file says, references to stored reps, queues and pools, an id in the
# body that must match the path, a time zone's name, an absence's end after its start.
SEMANTIC_422 = [
    ("POST", "/v1/policies"),
    ("POST", "/v1/accounts/import"),
    ("PUT", "/v1/accounts/{account_id}"),
    ("POST", "/v1/pools"),
    ("PATCH", "/v1/pools/{pool_id}"),
    ("POST", "/v1/reps"),
    ("PATCH", "/v1/reps/{rep_id}"),
]
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@dataclass
class Tally:
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, where: str, detail: str) -> None:
        key = f"{kind} @ {where}"
        self.failures[key] += 1
        self.examples.setdefault(key, detail[:1500])

    def kinds(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for key, n in self.failures.items():
            counts[key.split(" @ ")[0]] += n
        return counts


def _config() -> SchemathesisConfig:
    operations = [
        {
            "include-method": method,
            "include-path": path,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
        }
        for method, path in SEMANTIC_422
    ]
    # Invalid input refused: schemathesis's list, plus 413 (a body over the size limit is refused
    # before it is read, e.g. a policy text longer than its maxLength).
    refused = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
    return SchemathesisConfig.from_dict(
        {
            "checks": {"negative_data_rejection": {"expected-statuses": refused}},
            "operations": operations,
        }
    )


def fuzz(
    client: TestClient, database: Database, examples: int = EXAMPLES, only: tuple[str, ...] = ()
) -> Tally:
    """Run every operation of the app's /openapi.json against it and tally what went wrong."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app, config=_config())
    headers = {"Authorization": client.headers["Authorization"]}
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        if only and f"{operation.method.upper()} {operation.path}" not in only:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with contextlib.suppress(Unsatisfiable):  # nothing there can be made invalid
                _run(operation, mode, headers, database, tally, examples)
    return tally


def _run(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    database: Database,
    tally: Tally,
    examples: int,
) -> None:
    where = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def one(case: Any) -> None:
        if (operation.method.upper(), operation.path) == REVOKE:
            # Never the admin key the run uses: a throwaway one, or an id that is not a number.
            value = str((case.path_parameters or {}).get("key_id"))
            if mode.is_positive or (value.isdigit() and 1 <= int(value) <= INT32_MAX):
                case.path_parameters = {"key_id": _throwaway_key(database)}
        tally.cases += 1
        try:
            case.call_and_validate(headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                tally.add(type(failure).__name__, where, _detail(failure, case))
        except Failure as failure:
            tally.add(type(failure).__name__, where, _detail(failure, case))
        except Exception as error:  # a server error the transport raised instead of answering
            tally.add(f"raised {type(error).__name__}", where, repr(error))

    one()


def _detail(failure: Failure, case: Any) -> str:
    status = getattr(failure, "status_code", "")
    return f"{failure.title} ({status}): {failure.message}\n{case.as_curl_command()}"


def _throwaway_key(database: Database) -> int:
    with database.session() as session:
        created = keys.create(
            session=session,
            key_in=KeyCreate(name=f"throwaway-{uuid.uuid4().hex[:12]}", scopes=[Scope.LEADS_READ]),
            actor="test",
            now=TUESDAY_3PM,
        )
        return created.id


def test_every_operation__no_server_error_and_answers_as_documented(
    seeded: TestClient, database: Database
) -> None:
    tally = fuzz(seeded, database)
    print(f"\n[{database.url.split(':')[0]}] cases={tally.cases} failures={dict(tally.kinds())}")
    for key, n in sorted(tally.failures.items()):
        print(f"  {n:4d}  {key}\n        {tally.examples[key][:400]!r}")
    assert not tally.failures, "\n".join(
        f"{k} x{n}: {tally.examples[k]}" for k, n in tally.failures.items()
    )
