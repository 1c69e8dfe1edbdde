"""Fast construction of trusted result models.

``BaseModel.model_construct`` skips validation but still walks every field, its
aliases and defaults in Python: on the triage hot path that was the largest single
cost. :func:`trusted` returns a constructor that builds exactly what
``model_construct`` builds when *every* field is given as a keyword in declaration
order (the same ``__dict__``, fields-set, extra and private slots). It is a function
generated per class with one keyword parameter per field (a call with fewer falls back to
``model_construct``, an unknown keyword is a ``TypeError``); that the
engine passes the fields by name and in order is asserted by the tests, which compare
the ``repr`` of every result with its re-validated copy.

All instances built by one constructor share one fields-set (every field is set in
all of them). Pydantic never changes a model's fields-set in place except on a copy it
has just made (``model_copy`` copies the set first), and results are frozen, so
sharing is safe; it saves a set, and a container for the garbage collector to
traverse, per object: on batches of results the collector's passes cost more than
building the objects.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted"]

M = TypeVar("M", bound=BaseModel)

_MISSING: Any = object()  # a field not given (then model_construct fills in defaults)
_setattr = object.__setattr__
_new = object.__new__
# BaseModel's own slots, set through their descriptors: a third cheaper per object than
# object.__setattr__ by name (about 12 objects per triage)
_slot = BaseModel.__dict__
_set_fields_set = _slot["__pydantic_fields_set__"].__set__
_set_extra = _slot["__pydantic_extra__"].__set__
_set_private = _slot["__pydantic_private__"].__set__


def trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor of ``cls`` from trusted values (all fields, in declaration order)."""
    names = tuple(cls.model_fields)
    plain = (
        not cls.__pydantic_root_model__
        and cls.__pydantic_post_init__ is None
        and cls.model_config.get("extra") != "allow"
        and all(f.alias is None and f.validation_alias is None for f in cls.model_fields.values())
    )

    if not plain:
        return cls.model_construct
    fields_set = set(names)
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        return _by_dict(cls, fields_set)  # pragma: no cover - no result field is named so

    def fewer(values: dict[str, Any], unknown: dict[str, Any]) -> M:
        if unknown:  # a misspelt name must not build a wrong object silently
            raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
        return cls.model_construct(**{k: v for k, v in values.items() if v is not _MISSING})

    # one keyword parameter per field, in declaration order: Python binds the call's
    # keywords to them (no dict of keywords, no comparison of its keys with the fields)
    params = ", ".join(f"{n}=_M" for n in names)
    missing = " or ".join(f"{n} is _M" for n in names)
    body = ", ".join(f"{n!r}: {n}" for n in names)
    source = (
        f"def make(*, {params}, **unknown):\n"
        f"    if unknown or {missing}:\n"
        f"        return fewer({{{body}}}, unknown)\n"
        f"    m = _new(cls)\n"
        f"    _setattr(m, '__dict__', {{{body}}})\n"
        f"    _set_fields_set(m, fields_set)\n"
        f"    _set_extra(m, None)\n"
        f"    _set_private(m, None)\n"
        f"    return m\n"
    )
    scope: dict[str, Any] = {
        "_M": _MISSING,
        "_new": _new,
        "_setattr": _setattr,
        "_set_fields_set": _set_fields_set,
        "_set_extra": _set_extra,
        "_set_private": _set_private,
        "cls": cls,
        "fields_set": fields_set,
        "fewer": fewer,
    }
    exec(source, scope)  # the source is built from the model's field names only
    make: Callable[..., M] = scope["make"]
    make.__qualname__ = f"trusted({cls.__name__})"
    return make


def _by_dict(cls: type[M], fields_set: set[str]) -> Callable[..., M]:
    def make(**values: Any) -> M:
        if values.keys() != fields_set:
            unknown = values.keys() - fields_set
            if unknown:
                raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
            return cls.model_construct(**values)
        m = _new(cls)
        _setattr(m, "__dict__", values)
        _set_fields_set(m, fields_set)
        _set_extra(m, None)
        _set_private(m, None)
        return m

    return make
