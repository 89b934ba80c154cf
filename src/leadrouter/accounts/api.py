"""HTTP routes for accounts: list, put one, bulk import as JSON (a list) or CSV (`text/csv`,
the same columns as a workspace's accounts.csv)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from leadrouter.accounts import service
from leadrouter.accounts.schemas import AccountIn, AccountRead, ImportResult
from leadrouter.api.auth import ConfigRead, ConfigWrite, Svc
from leadrouter.api.limits import DuplicateKey, Limit, Offset, PathKey, loads_unique
from leadrouter.api.patch import invalid
from leadrouter.errors import FieldProblem, LeadValidationError

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
_many = TypeAdapter(list[AccountIn])


@router.get("")
def list_accounts(
    svc: Svc,
    _: ConfigRead,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[AccountRead]:
    with svc.db.read() as session:
        rows = service.list_(session=session, limit=limit, offset=offset)
        return [AccountRead.model_validate(r) for r in rows]


@router.get("/{account_id}")
def get_account(account_id: PathKey, svc: Svc, _: ConfigRead) -> AccountRead:
    with svc.db.read() as session:
        row = service.get_or_raise(session=session, account_id=account_id)
        return AccountRead.model_validate(row)


@router.put("/{account_id}")
def put_account(
    account_id: PathKey, account_in: AccountIn, svc: Svc, who: ConfigWrite
) -> AccountRead:
    if account_in.id != account_id:
        raise LeadValidationError([FieldProblem("body.id", "must match the id in the path")])
    now = svc.clock.now()
    with svc.db.session() as session:
        service.upsert(session=session, accounts=[account_in], actor=who.name, now=now)
        return AccountRead.model_validate(
            service.get_or_raise(session=session, account_id=account_id)
        )


@router.post(
    "/import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/AccountIn"}}
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_accounts(request: Request, svc: Svc, who: ConfigWrite) -> ImportResult:
    """Create or update many accounts in one transaction: all or none."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    problems: list[str] = []
    if kind == "text/csv":
        accounts, problems = service.parse_csv(_text(body))
    elif kind in ("application/json", ""):
        try:
            accounts = _many.validate_python(loads_unique(body))
        except ValidationError as error:
            raise invalid(error) from error
        except DuplicateKey as error:
            raise LeadValidationError(
                [FieldProblem(error.path, f"duplicate key '{error.key}'")]
            ) from error
        except ValueError as error:
            raise HTTPException(400, f"malformed JSON: {error}") from error
    else:
        raise HTTPException(415, "send application/json (a list of accounts) or text/csv")
    now = svc.clock.now()

    def store() -> ImportResult:
        with svc.db.session() as session:
            return service.upsert(session=session, accounts=accounts, actor=who.name, now=now)

    result = await run_in_threadpool(store)
    return result.model_copy(update={"problems": problems})


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LeadValidationError([FieldProblem("body", "the CSV is not UTF-8")]) from error
