"""Frozen values made cheap: the shared empty mapping, a fast copy, and a fast `__init__`.

Nothing in the `model` package does I/O, reads the clock or imports any other part of
leadrouter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from types import MappingProxyType
from typing import Any, TypeVar

EMPTY: Mapping[str, Any] = MappingProxyType({})
T = TypeVar("T")
_FACTORY = object()  # a parameter left to its default factory


def plain_dict(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """`mapping` as a new dict: a mapping proxy's copy() is its dict's, a tenth of dict(proxy),
    which reads it key by key (the engine and the codec do this for every lead)."""
    return mapping.copy() if type(mapping) is MappingProxyType else dict(mapping)


def quick_init(cls: type[T]) -> type[T]:
    """`cls`, a frozen slotted dataclass, with an `__init__` that stores its fields without the
    dataclass's `object.__setattr__` per field, which costs a call of its own for each: the
    routing loop builds a score of these values per lead. Same parameters, defaults and default
    factories; put it above `@dataclass`. A class it cannot serve as the dataclass would (a
    `__post_init__`, keyword-only or init=False fields, no slots) is refused.

    How: the new value briefly takes the class of a twin without the frozen `__setattr__`, where
    a plain assignment stores a field, then takes back its own class (Python allows `__class__`
    to change between classes of the same layout). A subclass's value that inherits this
    `__init__` has its fields stored through their slots, a call each."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"quick_init: {cls.__qualname__} is not a frozen slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__qualname__} has a __post_init__")
    # Helpers by names no field takes ("type" is one: `Account.type`).
    names: dict[str, Any] = {"_FACTORY": _FACTORY, "_cls": cls, "_type": type}
    names["_become"] = object.__setattr__
    parameters, by_slot, assigned = [], [], []
    for f in fields(cls):
        if not f.init or f.kw_only:
            raise TypeError(f"quick_init: {cls.__qualname__}.{f.name} is not a plain parameter")
        slot = next(k.__dict__[f.name] for k in cls.__mro__ if f.name in k.__dict__)
        names[f"_set_{f.name}"] = slot.__set__
        value = f.name
        if f.default is not MISSING:
            names[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            parameters.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            parameters.append(f.name)
        by_slot.append(f"_set_{f.name}(self, {value})")
        assigned.append(f"self.{f.name} = {value}")
    body = ["    " + line for line in by_slot or ["pass"]]
    twin = _twin(cls)
    if twin is not None:
        names["_Twin"] = twin
        body = [
            "    if _type(self) is _cls:",
            '        _become(self, "__class__", _Twin)',
            *("        " + line for line in assigned),
            "        self.__class__ = _cls",
            "    else:",
            *("    " + line for line in body),
        ]
    source = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body)
    exec(source, names)  # from the field names alone, as dataclasses does
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return cls


def _twin(cls: type) -> type | None:
    """A subclass of `cls` adding no slots and no frozen `__setattr__`, that a value of `cls` may
    turn into and back; None should Python not allow it. Its slots are those of `cls`, so Python
    finds the two alike at once (as it would not a class with equal slots of its own)."""
    twin = type(
        f"_{cls.__name__}Twin",
        (cls,),
        {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__},
    )
    probe = object.__new__(cls)
    try:
        object.__setattr__(probe, "__class__", twin)
        probe.__class__ = cls
    except TypeError:
        return None
    return twin
