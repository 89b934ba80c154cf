"""Partial updates (PATCH) validated by the create model: one set of rules, not two.

`patch_model(Create)` is the update request's shape: the create model's fields, each optional and
none of them nullable unless the create model allows null, so an explicit `null` for a required
field is a 422 naming it (and the OpenAPI description says so). `apply_patch` merges an update
into the stored values and validates the result with the create model itself, so every rule of
creation (lengths, ranges, cross-field rules such as "when_full queue needs a target") holds
after any update too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from leadrouter.errors import FieldProblem, LeadValidationError

CreateT = TypeVar("CreateT", bound=BaseModel)


def patch_model(create: type[BaseModel], name: str, *, fixed: frozenset[str]) -> type[BaseModel]:
    """The update model of `create`: its fields but those in `fixed` (ids), all optional."""
    fields: dict[str, Any] = {}
    for field_name, info in create.model_fields.items():
        if field_name in fixed:
            continue
        optional = FieldInfo.merge_field_infos(info, default=None)
        # Absent means "unchanged"; the default is never validated, so `null` stays refused
        # for a field whose type does not admit it.
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    model = create_model(  # type: ignore[call-overload]
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra=_no_defaults),
        __doc__=f"Fields of {create.__name__} to change; absent fields stay as they are.",
        **fields,
    )
    return model  # type: ignore[no-any-return]


def _no_defaults(schema: dict[str, Any]) -> None:
    # A PATCH field's default is "unchanged", not null: do not advertise null as a value.
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


def apply_patch(
    create: type[CreateT], current: dict[str, Any], patch: BaseModel
) -> tuple[CreateT, dict[str, Any]]:
    """Validate `current` with the fields of `patch` applied as a whole `create` request;
    returns it and the changed fields' stored (JSON) values. Raises LeadValidationError."""
    changed = patch.model_fields_set
    values = {k: v for k, v in current.items() if k in create.model_fields}
    values.update(patch.model_dump(include=changed))
    try:
        merged = create.model_validate(values)
    except ValidationError as error:
        raise invalid(error) from error
    stored = merged.model_dump(mode="json")
    return merged, {k: stored[k] for k in changed}


def invalid(error: ValidationError, prefix: str = "body") -> LeadValidationError:
    """A pydantic error as the API's field problems, each path starting at `prefix`."""
    return LeadValidationError(
        [
            FieldProblem(
                prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]),
                e["msg"],
            )
            for e in error.errors()
        ]
    )
